#!/usr/bin/env node
// Regenerates catalog/registers.yaml, catalog/builtin.json and
// catalog/kernels.json from catalog/data/*.tsv and catalog/kernels.yaml.
// Needs a build first (`npm run build`): it runs the generator from dist/.
//   node scripts/gen-catalog.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const gen = await import(new URL('../dist/catalog/build/outputs.js', import.meta.url).href);
const outputs = gen.catalogOutputs(root);
const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, text] of Object.entries(outputs)) {
  const path = root + rel;
  let old = '';
  try { old = readFileSync(path, 'utf8'); } catch {}
  if (old === text) continue;
  stale++;
  if (check) console.error(`stale: ${rel}`);
  else { writeFileSync(path, text); console.log(`wrote ${rel}`); }
}
process.exitCode = check && stale ? 1 : 0;
