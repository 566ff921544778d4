#!/usr/bin/env node
// Compiles schema/catalog.schema.json, schema/catalog-kernels.schema.json and
// schema/profile.schema.json to ajv standalone code in
// src/catalog/generated/validators.ts, so start-up never compiles a schema.
//   node scripts/gen-validators.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validatorSource } from './validators-source.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = root + 'src/catalog/generated/validators.ts';
const text = validatorSource(root);
let old = '';
try { old = readFileSync(out, 'utf8'); } catch {}
if (process.argv.includes('--check')) {
  if (old !== text) { console.error('stale: src/catalog/generated/validators.ts'); process.exitCode = 1; }
} else if (old !== text) {
  writeFileSync(out, text);
  console.log('wrote src/catalog/generated/validators.ts');
}
