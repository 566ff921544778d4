/**
 * One cause per rule change. The semantic comparison reports what changed
 * per machine type, so one edit shows many times: a tolerance removed from
 * virt-10.1 is also gone from virt-10.0 and virt-9.2, which inherit it, and
 * a changed `inherits` changes the chain (and the inherited rules) of every
 * older machine type. This groups those changes under the edit that makes
 * them, and the migration pairs they break or fix under it too, so that a
 * reviewer reads one finding per cause with the machine types and pairs
 * listed within.
 */
import type { Model } from '../resolve/model.js';
import type { ChangeDraft } from './semantic.js';
import type { Cause, Location, MatrixChange, PairChange } from './report-types.js';
import { pairLabel } from './matrix.js';

/** A cause while the report is put together. */
export interface CauseDraft {
  readonly id: string;
  readonly kind: ChangeDraft['kind'];
  readonly origin: string;
  readonly subjects: string[];
  summary: string;
  readonly location: Location | null;
  readonly side: 'base' | 'head';
  /** The changes that are this cause, on each machine type it reaches. */
  readonly changes: ChangeDraft[];
  /** Changes it brings along (the inherited rules a changed chain gains or loses). */
  readonly effects: ChangeDraft[];
  readonly machines: string[];
  readonly breaks: PairChange[];
  readonly fixes: PairChange[];
  readonly unsupports: PairChange[];
}

const INHERITED_KINDS = new Set<ChangeDraft['kind']>([
  'hidden-added',
  'hidden-removed',
  'tolerance-added',
  'tolerance-removed',
  'tolerance-changed',
  'property-added',
  'property-removed',
  'property-changed',
]);

/** `X (inherited from Y)` → `X`. */
function own(summary: string): string {
  return summary.replace(/ \(inherited from [^)]*\)/, '');
}

function groupSummary(kind: ChangeDraft['kind'], subjects: readonly string[], first: ChangeDraft): string {
  const s = subjects.join(', ');
  switch (kind) {
    case 'hidden-added':
      return `${s} newly hidden`;
    case 'hidden-removed':
      return `${s} no longer hidden`;
    case 'tolerance-added':
      return `${s} newly tolerated (${first.after ?? ''})`;
    case 'tolerance-removed':
      return `${s} no longer tolerated`;
    case 'tolerance-changed':
      return `tolerance of ${s} changed from ${first.before ?? ''} to ${first.after ?? ''}`;
    default:
      return own(first.summary);
  }
}

export interface GroupInput {
  readonly changes: readonly ChangeDraft[];
  readonly base: Model;
  readonly head: Model;
  /** Declaration of a machine type in the head (else base) tree. */
  readonly machineLocation: (machine: string) => Location | null;
}

/** Groups changes into causes, in the order their first change is reported. */
export function groupCauses(input: GroupInput): CauseDraft[] {
  const baseParent = new Map(input.base.machines.map((m) => [m.name, m.inherits]));
  const headParent = new Map(input.head.machines.map((m) => [m.name, m.inherits]));
  const headChain = new Map(input.head.machines.map((m) => [m.name, m.chain]));
  const baseChain = new Map(input.base.machines.map((m) => [m.name, m.chain]));
  const byKey = new Map<string, CauseDraft>();
  const causes: CauseDraft[] = [];
  const open = (key: string, c: ChangeDraft, origin: string, location: Location | null, side: 'base' | 'head'): CauseDraft => {
    let cause = byKey.get(key);
    if (!cause) {
      cause = { id: '', kind: c.kind, origin, subjects: [], summary: '', location, side, changes: [], effects: [], machines: [], breaks: [], fixes: [], unsupports: [] };
      byKey.set(key, cause);
      causes.push(cause);
    }
    return cause;
  };
  const addMachine = (cause: CauseDraft, m: string) => {
    if (!cause.machines.includes(m)) cause.machines.push(m);
  };

  // The link of a changed chain: the first machine type, from this one up, whose parent changed.
  const chainLink = (machine: string): string => {
    for (const x of [...(headChain.get(machine) ?? []), ...(baseChain.get(machine) ?? [])])
      if (headParent.get(x) !== baseParent.get(x) && (headParent.has(x) || baseParent.has(x))) return x;
    return machine;
  };
  const chainCauseOf = new Map<string, CauseDraft>();
  for (const c of input.changes) {
    if (c.kind !== 'chain-changed') continue;
    const x = chainLink(c.machine);
    const bp = baseParent.get(x);
    const hp = headParent.get(x);
    const cause = open(`chain|${x}|${bp ?? ''}|${hp ?? ''}`, c, x, input.machineLocation(x) ?? c.location, 'head');
    if (cause.subjects.length === 0) {
      cause.subjects.push('chain');
      cause.summary =
        bp && hp ? `${x} now inherits ${hp} instead of ${bp}` : hp ? `${x} now inherits ${hp}` : `${x} no longer inherits ${bp ?? 'anything'}`;
    }
    cause.changes.push(c);
    addMachine(cause, c.machine);
    chainCauseOf.set(c.machine, cause);
  }

  const ownChange = new Set(input.changes.filter((c) => c.origin === c.machine).map((c) => `${c.kind}|${c.machine}|${c.subject}`));
  for (const c of input.changes) {
    if (c.kind === 'chain-changed') continue;
    const chain = chainCauseOf.get(c.machine);
    if (chain && INHERITED_KINDS.has(c.kind) && c.origin !== null && c.origin !== c.machine && !ownChange.has(`${c.kind}|${c.origin}|${c.subject}`)) {
      // Gained or lost through the new chain, not through an edit of the rule itself.
      chain.effects.push(c);
      continue;
    }
    let cause: CauseDraft;
    if (INHERITED_KINDS.has(c.kind) && c.origin !== null) {
      // Keyed by the rule's source when known: an entry of a shared compat set (issue 15) is one
      // rule whichever machine types use it, so its edit is one cause reaching all of them.
      cause = open(c.rule ? `${c.kind}|${c.rule}|${c.before}|${c.after}` : `${c.kind}|${c.origin}|${c.rule}|${c.before}|${c.after}`, c, c.origin, c.location, c.side);
    } else if (c.kind === 'target-changed') {
      cause = open(`target|${c.location?.file ?? c.machine}|${c.before}|${c.after}`, c, c.machine, c.location, c.side);
      if (cause.subjects.length === 0) cause.summary = `C target changed from ${c.before ?? ''} to ${c.after ?? ''}`;
    } else {
      cause = open(`${c.kind}|${c.machine}|${c.subject}|${c.before}|${c.after}`, c, c.machine, c.location, c.side);
    }
    if (!cause.subjects.includes(c.subject) && c.kind !== 'target-changed') cause.subjects.push(c.subject);
    if (cause.subjects.length === 0) cause.subjects.push(c.subject);
    cause.changes.push(c);
    addMachine(cause, c.machine);
  }

  const ids = new Set<string>();
  return causes.map((cause) => {
    const first = cause.changes.find((c) => c.machine === cause.origin) ?? cause.changes[0]!;
    if (cause.kind !== 'chain-changed' && cause.kind !== 'target-changed')
      cause.summary = INHERITED_KINDS.has(cause.kind) ? groupSummary(cause.kind, cause.subjects, first) : own(first.summary);
    // Prefixed with the origin, unless it already starts with it (`virt-10.1 now inherits …`).
    if (!cause.summary.startsWith(`${cause.origin} `) && !cause.summary.startsWith(`machine type ${cause.origin} `)) cause.summary = `${cause.origin}: ${cause.summary}`;
    // The origin first, then the machine types that inherit the change, in report order.
    cause.machines.sort((a, b) => (a === cause.origin ? -1 : b === cause.origin ? 1 : 0));
    let id = `${cause.kind} ${cause.origin} ${cause.subjects.join(', ')}`;
    for (let n = 2; ids.has(id); n++) id = `${cause.kind} ${cause.origin} ${cause.subjects.join(', ')} #${n}`;
    ids.add(id);
    return { ...cause, id };
  });
}

/**
 * Ties each pair of the matrix change to the causes that explain it (the
 * matrix step attributed it to changes), and lists it under those causes.
 */
export function attachPairs(causes: readonly CauseDraft[], matrix: MatrixChange | null): MatrixChange | null {
  if (!matrix) return null;
  const causeOf = new Map<ChangeDraft, CauseDraft>();
  for (const k of causes) for (const c of [...k.changes, ...k.effects]) causeOf.set(c, k);
  const tie = (p: PairChange, list: (c: ChangeDraft) => readonly string[], into: (k: CauseDraft) => PairChange[]): PairChange => {
    const label = pairLabel(p.source, p.destination);
    const found: CauseDraft[] = [];
    for (const [c, k] of causeOf) if (c.machine === p.machine && list(c).includes(label) && !found.includes(k)) found.push(k);
    found.sort((a, b) => causes.indexOf(a) - causes.indexOf(b));
    const tied = { ...p, causes: found.map((k) => k.id) };
    for (const k of found) into(k).push(tied);
    return tied;
  };
  return {
    ...matrix,
    newlyFailing: matrix.newlyFailing.map((p) => tie(p, (c) => c.breaks, (k) => k.breaks)),
    newlyPassing: matrix.newlyPassing.map((p) => tie(p, (c) => c.fixes, (k) => k.fixes)),
    newlyUnsupported: matrix.newlyUnsupported.map((p) => tie(p, (c) => c.breaks, (k) => k.unsupports)),
  };
}

/** `virt-10.1: n1-6.6 → n1-6.1`. */
export function pairRef(p: PairChange): string {
  return `${p.machine}: ${pairLabel(p.source, p.destination)}`;
}

/** `DBGDTRTX (…) no longer tolerated (inherited from virt-10.2), on virt-10.1, virt-10.0`: each effect once, with where. */
function effectLines(effects: readonly ChangeDraft[]): string[] {
  const on = new Map<string, string[]>();
  for (const c of effects) on.set(c.summary, [...(on.get(c.summary) ?? []), c.machine]);
  return [...on].map(([summary, machines]) => `${summary}, on ${machines.join(', ')}`);
}

export function toCause(k: CauseDraft, isReleased: (m: string) => boolean): Cause {
  return {
    id: k.id,
    kind: k.kind,
    origin: k.origin,
    subjects: k.subjects,
    summary: k.summary,
    location: k.location,
    side: k.side,
    machines: k.machines,
    released: k.machines.filter(isReleased),
    effects: effectLines(k.effects),
    breaks: k.breaks.map(pairRef),
    fixes: k.fixes.map(pairRef),
    unsupports: k.unsupports.map(pairRef),
  };
}
