#!/usr/bin/env node
// Compiles schema/catalog.schema.json, schema/catalog-kernels.schema.json and
// schema/profile.schema.json to ajv standalone code in
// src/catalog/generated/validators.ts, and schema/review-config.schema.json to
// src/review/generated/config-validator.ts, so start-up never compiles a schema.
//   node scripts/gen-validators.mjs [--check]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configValidatorSource, validatorSource } from './validators-source.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = [
  ['src/catalog/generated/validators.ts', validatorSource(root)],
  ['src/review/generated/config-validator.ts', configValidatorSource(root)],
];
for (const [rel, text] of outputs) {
  const out = root + rel;
  let old = '';
  try { old = readFileSync(out, 'utf8'); } catch {}
  if (process.argv.includes('--check')) {
    if (old !== text) { console.error(`stale: ${rel}`); process.exitCode = 1; }
  } else if (old !== text) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    console.log(`wrote ${rel}`);
  }
}
