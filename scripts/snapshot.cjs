// The start-up snapshot's builder (dist/bundle/mtc-snapshot.cjs, copied there by
// scripts/bundle.mjs). The `mtc` command (scripts/mtc.sh) runs node from the
// snapshot when there is one for that command and node binary; the JS launcher
// (scripts/launcher.cjs) builds it after a run without one, as
//   node --snapshot-blob <entry>/snapshot --build-snapshot mtc-snapshot.cjs
// This script evaluates the bundled CLI, builds Chevrotain's parser and lexer,
// loads the shipped data and runs the check path once on an in-memory sample
// (warmUp, in src/cli/warm-up.ts), and leaves V8 a heap in which all of that
// is done.
//
// A run from the snapshot first checks that it fits: the same node binary, the
// command still leads to this bundle, the bundle and every data file the
// warm-up read unchanged. If not (mtc or node was updated, the install moved,
// a data file was edited), it runs the JS launcher in the same process, which
// compiles from source and builds a new snapshot after the run.
'use strict';
const fs = require('node:fs');
const { dirname, join } = require('node:path');
const vm = require('node:vm');
const v8 = require('node:v8');
const { fileURLToPath, pathToFileURL } = require('node:url');

const here = fs.realpathSync(__dirname);
const file = join(here, 'mtc-cli.cjs');
const source = fs.readFileSync(file, 'utf8');

// While building, `require` loads node's built-in modules only; a run from the
// snapshot gets a full one (the CLI loads prettier for `mtc fmt`).
let load = require;
function proxyRequire(id) {
  return load(id);
}

const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __mtcImportMetaUrl) {${source}\n})`, { filename: file });
const cli = { exports: {} };
script.runInThisContext()(cli.exports, proxyRequire, cli, file, here, pathToFileURL(file).href);

// The warm-up reads the shipped data files (catalog, kernel history, QEMU
// profiles, package.json) and nothing else: each is recorded with its identity,
// and a run from the snapshot checks them (a snapshot must never serve the data
// of the day it was built). Any other file-system call fails the build.
const recorded = new Map();
const saved = new Map();
function identity(st) {
  return `${st.dev}.${st.ino}.${st.size}.${st.mtimeMs}`;
}
// The node binary and the bundle are part of what the snapshot was built from.
recorded.set(process.execPath, identity(fs.statSync(process.execPath)));
recorded.set(file, identity(fs.statSync(file)));
function guard(name, wrap) {
  saved.set(name, fs[name]);
  fs[name] = wrap(fs[name]);
}
for (const name of ['readFileSync', 'existsSync']) {
  guard(name, (real) => (p, ...rest) => {
    const path = typeof p === 'string' ? p : p instanceof URL ? fileURLToPath(p) : undefined;
    if (path === undefined) throw new Error(`the warm-up called fs.${name} on a descriptor`);
    let st;
    try {
      st = saved.get('statSync')(path);
    } catch {
      st = undefined;
    }
    recorded.set(path, st ? identity(st) : 'missing');
    return real(path, ...rest);
  });
}
for (const name of ['accessSync', 'lstatSync', 'openSync', 'opendirSync', 'readSync', 'readdirSync', 'realpathSync', 'statSync', 'writeFileSync', 'writeSync']) {
  guard(name, () => (...args) => {
    throw new Error(`the warm-up called fs.${name}(${typeof args[0] === 'string' ? args[0] : '…'}): only the shipped data files may be read`);
  });
}
function restore() {
  for (const [name, fn] of saved) fs[name] = fn;
}

/** Whether every file the warm-up read is as it was then. */
function unchanged() {
  for (const [path, id] of recorded) {
    let st;
    try {
      st = fs.statSync(path);
    } catch {
      st = undefined;
    }
    if ((st ? identity(st) : 'missing') !== id) return false;
  }
  return true;
}

/** The JS launcher of the install the command leads to, run in this process (argv as it expects). */
function runLauncher(dir, args, entry, node, why) {
  if (process.env.MTC_DEBUG_START === '1') process.stderr.write(`mtc: start: the snapshot does not fit (${why}): running the launcher\n`);
  if (entry !== undefined) process.env.MTC_SNAPSHOT_ENTRY = entry;
  if (node !== undefined) process.env.MTC_SNAPSHOT_NODE = node;
  process.argv.splice(1, 0, join(dir, 'mtc.js'));
  load(join(dir, 'mtc.js'));
}

function main() {
  load = require('node:module').createRequire(file);
  const args = process.argv.slice(1);
  const command = process.env.MTC_COMMAND;
  const node = process.env.MTC_SNAPSHOT_NODE;
  delete process.env.MTC_COMMAND;
  delete process.env.MTC_SNAPSHOT_NODE;
  const i = process.execArgv.indexOf('--snapshot-blob');
  const entry = i >= 0 && process.execArgv[i + 1] !== undefined ? dirname(process.execArgv[i + 1]) : undefined;
  let dir;
  try {
    dir = command === undefined ? undefined : dirname(fs.realpathSync(command));
  } catch {
    dir = undefined;
  }
  if (dir === undefined) return runLauncher(here, args, entry, node, 'no command path');
  if (dir !== here) return runLauncher(dir, args, entry, node, 'the command leads to another install');
  if (!unchanged()) return runLauncher(dir, args, entry, node, 'node, mtc or its data changed');
  if (process.env.MTC_DEBUG_START === '1') process.stderr.write('mtc: start: from the snapshot\n');
  // As the JS launcher runs: process.argv[1] is the launcher.
  process.argv.splice(1, 0, join(here, 'mtc.js'));
  cli.exports.runCli(args).then(exitNow);
}

// The command is done: end the process here instead of letting node tear the
// whole heap the snapshot gave it down on a natural exit (a few ms of every
// run). Only when nothing but the standard streams is left and every byte of
// their output is written; otherwise the natural exit waits for it as always.
function exitNow() {
  if (process.stdout.writableLength !== 0 || process.stderr.writableLength !== 0) return;
  if (process.getActiveResourcesInfo().some((r) => r !== 'TTYWrap' && r !== 'PipeWrap')) return;
  process.exit();
}

cli.exports.warmUp().then(
  (text) => {
    restore();
    if (!text.includes('error[')) throw new Error('the warm-up did not run the checks');
    v8.startupSnapshot.setDeserializeMainFunction(main);
  },
  (e) => {
    restore();
    throw e;
  },
);
