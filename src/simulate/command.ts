/**
 * `mtc simulate`: machine types × sources × destinations, with outputs and
 * policy checks. Exit 0 (policy holds, or no policy), 1 (a requirement
 * fails), 2 (usage error, unreadable input).
 */
import { pipeChunks, writeOutputStream } from '../util/write-output.js';
import { batched, jsonChunks } from '../util/json-stream.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { renderHuman, useColor } from '../diagnostics/render.js';
import { loadBuiltinCatalog, parseIdHex } from '../catalog/index.js';
import { simulateCodes } from './codes.js';
import { DocumentError, readBuildDocument, simulatable } from './document.js';
import { buildFreshness } from './freshness.js';
import { builtinHosts, loadHosts } from './hosts.js';
import { evaluatePolicy, parseRequireFlag, policyDiagnostics, PolicyError, readPolicyFile, type Requirement } from './policy.js';
import { buildReport, reportToJson, type SimulationReport } from './report.js';
import { htmlChunks } from './render-html.js';
import { markdownChunks, textChunks } from './render-text.js';
import type { HostModel, MachineModel, SimulateOptions } from './types.js';
import { findRelease, newestRelease, releaseIds, type ReleaseModel } from '../qemu/releases.js';
import { readQemuTree, TreeError } from '../qemu/read-tree.js';

export interface SimulateCliOptions {
  readonly build?: string;
  readonly hosts?: string[];
  readonly machine?: string[];
  readonly qemu?: string;
  readonly fromQemu?: string;
  readonly toQemu?: string;
  readonly qemuTree?: string;
  readonly policy?: string;
  readonly require?: string[];
  readonly regValue?: string[];
  readonly format?: string;
  readonly out?: string;
}

export type SimulateFormat = 'text' | 'markdown' | 'json' | 'html';
const formats: readonly SimulateFormat[] = ['text', 'markdown', 'json', 'html'];

/** Progress on stderr only for long matrices, and only on a terminal. */
export const PROGRESS_MIN_CELLS = 200_000;

class Failure extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
  }
}

function usage(code: keyof typeof simulateCodes, message: string, help?: string): Failure {
  return new Failure([{ code, severity: 'error', message, ...(help ? { help } : {}) }]);
}

/** A `--qemu`, `--from-qemu` or `--to-qemu` value: a release of catalog/qemu/releases.yaml. */
export function parseRelease(option: string, v: string | undefined, fallback: ReleaseModel): ReleaseModel {
  if (v === undefined) return fallback;
  const r = findRelease(v);
  if (r) return r;
  throw new Failure([{ code: 'MTC9004', severity: 'error', message: `${option} takes a QEMU release mtc models (${releaseIds().join(', ')}, or an exact version of a built-in tree), not \`${v}\`` }]);
}

/** The releases of the two ends: --from-qemu / --to-qemu, else --qemu for both, else the newest. */
export function releasesFrom(opts: { qemu?: string; fromQemu?: string; toQemu?: string }): { from: ReleaseModel; to: ReleaseModel } {
  const both = parseRelease('--qemu', opts.qemu, newestRelease());
  return { from: parseRelease('--from-qemu', opts.fromQemu, both), to: parseRelease('--to-qemu', opts.toQemu, both) };
}

/** `--reg-value NAME=VALUE`: the source's value of a register for tolerance value tests. */
export function parseRegValues(specs: readonly string[]): Map<bigint, bigint> {
  const out = new Map<bigint, bigint>();
  const catalog = loadBuiltinCatalog();
  for (const s of specs) {
    const m = /^\s*([^=\s]+)\s*=\s*(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})\s*$/.exec(s);
    if (!m) throw usage('MTC4006', `--reg-value \`${s}\`: expected REGISTER=VALUE, e.g. KVM_REG_ARM_VENDOR_HYP_BMAP_2=0x1`);
    const id = /^0x/i.test(m[1]) ? parseIdHex(m[1]) : catalog.lookupName(m[1])?.id;
    if (id === undefined) throw usage('MTC4006', `--reg-value \`${s}\`: unknown register \`${m[1]}\``, 'use a catalog name or a 0x id of 16 hex digits');
    const v = BigInt(m[2]);
    if (v > 0xffffffffffffffffn) throw usage('MTC4006', `--reg-value \`${s}\`: the value does not fit in 64 bits`);
    out.set(id, v);
  }
  return out;
}

function selectMachines(all: MachineModel[], names: readonly string[] | undefined): MachineModel[] {
  if (!names || names.length === 0) return all.filter(simulatable);
  for (const n of names) {
    const m = all.find((x) => x.name === n);
    if (m && !simulatable(m))
      throw usage(
        'MTC4011',
        `\`${n}\` is an ${m.arch} machine type; the simulator models the ARM64 register-list migration of arm64 KVM and arm TCG hosts, so it has no matrix for it`,
        `simulate the ARM machine types (${all.filter(simulatable).map((x) => x.name).slice(0, 4).join(', ')}${all.filter(simulatable).length > 4 ? ', …' : ''}), or leave out --machine`,
      );
  }
  return names.map((n) => {
    const m = all.find((x) => x.name === n);
    if (!m) {
      const near = all.filter((x) => x.name.toLowerCase().includes(n.toLowerCase()) || n.toLowerCase().includes(x.name.toLowerCase())).map((x) => x.name).slice(0, 3);
      throw usage('MTC4003', `unknown machine type \`${n}\``, near.length ? `did you mean ${near.map((x) => `\`${x}\``).join(', ')}?` : `the build document has ${all.map((x) => x.name).join(', ') || 'no machine types'}`);
    }
    return m;
  });
}

export interface SimulateRun {
  readonly report: SimulationReport;
  readonly output: string;
  readonly exitCode: number;
  readonly diagnostics: Diagnostic[];
}

/** Everything but the rendering: the report, the exit code and the policy's diagnostics. */
interface Prepared {
  readonly report: SimulationReport;
  readonly format: SimulateFormat;
  readonly color: boolean;
  readonly exitCode: number;
  readonly diagnostics: Diagnostic[];
}

/** The whole command without touching stdout/stderr (tests call this; the output is one string). */
export function simulate(opts: SimulateCliOptions, env: { progress?: (done: number, total: number) => void } = {}): SimulateRun {
  const p = prepare(opts, env);
  return { report: p.report, output: [...render(p)].join(''), exitCode: p.exitCode, diagnostics: p.diagnostics };
}

/** The chosen format in chunks of about 64 KiB, produced as they are written: a fleet's output is never one string. */
function render(p: Prepared): Iterable<string> {
  const pieces =
    p.format === 'json'
      ? (function* () {
          yield* jsonChunks(reportToJson(p.report), 2);
          yield '\n';
        })()
      : p.format === 'html'
        ? htmlChunks(p.report)
        : p.format === 'markdown'
          ? markdownChunks(p.report)
          : textChunks(p.report, { color: p.color });
  return batched(pieces);
}

function prepare(opts: SimulateCliOptions, env: { progress?: (done: number, total: number) => void } = {}): Prepared {
  const format = (opts.format ?? 'text') as SimulateFormat;
  if (!formats.includes(format)) throw new Failure([{ code: 'MTC9004', severity: 'error', message: `--format must be one of ${formats.join(', ')}, not \`${opts.format}\`` }]);
  const ends = releasesFrom(opts);
  const regValues = parseRegValues(opts.regValue ?? []);
  let tree: SimulateOptions['trees'] = undefined;
  if (opts.qemuTree !== undefined) {
    // A tree read now: its release is the destination's, and its own tolerances stand for that release's.
    try {
      const p = readQemuTree(opts.qemuTree);
      const r = findRelease(p.qemu);
      if (!r) throw new Failure([{ code: 'MTC9004', severity: 'error', message: `--qemu-tree ${opts.qemuTree} is QEMU ${p.qemu}, a release mtc does not model (${releaseIds().join(', ')})` }]);
      ends.to = r;
      tree = new Map([[r.id, p]]);
    } catch (e) {
      if (!(e instanceof TreeError)) throw e;
      throw new Failure([{ code: 'MTC3011', severity: 'error', message: `cannot read the QEMU tree ${opts.qemuTree}: ${e.file}: ${e.message}`, help: '--qemu-tree takes the top directory of a QEMU source tree' }]);
    }
  }
  const options: SimulateOptions = { ...ends, regValues, ...(tree ? { trees: tree } : {}) };

  const buildFile = opts.build ?? 'out/mtc-build.json';
  let machines: MachineModel[];
  try {
    machines = readBuildDocument(buildFile);
  } catch (e) {
    if (e instanceof DocumentError && e.help)
      // A document of another version: located at the file, with what to do.
      throw new Failure([{ code: 'MTC4001', severity: 'error', message: `build document: ${e.message}`, file: buildFile, help: e.help }]);
    if (e instanceof DocumentError)
      throw usage('MTC4001', `build document: ${e.message}`, opts.build ? undefined : 'run `mtc build` first, or pass --build FILE');
    throw e;
  }
  const fresh = buildFreshness(buildFile);
  if (fresh.changed.length + fresh.missing.length > 0) {
    const what = [...fresh.changed.map((p) => `${p} changed`), ...fresh.missing.map((p) => `${p} is gone`)];
    throw usage(
      'MTC4010',
      `${buildFile} is stale: ${what.join(', ')} since it was built (the sha256 it records differs)`,
      `run \`mtc build\` (or \`npm start\`) to rebuild it from the rules in ${fresh.root}, then simulate again`,
    );
  }
  machines = selectMachines(machines, opts.machine);

  let hosts: HostModel[];
  // Warnings of the host profiles (MTC2113 and the like) are printed with the run's other diagnostics.
  const hostWarnings: Diagnostic[] = [];
  if (opts.hosts && opts.hosts.length > 0) {
    const r = loadHosts(opts.hosts);
    if (hasErrors(r.diagnostics)) throw new Failure(r.diagnostics);
    hostWarnings.push(...r.diagnostics);
    hosts = r.hosts;
  } else {
    hosts = builtinHosts();
  }
  if (hosts.length === 0) throw usage('MTC4007', 'no hosts to simulate', 'give profile files or directories with --hosts');

  const reqs: Requirement[] = [];
  try {
    if (opts.policy) reqs.push(...readPolicyFile(opts.policy));
    for (const r of opts.require ?? []) reqs.push(parseRequireFlag(r));
  } catch (e) {
    if (e instanceof PolicyError) throw usage(e.code as keyof typeof simulateCodes, e.message);
    throw e;
  }

  const long = machines.length * hosts.length * hosts.length >= PROGRESS_MIN_CELLS;
  const built = buildReport(machines, hosts, options, { build: buildFile, progress: long ? env.progress : undefined });
  let policy = null;
  if (reqs.length > 0) {
    try {
      // A policy may name machine types left out by --machine: evaluate against the full set.
      const matrix = reqs.every((q) => machines.some((m) => m.name === q.machine)) ? built.matrix : null;
      if (matrix === null) {
        const all = readBuildDocument(buildFile);
        const needed = all.filter((m) => reqs.some((q) => q.machine === m.name));
        const missing = reqs.find((q) => !all.some((m) => m.name === q.machine));
        if (missing) throw new PolicyError(`${missing.origin}: policy names machine type \`${missing.machine}\`, which the build document does not have`, 'MTC4003');
        policy = evaluatePolicy(reqs, buildReport(needed, hosts, options).matrix);
      } else policy = evaluatePolicy(reqs, matrix);
    } catch (e) {
      if (e instanceof PolicyError) throw usage(e.code as keyof typeof simulateCodes, e.message);
      throw e;
    }
  }
  const report: SimulationReport = { build: built.build, options, hosts, machines: built.machines, policy };
  const color = format === 'text' && !opts.out && useColor(process.stdout);
  const diagnostics = [...hostWarnings, ...(policy ? policyDiagnostics(policy) : [])];
  return { report, format, color, exitCode: policy && !policy.passed ? 1 : 0, diagnostics };
}

export async function runSimulate(opts: SimulateCliOptions): Promise<number> {
  const color = useColor(process.stderr);
  const printDiags = (ds: readonly Diagnostic[]) => {
    for (const d of ds) process.stderr.write(renderHuman(d, { color, sources: new Map() }) + '\n\n');
  };
  try {
    let lastDraw = 0;
    const progress = process.stderr.isTTY
      ? (done: number, total: number) => {
          const now = Date.now();
          if (done < total && now - lastDraw < 100) return;
          lastDraw = now;
          process.stderr.write(`\rsimulating: ${Math.floor((done / total) * 100)}% (${done}/${total} source rows)${done === total ? '\n' : ''}`);
        }
      : undefined;
    const run = prepare(opts, { progress });
    if (opts.out) {
      const failed = writeOutputStream(opts.out, render(run));
      if (failed) {
        printDiags([failed]);
        return 2;
      }
    } else if ((await pipeChunks(process.stdout, render(run))) === 'closed') {
      // `mtc simulate | head -1`: the reader has what it wanted; the exit code was known before the output.
      return run.exitCode;
    }
    printDiags(run.diagnostics);
    if (run.report.policy) process.stderr.write(run.report.policy.passed ? 'policy: passed\n' : `policy: failed (${failedPairs(run)} pair${failedPairs(run) === 1 ? '' : 's'})\n`);
    return run.exitCode;
  } catch (e) {
    if (e instanceof Failure) {
      printDiags(e.diagnostics);
      return 2;
    }
    throw e;
  }
}

function failedPairs(run: Prepared): number {
  return run.report.policy ? run.report.policy.checks.filter((c) => !c.passed).length : 0;
}
