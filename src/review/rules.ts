/**
 * The breaking-change rules: from the semantic changes, the matrix change,
 * the released machine types and the waivers, the findings of a diff.
 */
import type { Waiver } from './config.js';
import { globMatch } from './config.js';
import { reviewCodes, type ReviewCode } from './codes.js';
import type { ChangeDraft } from './semantic.js';
import type { Finding, FindingSeverity, Location, MatrixChange } from './report-types.js';
import { pairLabel } from './matrix.js';

export interface RuleInput {
  readonly changes: readonly ChangeDraft[];
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

type Draft = Omit<Finding, 'name' | 'severity' | 'waived'> & { severity?: FindingSeverity };

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

function releasedMessage(code: ReviewCode, c: ChangeDraft): string {
  const breaks = c.breaks.length > 0 ? `; it breaks ${list(c.breaks)}` : '';
  switch (code) {
    case 'MTC5001':
      return `released machine type ${c.machine}: ${c.summary}${breaks}`;
    case 'MTC5002':
      return `released machine type ${c.machine}: ${c.summary}${breaks}`;
    case 'MTC5003':
      return `released machine type ${c.machine}: ${c.summary}; its effective rules now come from another set of machine types`;
    case 'MTC5004':
      return `released machine type ${c.machine} was removed; guests running it can no longer be started or migrated to this build`;
    case 'MTC5006':
      return `released machine type ${c.machine}: ${c.summary}; hosts below it become unsupported${c.breaks.length > 0 ? ` (${list(c.breaks)})` : ''}`;
    case 'MTC5007':
      return `released machine type ${c.machine}: ${c.summary}; a stream from its previous build that still carries the register is rejected unless it is also tolerated`;
    case 'MTC5008':
      return `released machine type ${c.machine}: ${c.summary}`;
    case 'MTC5009':
      return `released machine type ${c.machine}: ${c.summary}; this changes the behaviour of running guests`;
    default:
      return c.summary;
  }
}

export function list(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
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

export function evaluateRules(input: RuleInput): RuleOutput {
  const drafts: Draft[] = [];
  for (const c of input.changes) {
    const released = input.isReleased(c.machine);
    const code = breakingRuleOf(c);
    if (code && released) drafts.push({ rule: code, machine: c.machine, subject: c.subject, message: releasedMessage(code, c), location: c.location, qemu: [] });
    if (ADDED_RULES.has(c.kind) || (c.kind === 'tolerance-changed' && !code)) {
      const fixes = c.fixes.length > 0 ? `; fixes ${list(c.fixes)}` : '';
      drafts.push({ rule: 'MTC5021', machine: c.machine, subject: c.subject, message: `${c.machine}: ${c.summary}${fixes}`, location: c.location, qemu: [] });
    }
  }
  const m = input.matrix;
  if (m) {
    for (const p of m.newlyFailing) {
      const released = input.isReleased(p.machine);
      const why = p.causes.length > 0 ? ` (caused by ${list(p.causes)})` : '';
      drafts.push({
        rule: 'MTC5005',
        severity: released ? 'error' : 'warning',
        machine: p.machine,
        subject: pairLabel(p.source, p.destination),
        message: `${p.machine}: migration ${pairLabel(p.source, p.destination)} passed before (${p.before}) and now fails${why}`,
        location: input.machineLocation(p.machine),
        qemu: p.qemu,
      });
    }
    for (const p of m.newlyPassing) {
      const why = p.causes.length > 0 ? `, fixed by ${list(p.causes)}` : '';
      const was = p.qemu.find((l) => /Unexpected|Invalid|Could not set/.test(l));
      drafts.push({
        rule: 'MTC5020',
        machine: p.machine,
        subject: pairLabel(p.source, p.destination),
        message: `${p.machine}: migration ${pairLabel(p.source, p.destination)} failed before and now passes (${p.after})${why}${was ? `; it used to fail with: ${was}` : ''}`,
        location: input.machineLocation(p.machine),
        qemu: [],
      });
    }
  }

  const used = new Set<Waiver>();
  const pending = new Map<Waiver, number>();
  const baseWaivers = input.baseWaivers ?? input.waivers;
  const findings: Finding[] = drafts.map((d) => {
    const info = reviewCodes[d.rule as ReviewCode];
    const severity = d.severity ?? (info.severity as FindingSeverity);
    const head = severity === 'note' ? undefined : input.waivers.find((w) => matches(w, d.rule, d.machine, d.subject));
    if (head) used.add(head);
    const inForce = head !== undefined && baseWaivers.some((w) => matches(w, d.rule, d.machine, d.subject));
    if (head && !inForce) pending.set(head, (pending.get(head) ?? 0) + 1);
    const w = inForce ? head : undefined;
    return {
      rule: d.rule,
      name: info.name,
      severity,
      machine: d.machine,
      subject: d.subject,
      message: d.message,
      location: d.location,
      qemu: d.qemu,
      waived: w ? { reason: w.reason, file: w.file, line: w.line } : null,
    };
  });
  return { findings, unusedWaivers: input.waivers.filter((w) => !used.has(w)), pendingWaivers: pending };
}
