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
import { lazyArray } from '../util/json-stream.js';

export const SIMULATE_FORMAT = 'mtc-simulate';
export const SIMULATE_VERSION = 2;

export interface CellReport {
  readonly source: string;
  readonly destination: string;
  readonly result: PairResult;
}

/**
 * One machine type's part of the report. Built for fleets: the outcomes live
 * in the matrix's byte array, and explanations (QEMU's lines, notes) are
 * computed when a renderer asks for them and dropped after, so memory does
 * not grow with the number of explained cells.
 */
export interface MachineReport {
  readonly machine: MachineModel;
  readonly counts: Record<Outcome, number>;
  /** Outcome of migrating from hosts[s] to hosts[d]. */
  outcome(s: number, d: number): Outcome;
  /** Cells that have an explanation: every cell for small matrices, else every cell that is not `ok`. */
  readonly explainable: number;
  /**
   * The explained cells, row-major, computed one at a time: those `filter`
   * accepts (default: every explainable cell), at most `limit` of them.
   */
  explained(opts?: { filter?: (o: Outcome) => boolean; limit?: number }): Iterable<CellReport>;
  /** outcomes[s][d], materialised (small matrices and tests). */
  readonly outcomes: Outcome[][];
  /** Every explained cell, materialised (small matrices and tests). */
  readonly cells: CellReport[];
}

export interface SimulationReport {
  readonly build: string | null;
  readonly options: SimulateOptions;
  readonly hosts: readonly HostModel[];
  readonly machines: MachineReport[];
  readonly policy: PolicyOutcome | null;
}

/** Up to this many cells every cell is explained; above, only cells that are not `ok`. */
export const EXPLAIN_ALL_LIMIT = 50_000;
/**
 * Most explained cells per machine type in the JSON and HTML outputs of a
 * large matrix (more than EXPLAIN_ALL_LIMIT cells). A fleet of 1000 hosts has
 * a million cells per machine type; explaining each costs a merge walk and a
 * few hundred bytes, so the rest are counted (`cellsOmitted`), not explained.
 * The matrix itself always has every outcome.
 */
export const MAX_EXPLAINED_CELLS = 2_000;

export function buildReport(
  machines: readonly MachineModel[],
  hosts: readonly HostModel[],
  options: SimulateOptions,
  extra: { build?: string | null; progress?: MatrixProgress; matrix?: Matrix } = {},
): Omit<SimulationReport, 'policy'> & { matrix: Matrix } {
  const matrix = extra.matrix ?? simulateMatrix(machines, hosts, options, extra.progress);
  const H = hosts.length;
  const explainAll = machines.length * H * H <= EXPLAIN_ALL_LIMIT;
  const reports = machines.map((machine, m): MachineReport => {
    const counts = Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<Outcome, number>;
    const base = m * H * H;
    for (let i = 0; i < H * H; i++) counts[outcomes[matrix.codes[base + i]]]++;
    const outcome = (s: number, d: number) => outcomes[matrix.codes[base + s * H + d]];
    const explainable = explainAll ? H * H : H * H - counts.ok;
    function* explained(opts: { filter?: (o: Outcome) => boolean; limit?: number } = {}): Generator<CellReport> {
      let n = 0;
      const limit = opts.limit ?? Infinity;
      for (let s = 0; s < H && n < limit; s++)
        for (let d = 0; d < H && n < limit; d++) {
          const o = outcome(s, d);
          if (!explainAll && o === 'ok') continue;
          if (opts.filter && !opts.filter(o)) continue;
          const result = explainPair(machine, hosts[s], hosts[d], options);
          if (result.outcome !== o) throw new Error(`internal: matrix and walk disagree on ${machine.name} ${hosts[s].name} -> ${hosts[d].name}`);
          n++;
          yield { source: hosts[s].name, destination: hosts[d].name, result };
        }
    }
    return {
      machine,
      counts,
      outcome,
      explainable,
      explained,
      get outcomes() {
        return Array.from({ length: H }, (_, s) => Array.from({ length: H }, (_, d) => outcome(s, d)));
      },
      get cells() {
        return [...explained()];
      },
    };
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
      return head + `migrates; ${r.missing.length} register${r.missing.length === 1 ? '' : 's'} missing from the stream ${r.missing.length === 1 ? 'keeps its reset value' : 'keep reset values'}`;
    case 'dropped':
      return head + `passes, but ${r.dropped.length} incoming register${r.dropped.length === 1 ? ' is' : 's are'} dropped without a word (${r.dropped.map((d) => idHex(d.id)).join(', ')})`;
    case 'unsafe':
      return head + 'passes but unsafe: different CPUs not both on the allow list';
    case 'bug':
      return head + `passes only because of a QEMU ${r.to} bug: ${r.unexpected.length} unexpected register${r.unexpected.length === 1 ? '' : 's'} did not fail the load`;
    case 'unsupported':
      return head + 'unsupported: ' + (r.notes[0] ?? '');
    case 'fail':
      return head + 'fails: ' + (fatalLine(r.lines) ?? '').replace(/^qemu-system-aarch64: /, '');
  }
}

const hex32 = (v: bigint) => '0x' + v.toString(16).padStart(8, '0');

function cellJson(c: CellReport) {
  return {
    source: c.source,
    destination: c.destination,
    outcome: c.result.outcome,
    from: c.result.from,
    to: c.result.to,
    summary: cellSummary(c),
    lines: c.result.lines,
    notes: c.result.notes,
    missing: c.result.missing.map(idHex),
    unexpected: c.result.unexpected.map(idHex),
    accepted: c.result.accepted.map((a) => ({ id: idHex(a.id), kind: a.kind })),
    dropped: c.result.dropped.map((d) => ({ id: idHex(d.id), value: d.value === null ? null : '0x' + d.value.toString(16) })),
    clearedBy: c.result.clearedBy === null ? null : idHex(c.result.clearedBy),
    sourceLength: c.result.sourceLength,
    destinationLength: c.result.destinationLength,
  };
}

/**
 * The JSON document (schema/simulate.schema.json) as a value whose big parts
 * (each matrix row, the explained cells) are produced lazily: write it with
 * writeJson (util/json-stream.ts), which never builds the whole text.
 */
export function reportToJson(r: SimulationReport): unknown {
  const H = r.hosts.length;
  return {
    format: SIMULATE_FORMAT,
    version: SIMULATE_VERSION,
    generator: { name: 'mtc', version: VERSION },
    build: r.build,
    options: {
      from: r.options.from.id,
      to: r.options.to.id,
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
    machineTypes: r.machines.map((m) => {
      const shown = Math.min(m.explainable, MAX_EXPLAINED_CELLS);
      const big = m.explainable > MAX_EXPLAINED_CELLS;
      return {
        name: m.machine.name,
        target: m.machine.target,
        requiresKernel: m.machine.requiresKernel,
        counts: m.counts,
        matrix: lazyArray(function* () {
          for (let s = 0; s < H; s++) yield Array.from({ length: H }, (_, d) => m.outcome(s, d));
        }),
        cells: lazyArray(function* () {
          for (const c of m.explained({ limit: shown })) yield cellJson(c);
        }),
        ...(big ? { cellsOmitted: m.explainable - shown } : {}),
      };
    }),
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
