import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { runDiff, type DiffOptions, type DiffResult } from '../../src/review/diff.js';

export const fixtures = fileURLToPath(new URL('../fixtures/review/', import.meta.url));
export const hostsDir = join(fixtures, 'hosts');

/** Runs a diff between the base and head trees of a fixture case, from the fixtures directory (stable relative paths). */
export function diffCase(name: string, extra: Partial<DiffOptions> = {}): DiffResult {
  return runDiff({
    cwd: fixtures,
    baseDir: `cases/${name}/base`,
    headDir: `cases/${name}/head`,
    hosts: [hostsDir],
    catalog: loadBuiltinCatalog(),
    ...extra,
  });
}

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it. */
export function golden(rel: string, actual: string): { expected: string; actual: string } {
  const path = join(fixtures, rel);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.UPDATE_GOLDEN !== '1' && process.env.CI) throw new Error(`missing golden file ${rel}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  return { expected: readFileSync(path, 'utf8'), actual };
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'mtc test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'mtc test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  });
}
