import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalogEntries, catalogJson, catalogYaml } from './generate.js';

/** Every generated file under the repository root, path → content. Pure: reads inputs, writes nothing. */
export function catalogOutputs(root: string): Record<string, string> {
  const sys = readFileSync(join(root, 'catalog/data/arm64-sysregs.tsv'), 'utf8');
  const base = readFileSync(join(root, 'catalog/data/kvm-base-reg-list.tsv'), 'utf8');
  const entries = buildCatalogEntries(sys, base);
  return {
    'catalog/registers.yaml': catalogYaml(entries),
    'catalog/builtin.json': catalogJson(entries),
  };
}
