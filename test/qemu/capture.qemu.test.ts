/**
 * `mtc capture` against real QEMU binaries (opt-in: `npm run test:qemu`).
 * The binaries come from MTC_QEMU_BIN_10_2_2 and MTC_QEMU_BIN_11_1_1; without
 * them every test here fails and says how to get them.
 *
 * What is checked, each time against QEMU rather than against mtc:
 *  - the profile of each configuration is the committed golden one (QEMU lists
 *    the same registers and values every run), which the default suite checks
 *    against QEMU's trace and scripts/analyze-migration.py;
 *  - the stream mtc kept loads back into the same configuration;
 *  - loaded into a destination with another CPU model, QEMU names the lengths
 *    (10.2.2's length check, 11.1.1's cpu_post_load trace) and the registers
 *    (11.1.1) that the captured profiles say;
 *  - QEMU's start failures come back as MTC8002 quoting QEMU.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QmpClient } from '../../src/capture/qmp.js';
import { runMain } from '../support/cli.js';
import { fixtureDir, kvmToCpregId } from '../capture/support.js';

const HOW =
  'set MTC_QEMU_BIN_10_2_2 and MTC_QEMU_BIN_11_1_1 to qemu-system-aarch64 binaries built from the QEMU 10.2.2 and 11.1.1 trees ' +
  '(../shared/qemu/, build steps in ../shared/domain.md §7: configure --target-list=aarch64-softmmu --without-default-features ' +
  '--without-default-devices --with-devices-aarch64=minimal, then ninja qemu-system-aarch64)';

const bins = { '10.2.2': process.env.MTC_QEMU_BIN_10_2_2, '11.1.1': process.env.MTC_QEMU_BIN_11_1_1 } as const;
type Version = keyof typeof bins;

function bin(v: Version): string {
  const b = bins[v];
  if (!b) throw new Error(`MTC_QEMU_BIN_${v.replace(/\./g, '_')} is not set: ${HOW}`);
  if (!existsSync(b)) throw new Error(`MTC_QEMU_BIN_${v.replace(/\./g, '_')}=${b} does not exist: ${HOW}`);
  return b;
}

let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mtc-qemu-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Captured {
  readonly yaml: string;
  readonly profile: { registers: string[]; values: Record<string, string>; capture: { vcpus: number } };
  readonly streamFile: string;
}

const captured = new Map<string, Captured>();

/** Runs `mtc capture` (in process, as the CLI does) and keeps the stream. */
async function captureCli(v: Version, machine: string, cpu: string, extra: string[] = []): Promise<Captured> {
  const key = [v, machine, cpu, ...extra].join(' ');
  const hit = captured.get(key);
  if (hit) return hit;
  const streamFile = join(work, `${key.replace(/[^A-Za-z0-9.-]/g, '_')}.mig`);
  const r = await runMain(['capture', '--qemu-binary', bin(v), '-M', machine, '--cpu', cpu, '--keep-stream', streamFile, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const c = { yaml: r.stdout, profile: parse(r.stdout) as Captured['profile'], streamFile };
  captured.set(key, c);
  return c;
}

/** Starts a destination QEMU, loads a stream file, returns the outcome and everything QEMU printed. */
async function load(v: Version, machine: string, cpu: string, streamFile: string): Promise<{ status: string; errorDesc?: string; stderr: string }> {
  const dir = mkdtempSync(join(work, 'dst-'));
  const sock = join(dir, 'qmp.sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(sock, r));
  const connected = new Promise<Socket>((r) => server.once('connection', r));
  const args = ['-S', '-nodefaults', '-no-user-config', '-nographic', '-display', 'none', '-M', machine, '-cpu', cpu, '-accel', 'tcg', '-incoming', 'defer'];
  if (v === '11.1.1') args.push('-trace', 'cpu_post_load'); // 11.1.1 target/arm/trace-events:31
  args.push('-qmp', `unix:${sock}`);
  const child = spawn(bin(v), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const { client } = await QmpClient.open(await connected, 30_000);
    await client.command('qmp_capabilities');
    await client.command('migrate-incoming', { uri: `file:${streamFile}`, 'exit-on-error': false });
    for (;;) {
      const st = (await client.command('query-migrate')) as { status?: string; 'error-desc'?: string };
      if (st.status === 'completed' || st.status === 'failed') {
        await client.command('quit').catch(() => undefined);
        await exited;
        return { status: st.status, ...(st['error-desc'] ? { errorDesc: st['error-desc'] } : {}), stderr };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGKILL');
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the binaries', () => {
  it.each(['10.2.2', '11.1.1'] as const)('QEMU %s is given and says it is that version', async (v) => {
    const r = spawn(bin(v), ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    r.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    await new Promise((res) => r.once('exit', res));
    expect(out).toMatch(new RegExp(`QEMU emulator version ${v.replace(/\./g, '\\.')}\\b`));
  });
});

const configs: [Version, string, string, string][] = [
  ['10.2.2', 'virt-10.2', 'max', 'qemu-10.2.2-virt-10.2-max'],
  ['10.2.2', 'virt-10.2', 'cortex-a57', 'qemu-10.2.2-virt-10.2-cortex-a57'],
  ['11.1.1', 'virt-11.1', 'max', 'qemu-11.1.1-virt-11.1-max'],
  ['11.1.1', 'virt-11.1', 'cortex-a57', 'qemu-11.1.1-virt-11.1-cortex-a57'],
  ['11.1.1', 'virt-10.2', 'max', 'qemu-11.1.1-virt-10.2-max'],
];

describe.each(configs)('QEMU %s -M %s -cpu %s', (v, machine, cpu, golden) => {
  it('mtc capture prints the golden profile', async () => {
    const c = await captureCli(v, machine, cpu);
    expect(c.yaml).toBe(readFileSync(`${fixtureDir}${golden}.profile.yaml`, 'utf8'));
  });

  it('the stream it kept loads back into the same configuration', async () => {
    const c = await captureCli(v, machine, cpu);
    const r = await load(v, machine, cpu, c.streamFile);
    expect(r.errorDesc).toBeUndefined();
    expect(r.status).toBe('completed');
  });
});

describe('QEMU -smp 2', () => {
  it('two cpu sections that agree: no warning, vcpus 2', async () => {
    const c = await captureCli('10.2.2', 'virt-10.2', 'max', ['--smp', '2']);
    expect(c.yaml).toBe(readFileSync(`${fixtureDir}qemu-10.2.2-virt-10.2-max-smp2.profile.yaml`, 'utf8'));
    expect(c.profile.capture.vcpus).toBe(2);
  });
});

describe('a destination with another CPU model names what the profiles say', () => {
  it('10.2.2, max → cortex-a57: the length check quotes both captured lengths', async () => {
    const max = await captureCli('10.2.2', 'virt-10.2', 'max');
    const a57 = await captureCli('10.2.2', 'virt-10.2', 'cortex-a57');
    const r = await load('10.2.2', 'virt-10.2', 'cortex-a57', max.streamFile);
    expect(r.status).toBe('failed');
    // target/arm/machine.c:1155 (10.2.2) VMSTATE_INT32_POSITIVE_LE, message from vmstate-types.c get_int32_le.
    expect(r.stderr).toContain(`Invalid value ${max.profile.registers.length} expecting positive value <= ${a57.profile.registers.length}`);
  });

  for (const [from, to] of [
    ['max', 'cortex-a57'],
    ['cortex-a57', 'max'],
  ] as const) {
    it(`11.1.1, ${from} → ${to}: cpu_post_load gives both lengths, and one line names each register one side lacks`, async () => {
      const src = await captureCli('11.1.1', 'virt-11.1', from);
      const dst = await captureCli('11.1.1', 'virt-11.1', to);
      const r = await load('11.1.1', 'virt-11.1', to, src.streamFile);
      expect(r.stderr).toContain(`cpu_post_load cpreg_vmstate_array_len=${src.profile.registers.length} cpreg_array_len=${dst.profile.registers.length}`);
      const ids = (re: RegExp) => [...r.stderr.matchAll(re)].map((m) => parseInt(m[1], 16)).sort((a, b) => a - b);
      const only = (a: string[], b: string[]) => a.filter((x) => !b.includes(x)).map((x) => kvmToCpregId(BigInt(x))).sort((x, y) => x - y);
      // 11.1.1 target/arm/machine.c:1113-1114 and :1090-1092
      expect(ids(/system register 0x([0-9a-f]+) in the incoming stream but unknown on the destination/g)).toEqual(only(src.profile.registers, dst.profile.registers));
      expect(ids(/system register 0x([0-9a-f]+) expected by the destination but not in the incoming stream/g)).toEqual(only(dst.profile.registers, src.profile.registers));
    });
  }
});

describe('QEMU start failures are MTC8002 and quote QEMU', () => {
  it('an unknown machine type', async () => {
    const r = await runMain(['capture', '--qemu-binary', bin('10.2.2'), '-M', 'no-such-machine']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[MTC8002\]: QEMU exited \(status 1\) before the capture finished; it printed: qemu-system-aarch64: .*unsupported machine type/);
  });

  it('an unknown CPU model', async () => {
    const r = await runMain(['capture', '--qemu-binary', bin('11.1.1'), '--cpu', 'no-such-cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[MTC8002\]: QEMU exited \(status 1\) before the capture finished; it printed: qemu-system-aarch64: .*no-such-cpu/);
  });

  it('--accel kvm records this host when it has KVM, and quotes QEMU when it has not', async () => {
    const r = await runMain(['capture', '--qemu-binary', bin('10.2.2'), '--accel', 'kvm']);
    if (existsSync('/dev/kvm') && process.arch === 'arm64') {
      expect(r.code).toBe(0);
      expect((parse(r.stdout) as { accel: string }).accel).toBe('kvm');
    } else {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error\[MTC8002\]: QEMU exited \(status 1\) before the capture finished; it printed: qemu-system-aarch64: .*(KVM|kvm)/);
    }
  });
});
