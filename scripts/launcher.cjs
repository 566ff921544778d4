#!/usr/bin/env node
// The JS half of the `mtc` command (package.json `bin`): scripts/bundle.mjs
// writes dist/bundle/mtc.js as scripts/mtc.sh inside a comment, then this file.
// Node runs this part (`node mtc.js`, and the shell half when it finds no
// start-up snapshot to start from).
//
// Start-up is dominated by compiling JavaScript. This launcher compiles the
// bundled CLI (mtc-cli.cjs, one script) with a V8 code cache, so that a run
// after the first skips parsing and compiling every function the previous run
// used. There is one cache per command (the first run of `check` makes check's),
// tied to the bundle (its size, modification time and inode) and to the node
// binary (version, V8 version, architecture, flags): V8 checks it and rejects
// one that does not fit, and then this run compiles from source and writes a
// new one.
// It is written next to the bundle when that directory is writable (an
// install made by the user), else under $XDG_CACHE_HOME/mtc or ~/.cache/mtc;
// when neither can be written, mtc simply runs without one. Writes go to a
// temporary file renamed into place, so concurrent runs never see half a cache.
// MTC_NO_CODE_CACHE=1 turns it off. MTC_DEBUG_START=1 says how mtc started
// (this launcher, or the start-up snapshot) on standard error.
//
// Run by the `mtc` shell command (scripts/mtc.sh) when there is no start-up
// snapshot for this command and node binary yet, it is told where one belongs
// (MTC_SNAPSHOT_ENTRY) and builds it after the command's run (see
// buildSnapshot below). Run directly (`node dist/bundle/mtc.js`), it builds none.
//
// It is CommonJS (dist/bundle/package.json says so): an ES module entry point
// makes Node set up its ES module loader first, about 10 ms of every start.
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, realpathSync, renameSync, statSync, utimesSync, writeFileSync, unlinkSync } = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const here = __dirname;
const snapshotEntry = process.env.MTC_SNAPSHOT_ENTRY;
// The node mtc.sh found on PATH, whose modification time it compares with the stamp.
const snapshotNode = process.env.MTC_SNAPSHOT_NODE;
delete process.env.MTC_SNAPSHOT_ENTRY;
delete process.env.MTC_SNAPSHOT_NODE;
const file = join(here, 'mtc-cli.cjs');
const source = readFileSync(file, 'utf8');
const wrapped = `(function (exports, require, module, __filename, __dirname, __mtcImportMetaUrl) {${source}\n})`;

const useCache = process.env.MTC_NO_CODE_CACHE !== '1';
let cacheFile;
let cachedData;
if (useCache) {
  const st = statSync(file);
  const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  const key =
    createHash('sha256')
      .update(`${process.version}\0${process.versions.v8}\0${process.arch}\0${process.execArgv.join(' ')}\0`)
      .update(`${st.size}\0${st.mtimeMs}\0${st.ino}\0${source.length}`)
      .digest('hex')
      .slice(0, 24) + `-${command}`;
  const dirs = [join(here, '.cache'), process.env.XDG_CACHE_HOME ? join(process.env.XDG_CACHE_HOME, 'mtc') : join(homedir(), '.cache', 'mtc')];
  for (const dir of dirs) {
    try {
      cachedData = readFileSync(join(dir, `mtc-cli-${key}.v8cache`));
      cacheFile = join(dir, `mtc-cli-${key}.v8cache`);
      break;
    } catch {
      // not there: try the next place
    }
  }
  cacheFile ??= dirs.map((dir) => join(dir, `mtc-cli-${key}.v8cache`));
}

let script;
try {
  script = new vm.Script(wrapped, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
} catch {
  // A cache V8 cannot even read: compile from source.
  cachedData = undefined;
  script = new vm.Script(wrapped, { filename: file, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
}
if (process.env.MTC_DEBUG_START === '1') {
  const cache = !useCache ? 'off' : cachedData && !script.cachedDataRejected ? 'used' : 'none yet';
  process.stderr.write(`mtc: start: the launcher (code cache: ${cache}; snapshot: ${snapshotEntry ? 'to build after this run' : 'none'})\n`);
}
const cli = { exports: {} };
script.runInThisContext()(cli.exports, createRequire(file), cli, file, here, pathToFileURL(file).href);

function saveCache() {
  if (!useCache || (cachedData && !script.cachedDataRejected)) return;
  const data = script.createCachedData();
  for (const target of Array.isArray(cacheFile) ? cacheFile : [cacheFile]) {
    const tmp = `${target}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(tmp, data);
      renameSync(tmp, target);
      return;
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }
}

/**
 * Builds the start-up snapshot scripts/mtc.sh asked for, in its directory
 * (MTC_SNAPSHOT_ENTRY, under ~/.cache/mtc/start/): a second node runs
 * mtc-snapshot.cjs (about a second, once per command and node binary). The
 * snapshot is written to a temporary file renamed into place (a half-written
 * one would make node crash), then the stamp: a file with the node binary's
 * modification time, which mtc.sh compares with the binary's before using the
 * snapshot. Where it cannot be built (a node without snapshot support, a
 * failing warm-up, a modification time that cannot be copied exactly), a
 * `failed` file there says why, and no run tries again until node or the
 * bundle changes.
 */
function buildSnapshot() {
  if (!snapshotEntry || !snapshotEntry.startsWith('/') || snapshotEntry.split('/').includes('..')) return;
  const snapshot = join(snapshotEntry, 'snapshot');
  const tmp = `${snapshot}.${process.pid}.tmp`;
  // What a failure is tied to: this node binary and this bundle (another one may succeed).
  const id = (p) => {
    const st = statSync(p);
    return `${st.dev}.${st.ino}.${st.size}.${st.mtimeMs}`;
  };
  const tried = `${process.execPath} ${id(process.execPath)} ${file} ${id(file)}`;
  try {
    if (readFileSync(join(snapshotEntry, 'failed'), 'utf8').split('\n')[0] === tried) {
      if (process.env.MTC_DEBUG_START === '1') process.stderr.write(`mtc: start: no snapshot: building one failed with this node and mtc (${join(snapshotEntry, 'failed')})\n`);
      return;
    }
  } catch {
    // no failure recorded
  }
  const fail = (why) => {
    try {
      writeFileSync(join(snapshotEntry, 'failed'), `${tried}\nmtc could not build its start-up snapshot with node ${process.version}; it runs without one until node or mtc changes.\n${why}\n`);
    } catch {
      // nothing more to do
    }
  };
  try {
    mkdirSync(snapshotEntry, { recursive: true });
    // A `node` on PATH that is a wrapper (a version manager's shim) keeps its own modification time
    // when the node behind it changes: the stamp could not tell, and V8 would refuse the snapshot.
    let real;
    try {
      real = snapshotNode ? realpathSync(snapshotNode) : undefined;
    } catch {
      real = undefined;
    }
    if (real !== realpathSync(process.execPath))
      return fail(`the node on PATH (${snapshotNode ?? 'unknown'}) is not the node binary that runs (${process.execPath}): a wrapper or a version manager's shim, whose modification time does not follow node's`);
    const env = { ...process.env };
    for (const k of ['NODE_OPTIONS', 'MTC_COMMAND', 'MTC_SNAPSHOT_ENTRY', 'MTC_SNAPSHOT_NODE', 'MTC_DEBUG_START']) delete env[k];
    const r = require('node:child_process').spawnSync(process.execPath, ['--snapshot-blob', tmp, '--build-snapshot', join(here, 'mtc-snapshot.cjs')], {
      cwd: here,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
    if (r.status !== 0 || statSync(tmp).size === 0) {
      try {
        unlinkSync(tmp);
      } catch {
        // not written
      }
      const lines = String(r.stderr ?? '').split('\n');
      return fail(r.error ? String(r.error) : `exit ${r.status ?? r.signal}: ${lines.filter((l) => /Error/.test(l)).slice(-2).join('\n')}`);
    }
    renameSync(tmp, snapshot);
    const node = statSync(process.execPath, { bigint: true });
    const stampTmp = join(snapshotEntry, `stamp.${process.pid}.tmp`);
    writeFileSync(stampTmp, `${process.execPath} ${process.version}\n`);
    utimesSync(stampTmp, new Date(), Number(node.mtimeNs) / 1e9);
    if (statSync(stampTmp, { bigint: true }).mtimeNs !== node.mtimeNs) {
      unlinkSync(stampTmp);
      unlinkSync(snapshot);
      return fail(`the modification time of ${process.execPath} has a precision that cannot be copied to the stamp file`);
    }
    renameSync(stampTmp, join(snapshotEntry, 'stamp'));
    try {
      unlinkSync(join(snapshotEntry, 'failed'));
    } catch {
      // none
    }
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // not written
    }
    // A cache directory that cannot be written: run without a snapshot, and try next time.
    if (!(e && typeof e === 'object' && ['EACCES', 'EROFS', 'ENOSPC', 'EPERM', 'ENOTDIR', 'EEXIST'].includes(e.code))) fail(String(e));
  }
}

// After the run, so that the cache holds every function this command compiled.
cli.exports.runCli(process.argv.slice(2)).then(() => {
  saveCache();
  buildSnapshot();
});
