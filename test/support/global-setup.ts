/**
 * Runs once before the whole suite: makes sure `dist/` (the bundled CLI that
 * tests run as users do, and the compiled Prettier plugin) is built from the
 * current sources. `npm ci` builds it (the `prepare` script) and CI runs the
 * suite right after, so this usually finds it fresh and does nothing; after
 * an edit it rebuilds once, here, where no test or hook timeout applies,
 * instead of in a test's `beforeAll`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function newest(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

export function distIsStale(): boolean {
  const built = Math.min(...['mtc.js', 'mtc-snapshot.cjs'].map((f) => newest(join(root, 'dist', 'bundle', f))), newest(join(root, 'dist', 'format', 'plugin.js')));
  if (built === 0) return true;
  const inputs = ['src', 'scripts/bundle.mjs', 'scripts/launcher.cjs', 'scripts/snapshot.cjs', 'scripts/mtc.sh', 'package.json', 'tsconfig.json', 'tsconfig.build.json'].map((p) => newest(join(root, p)));
  return Math.max(...inputs) > built;
}

export default function setup(): void {
  if (!distIsStale()) return;
  process.stderr.write('global setup: dist/ is older than src/, running `npm run build`\n');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
}
