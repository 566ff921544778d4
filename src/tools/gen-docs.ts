/** `npm run docs`: regenerates docs/diagnostics.md. */
import { writeFileSync } from 'node:fs';
import { diagnosticsMarkdown } from '../diagnostics/registry.js';

writeFileSync('docs/diagnostics.md', diagnosticsMarkdown());
process.stdout.write('wrote docs/diagnostics.md\n');
