/**
 * The simulation report: the matrix plus explanations, the model every output
 * format renders. Its JSON form is published as schema/simulate.schema.json.
 */
import { idHex } from '../catalog/index.js';
import { fatalLine } from './messages.js';
import { VERSION } from '../version.js';
import { explainPair, simulateMatrix, type Matrix, type MatrixProgress } from './engine.js';
import type { HostModel, MachineModel, Outcome, PairResult, SimulateOptions } from './types.js';
import { outcomes } from './types.js';
import type { PolicyOutcome } from './policy.js';

export const SIMULATE_FORMAT = 'mtc-simulate';
export const SIMULATE_VERSION = 1;

export interface CellReport {
  readonly source: string;
  readonly destination: string;
  readonly result: PairResult;
}

export interface MachineReport {
  readonly machine: MachineModel;
  /** outcomes[s][d] */
  readonly outcomes: Outcome[][];
  /** Explained cells, row-major; every cell when the matrix is small, else every cell that is not `ok`. */
  readonly cells: CellReport[];
  readonly counts: Record<Outcome, number>;
}

export interface SimulationReport {
  readonly build: string | null;
  readonly options: SimulateOptions;
  readonly hosts: readonly HostModel[];
  readonly machines: MachineReport[];
  readonly policy: PolicyOutcome | null;
}

/** Above this many cells only cells that are not `ok` are explained. */
export const EXPLAIN_ALL_LIMIT = 50_000;

export function buildReport(
  machines: readonly MachineModel[],
  hosts: readonly HostModel[],
  options: SimulateOptions,
  extra: { build?: string | null; progress?: MatrixProgress; matrix?: Matrix } = {},
): Omit<SimulationReport, 'policy'> & { matrix: Matrix } {
  const matrix = extra.matrix ?? simulateMatrix(machines, hosts, options, extra.progress);
  const H = hosts.length;
  const explainAll = machines.length * H * H <= EXPLAIN_ALL_LIMIT;
  const reports = machines.map((machine, m) => {
    const counts = Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<Outcome, number>;
    const rows: Outcome[][] = [];
    const cells: CellReport[] = [];
    for (let s = 0; s < H; s++) {
      const row: Outcome[] = [];
      for (let d = 0; d < H; d++) {
        const o = matrix.outcome(m, s, d);
        row.push(o);
        counts[o]++;
        if (explainAll || o !== 'ok') {
          const result = explainPair(machine, hosts[s], hosts[d], options);
          if (result.outcome !== o) throw new Error(`internal: matrix and walk disagree on ${machine.name} ${hosts[s].name} -> ${hosts[d].name}`);
          cells.push({ source: hosts[s].name, destination: hosts[d].name, result });
        }
      }
      rows.push(row);
    }
    return { machine, outcomes: rows, cells, counts };
  });
  return { build: extra.build ?? null, options, hosts, machines: reports, matrix };
}

/** One-line summary of a cell for tooltips and compact listings. */
export function cellSummary(c: CellReport): string {
  const r = c.result;
  const head = `${c.source} → ${c.destination}: `;
  switch (r.outcome) {
    case 'ok':
      return head + `migrates (${r.sourceLength} registers${r.accepted.length ? `, ${r.accepted.length} tolerated` : ''})`;
    case 'warn':
      return head + `migrates; ${r.missing.length} register${r.missing.length === 1 ? '' : 's'} missing from the stream keep reset values`;
    case 'unsafe':
      return head + 'passes but unsafe: different CPUs not both on the allow list';
    case 'unsupported':
      return head + 'unsupported: ' + (r.notes[0] ?? '');
    case 'fail':
      return head + 'fails: ' + (fatalLine(r.lines) ?? '').replace(/^qemu-system-aarch64: /, '');
  }
}

const hex32 = (v: bigint) => '0x' + v.toString(16).padStart(8, '0');

/** The JSON document (schema/simulate.schema.json). */
export function reportToJson(r: SimulationReport): unknown {
  return {
    format: SIMULATE_FORMAT,
    version: SIMULATE_VERSION,
    generator: { name: 'mtc', version: VERSION },
    build: r.build,
    options: {
      qemu: r.options.qemu,
      toleratedRoom: r.options.toleratedRoom,
      regValues: Object.fromEntries([...r.options.regValues].map(([k, v]) => [idHex(k), '0x' + v.toString(16)])),
    },
    outcomes: [...outcomes],
    hosts: r.hosts.map((h) => ({
      name: h.name,
      accel: h.accel,
      kernel: h.kernel,
      flavour: h.flavour ?? null,
      qemu: h.qemu,
      cpu: { name: h.cpu.name ?? null, midr: hex32(h.cpu.midr), revidr: hex32(h.cpu.revidr), aidr: hex32(h.cpu.aidr) },
      registers: h.regs.length,
    })),
    machineTypes: r.machines.map((m) => ({
      name: m.machine.name,
      target: m.machine.target,
      requiresKernel: m.machine.requiresKernel,
      counts: m.counts,
      matrix: m.outcomes,
      cells: m.cells.map((c) => ({
        source: c.source,
        destination: c.destination,
        outcome: c.result.outcome,
        qemu: c.result.qemu,
        summary: cellSummary(c),
        lines: c.result.lines,
        notes: c.result.notes,
        missing: c.result.missing.map(idHex),
        unexpected: c.result.unexpected.map(idHex),
        accepted: c.result.accepted.map((a) => ({ id: idHex(a.id), kind: a.kind })),
        sourceLength: c.result.sourceLength,
        destinationLength: c.result.destinationLength,
      })),
    })),
    policy: r.policy
      ? {
          passed: r.policy.passed,
          checks: r.policy.checks.map((c) => ({
            requirement: c.requirement.text,
            machine: c.requirement.machine,
            source: c.source,
            destination: c.destination,
            outcome: c.outcome,
            accept: [...c.requirement.accept],
            passed: c.passed,
          })),
        }
      : null,
  };
}
