/**
 * The breaking-change rules: from the semantic changes, the matrix change,
 * the released machine types and the waivers, the findings of a diff.
 */
import type { Waiver } from './config.js';
import { globMatch } from './config.js';
import { reviewCodes, type ReviewCode } from './codes.js';
import type { ChangeDraft } from './semantic.js';
import type { Finding, FindingSeverity, Location, MatrixChange, PairChange } from './report-types.js';
import { pairLabel } from './matrix.js';
import { pairRef, type CauseDraft } from './causes.js';

export interface RuleInput {
  readonly causes: readonly CauseDraft[];
  readonly matrix: MatrixChange | null;
  readonly isReleased: (machine: string) => boolean;
  /** Declaration of each machine type in the head (else base) tree. */
  readonly machineLocation: (machine: string) => Location | null;
  /** Waivers of the head config. */
  readonly waivers: readonly Waiver[];
  /**
   * Waivers of the base config. A finding is waived only when a head waiver
   * and a base waiver both match it: a waiver the change itself adds or
   * widens waives nothing until it is on the base branch (reviewed and merged).
   */
  readonly baseWaivers?: readonly Waiver[];
}

interface Draft {
  readonly rule: ReviewCode;
  readonly severity?: FindingSeverity;
  readonly machine: string | null;
  readonly machines: readonly string[];
  readonly subject: string;
  readonly cause: string | null;
  readonly message: string;
  readonly location: Location | null;
  readonly breaks: readonly string[];
  readonly fixes: readonly string[];
  readonly qemu: readonly string[];
  /** What a waiver must cover, every one of them, to waive the finding: (machine type, subject). */
  readonly targets: readonly { readonly machine: string; readonly subject: string }[];
}

function breakingRuleOf(c: ChangeDraft): ReviewCode | undefined {
  switch (c.kind) {
    case 'hidden-removed':
    case 'tolerance-removed':
    case 'property-removed':
    case 'cpu-removed':
      return 'MTC5001';
    case 'tolerance-changed':
      // one end only → a value test, or another mask/value: accepts less or other values.
      return c.after === 'one end only' ? undefined : 'MTC5002';
    case 'property-changed':
    case 'cpu-changed':
      return 'MTC5002';
    case 'chain-changed':
      return 'MTC5003';
    case 'machine-removed':
      return 'MTC5004';
    case 'kernel-added':
    case 'kernel-raised':
      return 'MTC5006';
    case 'hidden-added':
      return 'MTC5007';
    case 'target-changed':
      return 'MTC5008';
    case 'property-added':
      return 'MTC5009';
    default:
      return undefined;
  }
}

const ADDED_RULES = new Set(['hidden-added', 'tolerance-added', 'property-added', 'cpu-added', 'kernel-removed', 'kernel-lowered']);

export function list(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the change does to the machine types below the origin: `inherited by virt-10.0, virt-9.2`. */
function reach(k: CauseDraft, released: readonly string[]): string {
  const others = k.machines.filter((m) => m !== k.origin);
  const rel = released.length ? `; affects released ${released.join(', ')}` : '';
  if (k.kind === 'chain-changed') return `; changes the chain of ${k.machines.join(', ')}${rel}`;
  if (k.kind === 'target-changed') return `; machine types ${k.machines.join(', ')}${rel}`;
  return others.length ? `; inherited by ${others.join(', ')}${rel}` : rel;
}

function tail(code: ReviewCode, k: CauseDraft): string {
  switch (code) {
    case 'MTC5003':
      return '; their effective rules now come from another set of machine types';
    case 'MTC5004':
      return '; guests running it can no longer be started or migrated to this build';
    case 'MTC5006':
      return `; hosts below it become unsupported${k.unsupports.length ? ` (${plural(k.unsupports.length, 'pair')})` : ''}`;
    case 'MTC5007':
      return '; a stream from its previous build that still carries the register is rejected unless it is also tolerated';
    case 'MTC5009':
      return '; this changes the behaviour of running guests';
    default:
      return '';
  }
}

function pairsText(k: CauseDraft): string {
  const parts = [k.breaks.length ? `${plural(k.breaks.length, 'migration pair')} newly fail${k.breaks.length === 1 ? 's' : ''}` : '', k.fixes.length ? `fixes ${plural(k.fixes.length, 'pair')}` : ''].filter(Boolean);
  return parts.length ? `; ${parts.join('; ')}` : '';
}

export interface RuleOutput {
  readonly findings: Finding[];
  /** Head waivers that match no finding. */
  readonly unusedWaivers: Waiver[];
  /** Head waivers that match findings no base waiver matches: how many findings each would waive (they stay unwaived). */
  readonly pendingWaivers: ReadonlyMap<Waiver, number>;
}

const matches = (w: Waiver, rule: string, machine: string | null, subject: string) =>
  w.rule === rule && machine !== null && globMatch(w.machine, machine) && (w.subject === undefined || globMatch(w.subject, subject));


/**
 * One finding per cause: the breaking rule it breaks on a released machine
 * type (an error rule first), else the newly failing pairs it causes
 * (MTC5005), else a warning rule, else a note for an added rule (MTC5021) —
 * with the machine types and pairs listed within. Pairs no change explains
 * get one MTC5005 (failing) or MTC5020 (fixed) per machine type.
 */
export function evaluateRules(input: RuleInput): RuleOutput {
  const drafts: Draft[] = [];
  const sevOf = (code: ReviewCode) => reviewCodes[code].severity as FindingSeverity;
  for (const k of input.causes) {
    const first = k.changes[0]!;
    const code = breakingRuleOf(first);
    const released = k.machines.filter(input.isReleased);
    const base = {
      breaks: k.breaks.map(pairRef),
      fixes: k.fixes.map(pairRef),
      machine: k.origin,
      machines: k.machines,
      subject: k.subjects.join(', '),
      cause: k.id,
      location: k.location,
      qemu: k.breaks[0]?.qemu ?? [],
    };
    const onReleased = released.flatMap((m) => k.subjects.map((subject) => ({ machine: m, subject })));
    const failingTargets = (only: (m: string) => boolean) => k.breaks.filter((p) => only(p.machine)).map((p) => ({ machine: p.machine, subject: pairLabel(p.source, p.destination) }));
    if (code && released.length > 0 && sevOf(code) === 'error') {
      drafts.push({ ...base, rule: code, message: `${k.summary}${reach(k, released)}${tail(code, k)}${pairsText(k)}`, targets: onReleased });
    } else if (k.breaks.length > 0) {
      const onRel = k.breaks.some((p) => input.isReleased(p.machine));
      drafts.push({
        ...base,
        rule: 'MTC5005',
        severity: onRel ? 'error' : 'warning',
        message: `${k.summary}${reach(k, released)}${pairsText(k)} (they passed before)`,
        targets: failingTargets(onRel ? input.isReleased : () => true),
      });
    } else if (code && released.length > 0) {
      drafts.push({ ...base, rule: code, message: `${k.summary}${reach(k, released)}${tail(code, k)}${pairsText(k)}`, targets: onReleased });
    } else if (ADDED_RULES.has(first.kind) || (first.kind === 'tolerance-changed' && !code)) {
      const fixes = k.fixes.length ? `; fixes ${list(k.fixes.map(pairRef))}` : '';
      drafts.push({ ...base, rule: 'MTC5021', message: `${k.summary}${reach(k, [])}${fixes}`, targets: [] });
    }
  }

  // Pairs no change explains: one finding per machine type.
  const m = input.matrix;
  if (m) {
    const byMachine = <T extends PairChange>(pairs: readonly T[]) => {
      const out = new Map<string, T[]>();
      for (const p of pairs) if (p.causes.length === 0) out.set(p.machine, [...(out.get(p.machine) ?? []), p]);
      return out;
    };
    for (const [machine, pairs] of byMachine(m.newlyFailing)) {
      const released = input.isReleased(machine);
      drafts.push({
        rule: 'MTC5005',
        severity: released ? 'error' : 'warning',
        machine,
        machines: [machine],
        subject: 'migration pairs',
        cause: null,
        message: `${machine}: ${plural(pairs.length, 'migration pair')} that passed before now fail${pairs.length === 1 ? 's' : ''}, and no rule change of this diff explains ${pairs.length === 1 ? 'it' : 'them'}: ${list(pairs.map((p) => `${pairLabel(p.source, p.destination)} (${p.before})`))}`,
        location: input.machineLocation(machine),
        breaks: pairs.map(pairRef),
        fixes: [],
        qemu: pairs[0]!.qemu,
        targets: pairs.map((p) => ({ machine, subject: pairLabel(p.source, p.destination) })),
      });
    }
    for (const [machine, pairs] of byMachine(m.newlyPassing)) {
      const was = pairs[0]!.qemu.find((l) => /Unexpected|Invalid|Could not set/.test(l));
      drafts.push({
        rule: 'MTC5020',
        machine,
        machines: [machine],
        subject: 'migration pairs',
        cause: null,
        message: `${machine}: ${plural(pairs.length, 'migration pair')} that failed before now pass${pairs.length === 1 ? 'es' : ''}: ${list(pairs.map((p) => `${pairLabel(p.source, p.destination)} (${p.after})`))}${was ? `; the first used to fail with: ${was}` : ''}`,
        location: input.machineLocation(machine),
        breaks: [],
        fixes: pairs.map(pairRef),
        qemu: [],
        targets: [],
      });
    }
  }

  const used = new Set<Waiver>();
  const pending = new Map<Waiver, number>();
  const baseWaivers = input.baseWaivers ?? input.waivers;
  const findings: Finding[] = drafts.map((d) => {
    const info = reviewCodes[d.rule];
    const severity = d.severity ?? (info.severity as FindingSeverity);
    // Waived when waivers of this rule cover every (machine type, subject) the finding stands for, in the
    // head config and in the base config: a waiver the change adds or widens waives nothing until it is merged.
    let waiver: Waiver | undefined;
    if (severity !== 'note' && d.targets.length > 0) {
      const cover = d.targets.map((t) => input.waivers.find((w) => matches(w, d.rule, t.machine, t.subject)));
      for (const w of cover) if (w) used.add(w);
      if (cover.every((w) => w !== undefined)) {
        const inForce = d.targets.every((t) => baseWaivers.some((w) => matches(w, d.rule, t.machine, t.subject)));
        if (inForce) waiver = cover[0];
        else for (const w of new Set(cover)) pending.set(w!, (pending.get(w!) ?? 0) + 1);
      }
    }
    return {
      rule: d.rule,
      name: info.name,
      severity,
      machine: d.machine,
      machines: d.machines,
      subject: d.subject,
      cause: d.cause,
      message: d.message,
      location: d.location,
      breaks: d.breaks,
      fixes: d.fixes,
      qemu: d.qemu,
      waived: waiver ? { reason: waiver.reason, file: waiver.file, line: waiver.line } : null,
    };
  });
  return { findings, unusedWaivers: input.waivers.filter((w) => !used.has(w)), pendingWaivers: pending };
}
