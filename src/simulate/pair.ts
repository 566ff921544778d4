/**
 * One (machine type, source, destination) cell in full: the outcome, the
 * lines the destination QEMU prints (its release's own, catalog/qemu/
 * releases.yaml) and notes for people. It walks the two sorted lists the way
 * the destination release does:
 *
 * - `local-end` (10.0, 10.2, and 11.0 as far as known): the length check, then
 *   one loop over the local list (target/arm/machine.c:1054-1068 of 10.2.2).
 *   An incoming register below a local one fails the load without a word; the
 *   incoming registers after the last local one are never looked at: dropped.
 * - `report-all` (the RFC series): the length check with its slack of 10,
 *   then the missing and the unexpected registers are printed (at most 10 of
 *   each, each counted from 0); an unexpected one that is not safe-missing fails.
 * - `full` (11.1): both lists to their ends (machine.c:1154-1189 of 11.1.1),
 *   a line per difference unless tolerated, and the assignment bug: only the
 *   last incoming-only register decides whether the load fails.
 *
 * Then, when the walk passed: under KVM the identity registers are written
 * back (common.ts), under TCG the constant registers must read back as
 * written (context.ts).
 */
import { idHex } from '../catalog/regid.js';
import { registerName, renderLine, type ReleaseModel } from '../qemu/releases.js';
import { identityStep, unsupportedReason } from './common.js';
import { accepts, pairContext, sourceValue, tcgReadBackFailures, tcgUndefinedMissing, type PairContext } from './context.js';
import { describeRegister, hostLabel, postLoadFunction } from './messages.js';
import type { AcceptedRegister, HostModel, MachineModel, Outcome, PairResult, SimulateOptions } from './types.js';
import { outcomeRank } from './types.js';

/** Most register names one note lists before `and N more`. */
const NOTE_NAMES = 12;

function hexValue(v: bigint): string {
  return '0x' + v.toString(16);
}

function worse(a: Outcome, b: Outcome): Outcome {
  return outcomeRank[a] >= outcomeRank[b] ? a : b;
}

export function postLoadLines(r: ReleaseModel): string[] {
  return r.messages.postLoadFail.map((t) => renderLine(t, {}));
}

export function explainPair(machine: MachineModel, src: HostModel, dst: HostModel, opts: SimulateOptions): PairResult {
  const ctx = pairContext(machine, src, dst, opts);
  const S = src.regs.filter((id) => !ctx.hideSrc.has(id));
  const D = dst.regs.filter((id) => !ctx.hideDst.has(id));
  const dSet = new Set(D);
  const sSet = new Set(S);
  const onlyIn = S.filter((id) => !dSet.has(id));
  const missing = D.filter((id) => !sSet.has(id));
  const accepted: AcceptedRegister[] = [];
  const rejectedTests: bigint[] = [];
  const unexpected: bigint[] = [];
  for (const id of onlyIn) {
    const t = ctx.tolerances.get(id);
    if (t && accepts(t, sourceValue(id, src, opts))) accepted.push({ id, kind: t.kind });
    else {
      if (t) rejectedTests.push(id);
      unexpected.push(id);
    }
  }
  const base = {
    from: ctx.from.id,
    to: ctx.to.id,
    missing,
    unexpected,
    accepted,
    rejectedTests,
    dropped: [] as { id: bigint; value: bigint | null }[],
    clearedBy: null as bigint | null,
    sourceLength: S.length,
    destinationLength: D.length,
  };
  const names = (ids: readonly bigint[]) =>
    ids.length <= NOTE_NAMES ? ids.map((id) => describeRegister(id, machine, opts.catalog)).join(', ') : `${ids.slice(0, NOTE_NAMES).map((id) => describeRegister(id, machine, opts.catalog)).join(', ')} and ${ids.length - NOTE_NAMES} more`;

  const reason = unsupportedReason(machine, src, dst);
  if (reason !== null) return { ...base, outcome: 'unsupported', lines: [], notes: [reason] };
  const notes: string[] = [];
  if (ctx.rulesAbsent) notes.push(ctx.rulesAbsent + '.');
  if (ctx.refused) {
    if (ctx.refused === 'unknown')
      return { ...base, outcome: 'unsupported', lines: [], notes: [...notes, `QEMU ${ctx.to.id} is not known to load streams of QEMU ${ctx.from.id} (catalog/qemu/releases.yaml); the cpreg model cannot tell what happens.`] };
    const refusal = `QEMU ${ctx.to.id} cannot load a stream of QEMU ${ctx.from.id}: ${ctx.refused.why}.`;
    // The list length is loaded before the arrays: a destination with the length check rejects a longer list first, with its usual lines.
    const limit = base.destinationLength + ctx.to.lengthSlack;
    if (ctx.to.lengthCheck && base.sourceLength > limit)
      return {
        ...base,
        outcome: 'fail',
        lines: ctx.to.messages.lengthFail.map((t) => renderLine(t, { incoming: base.sourceLength, local: limit })),
        notes: [...notes, `The source sends ${base.sourceLength} registers and the destination takes at most ${limit}: QEMU ${ctx.to.id} rejects the longer list first.`, refusal],
      };
    const seen = ctx.refused.seen.map((x) => `with ${x.cpus}, ${x.lines.map((l) => `\`${renderLine(l, {})}\``).join(' ')}`).join('; ');
    return {
      ...base,
      outcome: 'fail',
      lines: [],
      notes: [...notes, `${refusal} This fails outside the register lists, and what QEMU prints depends on the CPUs; real runs printed: ${seen}.`],
    };
  }
  if (ctx.duplicates.length > 0)
    return {
      ...base,
      outcome: 'fail',
      lines: [],
      notes: [
        ...notes,
        `${names(ctx.duplicates)}: ${machine.name} registers ${ctx.duplicates.length === 1 ? 'a tolerance' : 'tolerances'} QEMU ${ctx.to.id} already registers by itself; arm_register_cpreg_mig_tolerance() asserts an index is registered once, so the destination QEMU aborts when it creates the vCPU (mtc check --qemu ${ctx.to.id} reports this as MTC7002).`,
      ],
    };

  const onlySrc = `listed by ${hostLabel(src)} but not by ${hostLabel(dst)}`;
  const walk = walkLines(ctx, machine, src, dst, D, missing, onlyIn, accepted, unexpected);
  for (const id of rejectedTests) {
    const t = ctx.tolerances.get(id)!;
    notes.push(
      `${describeRegister(id, machine, opts.catalog)} is ${onlySrc}; it is tolerated only when (value & ${hexValue(t.mask)}) == ${hexValue(t.value)}, and the incoming value ${hexValue(sourceValue(id, src, opts))} fails that test (set it with --reg-value).`,
    );
  }
  const accNames = accepted.map((a) => a.id);
  if (accNames.length > 0) {
    const byQemu = accNames.filter((id) => ctx.tolerances.get(id)?.origin === 'qemu');
    const byRules = accNames.filter((id) => ctx.tolerances.get(id)?.origin === 'rules');
    if (byRules.length > 0) notes.push(`${names(byRules)} ${byRules.length === 1 ? 'is' : 'are'} only on the source; ${machine.name} tolerates ${byRules.length === 1 ? 'it' : 'them'}, so the destination ignores ${byRules.length === 1 ? 'it' : 'them'}.`);
    if (byQemu.length > 0)
      notes.push(
        `${names(byQemu)} ${byQemu.length === 1 ? 'is' : 'are'} only on the source; QEMU ${ctx.to.id} tolerates ${byQemu.length === 1 ? 'it' : 'them'} by itself (${[...new Set(byQemu.map((id) => ctx.tolerances.get(id)!.at))].join(', ')})${byQemu.some((id) => ctx.tolerances.get(id)!.kind === 'source-value') ? `, ${byQemu.filter((id) => ctx.tolerances.get(id)!.kind === 'source-value').map((id) => `${describeRegister(id, machine, opts.catalog)} because its value ${hexValue(sourceValue(id, src, opts))} passes the test`).join('; ')}` : ''}.`,
      );
  }
  if (walk.kind === 'length') return { ...base, outcome: 'fail', lines: walk.lines, notes: [walk.note, ...notes] };
  const plain = unexpected.filter((id) => !rejectedTests.includes(id));
  if (plain.length > 0 && walk.kind !== 'dropped')
    notes.push(
      `${names(plain)} ${plain.length === 1 ? 'is' : 'are'} ${onlySrc}, and neither ${machine.name} nor QEMU ${ctx.to.id} tolerates ${plain.length === 1 ? 'it' : 'them'}: hide ${plain.length === 1 ? 'it' : 'them'} (a newer kernel added ${plain.length === 1 ? 'it' : 'them'}) or tolerate ${plain.length === 1 ? 'it' : 'them'} (an older kernel listed ${plain.length === 1 ? 'it' : 'them'}).`,
    );
  const undefinedMissing = tcgUndefinedMissing(src, dst, missing);
  if (missing.length > 0 && undefinedMissing.length === 0)
    notes.push(`${names(missing)} ${missing.length === 1 ? 'is' : 'are'} listed by ${hostLabel(dst)} but not sent by ${hostLabel(src)}: ${missing.length === 1 ? 'it keeps its' : 'they keep their'} reset value${missing.length === 1 ? '' : 's'} on the destination.`);
  if (walk.kind === 'fail') return { ...base, outcome: 'fail', lines: walk.lines, notes: [...notes, ...walk.notes] };
  let outcome: Outcome = missing.length > 0 ? 'warn' : 'ok';
  let dropped = base.dropped;
  let clearedBy = base.clearedBy;
  if (walk.kind === 'dropped') {
    outcome = 'dropped';
    dropped = walk.dropped.map((id) => ({ id, value: src.values?.get(id) ?? opts.regValues.get(id) ?? null }));
    notes.push(
      `${names(walk.dropped)} ${walk.dropped.length === 1 ? 'sorts' : 'sort'} after the last register of ${hostLabel(dst)}: QEMU ${ctx.to.id} never looks at incoming registers after its own last one, so ${walk.dropped.length === 1 ? 'it is' : 'they are'} dropped without a word and ${walk.dropped.length === 1 ? 'its value is' : 'their values are'} lost${dropped.some((d) => d.value !== null) ? ` (${dropped.filter((d) => d.value !== null).map((d) => `${describeRegister(d.id, machine)} = ${hexValue(d.value!)}`).join(', ')})` : ''}.`,
    );
  }
  if (walk.kind === 'bug') {
    outcome = 'bug';
    clearedBy = walk.clearedBy;
    notes.push(
      `QEMU ${ctx.to.id} printed that ${names(unexpected)} ${unexpected.length === 1 ? 'fails' : 'fail'} the migration, but ${describeRegister(walk.clearedBy, machine)} comes later and is tolerated: 11.1.1 assigns the result of each check (\`fail = handle_cpreg_only_in_incoming_stream()\`, target/arm/machine.c:1161 and 1186) instead of or-ing it, so the load passes. It holds only because of that bug, and ${unexpected.length === 1 ? 'the register' : 'those registers'} ${unexpected.length === 1 ? 'is' : 'are'} lost.`,
    );
  }
  const lines = [...walk.lines];
  // After the walk: KVM writes the identity registers back; TCG reads its constants back.
  const migrated = (id: bigint) => sSet.has(id) && dSet.has(id);
  const ident = identityStep(machine, src, dst, migrated, ctx.to);
  if (ident.fail) return { ...base, dropped, clearedBy, outcome: 'fail', lines: [...lines, ...ident.lines], notes: [...notes, ...ident.notes] };
  if (ident.unsafe) outcome = worse(outcome, 'unsafe');
  const readBack = tcgReadBackFailures(src, dst, migrated);
  if (readBack.length > 0 || undefinedMissing.length > 0)
    return {
      ...base,
      dropped,
      clearedBy,
      outcome: 'fail',
      lines: [...lines, ...postLoadLines(ctx.to)],
      notes: [
        ...notes,
        ...(undefinedMissing.length > 0
          ? [
              `${names(undefinedMissing)} ${undefinedMissing.length === 1 ? 'is' : 'are'} listed by ${hostLabel(dst)} but not sent by ${hostLabel(src)}. Under TCG the destination never fills its value list before the load (cpreg_values from g_new() in init_cpreg_list(), target/arm/helper.c:270 of 10.2.2), so ${undefinedMissing.length === 1 ? 'it is' : 'they are'} written with whatever memory held: a constant register does not read back and write_list_to_cpustate() fails the load, a writable one takes the undefined value. Seen in every real TCG migration with a missing register; use the same CPU model and QEMU on both ends, or make the source list ${undefinedMissing.length === 1 ? 'it' : 'them'} too.`,
            ]
          : []),
        ...(readBack.length === 0 ? [] : [`${names(readBack)} ${readBack.length === 1 ? 'has' : 'have'} other values on the two hosts, and under TCG ${readBack.length === 1 ? 'it is a constant' : 'they are constants'} of the CPU model: the destination writes the incoming value${readBack.length === 1 ? '' : 's'}, ${readBack.length === 1 ? 'it does' : 'they do'} not read back as written, and write_list_to_cpustate() fails the load without naming ${readBack.length === 1 ? 'it' : 'them'} (inferred; different CPU models, or -cpu max across QEMU releases).`]),
      ],
    };
  return { ...base, dropped, clearedBy, outcome, lines: [...lines, ...ident.lines], notes: [...notes, ...ident.notes] };
}

type Walked =
  | { kind: 'length'; lines: string[]; note: string }
  | { kind: 'fail'; lines: string[]; notes: string[] }
  | { kind: 'dropped'; lines: string[]; dropped: bigint[] }
  | { kind: 'bug'; lines: string[]; clearedBy: bigint }
  | { kind: 'pass'; lines: string[] };

function walkLines(
  ctx: PairContext,
  machine: MachineModel,
  src: HostModel,
  dst: HostModel,
  D: readonly bigint[],
  missing: readonly bigint[],
  onlyIn: readonly bigint[],
  accepted: readonly AcceptedRegister[],
  unexpected: readonly bigint[],
): Walked {
  const r = ctx.to;
  const sourceLength = onlyIn.length + (D.length - missing.length);
  const limit = D.length + r.lengthSlack;
  if (r.lengthCheck && sourceLength > limit)
    return {
      kind: 'length',
      lines: r.messages.lengthFail.map((t) => renderLine(t, { incoming: sourceLength, local: limit })),
      note: `The source sends ${sourceLength} registers and the destination takes at most ${limit}: QEMU ${r.id} rejects a longer list before comparing indexes${r.lengthSlack ? ` (its own ${D.length} plus ${r.lengthSlack})` : ''}.`,
    };
  const name = (id: bigint) => registerName(r, dst.accel, id);
  if (r.walk === 'local-end') {
    const last = D.length > 0 ? D[D.length - 1]! : -1n;
    const examined = unexpected.filter((id) => id < last);
    if (examined.length > 0)
      return {
        kind: 'fail',
        lines: postLoadLines(r),
        notes: [`QEMU ${r.id} fails at ${describeRegister(examined[0]!, machine, ctx.catalog)}, the first incoming register it does not list, and names none.`],
      };
    const beyond = unexpected.filter((id) => id > last);
    return beyond.length > 0 ? { kind: 'dropped', lines: [], dropped: beyond } : { kind: 'pass', lines: [] };
  }
  if (r.walk === 'report-all') {
    const cap = r.anomalyCap ?? Number.POSITIVE_INFINITY;
    const vars = (id: bigint, n: number) => ({ fn: postLoadFunction(dst.accel), n, hex: idHex(id), name: name(id) });
    const lines = [
      ...(r.messages.missing ? missing.slice(0, cap).map((id, n) => renderLine(r.messages.missing!, vars(id, n))) : []),
      ...(r.messages.unexpected ? unexpected.slice(0, cap).map((id, n) => renderLine(r.messages.unexpected!, vars(id, n))) : []),
    ];
    return unexpected.length > 0 ? { kind: 'fail', lines: [...lines, ...postLoadLines(r)], notes: [] } : { kind: 'pass', lines };
  }
  // full: every difference in index order, tolerated ones silently; the last incoming-only register decides.
  const tolMissing = (id: bigint) => ctx.tolerances.get(id)?.kind === 'one-end';
  const acceptedSet = new Set(accepted.map((a) => a.id));
  const events = [...missing.map((id) => ({ id, missing: true })), ...onlyIn.map((id) => ({ id, missing: false }))].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lines: string[] = [];
  for (const e of events) {
    if (e.missing) {
      if (!tolMissing(e.id) && r.messages.missing) lines.push(renderLine(r.messages.missing, { name: name(e.id) }));
    } else if (!acceptedSet.has(e.id) && r.messages.unexpected) lines.push(renderLine(r.messages.unexpected, { name: name(e.id) }));
  }
  if (unexpected.length === 0) return { kind: 'pass', lines };
  const decider = onlyIn[onlyIn.length - 1]!;
  if (r.assignBug && acceptedSet.has(decider)) return { kind: 'bug', lines, clearedBy: decider };
  return { kind: 'fail', lines: [...lines, ...postLoadLines(r)], notes: [] };
}
