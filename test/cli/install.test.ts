/**
 * Installing mtc as README says, from the release tarball `npm pack` makes:
 * into a temporary global prefix, with an empty npm cache and --offline, so
 * it proves the tarball needs no registry (it bundles its runtime
 * dependencies: package.json `bundleDependencies`). Then the installed `mtc`
 * runs from another directory: --version, and check on the shipped rules.
 *
 * `npm pack --ignore-scripts`: dist/ is already built (vitest's global setup
 * rebuilds it when src/ is newer), and the `prepare` build must not rewrite
 * dist/ under the tests that run the CLI in parallel.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = process.cwd();
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; bundleDependencies: string[] };

// The start-up snapshots of this temporary install go to a temporary cache, not the user's.
const xdg = mkdtempSync(join(tmpdir(), 'mtc-install-cache-'));

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: xdg, ...env } });
  return { code: r.status, out: (r.stdout ?? '') + (r.stderr ?? ''), stdout: r.stdout ?? '' };
}

describe('install from the packed tarball into a temporary prefix, offline', () => {
  let work: string;
  let mtc: string;
  let tgz: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mtc-install-'));
    const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], repo);
    expect(pack.code, pack.out).toBe(0);
    tgz = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    expect(tgz.endsWith(`${pkg.name}-${pkg.version}.tgz`)).toBe(true);
    // An empty cache and --offline: nothing may come from the registry.
    const npmEnv = { npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
    const install = run('npm', ['install', '--global', '--prefix', join(work, 'prefix'), '--offline', '--no-audit', '--no-fund', tgz], work, npmEnv);
    expect(install.code, install.out).toBe(0);
    mtc = join(work, 'prefix', 'bin', 'mtc');
  });

  it('the tarball bundles every runtime dependency', () => {
    expect([...pkg.bundleDependencies].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    const list = run('tar', ['tzf', tgz], work).stdout.split('\n');
    for (const dep of pkg.bundleDependencies) expect(list, dep).toContain(`package/node_modules/${dep}/package.json`);
    expect(list).toContain('package/dist/bundle/mtc.js');
    expect(list).toContain('package/dist/bundle/mtc-snapshot.cjs');
    // A code cache or start-up snapshot made on the packing machine is not shipped.
    expect(list.filter((f) => f.includes('/.cache/'))).toEqual([]);
    expect(list).toContain('package/catalog/builtin.json');
  });

  it('the installed mtc is the one in the prefix, and says its version', () => {
    expect(realpathSync(mtc)).toBe(join(realpathSync(work), 'prefix', 'lib', 'node_modules', 'mtc', 'dist', 'bundle', 'mtc.js'));
    const r = run(mtc, ['--version'], work);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('checks the shipped rules from another directory, started from the snapshot its first run built', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'mtc-elsewhere-'));
    const r = run(mtc, ['check', join(repo, 'rules')], elsewhere, { MTC_DEBUG_START: '1' });
    expect(r.out).toContain('2 files checked: 0 errors, 0 warnings');
    expect(r.out).toContain('mtc: start: from the snapshot');
    expect(r.code).toBe(0);
  });

  it('the commands that load data files or Prettier work from the install', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'mtc-elsewhere-'));
    expect(run(mtc, ['decode', 'TCR2_EL1'], elsewhere).stdout).toContain('0x603000000013c103');
    expect(run(mtc, ['explain', 'MTC2001'], elsewhere).stdout).toContain('MTC2001 unknown-register');
    const fmt = spawnSync(mtc, ['fmt', '-'], { cwd: elsewhere, input: 'machine   virt-10.1;\n', encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg } });
    expect(fmt.stdout).toBe('machine virt-10.1;\n');
    const build = run(mtc, ['build', join(repo, 'rules'), '--out', join(elsewhere, 'out')], elsewhere);
    expect(build.code, build.out).toBe(0);
    const sim = run(mtc, ['simulate', '--build', join(elsewhere, 'out', 'mtc-build.json'), '--machine', 'virt-10.1', '--policy', join(repo, 'examples', 'policy.yaml')], elsewhere);
    expect(sim.out).toContain('policy: passed');
  });
});
