// Where parse+validate spends its time on a generated corpus: median of each phase and of the slowest rules, each as a ratio to JSON.parse of the same content.
// Not part of `npm run bench`; run: npx tsc -p tsconfig.bench.json && node dist-bench/bench/phases.js [MB] [runs]
import { loadBuiltinCatalog } from '../src/catalog/index.js';
import { loadProject } from '../src/resolve/load.js';
import { memoryFileSystem } from '../src/resolve/memory-fs.js';
import { resolveProject } from '../src/resolve/resolve.js';
import { runRules } from '../src/validate/index.js';
import { parseSource } from '../src/syntax/parser.js';
import { SourceFile } from '../src/diagnostics/source.js';
import { corpusJson, corpusMachines, corpusText } from './corpus.js';
const MB = 1024 * 1024;
const catalog = loadBuiltinCatalog();
const machines = corpusMachines(Number(process.argv[2] ?? 1) * MB);
const text = corpusText(machines);
const json = corpusJson(machines);
const fs = memoryFileSystem('/bench', { 'corpus.mtc': text });
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const T: Record<string, number[]> = {};
const t = <R>(k: string, f: () => R): R => { const s = performance.now(); const r = f(); (T[k] ??= []).push(performance.now() - s); return r; };
for (let i = 0; i < Number(process.argv[3] ?? 12); i++) {
  t('json', () => JSON.parse(json));
  t('parseSource', () => parseSource(new SourceFile('c.mtc', text)));
  const p = t('loadProject', () => loadProject(['corpus.mtc'], { root: '/bench', fs }));
  const extras = new Map();
  const base = { project: p, catalog, model: undefined, extras };
  t('rules:syntax', () => runRules('syntax', base));
  const r = t('resolve', () => resolveProject(p, catalog, {}));
  t('rules:model', () => runRules('model', { ...base, model: r.model }));
}
const j = med(T.json) * text.length / json.length;
for (const k in T) console.log(k.padEnd(14), med(T[k]).toFixed(1).padStart(7), 'ms', ' = 1/' + (med(T[k]) / j).toFixed(1));
{
  const { allRules } = await import('../src/validate/index.js');
  const p = loadProject(['corpus.mtc'], { root: '/bench', fs });
  const r = resolveProject(p, catalog, {});
  const R: Record<string, number[]> = {};
  for (let i = 0; i < 8; i++) for (const rule of allRules) {
    const s = performance.now();
    rule.check({ project: p, catalog, model: rule.stage === 'model' ? r.model : undefined, extras: new Map(), report: () => {} });
    (R[rule.name] ??= []).push(performance.now() - s);
  }
  for (const k of Object.keys(R).sort((a, b) => med(R[b]) - med(R[a])).slice(0, 12)) console.log('  ', k.padEnd(28), med(R[k]).toFixed(1));
}
