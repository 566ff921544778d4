/**
 * Reference model of QEMU's destination load, written for obviousness, not
 * speed: plain sets, no merge walk. The fast engine (engine.ts) must agree with
 * it on every input; test/simulate/engine-vs-reference.test.ts checks that on
 * thousands of random pairs.
 */
import { generationFor, identityStep, unsupportedReason } from './common.js';
import { lengthLines, loadFailedLines, missingLine, unexpectedLine, MAX_REPORTED_ANOMALIES } from './messages.js';
import type { AcceptedRegister, HostModel, MachineModel, Outcome, PairResult, SimulateOptions } from './types.js';

const byId = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

export function referencePair(machine: MachineModel, src: HostModel, dst: HostModel, opts: SimulateOptions): PairResult {
  const qemu = generationFor(dst, opts);
  const hidden = new Set(machine.hidden);
  const stream = new Set(src.regs.filter((id) => !hidden.has(id)));
  const local = new Set(dst.regs.filter((id) => !hidden.has(id)));
  const tolerated = machine.tolerated.filter((t) => !hidden.has(t.id));

  const onlyInStream = [...stream].filter((id) => !local.has(id)).sort(byId);
  const missing = [...local].filter((id) => !stream.has(id)).sort(byId);

  const accepted: AcceptedRegister[] = [];
  const rejectedTests: bigint[] = [];
  const unexpected: bigint[] = [];
  for (const id of onlyInStream) {
    const t = tolerated.find((x) => x.id === id);
    if (t === undefined) {
      unexpected.push(id);
    } else if (t.kind === 'one-end') {
      accepted.push({ id, kind: 'one-end' });
    } else {
      const value = opts.regValues.get(id) ?? 0n;
      if ((value & t.mask) === t.value) accepted.push({ id, kind: 'source-value' });
      else {
        rejectedTests.push(id);
        unexpected.push(id);
      }
    }
  }

  const base = { qemu, missing, unexpected, accepted, rejectedTests, sourceLength: stream.size, destinationLength: local.size };
  const reason = unsupportedReason(machine, src, dst);
  if (reason !== null) return { ...base, outcome: 'unsupported', lines: [], notes: [reason] };

  // QEMU <= 10.2: the incoming length must fit the local arrays (plus room for tolerated registers).
  const room = opts.toleratedRoom ? new Set(tolerated.map((t) => t.id).filter((id) => !local.has(id))).size : 0;
  if (qemu === '10.2' && stream.size > local.size + room) {
    return { ...base, outcome: 'fail', lines: lengthLines(stream.size, local.size + room), notes: [] };
  }

  // The walk: QEMU <= 10.2 stops at the first unexpected register; 11.x reports them all.
  const reportedUnexpected = qemu === '10.2' ? unexpected.slice(0, 1) : unexpected;
  const stop = qemu === '10.2' && unexpected.length > 0 ? unexpected[0] : undefined;
  const reportedMissing = stop === undefined ? missing : missing.filter((id) => id < stop);
  const events = [
    ...reportedMissing.slice(0, MAX_REPORTED_ANOMALIES).map((id) => ({ id, line: missingLine(dst.accel, id) })),
    ...reportedUnexpected.slice(0, MAX_REPORTED_ANOMALIES).map((id) => ({ id, line: unexpectedLine(dst.accel, id) })),
  ].sort((a, b) => byId(a.id, b.id));
  const lines = events.map((e) => e.line);
  if (unexpected.length > 0) return { ...base, outcome: 'fail', lines: [...lines, ...loadFailedLines()], notes: [] };

  const ident = identityStep(machine, src, dst, (id) => stream.has(id) && local.has(id));
  let outcome: Outcome = missing.length > 0 ? 'warn' : 'ok';
  if (ident.unsafe) outcome = 'unsafe';
  if (ident.fail) outcome = 'fail';
  return { ...base, outcome, lines: [...lines, ...ident.lines], notes: ident.notes };
}
