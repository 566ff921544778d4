#!/usr/bin/env node
// The `mtc` command (package.json `bin`), written to dist/bundle/mtc.js by scripts/bundle.mjs.
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
// MTC_NO_CODE_CACHE=1 turns it off.
//
// It is CommonJS (dist/bundle/package.json says so): an ES module entry point
// makes Node set up its ES module loader first, about 10 ms of every start.
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, unlinkSync } = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const here = __dirname;
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

// After the run, so that the cache holds every function this command compiled.
cli.exports.runCli(process.argv.slice(2)).then(saveCache);
