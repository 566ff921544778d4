/**
 * `mtc capture`: run a QEMU binary (or read a stream file it wrote), read the
 * cpreg list of its `cpu` sections, and print a host profile. Exit 0 on
 * success (warnings allowed), 1 when the capture fails, 2 on usage errors,
 * 130 when interrupted.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { renderHuman, useColor } from '../../diagnostics/render.js';
import { loadBuiltinCatalog } from '../../catalog/index.js';
import { writeOutputFile } from '../../util/write-output.js';
import { captureCodes } from '../../capture/codes.js';
import { compareVcpus, cpregLists, type CpregList } from '../../capture/cpreg.js';
import { StreamError, showOffset } from '../../capture/cursor.js';
import { buildProfile, renderProfileYaml, type CaptureMeta } from '../../capture/profile.js';
import { CaptureFailure, runCapture, type Accel } from '../../capture/run.js';
import { parseStream, type ParsedStream } from '../../capture/savevm.js';
import type { Command } from 'commander';
import type { SetExit } from './types.js';

export function register(program: Command, setExit: SetExit): void {
  program
    .command('capture')
    .description(
      'run a QEMU binary, migrate its stopped machine to a file and read the cpreg list of the cpu section into a host profile (YAML); exit 0 on success, 1 when the capture fails, 2 on usage errors, 130 when interrupted',
    )
    .option('--qemu-binary <path>', 'the QEMU to run (qemu-system-aarch64)')
    .option('-M, --machine <type>', 'machine type (-M), e.g. virt-10.2', 'virt')
    .option('--cpu <model>', 'CPU model (-cpu) (default: max under tcg, host under kvm)')
    .option('--accel <accel>', 'accelerator: tcg, or kvm to record what this host\'s kernel lists', 'tcg')
    .option('--smp <n>', 'number of vCPUs (-smp); every vCPU is checked against vCPU 0')
    .option('--stream <file>', 'read a migration stream QEMU wrote (`migrate file:…`; .gz and .br are decompressed) instead of running QEMU')
    .option('--qemu-version <version>', 'with --stream: the QEMU version that wrote it (a TCG profile needs it)')
    .option('--keep-stream <file>', 'also save the raw migration stream')
    .option('--name <name>', 'profile name (default: from accelerator, QEMU version, machine type and CPU)')
    .option('--description <text>', 'profile description')
    .option('-o, --out <file>', 'write the profile to FILE (atomically) instead of standard output')
    .option('--start-timeout <seconds>', 'time QEMU has to start and answer QMP', '30')
    .option('--migrate-timeout <seconds>', 'time the migration may take', '120')
    .option('--max-stream-size <bytes>', 'largest migration stream read (default 268435456, 256 MiB)')
    .action(async (opts: CaptureCliOptions) => {
      setExit(await runCaptureCommand(opts));
    });
}

export interface CaptureCliOptions {
  readonly qemuBinary?: string;
  readonly machine?: string;
  readonly cpu?: string;
  readonly accel?: string;
  readonly smp?: string;
  readonly stream?: string;
  readonly qemuVersion?: string;
  readonly keepStream?: string;
  readonly name?: string;
  readonly description?: string;
  readonly out?: string;
  readonly startTimeout?: string;
  readonly migrateTimeout?: string;
  readonly maxStreamSize?: string;
}

export const DEFAULT_MAX_STREAM_BYTES = 256 * 1024 * 1024;
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;
const VERSION = /^[0-9]{1,4}(\.[0-9]{1,6}){0,3}$/;
const KERNEL = /^[0-9]{1,4}(\.[0-9]{1,6}){0,3}(-[a-z0-9][a-z0-9_.-]{0,31})?$/;

class Usage extends Error {}

function positive(name: string, v: string | undefined, dflt: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || Number(v) <= 0 || Number(v) > max) throw new Usage(`${name} must be a number from 1 to ${max}, not \`${v}\``);
  return Number(v);
}

/** What the options ask for, checked. */
export interface CapturePlan {
  readonly source: { kind: 'qemu'; binary: string } | { kind: 'stream'; file: string };
  readonly machine: string;
  readonly cpu?: string;
  readonly accel: Accel;
  readonly smp?: number;
  readonly qemuVersion?: string;
  readonly startTimeout: number;
  readonly migrateTimeout: number;
  readonly maxStreamBytes: number;
}

export function planCapture(o: CaptureCliOptions): CapturePlan {
  if (o.qemuBinary !== undefined && o.stream !== undefined) throw new Usage('give either --qemu-binary (run QEMU) or --stream (read a stream file), not both');
  if (o.qemuBinary === undefined && o.stream === undefined) throw new Usage('give --qemu-binary PATH (the QEMU to run), or --stream FILE (a migration stream it wrote)');
  const accel = o.accel ?? 'tcg';
  if (accel !== 'tcg' && accel !== 'kvm') throw new Usage(`--accel must be tcg or kvm, not \`${accel}\``);
  if (o.name !== undefined && !PROFILE_NAME.test(o.name)) throw new Usage(`--name \`${o.name}\`: a profile name is letters, digits, \`_.+-\`, at most 64 characters`);
  if (o.qemuVersion !== undefined && !VERSION.test(o.qemuVersion)) throw new Usage(`--qemu-version must look like 10.2.2, not \`${o.qemuVersion}\``);
  if (o.qemuVersion !== undefined && o.qemuBinary !== undefined) throw new Usage('--qemu-version goes with --stream; with --qemu-binary the version is asked from QEMU');
  if (o.smp !== undefined && o.stream !== undefined) throw new Usage('--smp goes with --qemu-binary; a stream file has the vCPUs it has');
  const smp = o.smp === undefined ? undefined : positive('--smp', o.smp, 1, 4096);
  if (smp !== undefined && !Number.isInteger(smp)) throw new Usage(`--smp must be a whole number, not \`${o.smp}\``);
  const maxStreamBytes = positive('--max-stream-size', o.maxStreamSize, DEFAULT_MAX_STREAM_BYTES, 2 ** 32);
  if (accel === 'tcg' && o.stream !== undefined && o.qemuVersion === undefined)
    throw new Usage('a TCG profile needs the QEMU version: give --qemu-version with --stream (the stream does not record it)');
  const plan: { -readonly [K in keyof CapturePlan]: CapturePlan[K] } = {
    source: o.qemuBinary !== undefined ? { kind: 'qemu', binary: o.qemuBinary } : { kind: 'stream', file: o.stream! },
    machine: o.machine ?? 'virt',
    accel,
    startTimeout: positive('--start-timeout', o.startTimeout, 30, 3600),
    migrateTimeout: positive('--migrate-timeout', o.migrateTimeout, 120, 86400),
    maxStreamBytes: Math.floor(maxStreamBytes),
  };
  const cpu = o.cpu ?? (o.qemuBinary !== undefined ? (accel === 'kvm' ? 'host' : 'max') : undefined);
  if (cpu !== undefined) plan.cpu = cpu;
  if (smp !== undefined) plan.smp = smp;
  if (o.qemuVersion !== undefined) plan.qemuVersion = o.qemuVersion;
  return plan;
}

const codeHelp: Record<string, string> = {
  MTC8005: 'the stream is cut short or is not a QEMU precopy stream; capture it again (keep it with --keep-stream to look at it)',
  MTC8006: 'capture an Arm machine (qemu-system-aarch64) with at least one CPU',
  MTC8007: 'capture without `suppress-vmdesc=on` on the machine',
};

/** A stream error as a diagnostic with its byte offset. */
export function streamDiagnostic(e: StreamError, file: string | undefined): Diagnostic {
  const code = e.kind === 'no-vmdesc' ? 'MTC8007' : e.kind === 'no-cpu' ? 'MTC8006' : 'MTC8005';
  const where = file === undefined ? ' of the stream QEMU wrote (--keep-stream FILE keeps it)' : '';
  return { code, severity: captureCodes[code].severity, ...(file !== undefined ? { file } : {}), message: `${e.message} (at byte ${showOffset(e.offset)}${where})`, help: codeHelp[code] };
}

/** Reads a stream file; `.gz` and `.br` are decompressed, never past `max` bytes. */
export function readStreamFile(file: string, max: number): Buffer {
  const size = statSync(file).size;
  const compressed = /\.(gz|br)$/i.test(file);
  if (!compressed && size > max) throw new CaptureFailure('MTC8004', `${file} has ${size} bytes, more than --max-stream-size (${max})`, 'raise --max-stream-size');
  if (compressed && size > max) throw new CaptureFailure('MTC8004', `${file} has ${size} compressed bytes, more than --max-stream-size (${max})`, 'raise --max-stream-size');
  const raw = readFileSync(file);
  if (!compressed) return raw;
  try {
    return /\.gz$/i.test(file) ? gunzipSync(raw, { maxOutputLength: max }) : brotliDecompressSync(raw, { maxOutputLength: max });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|maxOutputLength/i.test((e as Error).message))
      throw new CaptureFailure('MTC8004', `${file} decompresses to more than --max-stream-size (${max} bytes)`, 'raise --max-stream-size');
    throw new CaptureFailure('MTC8004', `${file} cannot be decompressed: ${(e as Error).message}`, 'give the stream uncompressed, or as .gz or .br');
  }
}

function writeBytesAtomic(path: string, data: Uint8Array): Diagnostic | undefined {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
    return undefined;
  } catch (e) {
    rmSync(tmp, { force: true });
    return { code: 'MTC9002', severity: 'error', message: `cannot write ${path}: ${(e as Error).message}`, help: 'check that the directory can be created and written' };
  }
}

function hostKernel(): string | undefined {
  const r = release();
  return KERNEL.test(r) ? r : undefined;
}

export interface CaptureOutcome {
  readonly yaml?: string;
  readonly diagnostics: Diagnostic[];
  readonly exitCode: number;
}

/** Does the capture; prints nothing. */
export async function capture(o: CaptureCliOptions, signal?: AbortSignal): Promise<CaptureOutcome> {
  let plan: CapturePlan;
  try {
    plan = planCapture(o);
  } catch (e) {
    if (e instanceof Usage) return { diagnostics: [{ code: 'MTC9004', severity: 'error', message: e.message, help: 'run `mtc capture --help`' }], exitCode: 2 };
    throw e;
  }
  const diagnostics: Diagnostic[] = [];
  const fail = (d: Diagnostic, exitCode = 1): CaptureOutcome => ({ diagnostics: [...diagnostics, d], exitCode });
  let bytes: Buffer;
  /** The file the stream is in, for diagnostics (a capture from QEMU has one only with --keep-stream). */
  let display: string | undefined;
  const meta: { -readonly [K in keyof CaptureMeta]: CaptureMeta[K] } = { accel: plan.accel };
  if (plan.cpu !== undefined) meta.cpu = plan.cpu;
  if (o.name !== undefined) meta.name = o.name;
  if (o.description !== undefined) meta.description = o.description;
  if (plan.accel === 'kvm') {
    const k = hostKernel();
    if (k !== undefined && plan.source.kind === 'qemu') meta.kernel = k;
  }
  try {
    if (plan.source.kind === 'stream') {
      display = plan.source.file;
      try {
        bytes = readStreamFile(plan.source.file, plan.maxStreamBytes);
      } catch (e) {
        if (e instanceof CaptureFailure) throw e;
        return fail({ code: 'MTC9002', severity: 'error', message: `cannot read ${plan.source.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, help: 'give the path of a migration stream file' }, 2);
      }
      if (plan.qemuVersion !== undefined) meta.qemuVersion = plan.qemuVersion;
    } else {
      display = undefined;
      const r = await runCapture({
        qemuBinary: plan.source.binary,
        machine: plan.machine,
        cpu: plan.cpu!,
        accel: plan.accel,
        startTimeout: plan.startTimeout,
        migrateTimeout: plan.migrateTimeout,
        maxStreamBytes: plan.maxStreamBytes,
        ...(plan.smp !== undefined ? { smp: plan.smp } : {}),
        ...(signal ? { signal } : {}),
      });
      bytes = r.stream;
      meta.qemuVersion = r.qemuVersion;
      if (r.qemuPackage) meta.qemuPackage = r.qemuPackage;
      if (r.machineType !== undefined) meta.machine = r.machineType;
      if (r.cpuTypes[0]) meta.cpuType = r.cpuTypes[0];
      if (r.midr !== undefined) meta.midr = r.midr;
    }
  } catch (e) {
    if (e instanceof CaptureFailure) return fail({ code: e.code, severity: 'error', message: e.message, help: e.help }, e.code === 'MTC8009' ? 130 : 1);
    throw e;
  }
  if (o.keepStream !== undefined) {
    const d = writeBytesAtomic(o.keepStream, bytes);
    if (d) return fail(d);
  }
  let parsed: ParsedStream;
  let lists: CpregList[];
  try {
    parsed = parseStream(bytes);
    lists = cpregLists(bytes, parsed);
  } catch (e) {
    if (e instanceof StreamError) return fail(streamDiagnostic(e, o.keepStream ?? display));
    throw e;
  }
  const cmp = compareVcpus(lists);
  if (cmp.listDifferences.length)
    diagnostics.push({
      code: 'MTC8008',
      severity: 'warning',
      message: `the ${lists.length} vCPUs do not list the same registers (${cmp.listDifferences.length} differ, first 0x${cmp.listDifferences[0].toString(16)}); the profile records vCPU 0`,
      help: 'the differences are listed under `capture.vcpu_list_differences`',
    });
  const profile = buildProfile(parsed, lists, meta);
  return { yaml: renderProfileYaml(profile, loadBuiltinCatalog()), diagnostics, exitCode: 0 };
}

/** The command: prints the profile (or writes --out) and the diagnostics. */
export async function runCaptureCommand(o: CaptureCliOptions): Promise<number> {
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let outcome: CaptureOutcome;
  try {
    outcome = await capture(o, ac.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  let code = outcome.exitCode;
  const diags = [...outcome.diagnostics];
  if (outcome.yaml !== undefined) {
    if (o.out !== undefined) {
      const d = writeOutputFile(o.out, outcome.yaml);
      if (d) {
        diags.push(d);
        code = 1;
      }
    } else process.stdout.write(outcome.yaml);
  }
  const color = useColor(process.stderr);
  for (const d of diags) process.stderr.write(renderHuman(d, { color, sources: new Map() }) + '\n');
  return code;
}
