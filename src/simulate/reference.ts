/**
 * Reference model of QEMU's destination load, written for obviousness, not
 * speed: plain sets and one rule per release walk, outcome only. The detailed
 * model (pair.ts) and the bitset matrix (engine.ts) must agree with it on
 * every input; test/simulate/engine-vs-reference.test.ts checks that on
 * thousands of random pairs. It shares with them only the decisions that come
 * before the walk (context.ts) and the identity write-back (common.ts).
 */
import { identityStep, unsupportedReason } from './common.js';
import { accepts, pairContext, sourceValue, tcgReadBackFailures, tcgUndefinedMissing } from './context.js';
import type { HostModel, MachineModel, Outcome, SimulateOptions } from './types.js';
import { outcomeRank } from './types.js';

export function referenceOutcome(machine: MachineModel, src: HostModel, dst: HostModel, opts: SimulateOptions): Outcome {
  if (unsupportedReason(machine, src, dst) !== null) return 'unsupported';
  const ctx = pairContext(machine, src, dst, opts);
  if (ctx.refused === 'unknown') return 'unsupported';
  if (ctx.refused || ctx.duplicates.length > 0) return 'fail';
  const stream = new Set(src.regs.filter((id) => !ctx.hideSrc.has(id)));
  const local = new Set(dst.regs.filter((id) => !ctx.hideDst.has(id)));
  const onlyIn = [...stream].filter((id) => !local.has(id));
  const acceptedIds = new Set(onlyIn.filter((id) => {
    const t = ctx.tolerances.get(id);
    return t !== undefined && accepts(t, sourceValue(id, src, opts));
  }));
  const unexpected = onlyIn.filter((id) => !acceptedIds.has(id));
  const r = ctx.to;
  if (r.lengthCheck && stream.size > local.size + r.lengthSlack) return 'fail';

  let outcome: Outcome = [...local].some((id) => !stream.has(id)) ? 'warn' : 'ok';
  if (unexpected.length > 0) {
    if (r.walk === 'local-end') {
      let last = -1n;
      for (const id of local) if (id > last) last = id;
      if (unexpected.some((id) => id < last)) return 'fail';
      outcome = 'dropped';
    } else if (r.walk === 'report-all') return 'fail';
    else {
      let decider = -1n;
      for (const id of onlyIn) if (id > decider) decider = id;
      if (!(r.assignBug && acceptedIds.has(decider))) return 'fail';
      outcome = 'bug';
    }
  }
  const migrated = (id: bigint) => stream.has(id) && local.has(id);
  const ident = identityStep(machine, src, dst, migrated, r);
  if (ident.fail) return 'fail';
  if (ident.unsafe && outcomeRank.unsafe > outcomeRank[outcome]) outcome = 'unsafe';
  if (tcgReadBackFailures(src, dst, migrated).length > 0) return 'fail';
  if (tcgUndefinedMissing(src, dst, [...local].filter((id) => !stream.has(id))).length > 0) return 'fail';
  return outcome;
}
