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
import type { HostModel, MachineModel, QemuGeneration, SimulateOptions } from './types.js';

export interface SimulateCliOptions {
  readonly build?: string;
  readonly hosts?: string[];
  readonly machine?: string[];
  readonly qemu?: string;
  readonly policy?: string;
  readonly require?: string[];
  readonly regValue?: string[];
  readonly toleratedRoom?: boolean;
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

export function parseQemu(v: string | undefined): QemuGeneration {
  if (v === undefined || v === '10.2' || v === '11.0') return v ?? '10.2';
  if (/^10\.[0-2]$/.test(v) || /^[0-9]\.[0-9]+$/.test(v)) return '10.2';
  if (/^11\.[0-9]+$/.test(v)) return '11.0';
  throw new Failure([{ code: 'MTC9004', severity: 'error', message: `--qemu must be 10.2 or 11.0 (or another version: <= 10.2 or 11.x), not \`${v}\`` }]);
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
  const qemu = parseQemu(opts.qemu);
  const regValues = parseRegValues(opts.regValue ?? []);
  const options: SimulateOptions = { qemu, regValues, toleratedRoom: opts.toleratedRoom !== false };

  const buildFile = opts.build ?? 'out/mtc-build.json';
  let machines: MachineModel[];
  try {
    machines = readBuildDocument(buildFile);
  } catch (e) {
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
  if (opts.hosts && opts.hosts.length > 0) {
    const r = loadHosts(opts.hosts);
    if (hasErrors(r.diagnostics)) throw new Failure(r.diagnostics);
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
  const diagnostics = policy ? policyDiagnostics(policy) : [];
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
    if (run.report.policy) process.stderr.write(run.report.policy.passed ? 'policy: passed\n' : `policy: failed (${run.diagnostics.length} pair${run.diagnostics.length === 1 ? '' : 's'})\n`);
    return run.exitCode;
  } catch (e) {
    if (e instanceof Failure) {
      printDiags(e.diagnostics);
      return 2;
    }
    throw e;
  }
}
