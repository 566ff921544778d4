/**
 * `mtc simulate`: machine types × sources × destinations, with outputs and
 * policy checks. Reads the build document, the host profiles, the policy and
 * the flags, runs src/simulate and writes the chosen format. Exit 0 (policy
 * holds, or no policy), 1 (a requirement fails), 2 (usage error, unreadable
 * input).
 */
import type { Command } from 'commander';
import { pipeChunks, writeOutputStream } from '../../util/write-output.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { renderHuman, useColor } from '../../diagnostics/render.js';
import { loadBuiltinCatalog, parseIdHex, type Catalog } from '../../catalog/index.js';
import type { KernelHistory } from '../../catalog/history.js';
import { DocumentError, readBuildDocument } from '../../simulate/document.js';
import { buildFreshness } from '../../simulate/freshness.js';
import { builtinHosts, loadHosts } from '../../simulate/hosts.js';
import { parseRequireFlag, PolicyError, readPolicyFile, type Requirement } from '../../simulate/policy.js';
import type { SimulationReport } from '../../simulate/report.js';
import { failure, renderSimulation, runSimulation, selectMachines, SimulateFailure, SIMULATE_FORMATS, type SimulateFormat } from '../../simulate/run.js';
import type { simulateCodes } from '../../simulate/codes.js';
import type { HostModel, MachineModel, SimulateOptions } from '../../simulate/types.js';
import { findRelease, releaseIds, type ReleaseModel } from '../../qemu/releases.js';
import { readQemuTree, TreeError } from '../../qemu/read-tree.js';
import { releasesFrom } from '../options.js';
import { UsageError } from '../report.js';
import { loadRunInputs } from '../run-inputs.js';
import type { SetExit } from './types.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function register(program: Command, setExit: SetExit): void {
  program
    .command('simulate')
    .description(
      'predict live migration between host profiles for each machine type of a build document (matrix of ok, warn, dropped, unsafe, bug, unsupported, fail); exit 0 ok, 1 when a --policy/--require requirement fails, 2 on usage errors',
    )
    .option('--build <file>', 'build document written by `mtc build`', 'out/mtc-build.json')
    .option('--hosts <paths...>', 'host profiles, captured register lists or directories of them (default: the built-in profiles)')
    .option('--machine <names...>', 'machine types to simulate (default: all)')
    .option('--qemu <release>', 'QEMU release on both ends of KVM pairs (catalog/qemu/releases.yaml: 10.0, 10.2, x-mig-series, 11.0, 11.1; default: the newest); TCG hosts run their own')
    .option('--from-qemu <release>', 'QEMU release of KVM sources (default: --qemu)')
    .option('--to-qemu <release>', 'QEMU release of KVM destinations (default: --qemu)')
    .option('--qemu-tree <dir>', 'the destination is the QEMU source tree DIR: its release, and the tolerances it registers itself')
    .option('--policy <file>', 'YAML policy: what must migrate (schema/policy.schema.json)')
    .option('--require <spec>', 'a requirement, e.g. "virt-10.1: 6.6,6.12,6.15,6.18" [both|forward|backward] (repeatable)', collect)
    .option('--reg-value <reg=value>', 'source value of a register for tolerance value tests, e.g. KVM_REG_ARM_VENDOR_HYP_BMAP_2=0x1 (repeatable; default: reset value 0)', collect)
    .option('-f, --format <format>', 'text, markdown, json or html', 'text')
    .option('-o, --out <file>', 'write the output to a file instead of stdout')
    .option('--catalog <file...>', 'extra register catalog files that extend or override the built-in one (for the host profiles and --reg-value)')
    .option('--history <file>', 'a kernel-history file that extends the built-in one: the host profiles\' register lists follow it')
    .action(async (opts: SimulateCliOptions & { catalog?: string[]; history?: string }) => {
      const { catalog, history, ...rest } = opts;
      let inputs: RunEnv = {};
      if (catalog !== undefined || history !== undefined) {
        const r = await loadRunInputs({ ...(catalog ? { catalog } : {}), ...(history !== undefined ? { history } : {}) });
        if (r.diagnostics.length) {
          for (const d of r.diagnostics) process.stderr.write(renderHuman(d, { color: useColor(process.stderr), sources: new Map() }) + '\n');
        }
        if (r.diagnostics.some((d) => d.severity === 'error')) {
          setExit(2);
          return;
        }
        inputs = { ...(r.catalog ? { catalog: r.catalog } : {}), ...(r.history ? { history: r.history } : {}) };
      }
      setExit(await runSimulate(rest, inputs));
    });
}

/** What the run takes besides its flags: `--catalog`, `--history` (loaded), and a progress callback. */
export interface RunEnv {
  readonly catalog?: Catalog;
  readonly history?: KernelHistory;
  readonly progress?: ((done: number, total: number) => void) | undefined;
}

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

/** `--reg-value NAME=VALUE`: the source's value of a register for tolerance value tests. */
export function parseRegValues(specs: readonly string[], catalog: Catalog = loadBuiltinCatalog()): Map<bigint, bigint> {
  const out = new Map<bigint, bigint>();
  for (const s of specs) {
    const m = /^\s*([^=\s]+)\s*=\s*(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})\s*$/.exec(s);
    if (!m) throw failure('MTC4006', `--reg-value \`${s}\`: expected REGISTER=VALUE, e.g. KVM_REG_ARM_VENDOR_HYP_BMAP_2=0x1`);
    const id = /^0x/i.test(m[1]) ? parseIdHex(m[1]) : catalog.lookupName(m[1])?.id;
    if (id === undefined) throw failure('MTC4006', `--reg-value \`${s}\`: unknown register \`${m[1]}\``, 'use a catalog name or a 0x id of 16 hex digits');
    const v = BigInt(m[2]);
    if (v > 0xffffffffffffffffn) throw failure('MTC4006', `--reg-value \`${s}\`: the value does not fit in 64 bits`);
    out.set(id, v);
  }
  return out;
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
export function simulate(opts: SimulateCliOptions, env: RunEnv = {}): SimulateRun {
  const p = prepare(opts, env);
  return { report: p.report, output: [...renderSimulation(p.report, p.format, p.color)].join(''), exitCode: p.exitCode, diagnostics: p.diagnostics };
}

function prepare(opts: SimulateCliOptions, env: RunEnv = {}): Prepared {
  const format = (opts.format ?? 'text') as SimulateFormat;
  if (!SIMULATE_FORMATS.includes(format)) throw new SimulateFailure([{ code: 'MTC9004', severity: 'error', message: `--format must be one of ${SIMULATE_FORMATS.join(', ')}, not \`${opts.format}\`` }]);
  let ends: { from: ReleaseModel; to: ReleaseModel };
  try {
    ends = releasesFrom(opts);
  } catch (e) {
    if (e instanceof UsageError) throw new SimulateFailure([{ code: 'MTC9004', severity: 'error', message: e.message }]);
    throw e;
  }
  const regValues = parseRegValues(opts.regValue ?? [], env.catalog);
  let tree: SimulateOptions['trees'] = undefined;
  if (opts.qemuTree !== undefined) {
    // A tree read now: its release is the destination's, and its own tolerances stand for that release's.
    try {
      const p = readQemuTree(opts.qemuTree);
      const r = findRelease(p.qemu);
      if (!r) throw new SimulateFailure([{ code: 'MTC9004', severity: 'error', message: `--qemu-tree ${opts.qemuTree} is QEMU ${p.qemu}, a release mtc does not model (${releaseIds().join(', ')})` }]);
      ends.to = r;
      tree = new Map([[r.id, p]]);
    } catch (e) {
      if (!(e instanceof TreeError)) throw e;
      throw new SimulateFailure([{ code: 'MTC3011', severity: 'error', message: `cannot read the QEMU tree ${opts.qemuTree}: ${e.file}: ${e.message}`, help: '--qemu-tree takes the top directory of a QEMU source tree' }]);
    }
  }
  const options: SimulateOptions = { ...ends, regValues, ...(tree ? { trees: tree } : {}), ...(env.catalog ? { catalog: env.catalog } : {}) };

  const buildFile = opts.build ?? 'out/mtc-build.json';
  let machines: MachineModel[];
  try {
    machines = readBuildDocument(buildFile);
  } catch (e) {
    if (e instanceof DocumentError && e.help)
      // A document of another version: located at the file, with what to do.
      throw new SimulateFailure([{ code: 'MTC4001', severity: 'error', message: `build document: ${e.message}`, file: buildFile, help: e.help }]);
    if (e instanceof DocumentError)
      throw failure('MTC4001', `build document: ${e.message}`, opts.build ? undefined : 'run `mtc build` first, or pass --build FILE');
    throw e;
  }
  const fresh = buildFreshness(buildFile);
  if (fresh.changed.length + fresh.missing.length > 0) {
    const what = [...fresh.changed.map((p) => `${p} changed`), ...fresh.missing.map((p) => `${p} is gone`)];
    throw failure(
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
    const r = loadHosts(opts.hosts, env);
    if (hasErrors(r.diagnostics)) throw new SimulateFailure(r.diagnostics);
    hostWarnings.push(...r.diagnostics);
    hosts = r.hosts;
  } else {
    hosts = builtinHosts(env);
  }
  if (hosts.length === 0) throw failure('MTC4007', 'no hosts to simulate', 'give profile files or directories with --hosts');

  const reqs: Requirement[] = [];
  try {
    if (opts.policy) reqs.push(...readPolicyFile(opts.policy));
    for (const r of opts.require ?? []) reqs.push(parseRequireFlag(r));
  } catch (e) {
    if (e instanceof PolicyError) throw failure(e.code as keyof typeof simulateCodes, e.message);
    throw e;
  }

  const run = runSimulation({ machines, allMachines: () => readBuildDocument(buildFile), hosts, options, requirements: reqs, build: buildFile, progress: env.progress });
  const color = format === 'text' && !opts.out && useColor(process.stdout);
  return { report: run.report, format, color, exitCode: run.exitCode, diagnostics: [...hostWarnings, ...run.diagnostics] };
}

export async function runSimulate(opts: SimulateCliOptions, inputs: RunEnv = {}): Promise<number> {
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
    const run = prepare(opts, { ...inputs, progress });
    if (opts.out) {
      const failed = writeOutputStream(opts.out, renderSimulation(run.report, run.format, run.color));
      if (failed) {
        printDiags([failed]);
        return 2;
      }
    } else if ((await pipeChunks(process.stdout, renderSimulation(run.report, run.format, run.color))) === 'closed') {
      // `mtc simulate | head -1`: the reader has what it wanted; the exit code was known before the output.
      return run.exitCode;
    }
    printDiags(run.diagnostics);
    if (run.report.policy) process.stderr.write(run.report.policy.passed ? 'policy: passed\n' : `policy: failed (${failedPairs(run)} pair${failedPairs(run) === 1 ? '' : 's'})\n`);
    return run.exitCode;
  } catch (e) {
    if (e instanceof SimulateFailure) {
      printDiags(e.diagnostics);
      return 2;
    }
    throw e;
  }
}

function failedPairs(run: Prepared): number {
  return run.report.policy ? run.report.policy.checks.filter((c) => !c.passed).length : 0;
}
