// Bundles the CLI into dist/bundle/ with esbuild, after tsc has type-checked
// and emitted dist/. Why: importing chevrotain and its lodash-es dependency
// as hundreds of separate ES modules costs ~270 ms at every start; one
// bundle with code splitting loads in a fraction of that, and each command's
// implementation stays in its own lazily loaded chunk.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { mtc: 'dist/cli/main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages with data files or native parts that must stay external.
  external: ['prettier', 'playwright-core', 'esbuild'],
  banner: {
    js: "import { createRequire as __mtcCreateRequire } from 'node:module'; const require = __mtcCreateRequire(import.meta.url);",
  },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
});
