/**
 * One simulation run over data: the machine types chosen from a build
 * document, the hosts, the policy's requirements and the release options
 * in; the report, its exit code and the policy's diagnostics out, and the
 * report rendered in chunks. Reading files and flags is `mtc simulate`'s
 * (src/cli/commands/simulate.ts).
 */
import { batched, jsonChunks } from '../util/json-stream.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { simulateCodes } from './codes.js';
import { simulatable } from './document.js';
import { evaluatePolicy, policyDiagnostics, PolicyError, type PolicyOutcome, type Requirement } from './policy.js';
import { buildReport, reportToJson, type SimulationReport } from './report.js';
import { htmlChunks } from './render-html.js';
import { markdownChunks, textChunks } from './render-text.js';
import type { HostModel, MachineModel, SimulateOptions } from './types.js';

export type SimulateFormat = 'text' | 'markdown' | 'json' | 'html';
export const SIMULATE_FORMATS: readonly SimulateFormat[] = ['text', 'markdown', 'json', 'html'];

/** Progress is worth reporting only for long matrices. */
export const PROGRESS_MIN_CELLS = 200_000;

/** A run that cannot go on, with the diagnostics that say why. */
export class SimulateFailure extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
  }
}

export function failure(code: keyof typeof simulateCodes, message: string, help?: string): SimulateFailure {
  return new SimulateFailure([{ code, severity: 'error', message, ...(help ? { help } : {}) }]);
}

/** The machine types `names` chooses (all the simulatable ones when none), or a failure naming the bad one. */
export function selectMachines(all: readonly MachineModel[], names: readonly string[] | undefined): MachineModel[] {
  if (!names || names.length === 0) return all.filter(simulatable);
  for (const n of names) {
    const m = all.find((x) => x.name === n);
    if (m && !simulatable(m))
      throw failure(
        'MTC4011',
        `\`${n}\` is an ${m.arch} machine type; the simulator models the ARM64 register-list migration of arm64 KVM and arm TCG hosts, so it has no matrix for it`,
        `simulate the ARM machine types (${all.filter(simulatable).map((x) => x.name).slice(0, 4).join(', ')}${all.filter(simulatable).length > 4 ? ', …' : ''}), or leave out --machine`,
      );
  }
  return names.map((n) => {
    const m = all.find((x) => x.name === n);
    if (!m) {
      const near = all.filter((x) => x.name.toLowerCase().includes(n.toLowerCase()) || n.toLowerCase().includes(x.name.toLowerCase())).map((x) => x.name).slice(0, 3);
      throw failure('MTC4003', `unknown machine type \`${n}\``, near.length ? `did you mean ${near.map((x) => `\`${x}\``).join(', ')}?` : `the build document has ${all.map((x) => x.name).join(', ') || 'no machine types'}`);
    }
    return m;
  });
}

export interface SimulationInput {
  /** The machine types of the matrix. */
  readonly machines: readonly MachineModel[];
  /** Every machine type of the build document (a policy may name one left out of the matrix). */
  readonly allMachines: () => readonly MachineModel[];
  readonly hosts: readonly HostModel[];
  readonly options: SimulateOptions;
  readonly requirements: readonly Requirement[];
  /** The build document's path, as the report names it. */
  readonly build: string;
  readonly progress?: ((done: number, total: number) => void) | undefined;
}

export interface SimulationResult {
  readonly report: SimulationReport;
  /** 1 when a requirement fails, else 0. */
  readonly exitCode: number;
  /** The policy's findings. */
  readonly diagnostics: Diagnostic[];
}

/** The matrix of every machine type × source × destination, and the policy evaluated on it. */
export function runSimulation(input: SimulationInput): SimulationResult {
  const { machines, hosts, options, requirements: reqs } = input;
  const long = machines.length * hosts.length * hosts.length >= PROGRESS_MIN_CELLS;
  const built = buildReport([...machines], [...hosts], options, { build: input.build, progress: long ? input.progress : undefined });
  let policy: PolicyOutcome | null = null;
  if (reqs.length > 0) {
    try {
      // A policy may name machine types left out by --machine: evaluate against the full set.
      if (reqs.every((q) => machines.some((m) => m.name === q.machine))) policy = evaluatePolicy([...reqs], built.matrix);
      else {
        const all = input.allMachines();
        const missing = reqs.find((q) => !all.some((m) => m.name === q.machine));
        if (missing) throw new PolicyError(`${missing.origin}: policy names machine type \`${missing.machine}\`, which the build document does not have`, 'MTC4003');
        const needed = all.filter((m) => reqs.some((q) => q.machine === m.name));
        policy = evaluatePolicy([...reqs], buildReport(needed, [...hosts], options).matrix);
      }
    } catch (e) {
      if (e instanceof PolicyError) throw failure(e.code as keyof typeof simulateCodes, e.message);
      throw e;
    }
  }
  const report: SimulationReport = { build: built.build, options, hosts: [...hosts], machines: built.machines, policy };
  return { report, exitCode: policy && !policy.passed ? 1 : 0, diagnostics: policy ? policyDiagnostics(policy) : [] };
}

/** The report in `format`, in chunks of about 64 KiB produced as they are written: a fleet's output is never one string. */
export function renderSimulation(report: SimulationReport, format: SimulateFormat, color: boolean): Iterable<string> {
  const pieces =
    format === 'json'
      ? (function* () {
          yield* jsonChunks(reportToJson(report), 2);
          yield '\n';
        })()
      : format === 'html'
        ? htmlChunks(report)
        : format === 'markdown'
          ? markdownChunks(report)
          : textChunks(report, { color });
  return batched(pieces);
}
