import { readFileSync } from 'node:fs';
import { loadHistory } from '../history-file.js';
import { join } from 'node:path';
import { buildCatalogEntries, catalogJson, catalogYaml, parseTsv } from './generate.js';
import { type BaselineEntry, type KernelHistory } from '../history.js';
import { readProfileSources } from '../profile.js';
import { MapCatalog, entryFromData } from '../catalog.js';

/** Baseline of the history: what 5.15 lists for a plain guest (the TSV rows listed `always`; PMU ones gated). */
export function baselineFromTsv(baseTsv: string): BaselineEntry[] {
  const out: BaselineEntry[] = [];
  for (const r of parseTsv(baseTsv)) {
    if (r.kind === 'core') continue; // never in the cpreg list
    const id = r.kvm_id_hex;
    if (r.sublist === 'pmu') out.push({ register: id, when: 'FEAT_PMUv3' });
    else if (/^always/.test(r.presence_note)) out.push({ register: id, when: 'always' });
  }
  return out;
}

function stableJson(h: KernelHistory): string {
  const line = (x: unknown) => JSON.stringify(x);
  const sec = (k: string, xs: readonly unknown[]) => `"${k}":[\n${xs.map(line).join(',\n')}\n]`;
  return `{"format":1,"releases":${line(h.releases)},\n${sec('baseline', h.baseline)},\n${sec('changes', h.changes)},\n${sec('writable', h.writable)},\n${sec('tcg', h.tcg)}}\n`;
}

/** Every generated file under the repository root, path → content. Pure: reads inputs, writes nothing. */
export function catalogOutputs(root: string): Record<string, string> {
  const sys = readFileSync(join(root, 'catalog/data/arm64-sysregs.tsv'), 'utf8');
  const base = readFileSync(join(root, 'catalog/data/kvm-base-reg-list.tsv'), 'utf8');
  const entries = buildCatalogEntries(sys, base);
  const catalog = new MapCatalog(entries.map((e) => entryFromData(e, 'builtin')));
  const kernelsPath = join(root, 'catalog/kernels.yaml');
  const h = loadHistory(kernelsPath, { catalog, extend: null, text: readFileSync(kernelsPath, 'utf8') });
  if (h.diagnostics.length) throw new Error(`catalog/kernels.yaml: ${h.diagnostics.map((d) => `${d.span?.start.line}:${d.span?.start.column} ${d.message}`).join('; ')}`);
  const history: KernelHistory = { ...h.history, baseline: baselineFromTsv(base) };
  const hosts = readProfileSources(join(root, 'catalog/hosts'), catalog);
  if (hosts.diagnostics.length) throw new Error(`catalog/hosts: ${hosts.diagnostics.map((d) => `${d.file}:${d.span?.start.line} ${d.message}`).join('; ')}`);
  return {
    'catalog/registers.yaml': catalogYaml(entries),
    'catalog/builtin.json': catalogJson(entries),
    'catalog/kernels.json': stableJson(history),
    'catalog/hosts.json': '[\n' + hosts.profiles.map((p) => JSON.stringify(p)).join(',\n') + '\n]\n',
  };
}
