// The real QEMU source trees of ../shared/qemu/ in a cache outside the
// repository: unpacked, made buildable, configured with the tree's own build
// (meson + ninja), and used to apply mtc's patches, compile the objects they
// touch, run the tree's scripts/checkpatch.pl and build qemu-system-aarch64.
// Used by the tests (test/qemu-tree, test/qemu), `npm run test:qemu` and
// `npm run qemu-profiles`. Everything is cached and reused between runs; a
// lock per tree serialises users of one tree. Nothing of QEMU is copied into
// the project: the fix-ups below are our own edits of the `+ds` repack (see
// ../shared/domain.md §7) and Debian's own patches from the .debian.tar.xz.
//
// Environment: MTC_QEMU_CACHE (default ~/.cache/mtc-qemu), MTC_QEMU_SOURCES
// (default ../shared/qemu next to the checkout), MTC_QEMU_JOBS (ninja -j, default 2).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..');

/** The trees this project is tested against, with what each needs to build on Debian bookworm. */
export const TREES = [
  {
    version: '10.0.13',
    orig: 'qemu_10.0.13+ds.orig.tar.xz',
    debian: 'qemu_10.0.13+ds-0+deb13u1.debian.tar.xz',
    debianPatches: ['disable-pycotap.patch', 'skip-unpack-edk2-blobs.patch'],
    fixups: [],
  },
  {
    version: '10.2.2',
    orig: 'qemu_10.2.2+ds.orig.tar.xz',
    debian: 'qemu_10.2.2+ds-1.debian.tar.xz',
    debianPatches: ['disable-pycotap.patch', 'skip-unpack-edk2-blobs.patch', 'skip-install-dtb.patch'],
    // The minimal aarch64 device set leaves hw/cxl/cxl-host.c out, but hw/acpi/cxl.c still calls this.
    fixups: ['cxl-stub'],
  },
  {
    version: '11.1.1',
    orig: 'qemu_11.1.1+ds.orig.tar.xz',
    debian: null,
    debianPatches: [],
    // No Debian part: the same edits as Debian's patches, by hand, plus the [tooling] group.
    fixups: ['pythondeps', 'skip-edk2', 'skip-dtb'],
  },
];

export const CONFIGURE_FLAGS = [
  '--python=/usr/bin/python3',
  '--target-list=aarch64-softmmu,x86_64-softmmu',
  '--disable-docs',
  '--disable-werror',
  '--disable-download',
  '--disable-install-blobs',
  '--without-default-features',
  '--without-default-devices',
  '--with-devices-aarch64=minimal',
  '--with-devices-x86_64=mtc',
];

/** configs/devices/x86_64-softmmu/mtc.mak: the two PC boards whose machine types mtc patches, nothing else. */
const X86_DEVICES = '# mtc test harness: only the PC boards whose machine types mtc patches.\nCONFIG_Q35=y\nCONFIG_I440FX=y\n';

/** What to install when a tool is missing (Debian bookworm; `.ci/run` does it). */
export const INSTALL_HINT =
  'install the QEMU build dependencies: apt-get install ninja-build python3-venv libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev flex bison pkg-config python3-setuptools python3-wheel python3-pip xz-utils git perl, and meson >= 1.5 from bookworm-backports (apt-get install -t bookworm-backports meson); .ci/run does all of this';

export function cacheDir() {
  return process.env.MTC_QEMU_CACHE || path.join(os.homedir(), '.cache', 'mtc-qemu');
}

export function sourcesDir() {
  return process.env.MTC_QEMU_SOURCES || path.resolve(repoRoot, '..', 'shared', 'qemu');
}

export class MissingToolError extends Error {}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) {
    if (r.error.code === 'ENOENT') throw new MissingToolError(`${cmd} is not installed: ${INSTALL_HINT}`);
    throw r.error;
  }
  return r;
}

function must(cmd, args, opts = {}) {
  const r = run(cmd, args, opts);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}) in ${opts.cwd ?? process.cwd()}:\n${out}`);
  }
  return r;
}

/** Checks the tools the harness needs; throws MissingToolError naming what to install. */
export function checkTools() {
  const missing = [];
  for (const [tool, args] of [
    ['tar', ['--version']],
    ['xz', ['--version']],
    ['git', ['--version']],
    ['perl', ['-v']],
    ['ninja', ['--version']],
    ['cc', ['--version']],
    ['pkg-config', ['--version']],
    ['flex', ['--version']],
    ['bison', ['--version']],
  ]) {
    const r = spawnSync(tool, args, { encoding: 'utf8' });
    if (r.error || r.status !== 0) missing.push(tool);
  }
  const meson = spawnSync('/usr/bin/python3', ['-c', 'import mesonbuild.coredata as c; print(c.version)'], { encoding: 'utf8' });
  const mv = meson.status === 0 ? meson.stdout.trim() : '';
  const [maj = 0, min = 0] = mv.split('.').map(Number);
  if (!mv || maj < 1 || (maj === 1 && min < 5)) missing.push(`meson >= 1.5 for /usr/bin/python3 (found ${mv || 'none'})`);
  const glib = spawnSync('pkg-config', ['--exists', 'glib-2.0', 'pixman-1', 'zlib'], { encoding: 'utf8' });
  if (glib.status !== 0) missing.push('libglib2.0-dev libpixman-1-dev zlib1g-dev (pkg-config cannot find them)');
  if (missing.length > 0) throw new MissingToolError(`missing: ${missing.join(', ')}. To fix: ${INSTALL_HINT}`);
}

function treeInfo(version) {
  const t = TREES.find((x) => x.version === version);
  if (!t) throw new Error(`unknown QEMU tree ${version}; known: ${TREES.map((x) => x.version).join(', ')}`);
  return t;
}

export function treePaths(version) {
  const base = path.join(cacheDir(), 'trees', version);
  return { base, tree: path.join(base, 'qemu'), build: path.join(base, 'build'), bin: path.join(base, 'bin'), lock: `${base}.lock` };
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * Runs fn with the tree's lock held (a directory made atomically, with the
 * owner's pid inside; a lock whose owner is gone is taken over).
 */
export function withTreeLock(version, fn) {
  const { lock } = treePaths(version);
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // being created or removed; retry
      }
      if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) fs.rmSync(lock, { recursive: true, force: true });
      else sleepMs(200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function applyFixups(t, tree) {
  const fixed = [];
  for (const p of t.debianPatches) {
    const text = execFileSync('tar', ['-xJOf', path.join(sourcesDir(), t.debian), `debian/patches/${p}`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    must('patch', ['-p1', '--forward', '--quiet'], { cwd: tree, input: text });
    fixed.push(`debian/patches/${p}`);
  }
  const edit = (rel, fn) => {
    const f = path.join(tree, rel);
    const before = fs.readFileSync(f, 'utf8');
    const after = fn(before);
    if (after === before) throw new Error(`fix-up of ${rel} changed nothing: the tree is not what the harness expects`);
    fs.writeFileSync(f, after);
  };
  fs.writeFileSync(path.join(tree, 'configs/devices/x86_64-softmmu/mtc.mak'), X86_DEVICES);
  fixed.push('configs/devices/x86_64-softmmu/mtc.mak');
  for (const f of t.fixups) {
    if (f === 'cxl-stub')
      edit('hw/cxl/cxl-host-stubs.c', (s) => `${s}\nGSList *cxl_fmws_get_all_sorted(void)\n{\n    return NULL;\n}\n`);
    else if (f === 'pythondeps')
      // The repack strips python/wheels: keep only what the system provides (meson), as disable-pycotap does for 10.x.
      edit('pythondeps.toml', (s) => s.replace(/^pycotap = /m, '#pycotap = ').replace(/^"qemu\.qmp" = /m, '#"qemu.qmp" = ').replace(/^"qemu" = /m, '#"qemu" = '));
    else if (f === 'skip-edk2') edit('pc-bios/meson.build', (s) => s.replace(/^if unpack_edk2_blobs$/m, 'if unpack_edk2_blobs and false'));
    else if (f === 'skip-dtb') edit('pc-bios/meson.build', (s) => s.replace(/^subdir\('dtb'\)$/m, "#subdir('dtb')"));
    else throw new Error(`unknown fix-up ${f}`);
    fixed.push(f);
  }
  return fixed;
}

const git = (tree, args, opts = {}) => must('git', ['-c', `safe.directory=${tree}`, '-c', 'user.name=mtc', '-c', 'user.email=mtc@localhost', '-c', 'core.autocrlf=false', ...args], { cwd: tree, ...opts });

/**
 * Makes the tree ready (unpacked, fixed up, a git baseline, configured) and
 * returns its paths. Cold: about a minute; warm: a stat. Call with the lock held.
 */
export function prepareTree(version, log = () => {}) {
  checkTools();
  const t = treeInfo(version);
  const p = treePaths(version);
  const stamp = path.join(p.base, 'prepared.json');
  if (fs.existsSync(stamp) && fs.existsSync(path.join(p.build, 'build.ninja'))) {
    resetTree(version);
    return p;
  }
  const orig = path.join(sourcesDir(), t.orig);
  if (!fs.existsSync(orig)) throw new MissingToolError(`${orig} is missing: the QEMU source packages are expected in ${sourcesDir()} (set MTC_QEMU_SOURCES)`);
  fs.rmSync(p.base, { recursive: true, force: true });
  fs.mkdirSync(p.base, { recursive: true });
  const t0 = Date.now();
  log(`qemu ${version}: unpacking ${t.orig}`);
  const tmp = path.join(p.base, 'unpack');
  fs.mkdirSync(tmp);
  must('tar', ['--no-same-owner', '-xJf', orig, '-C', tmp]);
  fs.renameSync(path.join(tmp, `qemu-${version}`), p.tree);
  fs.rmSync(tmp, { recursive: true, force: true });
  const fixups = applyFixups(t, p.tree);
  log(`qemu ${version}: git baseline`);
  git(p.tree, ['init', '-q']);
  // Everything the tarball has, also what QEMU's .gitignore covers (subprojects/), so a reset restores it all.
  git(p.tree, ['add', '-A', '-f']);
  git(p.tree, ['commit', '-q', '-m', `QEMU ${version} (${t.orig}) with the mtc harness fix-ups`]);
  log(`qemu ${version}: configure`);
  fs.mkdirSync(p.build);
  must(path.join(p.tree, 'configure'), CONFIGURE_FLAGS, { cwd: p.build });
  fs.writeFileSync(stamp, JSON.stringify({ version, orig: t.orig, fixups, configure: CONFIGURE_FLAGS, seconds: Math.round((Date.now() - t0) / 1000) }, null, 2) + '\n');
  return p;
}

/**
 * Back to the baseline: drops any applied patch. Only tracked files are
 * restored; untracked files are left alone, because configure puts some into
 * the tree (subprojects/) and mtc's patches never add files.
 */
export function resetTree(version) {
  const { tree } = treePaths(version);
  git(tree, ['reset', '-q', '--hard']);
}

/** `git apply --check` then `git apply` (or `git am` for a mail). Returns the files the patch touches. */
export function applyPatch(version, patchFile, { am = false } = {}) {
  const { tree } = treePaths(version);
  if (am) {
    git(tree, ['am', '-q', '--keep-cr', patchFile]);
    const files = git(tree, ['diff', '--name-only', 'HEAD~1', 'HEAD']).stdout.trim().split('\n').filter(Boolean);
    return files;
  }
  git(tree, ['apply', '--check', patchFile]);
  git(tree, ['apply', patchFile]);
  return git(tree, ['diff', '--name-only']).stdout.trim().split('\n').filter(Boolean);
}

/** After `git am`: back to the baseline commit. */
export function dropCommits(version) {
  const { tree } = treePaths(version);
  const base = git(tree, ['rev-list', '--max-parents=0', 'HEAD']).stdout.trim();
  git(tree, ['reset', '-q', '--hard', base]);
}

/**
 * The objects of the tree's own build that compile the given files: a .c file
 * gives its object; a header gives every object of the configured build whose
 * source includes it (directly).
 */
export function objectsFor(version, files) {
  const { tree, build } = treePaths(version);
  const db = JSON.parse(fs.readFileSync(path.join(build, 'compile_commands.json'), 'utf8'));
  const bySource = new Map();
  for (const e of db) {
    const src = path.resolve(e.directory, e.file);
    if (!bySource.has(src)) bySource.set(src, []);
    bySource.get(src).push(e.output);
  }
  const out = new Set();
  for (const f of files) {
    if (f.endsWith('.c')) {
      const objs = bySource.get(path.join(tree, f));
      if (!objs) throw new Error(`${f} is not compiled by the configured build of ${version}`);
      for (const o of objs) out.add(o);
    } else if (f.endsWith('.h')) {
      const inc = f.replace(/^include\//, '');
      const re = new RegExp(`^#\\s*include\\s+"(${inc.replace(/[.]/g, '\\.')}|${f.replace(/[.]/g, '\\.')})"`, 'm');
      for (const [src, objs] of bySource) {
        if (!src.startsWith(tree + path.sep) || !src.endsWith('.c')) continue;
        if (re.test(fs.readFileSync(src, 'utf8'))) for (const o of objs) out.add(o);
      }
    }
  }
  return [...out].sort();
}

/** Compiles objects with the tree's build. Returns { ok, output }. */
export function compileObjects(version, objects) {
  const { build } = treePaths(version);
  const r = run('ninja', ['-C', build, `-j${process.env.MTC_QEMU_JOBS || '2'}`, ...objects], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  return { ok: r.status === 0, output: `${r.stdout}\n${r.stderr}`.trim() };
}

/** Runs the tree's scripts/checkpatch.pl on a patch file. Returns its counts and output. */
export function checkpatch(version, patchFile, { signoff = false } = {}) {
  const { tree } = treePaths(version);
  const r = run('perl', ['scripts/checkpatch.pl', '--no-color', ...(signoff ? [] : ['--no-signoff']), '--patch', patchFile], { cwd: tree }).stdout;
  const m = /total: ([0-9]+) errors, ([0-9]+) warnings/.exec(r);
  return { errors: m ? Number(m[1]) : -1, warnings: m ? Number(m[2]) : -1, output: r };
}

/**
 * Builds qemu-system-aarch64 (TCG) with the patch applied (or none), keeps the
 * binary under bin/<sha256 of the patch | pristine>/, and returns its path.
 * Cold: 5 to 10 minutes; cached by the patch's content.
 */
export function buildBinary(version, patchText, log = () => {}, target = 'qemu-system-aarch64') {
  const p = treePaths(version);
  const key = patchText === null ? 'pristine' : createHash('sha256').update(patchText).digest('hex').slice(0, 16);
  const out = path.join(p.bin, key, target);
  if (fs.existsSync(out)) return out;
  return withTreeLock(version, () => {
    prepareTree(version, log);
    try {
      if (patchText !== null) {
        const f = path.join(p.base, 'binary.patch');
        fs.writeFileSync(f, patchText);
        applyPatch(version, f);
      }
      log(`qemu ${version}: building ${target} (${key})`);
      const r = compileObjects(version, [target]);
      if (!r.ok) throw new Error(`building ${target} ${version} failed:\n${r.output.split('\n').slice(-30).join('\n')}`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.copyFileSync(path.join(p.build, target), `${out}.tmp`);
      fs.chmodSync(`${out}.tmp`, 0o755);
      fs.renameSync(`${out}.tmp`, out);
      return out;
    } finally {
      resetTree(version);
    }
  });
}

// `node scripts/qemu-trees.mjs prepare [VERSION...]` prepares trees from the command line.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, ...rest] = process.argv.slice(2);
  const versions = rest.length > 0 ? rest : TREES.map((t) => t.version);
  if (cmd === 'prepare') {
    for (const v of versions) withTreeLock(v, () => console.log(prepareTree(v, (m) => console.error(m)).tree));
  } else if (cmd === 'binary') {
    for (const v of versions) console.log(buildBinary(v, null, (m) => console.error(m)));
  } else if (cmd === 'binary-x86_64') {
    for (const v of versions) console.log(buildBinary(v, null, (m) => console.error(m), 'qemu-system-x86_64'));
  } else {
    console.error('usage: node scripts/qemu-trees.mjs prepare|binary|binary-x86_64 [VERSION...]');
    process.exit(2);
  }
}
