/**
 * The build document (out/mtc-build.json) from the model and the plan, per
 * src/contract/build-document.ts. Keys are written in a fixed order and
 * every list is sorted by the model, so the output is byte-for-byte stable.
 */
import {
  BUILD_DOCUMENT_FORMAT,
  BUILD_DOCUMENT_VERSION,
  type BuildDocument,
  type DocAllowedCpu,
  type DocCompatProp,
  type DocMachineType,
  type DocProvenance,
  type DocRule,
  type DocRuleSet,
  type DocToleranceCall,
} from '../contract/build-document.js';
import type { Model, Provenance, RuleSet } from '../resolve/model.js';
import { VERSION } from '../version.js';
import { decodeMidr, hex } from './midr.js';
import { applyPlan, idHex16, type BuildPlan } from './plan.js';

function prov(p: Provenance): DocProvenance {
  return {
    origin: p.origin,
    reason: p.reason ?? null,
    refs: p.refs.map((r) => ({ kind: r.kind, value: r.value, url: r.url ?? null })),
    kernels: p.kernels ? { from: p.kernels.from ?? null, to: p.kernels.to ?? null } : null,
    source: { file: p.source.file, line: p.source.line, column: p.source.column },
  };
}

function cpu(c: RuleSet['allowedCpus'][number]): DocAllowedCpu {
  const d = decodeMidr(c.midr);
  return {
    ...prov(c),
    midr: hex(Number(c.midr), 8),
    revidr: c.revidr !== undefined ? idHex16(c.revidr) : null,
    aidr: c.aidr !== undefined ? idHex16(c.aidr) : null,
    implementer: d.implementerName ?? null,
    part: d.partName ?? null,
  };
}

/**
 * The rules table: each model entry gets an index the first time a rule set
 * names it (an effective set holds the very entries of the own sets it merges,
 * so an inherited rule is written once).
 */
class RuleTable {
  readonly rules: DocRule[] = [];
  private readonly index = new Map<object, number>();
  private add(entry: object, make: () => DocRule): number {
    let i = this.index.get(entry);
    if (i === undefined) {
      i = this.rules.length;
      this.rules.push(make());
      this.index.set(entry, i);
    }
    return i;
  }
  set(s: RuleSet): DocRuleSet {
    return {
      hidden: s.hidden.map((h) => this.add(h, () => ({ rule: 'hide', ...prov(h), id: idHex16(h.id), name: h.name ?? null }))),
      tolerated: s.tolerated.map((t) =>
        this.add(t, () => ({
          rule: 'tolerate',
          ...prov(t),
          id: idHex16(t.id),
          name: t.name ?? null,
          kind: t.kind,
          mask: t.kind === 'source-value' && t.mask !== undefined ? idHex16(t.mask) : null,
          value: t.kind === 'source-value' && t.value !== undefined ? idHex16(t.value) : null,
        })),
      ),
      properties: s.properties.map((p) =>
        this.add(p, () => ({
          rule: 'set',
          ...prov(p),
          driver: p.driver,
          property: p.property,
          value: p.value,
          ...(p.optional ? { optional: true as const } : {}),
          ...(p.compatSet !== undefined ? { compatSet: p.compatSet } : {}),
        })),
      ),
      allowedCpus: s.allowedCpus.map((c) => this.add(c, () => ({ rule: 'allow', ...cpu(c) }))),
      requiresKernel: s.requiresKernel ? this.add(s.requiresKernel, () => ({ rule: 'requires', ...prov(s.requiresKernel!), version: s.requiresKernel!.version })) : null,
    };
  }
}

export function buildDocument(model: Model, plan: BuildPlan): BuildDocument {
  const table = new RuleTable();
  const machineTypes: DocMachineType[] = model.machines.map((m) => {
    const applied = applyPlan(plan, m.name);
    const compatProps: DocCompatProp[] = applied.props.map((p) => ({ 'qom-type': p.driver, property: p.property, value: p.value }));
    const tolerances: DocToleranceCall[] =
      m.target === 'tolerances'
        ? (applied.tolerance?.calls ?? []).map((c) => ({ id: idHex16(c.id), mask: idHex16(c.mask), value: idHex16(c.value), type: c.type }))
        : [];
    return {
      name: m.name,
      family: m.family,
      arch: m.arch ?? null,
      version: m.version && m.version.length > 0 ? m.version.join('.') : null,
      inherits: m.inherits ?? null,
      chain: [...m.chain],
      target: m.target,
      source: { file: m.source.file, line: m.source.line, column: m.source.column },
      own: table.set(m.own),
      effective: table.set(m.effective),
      compatProps,
      tolerances,
      ...(m.own.uses && m.own.uses.length > 0 ? { uses: m.own.uses.map((u) => u.name) } : {}),
    };
  });
  return {
    format: BUILD_DOCUMENT_FORMAT,
    version: BUILD_DOCUMENT_VERSION,
    generator: { name: 'mtc', version: VERSION },
    sources: model.files.map((f) => ({ path: f.path, sha256: f.sha256 })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    rules: table.rules,
    machineTypes,
  };
}

export function emitJson(model: Model, plan: BuildPlan): string {
  return JSON.stringify(buildDocument(model, plan), null, 2) + '\n';
}
