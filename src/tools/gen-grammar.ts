/** `npm run grammar`: regenerates grammar/serialized-grammar.json and grammar/railroad.html. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { railroadHtml, serializedGrammarJson } from '../syntax/grammar-artifacts.js';

const dir = process.argv[2] ?? 'grammar';
writeFileSync(join(dir, 'serialized-grammar.json'), serializedGrammarJson());
writeFileSync(join(dir, 'railroad.html'), railroadHtml());
process.stdout.write(`wrote ${dir}/serialized-grammar.json and ${dir}/railroad.html\n`);
