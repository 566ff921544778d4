/**
 * Semantic comparison of two resolved models: per machine type, what changed
 * in the rules in force (`effective`: inherited plus own), not in the text.
 */
import type { AllowedCpu, HiddenRegister, MachineType, Model, PropertySetting, Provenance, SourceRef, ToleratedRegister } from '../resolve/model.js';
import { compareVersions } from '../simulate/versions.js';
import type { Change, ChangeKind, Location } from './report-types.js';

/**
 * Mutable while the matrix step attributes pairs to changes. `ids`: the
 * registers it concerns; `rule`: the rule statement it comes from
 * (`base:FILE:OFFSET` or `head:…`; empty for changes not tied to one), so
 * that the same edit seen on every machine type that inherits it is grouped
 * into one cause (causes.ts). Neither is part of the report.
 */
export type ChangeDraft = Omit<Change, 'fixes' | 'breaks' | 'cause'> & { fixes: string[]; breaks: string[]; ids: bigint[]; rule: string };

function ruleKey(side: 'base' | 'head', p: Provenance): string {
  return `${side}:${p.source.file}:${p.span.start.offset}`;
}

export interface SideInfo {
  readonly model: Model;
  /** Maps a display path of this tree (relative to its project root) to a repository-relative one. */
  readonly file: (display: string) => string;
}

export function hex16(v: bigint): string {
  return '0x' + v.toString(16).padStart(16, '0');
}

export function registerLabel(r: { id: bigint; name?: string }): string {
  return r.name ? `${r.name} (${hex16(r.id)})` : hex16(r.id);
}

function provenanceLocation(p: Provenance, span: Provenance['span'], side: SideInfo): Location {
  return { file: side.file(p.source.file), line: span.start.line, column: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

function sourceLocation(s: SourceRef, side: SideInfo): Location {
  return { file: side.file(s.file), line: s.line, column: s.column };
}

function toleranceText(t: ToleratedRegister): string {
  return t.kind === 'one-end' ? 'one end only' : `source only if value & ${hex16(t.mask ?? 0n)} == ${hex16(t.value ?? 0n)}`;
}

function cpuKey(c: AllowedCpu): string {
  return `${hex16(c.midr)}/${c.revidr === undefined ? '*' : hex16(c.revidr)}/${c.aidr === undefined ? '*' : hex16(c.aidr)}`;
}

function cpuText(c: AllowedCpu): string {
  const midr = '0x' + c.midr.toString(16).padStart(8, '0');
  const extra = [c.revidr !== undefined ? `REVIDR 0x${c.revidr.toString(16)}` : '', c.aidr !== undefined ? `AIDR 0x${c.aidr.toString(16)}` : ''].filter(Boolean).join(', ');
  return extra ? `MIDR ${midr} (${extra})` : `MIDR ${midr}`;
}

/**
 * Every change, per machine type in the order of the head model (removed
 * machine types after the others, in base order), each machine type's
 * changes in a fixed order of kinds and subjects.
 */
export function compareModels(base: SideInfo, head: SideInfo): ChangeDraft[] {
  const out: ChangeDraft[] = [];
  const baseBy = new Map(base.model.machines.map((m) => [m.name, m]));
  const headBy = new Map(head.model.machines.map((m) => [m.name, m]));

  /** Where a removal shows in the head tree: the declaration of the rule's origin, else of the machine type. */
  const removalLocation = (machine: string, origin: string | undefined, fallback: Location): { location: Location; side: 'base' | 'head' } => {
    const o = (origin && headBy.get(origin)) || headBy.get(machine);
    return o ? { location: sourceLocation(o.source, head), side: 'head' } : { location: fallback, side: 'base' };
  };

  const push = (c: Omit<ChangeDraft, 'fixes' | 'breaks' | 'ids' | 'rule'> & { ids?: bigint[]; rule?: string }) => out.push({ fixes: [], breaks: [], ...c, ids: c.ids ?? [], rule: c.rule ?? '' });

  for (const h of head.model.machines) {
    const b = baseBy.get(h.name);
    if (!b) {
      push({ kind: 'machine-added', machine: h.name, subject: h.name, before: null, after: h.chain.join(' → '), summary: `machine type ${h.name} added (chain ${h.chain.join(' → ')})`, origin: h.name, location: sourceLocation(h.source, head), side: 'head' });
      continue;
    }
    compareMachine(b, h);
  }
  for (const b of base.model.machines) {
    if (headBy.has(b.name)) continue;
    const loc = sourceLocation(b.source, base);
    push({ kind: 'machine-removed', machine: b.name, subject: b.name, before: b.chain.join(' → '), after: null, summary: `machine type ${b.name} removed`, origin: b.name, location: loc, side: 'base' });
  }
  return out;

  function compareMachine(b: MachineType, h: MachineType): void {
    const m = h.name;
    const headDecl = sourceLocation(h.source, head);
    if (b.chain.join('\0') !== h.chain.join('\0'))
      push({ kind: 'chain-changed', machine: m, subject: 'chain', before: b.chain.join(' → '), after: h.chain.join(' → '), summary: `chain changed from ${b.chain.join(' → ')} to ${h.chain.join(' → ')}`, origin: m, location: headDecl, side: 'head' });
    if (b.target !== h.target)
      push({ kind: 'target-changed', machine: m, subject: 'target', before: b.target, after: h.target, summary: `C target changed from ${b.target} to ${h.target}`, origin: m, location: headDecl, side: 'head' });

    // Hidden registers.
    const bh = new Map(b.effective.hidden.map((r) => [r.id, r]));
    const hh = new Map(h.effective.hidden.map((r) => [r.id, r]));
    for (const r of h.effective.hidden)
      if (!bh.has(r.id)) push({ kind: 'hidden-added', machine: m, subject: registerLabel(r), before: null, after: 'hidden', summary: `${registerLabel(r)} newly hidden${inherited(r, m)}`, origin: r.origin, location: provenanceLocation(r, r.refSpan, head), side: 'head', ids: [r.id], rule: ruleKey('head', r) });
    for (const r of b.effective.hidden)
      if (!hh.has(r.id)) {
        const w = removalLocation(m, r.origin, provenanceLocation(r, r.refSpan, base));
        push({ kind: 'hidden-removed', machine: m, subject: registerLabel(r), before: 'hidden', after: null, summary: `${registerLabel(r)} no longer hidden${inherited(r, m)}`, origin: r.origin, ...w, ids: [r.id], rule: ruleKey('base', r) });
      }

    // Tolerances.
    const bt = new Map(b.effective.tolerated.map((r) => [r.id, r]));
    const ht = new Map(h.effective.tolerated.map((r) => [r.id, r]));
    for (const r of h.effective.tolerated) {
      const old = bt.get(r.id);
      if (!old) push({ kind: 'tolerance-added', machine: m, subject: registerLabel(r), before: null, after: toleranceText(r), summary: `${registerLabel(r)} newly tolerated (${toleranceText(r)})${inherited(r, m)}`, origin: r.origin, location: provenanceLocation(r, r.refSpan, head), side: 'head', ids: [r.id], rule: ruleKey('head', r) });
      else if (toleranceText(old) !== toleranceText(r))
        push({ kind: 'tolerance-changed', machine: m, subject: registerLabel(r), before: toleranceText(old), after: toleranceText(r), summary: `tolerance of ${registerLabel(r)} changed from ${toleranceText(old)} to ${toleranceText(r)}${inherited(r, m)}`, origin: r.origin, location: provenanceLocation(r, r.span, head), side: 'head', ids: [r.id], rule: ruleKey('head', r) });
    }
    for (const r of b.effective.tolerated)
      if (!ht.has(r.id)) {
        const w = removalLocation(m, r.origin, provenanceLocation(r, r.refSpan, base));
        push({ kind: 'tolerance-removed', machine: m, subject: registerLabel(r), before: toleranceText(r), after: null, summary: `${registerLabel(r)} no longer tolerated${inherited(r, m)}`, origin: r.origin, ...w, ids: [r.id], rule: ruleKey('base', r) });
      }

    // Properties.
    const key = (p: PropertySetting) => `${p.driver}.${p.property}`;
    const bp = new Map(b.effective.properties.map((p) => [key(p), p]));
    const hp = new Map(h.effective.properties.map((p) => [key(p), p]));
    for (const p of h.effective.properties) {
      const old = bp.get(key(p));
      if (!old) push({ kind: 'property-added', machine: m, subject: key(p), before: null, after: p.value, summary: `property ${key(p)} = ${p.value} added${inherited(p, m)}`, origin: p.origin, location: provenanceLocation(p, p.span, head), side: 'head', rule: ruleKey('head', p) });
      else if (old.value !== p.value)
        push({ kind: 'property-changed', machine: m, subject: key(p), before: old.value, after: p.value, summary: `property ${key(p)} changed from ${old.value} to ${p.value}${inherited(p, m)}`, origin: p.origin, location: provenanceLocation(p, p.span, head), side: 'head', rule: ruleKey('head', p) });
    }
    for (const p of b.effective.properties)
      if (!hp.has(key(p))) {
        const w = removalLocation(m, p.origin, provenanceLocation(p, p.span, base));
        push({ kind: 'property-removed', machine: m, subject: key(p), before: p.value, after: null, summary: `property ${key(p)} = ${p.value} removed${inherited(p, m)}`, origin: p.origin, ...w, rule: ruleKey('base', p) });
      }

    // Allowed CPUs (not inherited: compare the machine type's own list).
    const bc = new Map(b.effective.allowedCpus.map((c) => [cpuKey(c), c]));
    const hc = new Map(h.effective.allowedCpus.map((c) => [cpuKey(c), c]));
    const addedCpus = h.effective.allowedCpus.filter((c) => !bc.has(cpuKey(c)));
    const removedCpus = b.effective.allowedCpus.filter((c) => !hc.has(cpuKey(c)));
    for (const c of addedCpus) {
      const old = removedCpus.find((o) => o.midr === c.midr);
      if (old) {
        removedCpus.splice(removedCpus.indexOf(old), 1);
        push({ kind: 'cpu-changed', machine: m, subject: cpuText({ ...c, revidr: undefined, aidr: undefined }), before: cpuText(old), after: cpuText(c), summary: `allowed CPU changed from ${cpuText(old)} to ${cpuText(c)}`, origin: c.origin, location: provenanceLocation(c, c.span, head), side: 'head' });
      } else push({ kind: 'cpu-added', machine: m, subject: cpuText(c), before: null, after: 'allowed', summary: `CPU ${cpuText(c)} newly allowed`, origin: c.origin, location: provenanceLocation(c, c.span, head), side: 'head' });
    }
    for (const c of removedCpus) {
      const w = removalLocation(m, c.origin, provenanceLocation(c, c.span, base));
      push({ kind: 'cpu-removed', machine: m, subject: cpuText(c), before: 'allowed', after: null, summary: `CPU ${cpuText(c)} no longer allowed`, origin: c.origin, ...w });
    }

    // Kernel requirement.
    const bk = b.effective.requiresKernel;
    const hk = h.effective.requiresKernel;
    if (hk && !bk) push({ kind: 'kernel-added', machine: m, subject: 'kernel', before: null, after: hk.version, summary: `now requires host kernel ${hk.version}`, origin: hk.origin, location: provenanceLocation(hk, hk.span, head), side: 'head' });
    else if (bk && !hk) {
      push({ kind: 'kernel-removed', machine: m, subject: 'kernel', before: bk.version, after: null, summary: `no longer requires host kernel ${bk.version}`, origin: bk.origin, ...removalLocation(m, bk.origin, provenanceLocation(bk, bk.span, base)) });
    } else if (bk && hk && compareVersions(bk.version, hk.version) !== 0) {
      const raised = compareVersions(hk.version, bk.version) > 0;
      push({ kind: raised ? 'kernel-raised' : 'kernel-lowered', machine: m, subject: 'kernel', before: bk.version, after: hk.version, summary: `minimum host kernel ${raised ? 'raised' : 'lowered'} from ${bk.version} to ${hk.version}`, origin: hk.origin, location: provenanceLocation(hk, hk.span, head), side: 'head' });
    }
  }
}

function inherited(p: { origin: string }, machine: string): string {
  return p.origin !== machine ? ` (inherited from ${p.origin})` : '';
}

/** Kinds whose change adds to what a machine type accepts (for "what it fixes"). */
export const widening: ReadonlySet<ChangeKind> = new Set(['hidden-added', 'tolerance-added', 'tolerance-changed', 'cpu-added', 'kernel-removed', 'kernel-lowered']);

export type { HiddenRegister };
