/**
 * The `mtc` command and its start-up snapshot (scripts/mtc.sh,
 * scripts/snapshot.cjs, scripts/launcher.cjs), run as a user runs them: the
 * shell command through an npm-style symlink, in a copy of the package made
 * for each case, with its own XDG_CACHE_HOME (so no case sees another's
 * snapshot, and the user's cache is never touched).
 *
 * MTC_DEBUG_START=1 makes mtc say on standard error how it started; every
 * case asserts it, so a snapshot that silently stopped being used fails here.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const FROM_SNAPSHOT = 'mtc: start: from the snapshot';
const LAUNCHER = 'mtc: start: the launcher';
const BUILDS = `${LAUNCHER} (code cache: none yet; snapshot: to build after this run)`;
const DOES_NOT_FIT = 'mtc: start: the snapshot does not fit';

interface Install {
  root: string;
  pkg: string;
  bin: string;
  xdg: string;
}

/** A package as npm installs it: package.json, data, dist/ (the bundle copied), node_modules, and .bin/mtc a relative symlink. */
function install(root = mkdtempSync(join(tmpdir(), 'mtc-snap-')), name = 'mtc'): Install {
  const pkg = join(root, 'node_modules', name);
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  for (const f of ['package.json', 'catalog', 'schema', 'grammar']) cpSync(join(repo, f), join(pkg, f), { recursive: true });
  for (const f of readdirSync(join(repo, 'dist'))) if (f !== 'bundle') symlinkSync(join(repo, 'dist', f), join(pkg, 'dist', f));
  cpSync(join(repo, 'dist', 'bundle'), join(pkg, 'dist', 'bundle'), { recursive: true, filter: (src) => !src.includes('.cache') });
  symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'));
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  if (!existsSync(join(root, 'node_modules', '.bin', 'mtc'))) symlinkSync(`../${name}/dist/bundle/mtc.js`, join(root, 'node_modules', '.bin', 'mtc'));
  return { root, pkg, bin: join(root, 'node_modules', '.bin', 'mtc'), xdg: join(root, 'xdg') };
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(inst: Install, args: string[], opts: { env?: Record<string, string | undefined>; input?: string; bin?: string } = {}): Result {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', MTC_DEBUG_START: '1', XDG_CACHE_HOME: inst.xdg, NODE_OPTIONS: undefined, ...opts.env })) if (v !== undefined) env[k] = v;
  const r = spawnSync(opts.bin ?? inst.bin, args, { cwd: repo, env, input: opts.input ?? '', encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command through `node dist/bundle/mtc.js` of the repository: what the snapshot must reproduce. */
function reference(args: string[], input = ''): Result {
  const r = spawnSync(process.execPath, [join(repo, 'dist', 'bundle', 'mtc.js'), ...args], { cwd: repo, env: { ...process.env, NO_COLOR: '1', MTC_DEBUG_START: '0' }, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file of the snapshot cache, relative to it. */
function cacheFiles(inst: Install): string[] {
  const dir = join(inst.xdg, 'mtc', 'start');
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => /(^|\/)(snapshot|stamp|failed)[^/]*$/.test(f)).sort() : [];
}
const snapshots = (inst: Install) => cacheFiles(inst).filter((f) => f.endsWith('/snapshot'));
const withoutTrace = (s: string) => s.replace(/^mtc: start: .*\n/m, '');

describe('the mtc command and its start-up snapshot', () => {
  it('the first run builds the snapshot; the next ones start from it and print what the launcher prints', () => {
    const inst = install();
    const first = run(inst, ['check', 'rules/']);
    expect(first.stderr).toContain(BUILDS);
    expect(first.code).toBe(0);
    // One directory per command path and node path: .../start/<command>/<node>/{snapshot,stamp}.
    const node = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim();
    expect(cacheFiles(inst)).toEqual([`${inst.bin}${node}/snapshot`.slice(1), `${inst.bin}${node}/stamp`.slice(1)]);

    const bad = 'machine virt-9.9 { hide ; tolerate NOPE_EL1; }\n';
    const cases: Array<[string[], string]> = [
      [['check', 'rules/'], ''],
      [['check', 'rules/', '-f', 'json'], ''],
      [['check', 'rules/', '-f', 'sarif'], ''],
      [['check', '-', '--stdin-filename', 'rules/x.mtc'], bad],
      [['check', '-f', 'github', '-'], bad],
      [['--version'], ''],
      [['--help'], ''],
      [['check', '--no-such-option'], ''],
      [['explain', 'MTC2001'], ''],
      [['decode', 'TCR2_EL1'], ''],
      [['fmt', '-'], 'machine   virt-10.1 ;\n'],
      [['simulate', '--help'], ''],
    ];
    for (const [args, input] of cases) {
      const r = run(inst, args, { input });
      const ref = reference(args, input);
      expect(r.stderr.split('\n')[0], args.join(' ')).toBe(FROM_SNAPSHOT);
      expect(r.code, args.join(' ')).toBe(ref.code);
      expect(r.stdout, args.join(' ')).toBe(ref.stdout);
      expect(withoutTrace(r.stderr), args.join(' ')).toBe(ref.stderr);
    }
  });

  it('builds from the snapshot write what the launcher writes', () => {
    const inst = install();
    run(inst, ['--version']);
    const a = run(inst, ['build', 'rules/', '--out', join(inst.root, 'out-snapshot')]);
    expect(a.stderr).toContain(FROM_SNAPSHOT);
    expect(a.code).toBe(0);
    const b = reference(['build', 'rules/', '--out', join(inst.root, 'out-launcher')]);
    expect(b.code).toBe(0);
    const files = readdirSync(join(inst.root, 'out-launcher'), { recursive: true }).map(String).sort();
    expect(readdirSync(join(inst.root, 'out-snapshot'), { recursive: true }).map(String).sort()).toEqual(files);
    for (const f of files) if (f.includes('.')) expect(readFileSync(join(inst.root, 'out-snapshot', f), 'utf8'), f).toBe(readFileSync(join(inst.root, 'out-launcher', f), 'utf8'));
  });

  it('passes arguments through unchanged: spaces, a leading dash after --, mtc\'s own --version', () => {
    const inst = install();
    run(inst, ['--version']);
    const dir = join(inst.root, 'a dir with spaces');
    mkdirSync(dir);
    writeFileSync(join(dir, '--odd name.mtc'), 'machine virt-10.1 { hide ; }\n');
    const r = run(inst, ['check', '--', join(dir, '--odd name.mtc')]);
    expect(r.stderr).toContain(FROM_SNAPSHOT);
    expect(r.stderr).toContain('--odd name.mtc:1:');
    expect(r.code).toBe(1);
    // node would print its own version for a --version before the script.
    expect(run(inst, ['--version']).stdout.trim()).toBe(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version);
  });

  it('the command is node itself (exec): a signal sent to it ends mtc', async () => {
    const inst = install();
    run(inst, ['--version']);
    const child = spawn(inst.bin, ['check', '-'], { cwd: repo, env: { ...process.env, MTC_DEBUG_START: '1', NODE_OPTIONS: '', XDG_CACHE_HOME: inst.xdg }, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (err.includes(FROM_SNAPSHOT)) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('--snapshot-blob');
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, sig) => resolve([c, sig])));
    expect(signal ?? code).toBe('SIGTERM');
  });

  it('runs without a snapshot, and builds none, with NODE_OPTIONS, MTC_NO_SNAPSHOT=1 or no cache directory', () => {
    const inst = install();
    const a = run(inst, ['check', 'rules/'], { env: { NODE_OPTIONS: '--no-warnings' } });
    expect(a.stderr).toContain(`${LAUNCHER} (code cache: none yet; snapshot: none)`);
    expect(a.code).toBe(0);
    const b = run(inst, ['check', 'rules/'], { env: { MTC_NO_SNAPSHOT: '1' } });
    expect(b.stderr).toContain(`${LAUNCHER} (code cache: used; snapshot: none)`);
    const c = run(inst, ['check', 'rules/'], { env: { XDG_CACHE_HOME: 'relative/dir', HOME: undefined } });
    expect(c.stderr).toContain(`${LAUNCHER} (code cache: used; snapshot: none)`);
    expect(c.code).toBe(0);
    expect(cacheFiles(inst)).toEqual([]);
    // A cache path that cannot be made (a file where a directory would be): the run is unaffected.
    mkdirSync(inst.xdg);
    writeFileSync(join(inst.xdg, 'mtc'), 'not a directory\n');
    const d = run(inst, ['check', 'rules/']);
    expect(d.stderr).toContain(BUILDS.replace('none yet', 'used'));
    expect(d.code).toBe(0);
  });

  it('a changed data file is read again: the snapshot does not fit, and is rebuilt', () => {
    const inst = install();
    run(inst, ['--version']);
    expect(run(inst, ['decode', 'TCR2_EL1']).stderr).toContain(FROM_SNAPSHOT);
    // The catalog the snapshot holds, rewritten with one register renamed.
    const file = join(inst.pkg, 'catalog', 'builtin.json');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"TCR2_EL1"');
    writeFileSync(`${file}.new`, text.replace('"TCR2_EL1"', '"TCR2_RENAMED_EL1"'));
    renameSync(`${file}.new`, file);
    const r = run(inst, ['decode', 'TCR2_RENAMED_EL1']);
    expect(r.stderr).toContain(`${DOES_NOT_FIT} (node, mtc or its data changed): running the launcher`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0x603000000013c103');
    const again = run(inst, ['decode', 'TCR2_RENAMED_EL1']);
    expect(again.stderr).toContain(FROM_SNAPSHOT);
    expect(again.stdout).toBe(r.stdout);
    expect(snapshots(inst)).toHaveLength(1);
  });

  it('an updated bundle, or a command that now leads to another install, is never run from the old snapshot', () => {
    const inst = install();
    run(inst, ['--version']);
    // An update: the bundle is replaced (another inode, size or time).
    const bundle = join(inst.pkg, 'dist', 'bundle', 'mtc-cli.cjs');
    writeFileSync(`${bundle}.new`, readFileSync(bundle));
    renameSync(`${bundle}.new`, bundle);
    const r = run(inst, ['--version']);
    expect(r.stderr).toContain(`${DOES_NOT_FIT} (node, mtc or its data changed)`);
    expect(run(inst, ['--version']).stderr).toContain(FROM_SNAPSHOT);
    // The same command path, now a link to another copy of mtc.
    install(inst.root, 'mtc-other');
    rmSync(inst.bin);
    symlinkSync('../mtc-other/dist/bundle/mtc.js', inst.bin);
    const o = run(inst, ['check', 'rules/']);
    expect(o.stderr).toContain(`${DOES_NOT_FIT} (the command leads to another install)`);
    expect(o.code).toBe(0);
    expect(run(inst, ['check', 'rules/']).stderr).toContain(FROM_SNAPSHOT);
    // A moved tree: another command path, another snapshot.
    const moved = `${inst.root}-moved`;
    renameSync(inst.root, moved);
    const m = run({ ...inst, xdg: join(moved, 'xdg') }, ['check', 'rules/'], { bin: join(moved, 'node_modules', '.bin', 'mtc') });
    expect(m.stderr).toMatch(/^mtc: start: the launcher \(code cache: [a-z ]+; snapshot: to build after this run\)$/m);
    expect(m.code).toBe(0);
  });

  it('a node binary that changed (an upgrade) gets a new snapshot; one whose time cannot be copied gets none', () => {
    const inst = install();
    const bin = join(inst.root, 'bin');
    mkdirSync(bin);
    copyFileSync(process.execPath, join(bin, 'node'));
    utimesSync(join(bin, 'node'), new Date(), new Date('2026-01-01T00:00:00Z'));
    const PATH = `${bin}:${process.env.PATH}`;
    expect(run(inst, ['--version'], { env: { PATH } }).stderr).toContain(BUILDS);
    expect(run(inst, ['--version'], { env: { PATH } }).stderr).toContain(FROM_SNAPSHOT);
    expect(cacheFiles(inst).filter((f) => f.includes(`${bin}/node/`.slice(1)))).toHaveLength(2);
    // "Upgraded": another modification time. mtc.sh sees the stamp differ and never hands node the old snapshot.
    utimesSync(join(bin, 'node'), new Date(), new Date('2026-02-01T00:00:00Z'));
    expect(run(inst, ['--version'], { env: { PATH } }).stderr).toContain(`${LAUNCHER} (code cache: used; snapshot: to build after this run)`);
    expect(run(inst, ['--version'], { env: { PATH } }).stderr).toContain(FROM_SNAPSHOT);
    // A time with nanoseconds the stamp cannot be given exactly: no snapshot, said once in `failed`.
    spawnSync('touch', ['-d', '2026-03-01 00:00:00.123456789', join(bin, 'node')]);
    const r = run(inst, ['check', 'rules/'], { env: { PATH } });
    expect(r.code).toBe(0);
    const failed = cacheFiles(inst).find((f) => f.endsWith('/failed'))!;
    expect(readFileSync(join(inst.xdg, 'mtc', 'start', failed), 'utf8')).toContain('has a precision that cannot be copied to the stamp file');
    expect(run(inst, ['check', 'rules/'], { env: { PATH } }).stderr).toContain('mtc: start: no snapshot: building one failed with this node and mtc');
  });

  it('a node on PATH that is a wrapper (a version manager\'s shim) gets no snapshot, and mtc runs as before', () => {
    const inst = install();
    const bin = join(inst.root, 'shims');
    mkdirSync(bin);
    // A shim keeps its own modification time when the node behind it is upgraded: the stamp could not tell.
    writeFileSync(join(bin, 'node'), `#!/bin/sh\nexec "${process.execPath}" "$@"\n`, { mode: 0o755 });
    const PATH = `${bin}:${process.env.PATH}`;
    const a = run(inst, ['check', 'rules/'], { env: { PATH } });
    expect(a.stderr).toContain(BUILDS);
    expect(a.code).toBe(0);
    expect(snapshots(inst)).toEqual([]);
    const failed = cacheFiles(inst).find((f) => f.endsWith('/failed'))!;
    expect(readFileSync(join(inst.xdg, 'mtc', 'start', failed), 'utf8')).toContain("a wrapper or a version manager's shim");
    const b = run(inst, ['check', 'rules/'], { env: { PATH } });
    expect(b.stderr).toContain('mtc: start: no snapshot: building one failed with this node and mtc');
    expect(b.code).toBe(0);
    expect(withoutTrace(withoutTrace(b.stderr))).toBe(reference(['check', 'rules/']).stderr);
  });

  it('where the snapshot cannot be built, mtc says why in a `failed` file and does not try again with the same node and mtc', () => {
    const inst = install();
    writeFileSync(join(inst.pkg, 'dist', 'bundle', 'mtc-snapshot.cjs'), "throw new Error('no snapshot here');\n");
    const a = run(inst, ['check', 'rules/']);
    expect(a.code).toBe(0);
    expect(snapshots(inst)).toEqual([]);
    const failed = cacheFiles(inst).filter((f) => f.endsWith('/failed'));
    expect(failed).toHaveLength(1);
    expect(readFileSync(join(inst.xdg, 'mtc', 'start', failed[0]!), 'utf8')).toContain('no snapshot here');
    const b = run(inst, ['check', 'rules/']);
    expect(b.stderr).toContain('mtc: start: no snapshot: building one failed with this node and mtc');
    expect(b.code).toBe(0);
  });

  it('first runs in parallel leave one snapshot and no temporary file', async () => {
    const inst = install();
    const runs = Array.from({ length: 4 }, () =>
      new Promise<number | null>((resolve) => {
        const c = spawn(inst.bin, ['check', 'rules/'], { cwd: repo, env: { ...process.env, NODE_OPTIONS: '', XDG_CACHE_HOME: inst.xdg }, stdio: 'ignore' });
        c.on('exit', (code) => resolve(code));
      }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
    expect(snapshots(inst)).toHaveLength(1);
    expect(cacheFiles(inst).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(run(inst, ['check', 'rules/']).stderr).toContain(FROM_SNAPSHOT);
  });

  it('the snapshot builder refuses a warm-up that lists or opens files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-snap-guard-'));
    cpSync(join(repo, 'dist', 'bundle', 'mtc-snapshot.cjs'), join(dir, 'mtc-snapshot.cjs'));
    writeFileSync(join(dir, 'mtc-cli.cjs'), "exports.warmUp = async () => { require('node:fs').readdirSync('/'); return 'error['; };\n");
    const r = spawnSync(process.execPath, ['--snapshot-blob', join(dir, 'x.blob'), '--build-snapshot', join(dir, 'mtc-snapshot.cjs')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the warm-up called fs.readdirSync(/): only the shipped data files may be read');
    rmSync(dir, { recursive: true, force: true });
  });
});
