/**
 * The change in the migration matrix: the simulator (src/simulate) runs over
 * the same host profiles for the machine types of both trees; cells whose
 * pass/fail status differs are explained with explainPair().
 */
import { explainPair, simulateMatrix } from '../simulate/engine.js';
import { simulatable } from '../simulate/document.js';
import type { HostModel, MachineModel, Outcome, SimulateOptions } from '../simulate/types.js';
import type { ChangeDraft } from './semantic.js';
import type { MatrixChange, PairChange } from './report-types.js';

/** Whether QEMU accepts the migration (unsafe: different CPUs, but QEMU loads it). */
export function passes(o: Outcome): boolean {
  return o === 'ok' || o === 'warn' || o === 'unsafe';
}

export function pairLabel(src: string, dst: string): string {
  return `${src} → ${dst}`;
}

export function compareMatrices(
  base: readonly MachineModel[],
  head: readonly MachineModel[],
  hosts: readonly HostModel[],
  opts: SimulateOptions,
  changes: readonly ChangeDraft[],
): MatrixChange {
  const headBy = new Map(head.map((m) => [m.name, m]));
  const pairsB: MachineModel[] = [];
  const pairsH: MachineModel[] = [];
  for (const b of base) {
    const h = headBy.get(b.name);
    if (h && simulatable(b) && simulatable(h)) {
      pairsB.push(b);
      pairsH.push(h);
    }
  }
  const mb = simulateMatrix(pairsB, hosts, opts);
  const mh = simulateMatrix(pairsH, hosts, opts);
  const newlyFailing: PairChange[] = [];
  const newlyPassing: PairChange[] = [];
  const newlyUnsupported: PairChange[] = [];
  const byMachine = new Map<string, ChangeDraft[]>();
  for (const c of changes) byMachine.set(c.machine, [...(byMachine.get(c.machine) ?? []), c]);

  for (let m = 0; m < pairsH.length; m++) {
    const name = pairsH[m].name;
    const mine = byMachine.get(name) ?? [];
    for (let s = 0; s < hosts.length; s++)
      for (let d = 0; d < hosts.length; d++) {
        if (s === d) continue;
        const before = mb.outcome(m, s, d);
        const after = mh.outcome(m, s, d);
        if (before === after) continue;
        const label = pairLabel(hosts[s].name, hosts[d].name);
        const base = { machine: name, source: hosts[s].name, destination: hosts[d].name, before, after };
        if (passes(before) && after === 'fail') {
          const r = explainPair(pairsH[m], hosts[s], hosts[d], opts);
          const bad = new Set(r.unexpected);
          const causes = mine.filter((c) => c.ids.some((id) => bad.has(id)) || c.kind === 'cpu-removed' || c.kind === 'cpu-changed' || c.kind === 'hidden-removed' || c.kind === 'chain-changed');
          for (const c of causes) c.breaks.push(label);
          newlyFailing.push({ ...base, qemu: r.lines, notes: r.notes, causes: causes.map((c) => `${c.kind} ${c.subject}`) });
        } else if (before === 'fail' && passes(after)) {
          const r = explainPair(pairsB[m], hosts[s], hosts[d], opts);
          const was = new Set(r.unexpected);
          const causes = mine.filter((c) => c.ids.some((id) => was.has(id)) || c.kind === 'cpu-added' || c.kind === 'cpu-changed');
          for (const c of causes) c.fixes.push(label);
          newlyPassing.push({ ...base, qemu: r.lines, notes: r.notes, causes: causes.map((c) => `${c.kind} ${c.subject}`) });
        } else if (passes(before) && after === 'unsupported') {
          const r = explainPair(pairsH[m], hosts[s], hosts[d], opts);
          const causes = mine.filter((c) => c.kind === 'kernel-added' || c.kind === 'kernel-raised');
          for (const c of causes) c.breaks.push(label);
          newlyUnsupported.push({ ...base, qemu: [], notes: r.notes, causes: causes.map((c) => `${c.kind} ${c.subject}`) });
        }
      }
  }
  return {
    hosts: hosts.map((h) => h.name),
    qemu: `${opts.from.id} → ${opts.to.id}`,
    machines: pairsH.map((m) => m.name),
    cells: pairsH.length * hosts.length * (hosts.length - 1),
    newlyFailing,
    newlyPassing,
    newlyUnsupported,
  };
}
