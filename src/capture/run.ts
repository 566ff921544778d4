/**
 * Runs a QEMU binary just long enough to migrate its stopped machine into a
 * file: `-S -nodefaults` (no guest code runs, no default devices), QMP on a
 * unix socket in a private temporary directory, `migrate` to a `file:` URI,
 * `query-migrate` until it completes, `quit`. Every step is bounded by a
 * timeout, the stream by a size limit; the child is always killed and the
 * directory always removed, also when the caller aborts (SIGINT).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, accessSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { QmpClient, QmpError } from './qmp.js';

export type Accel = 'tcg' | 'kvm';

export interface RunOptions {
  readonly qemuBinary: string;
  readonly machine: string;
  readonly cpu: string;
  readonly accel: Accel;
  readonly smp?: number;
  /** Seconds QEMU has to connect to the QMP socket and answer the first commands. */
  readonly startTimeout: number;
  /** Seconds the migration may take. */
  readonly migrateTimeout: number;
  /** Largest stream accepted, in bytes. */
  readonly maxStreamBytes: number;
  readonly signal?: AbortSignal;
  /** Milliseconds between two `query-migrate` (default 50). */
  readonly pollMs?: number;
}

export interface RunResult {
  readonly stream: Buffer;
  /** `10.2.2`, from `query-version`. */
  readonly qemuVersion: string;
  readonly qemuPackage: string;
  /** QOM type of the machine without `-machine` (`virt-10.2`), from `qom-get /machine type`. */
  readonly machineType?: string;
  /** QOM types of the vCPUs (`max-arm-cpu`), from `query-cpus-fast`, in cpu-index order. */
  readonly cpuTypes: readonly string[];
  /** vCPU 0's `midr` property (TCG migrates no MIDR_EL1), when QEMU has it. */
  readonly midr?: number;
  readonly argv: readonly string[];
}

/** A failure with its diagnostic code; `stderr` holds QEMU's first lines when they help. */
export class CaptureFailure extends Error {
  constructor(
    readonly code: 'MTC8001' | 'MTC8002' | 'MTC8003' | 'MTC8004' | 'MTC8009' | 'MTC8010',
    message: string,
    readonly help: string,
    readonly stderr?: string,
  ) {
    super(message);
    this.name = 'CaptureFailure';
  }
}

const STDERR_KEEP = 64 * 1024;

/** The first `n` non-empty lines of QEMU's standard error, joined by ` | ` for a one-line message. */
export function firstLines(text: string, n = 5): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, n)
    .join(' | ');
}

/** The arguments QEMU runs with (the QMP socket path is filled in). */
export function qemuArgs(o: Pick<RunOptions, 'machine' | 'cpu' | 'accel' | 'smp'>, qmpSocket: string): string[] {
  const args = ['-S', '-nodefaults', '-no-user-config', '-nographic', '-display', 'none', '-M', o.machine, '-cpu', o.cpu, '-accel', o.accel];
  if (o.smp !== undefined) args.push('-smp', String(o.smp));
  args.push('-qmp', `unix:${qmpSocket}`);
  return args;
}

function checkBinary(path: string): string {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    throw new CaptureFailure(
      'MTC8001',
      `QEMU binary ${path} not found (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'give the path of qemu-system-aarch64 with --qemu-binary',
    );
  }
  if (!st.isFile()) throw new CaptureFailure('MTC8001', `QEMU binary ${path} is not a file`, 'give the path of qemu-system-aarch64 with --qemu-binary');
  try {
    accessSync(abs, constants.X_OK);
  } catch {
    throw new CaptureFailure('MTC8001', `QEMU binary ${path} is not executable`, `make it executable (chmod +x ${path}) or give another binary`);
  }
  return abs;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A bounded wait that does not keep the process alive on its own (mtc exits as soon as the work is done). */
const atMost = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Runs QEMU and returns its migration stream. Throws CaptureFailure. */
export async function runCapture(o: RunOptions): Promise<RunResult> {
  const binary = checkBinary(o.qemuBinary);
  const dir = mkdtempSync(join(tmpdir(), 'mtc-capture-'));
  const socketPath = join(dir, 'qmp.sock');
  const streamPath = join(dir, 'stream.mig');
  const argv = qemuArgs(o, socketPath);
  let child: ChildProcess | undefined;
  let server: Server | undefined;
  let qmp: QmpClient | undefined;
  let stderr = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const cleanups: (() => void)[] = [];
  try {
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new CaptureFailure('MTC8009', 'capture interrupted; QEMU stopped, nothing written', 'run the capture again'));
      if (o.signal?.aborted) onAbort();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => o.signal?.removeEventListener('abort', onAbort));
    });
    aborted.catch(() => undefined);

    server = createServer();
    const srv = server;
    await new Promise<void>((res, rej) => {
      srv.once('error', rej);
      srv.listen(socketPath, () => res());
    });
    const sockets: Socket[] = [];
    srv.on('connection', (s: Socket) => sockets.push(s));
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    const connected = new Promise<Socket>((res) => srv.once('connection', res));

    child = spawn(binary, argv, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const proc = child;
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (s: string) => {
      if (stderr.length < STDERR_KEEP) stderr += s.slice(0, STDERR_KEEP - stderr.length);
    });
    const exitedP = new Promise<never>((_, reject) => {
      proc.once('error', (e) => {
        reject(new CaptureFailure('MTC8002', `cannot run ${o.qemuBinary}: ${e.message}`, 'check that the binary runs on this machine'));
      });
      proc.once('exit', (code, signal) => {
        exited = { code, signal };
        const report = () =>
          reject(
            new CaptureFailure(
              'MTC8002',
              `QEMU exited (${signal ? `signal ${signal}` : `status ${code}`}) before the capture finished${stderr.trim() ? `; it printed: ${firstLines(stderr)}` : ' and printed nothing'}`,
              'check --machine, --cpu and --accel against `qemu-system-aarch64 -M help` and `-cpu help`',
              stderr,
            ),
          );
        // Quote all it printed: wait for the end of its stderr (briefly, a grandchild may hold the pipe).
        if (proc.stderr!.readableEnded) report();
        else {
          proc.stderr!.once('end', report);
          setTimeout(report, 500).unref();
        }
      });
    });
    exitedP.catch(() => undefined);

    const startTimer = (what: string, seconds: number) =>
      new Promise<never>((_, reject) => {
        const t = setTimeout(
          () =>
            reject(
              new CaptureFailure(
                'MTC8002',
                `QEMU did not ${what} within ${seconds} s${stderr.trim() ? `; it printed: ${firstLines(stderr)}` : ''}`,
                'raise --start-timeout if the machine is slow, or check that the binary is a QEMU system emulator',
                stderr,
              ),
            ),
          seconds * 1000,
        );
        cleanups.push(() => clearTimeout(t));
      });
    const startDeadline = startTimer('connect to its QMP socket and answer', o.startTimeout);
    startDeadline.catch(() => undefined);

    const race = <T>(p: Promise<T>, deadline: Promise<never>): Promise<T> => Promise.race([p, deadline, exitedP, aborted]);
    /** A QMP failure: when QEMU is exiting (it closed the socket on its way out), its exit report quotes what it printed. */
    const preferExit = async (e: QmpError, help: string): Promise<never> => {
      if (e.peerClosed) await Promise.race([exitedP, aborted, atMost(5000)]);
      throw new CaptureFailure('MTC8010', e.message, help);
    };
    const qmpCall = async (command: string, args?: Record<string, unknown>, deadline: Promise<never> = startDeadline): Promise<unknown> => {
      try {
        return await race(qmp!.command(command, args, Math.max(1000, o.startTimeout * 1000)), deadline);
      } catch (e) {
        if (e instanceof QmpError) return await preferExit(e, 'check that the binary is a QEMU system emulator of version 8.0 or later');
        throw e;
      }
    };

    const socket = await race(connected, startDeadline);
    try {
      qmp = (await race(QmpClient.open(socket, o.startTimeout * 1000), startDeadline)).client;
    } catch (e) {
      if (e instanceof QmpError) return await preferExit(e, 'check that the binary is a QEMU system emulator');
      throw e;
    }
    await qmpCall('qmp_capabilities');
    const version = (await qmpCall('query-version')) as { qemu?: { major?: number; minor?: number; micro?: number }; package?: string };
    const v = version?.qemu;
    if (!v || typeof v.major !== 'number' || typeof v.minor !== 'number' || typeof v.micro !== 'number')
      throw new CaptureFailure('MTC8010', 'query-version: the answer has no qemu.major/minor/micro', 'check that the binary is a QEMU system emulator');
    const qemuVersion = `${v.major}.${v.minor}.${v.micro}`;
    let machineType: string | undefined;
    try {
      const t = await qmpCall('qom-get', { path: '/machine', property: 'type' });
      if (typeof t === 'string') machineType = t.replace(/-machine$/, '');
    } catch (e) {
      if (!(e instanceof CaptureFailure && e.code === 'MTC8010')) throw e;
    }
    const cpus = (await qmpCall('query-cpus-fast')) as { 'cpu-index'?: number; 'qom-type'?: string; 'qom-path'?: string }[];
    const sortedCpus = Array.isArray(cpus) ? [...cpus].sort((a, b) => (a['cpu-index'] ?? 0) - (b['cpu-index'] ?? 0)) : [];
    const cpuTypes = sortedCpus.map((c) => String(c['qom-type'] ?? ''));
    let midr: number | undefined;
    const path0 = sortedCpus[0]?.['qom-path'];
    if (typeof path0 === 'string') {
      try {
        const m = await qmpCall('qom-get', { path: path0, property: 'midr' });
        if (typeof m === 'number' && Number.isSafeInteger(m) && m >= 0) midr = m;
      } catch (e) {
        if (!(e instanceof CaptureFailure && e.code === 'MTC8010')) throw e;
      }
    }

    const migrateDeadline = new Promise<never>((_, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new CaptureFailure('MTC8003', `the migration did not complete within ${o.migrateTimeout} s`, 'raise --migrate-timeout, or check that QEMU is not stuck', stderr),
          ),
        o.migrateTimeout * 1000,
      );
      cleanups.push(() => clearTimeout(t));
    });
    migrateDeadline.catch(() => undefined);
    await qmpCall('migrate', { uri: `file:${streamPath}` }, migrateDeadline);
    for (;;) {
      const st = (await qmpCall('query-migrate', undefined, migrateDeadline)) as { status?: string; 'error-desc'?: string };
      let size = 0;
      try {
        size = statSync(streamPath).size;
      } catch {
        // not created yet
      }
      if (size > o.maxStreamBytes) {
        await qmpCall('migrate_cancel', undefined, migrateDeadline).catch(() => undefined);
        throw new CaptureFailure(
          'MTC8004',
          `the migration stream grew past --max-stream-size (${o.maxStreamBytes} bytes); the capture was cancelled`,
          'raise --max-stream-size, or give the machine less memory',
        );
      }
      if (st?.status === 'completed') break;
      if (st?.status === 'failed' || st?.status === 'cancelled')
        throw new CaptureFailure(
          'MTC8003',
          `QEMU reports the migration ${st.status}${st['error-desc'] ? `: ${st['error-desc']}` : ''}`,
          'a device that blocks migration, or a full disk in the temporary directory, are the usual causes',
          stderr,
        );
      await race(sleep(o.pollMs ?? 50), migrateDeadline);
    }
    const size = statSync(streamPath).size;
    if (size > o.maxStreamBytes)
      throw new CaptureFailure('MTC8004', `the migration stream has ${size} bytes, more than --max-stream-size (${o.maxStreamBytes})`, 'raise --max-stream-size');
    const stream = readFileSync(streamPath);
    // Ask QEMU to quit; it is killed below if it does not.
    await qmp.command('quit', undefined, 2000).catch(() => undefined);
    await Promise.race([exitedP.catch(() => undefined), atMost(2000)]);
    return {
      stream,
      qemuVersion,
      qemuPackage: typeof version.package === 'string' ? version.package.trim() : '',
      cpuTypes,
      argv: [o.qemuBinary, ...argv],
      ...(machineType !== undefined ? { machineType } : {}),
      ...(midr !== undefined ? { midr } : {}),
    };
  } finally {
    for (const f of cleanups) f();
    qmp?.close();
    if (child && !exited && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise<void>((r) => {
        if (child!.exitCode !== null || child!.signalCode !== null) return r();
        child!.once('exit', () => r());
        setTimeout(r, 2000).unref();
      });
    }
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  }
}
