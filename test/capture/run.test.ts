/**
 * Driving QEMU (src/capture/run.ts) against a stand-in binary that speaks QMP
 * (fake-qemu.mjs): the happy path, every failure with its code, and that the
 * child is always gone and the temporary directory always removed.
 * The real binaries are exercised by test/qemu/capture.qemu.test.ts.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capture } from '../../src/cli/commands/capture.js';
import { CaptureFailure, firstLines, qemuArgs, runCapture, type RunOptions } from '../../src/capture/run.js';
import { BIN } from '../support/cli.js';
import { locateDescription } from '../../src/capture/vmdesc.js';
import { fixtureDir, stream } from './support.js';
import { writeStream } from './writer.js';

let work = '';
/** An executable that runs fake-qemu.mjs with this Node. */
let fake = '';
let base: RunOptions;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mtc-capture-test-'));
  fake = join(work, 'qemu-system-aarch64');
  writeFileSync(fake, `#!/bin/sh\nexec "${process.execPath}" "${fileURLToPath(new URL('./fake-qemu.mjs', import.meta.url))}" "$@"\n`);
  chmodSync(fake, 0o755);
  base = { qemuBinary: fake, machine: 'virt-10.2', cpu: 'max', accel: 'tcg', startTimeout: 20, migrateTimeout: 20, maxStreamBytes: 64 * 1024 * 1024, pollMs: 5 };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const STREAM = `${fixtureDir}qemu-10.2.2-virt-10.2-max.mig.br`;
let markN = 0;

function withMode(mode: string): { mark: string; restore: () => void } {
  const mark = join(work, `mark-${++markN}`);
  const old = { ...process.env };
  Object.assign(process.env, { FAKE_QEMU_MODE: mode, FAKE_QEMU_MARK: mark, FAKE_QEMU_STREAM: STREAM });
  return {
    mark,
    restore: () => {
      for (const k of ['FAKE_QEMU_MODE', 'FAKE_QEMU_MARK', 'FAKE_QEMU_STREAM']) if (old[k] === undefined) delete process.env[k];
    },
  };
}


/** The fake's pid and working directory (the capture's temporary directory). */
function marks(file: string): { pid: number; cwd: string; lines: string[] } {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return { pid: Number(lines.find((l) => l.startsWith('pid '))!.slice(4)), cwd: lines.find((l) => l.startsWith('cwd '))!.slice(4), lines };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let env: { mark: string; restore: () => void } | undefined;
afterEach(() => env?.restore());

async function failure(mode: string, o: Partial<RunOptions> = {}): Promise<{ e: CaptureFailure; mark: string; before: string[] }> {
  env = withMode(mode);
  const before = captureDirs();
  const e = await runCapture({ ...base, ...o }).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(CaptureFailure);
  return { e: e as CaptureFailure, mark: env.mark, before };
}

/** The capture directories (mkdtemp's `mtc-capture-XXXXXX`) in the temporary directory now. */
function captureDirs(): string[] {
  return readdirSync(tmpdir()).filter((n) => /^mtc-capture-[A-Za-z0-9]{6}$/.test(n));
}

/**
 * After a capture: no capture directory is left (compared with `before`), and
 * when the stand-in got as far as recording itself, that its process is gone
 * and its working directory was the capture's.
 */
function expectCleanedUp(mark: string, before: readonly string[]): void {
  expect(captureDirs().filter((d) => !before.includes(d)), 'a capture directory is left behind').toEqual([]);
  if (!existsSync(mark)) return; // killed before it started; the directory check above still holds
  const m = marks(mark);
  expect(alive(m.pid), 'the QEMU child is still running').toBe(false);
  expect(m.cwd).toMatch(/mtc-capture-/);
  expect(existsSync(m.cwd), `${m.cwd} is left behind`).toBe(false);
}

describe('runCapture with a QMP stand-in', () => {
  it('migrates to a file, returns the stream and what QMP said, quits QEMU and cleans up', async () => {
    env = withMode('ok');
    const before = captureDirs();
    const r = await runCapture(base);
    expect(r.stream.equals(stream('qemu-10.2.2-virt-10.2-max'))).toBe(true);
    expect([r.qemuVersion, r.qemuPackage, r.machineType, r.cpuTypes, r.midr]).toEqual(['10.2.2', 'fake', 'virt-10.2', ['max-arm-cpu'], 984336]);
    expect(r.argv.slice(1, -2)).toEqual(['-S', '-nodefaults', '-no-user-config', '-nographic', '-display', 'none', '-M', 'virt-10.2', '-cpu', 'max', '-accel', 'tcg']);
    expect(marks(env.mark).lines).toContain('migrate');
    expectCleanedUp(env.mark, before);
  });

  it('MTC8001: a missing binary, a directory, a file that is not executable', async () => {
    const missing = await runCapture({ ...base, qemuBinary: join(work, 'nope') }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'MTC8001', message: expect.stringMatching(/not found \(ENOENT\)/) });
    expect(await runCapture({ ...base, qemuBinary: work }).catch((e: unknown) => e)).toMatchObject({ code: 'MTC8001', message: expect.stringMatching(/is not a file/) });
    const plain = join(work, 'plain');
    writeFileSync(plain, '');
    chmodSync(plain, 0o644);
    if (process.getuid?.() !== 0) expect(await runCapture({ ...base, qemuBinary: plain }).catch((e: unknown) => e)).toMatchObject({ code: 'MTC8001', message: expect.stringMatching(/not executable/) });
  });

  it('MTC8002: QEMU exits at start; the message quotes its stderr', async () => {
    const { e, mark, before } = await failure('exit', { machine: 'nope' });
    expect(e.code).toBe('MTC8002');
    expect(e.message).toBe('QEMU exited (status 1) before the capture finished; it printed: qemu-system-aarch64: -machine nope: unsupported machine type | Use -machine help to list supported machines');
    expectCleanedUp(mark, before);
  });

  it('MTC8002: QEMU never connects to the QMP socket: stopped after --start-timeout', async () => {
    const { e, mark, before } = await failure('silent', { startTimeout: 1 });
    expect([e.code, e.message]).toEqual(['MTC8002', 'QEMU did not connect to its QMP socket and answer within 1 s']);
    expectCleanedUp(mark, before);
  });

  it('MTC8010: something that is not QMP on the socket, or a QMP error', async () => {
    const a = await failure('not-qmp');
    expect([a.e.code, a.e.message]).toEqual(['MTC8010', 'QEMU sent something that is not JSON on the QMP socket: hello, this is not QMP']);
    expectCleanedUp(a.mark, a.before);
    env?.restore();
    const b = await failure('qmp-error');
    expect([b.e.code, b.e.message]).toEqual(['MTC8010', 'query-version: The command query-version has not been found']);
    expectCleanedUp(b.mark, b.before);
  });

  it('MTC8002, not MTC8010, when QEMU closes the QMP socket on its way out: its exit is what is reported', async () => {
    const { e, mark, before } = await failure('close-qmp');
    expect([e.code, e.message]).toEqual(['MTC8002', 'QEMU exited (status 3) before the capture finished; it printed: qemu-system-aarch64: terminating on signal 15 from pid 1']);
    expectCleanedUp(mark, before);
  });

  it('MTC8003: the migration fails (error-desc quoted), or does not complete in time', async () => {
    const a = await failure('fail-migrate');
    expect([a.e.code, a.e.message]).toEqual(['MTC8003', "QEMU reports the migration failed: State blocked by non-migratable device 'vhost'"]);
    expectCleanedUp(a.mark, a.before);
    env?.restore();
    const b = await failure('hang-migrate', { migrateTimeout: 1 });
    expect([b.e.code, b.e.message]).toEqual(['MTC8003', 'the migration did not complete within 1 s']);
    expectCleanedUp(b.mark, b.before);
  });

  it('MTC8004: a stream growing past the limit is cancelled', async () => {
    const { e, mark, before } = await failure('big', { maxStreamBytes: 1024 * 1024 });
    expect(e.code).toBe('MTC8004');
    expect(e.message).toMatch(/grew past --max-stream-size \(1048576 bytes\); the capture was cancelled/);
    expectCleanedUp(mark, before);
  });

  it('MTC8009: an abort (SIGINT) stops QEMU and removes the directory', async () => {
    env = withMode('hang-migrate');
    const before = captureDirs();
    const ac = new AbortController();
    const p = runCapture({ ...base, signal: ac.signal }).catch((e: unknown) => e);
    const mark = env.mark;
    while (!existsSync(mark) || !readFileSync(mark, 'utf8').includes('migrate')) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    expect(await p).toMatchObject({ code: 'MTC8009' });
    expectCleanedUp(mark, before);
  });

  it('the QEMU command line and quoting of stderr', () => {
    expect(qemuArgs({ machine: 'virt', cpu: 'host', accel: 'kvm', smp: 4 }, '/s')).toEqual([
      '-S', '-nodefaults', '-no-user-config', '-nographic', '-display', 'none', '-M', 'virt', '-cpu', 'host', '-accel', 'kvm', '-smp', '4', '-qmp', 'unix:/s',
    ]);
    expect(firstLines('\n\n a\n\nb\nc\nd\ne\nf\n')).toBe('a | b | c | d | e');
  });
});

describe('capture() end to end with the stand-in', () => {
  it('gives the profile the real capture gives, apart from what the stand-in says differently', async () => {
    env = withMode('ok');
    const r = await capture({ qemuBinary: fake, machine: 'virt-10.2', cpu: 'max' });
    expect(r.exitCode).toBe(0);
    expect(r.diagnostics).toEqual([]);
    const golden = readFileSync(`${fixtureDir}qemu-10.2.2-virt-10.2-max.profile.yaml`, 'utf8');
    expect(r.yaml).toBe(golden.replace('  qemu_version: "10.2.2"\n', '  qemu_version: "10.2.2"\n  qemu_package: "fake"\n'));
  });

  it('a stream without a cpu section from QEMU: MTC8006 located in the stream QEMU wrote, or in the --keep-stream file', async () => {
    env = withMode('ok');
    const noCpu = join(work, 'nocpu.mig');
    writeFileSync(noCpu, writeStream({ cpus: [] }));
    process.env.FAKE_QEMU_STREAM = noCpu;
    const r = await capture({ qemuBinary: fake });
    expect(r.exitCode).toBe(1);
    expect(r.yaml).toBeUndefined();
    const at = locateDescription(readFileSync(noCpu), 1 << 20)!.markOffset;
    expect(r.diagnostics).toEqual([
      {
        code: 'MTC8006',
        severity: 'error',
        message: `the stream has no \`cpu\` section (its sections: ram, timer) (at byte ${at} (0x${at.toString(16)}) of the stream QEMU wrote (--keep-stream FILE keeps it))`,
        help: 'capture an Arm machine (qemu-system-aarch64) with at least one CPU',
      },
    ]);
    const kept = join(work, 'kept-nocpu.mig');
    const k = await capture({ qemuBinary: fake, keepStream: kept });
    expect(k.diagnostics.map((d) => [d.code, d.file])).toEqual([['MTC8006', kept]]);
    expect(readFileSync(kept).equals(readFileSync(noCpu))).toBe(true);
  });

  it('SIGINT to the command: exit 130, MTC8009, QEMU gone, directory removed', async () => {
    const mark = join(work, 'sigint-mark');
    const before = captureDirs();
    const child = spawn(process.execPath, [BIN, 'capture', '--qemu-binary', fake], {
      env: { ...process.env, NO_COLOR: '1', FAKE_QEMU_MODE: 'hang-migrate', FAKE_QEMU_MARK: mark, FAKE_QEMU_STREAM: STREAM },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    while (!existsSync(mark) || !readFileSync(mark, 'utf8').includes('migrate')) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/error\[MTC8009\]: capture interrupted; QEMU stopped, nothing written/);
    expectCleanedUp(mark, before);
  });
});

