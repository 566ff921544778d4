// Bundles the CLI into dist/bundle/ with esbuild, after tsc has type-checked
// and emitted dist/. Why: importing chevrotain and its lodash-es dependency
// as hundreds of separate ES modules costs ~270 ms at every start; one bundle
// loads in a fraction of that (each command's implementation is still
// evaluated only when that command runs).
//
// The `mtc` bin (dist/bundle/mtc.js) is scripts/mtc.sh, which starts node from a
// V8 start-up snapshot (scripts/snapshot.cjs), and, in the same file, the JS
// launcher scripts/launcher.cjs: it runs the whole
// CLI bundled as one script (dist/bundle/mtc-cli.cjs) compiled with a V8 code
// cache, so that a warm start compiles almost nothing (measured: CPU time of a
// cold `mtc check rules/` 2.67x -> 1.96x bare node; code-split ES modules,
// which Node 20 cannot cache, were the previous form). Whitespace and syntax
// are minified (names are kept, for stack traces): less to read and scan.
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/bundle', { recursive: true, force: true });

// The CLI as one script for the launcher's code cache: `import.meta.url` is
// the bundle's own URL, passed in by the launcher.
await build({
  entryPoints: { 'mtc-cli': 'dist/cli/run-cli.js' },
  outdir: 'dist/bundle',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['prettier', 'playwright-core', 'esbuild'],
  define: { 'import.meta.url': '__mtcImportMetaUrl' },
  // A script run by vm.Script has no dynamic import() on Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING):
  // every import() becomes a require(), for bundled modules and node: builtins alike.
  supported: { 'dynamic-import': false },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
// The `mtc` command, dist/bundle/mtc.js, is both a POSIX shell script and a
// CommonJS script: run as a command (its `#!/bin/sh` line), the shell part
// (scripts/mtc.sh) starts node from the start-up snapshot when there is one;
// run by node (`node mtc.js`, and the shell's own fallback), the shell part is
// a comment and the JS launcher (scripts/launcher.cjs) runs.
const shell = readFileSync('scripts/mtc.sh', 'utf8').replace(/^#!.*\n/, '');
const launcher = readFileSync('scripts/launcher.cjs', 'utf8').replace(/^#!.*\n/, '');
if (shell.includes('*/')) throw new Error('scripts/mtc.sh must not contain */: it is a comment in dist/bundle/mtc.js');
writeFileSync('dist/bundle/mtc.js', `#!/bin/sh\n':' /*\n${shell}*/\n${launcher}`);
chmodSync('dist/bundle/mtc.js', 0o755);
copyFileSync('scripts/snapshot.cjs', 'dist/bundle/mtc-snapshot.cjs');
// The bin is CommonJS: Node then starts it without setting up its ES module loader.
writeFileSync('dist/bundle/package.json', '{ "type": "commonjs" }\n');
