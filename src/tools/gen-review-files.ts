/** Writes docs/breaking-rules.md and the review schemas: `node dist/tools/gen-review-files.js [--check]` from the repository root. */
import { readFileSync, writeFileSync } from 'node:fs';
import { reviewGeneratedFiles } from '../review/docs.js';

let stale = 0;
for (const [path, text] of reviewGeneratedFiles()) {
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // missing
  }
  if (old === text) continue;
  if (process.argv.includes('--check')) {
    process.stderr.write(`stale: ${path}\n`);
    stale++;
  } else {
    writeFileSync(path, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
process.exitCode = stale ? 1 : 0;
