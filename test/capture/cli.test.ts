/**
 * `mtc capture` through the bundled CLI, reading stream files (`--stream`):
 * output, files, exit codes and every diagnostic with its code, location
 * and help line. Running QEMU is covered by run.test.ts (stand-in) and
 * test/qemu/capture.qemu.test.ts (real binaries).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';
import { fixtureDir, stream } from './support.js';
import { writeStream } from './writer.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mtc-capture-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAX = `${fixtureDir}qemu-10.2.2-virt-10.2-max.mig.br`;

function file(name: string, data: Uint8Array): string {
  const f = join(dir, name);
  writeFileSync(f, data);
  return f;
}

describe('mtc capture --stream', () => {
  it('reads a brotli-compressed stream and prints the profile: the golden registers and values, no MIDR (TCG does not migrate it)', () => {
    const r = runBin(['capture', '--stream', MAX, '--qemu-version', '10.2.2', '--cpu', 'max']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = parse(r.stdout) as Record<string, unknown>;
    const golden = parse(readFileSync(`${fixtureDir}qemu-10.2.2-virt-10.2-max.profile.yaml`, 'utf8')) as Record<string, unknown>;
    expect(got.registers).toEqual(golden.registers);
    expect(got.values).toEqual(golden.values);
    expect(got.name).toBe('tcg-qemu-10.2.2-virt-10.2-max');
    expect(got.cpu).toBeUndefined();
    expect(got.capture).toEqual({ machine: 'virt-10.2', cpu: 'max', accel: 'tcg', qemu_version: '10.2.2', vcpus: 1, cpu_section_version: 22 });
  });

  it('reads plain and gzip streams alike; --out writes atomically, --keep-stream saves the raw stream', () => {
    const plain = file('s.mig', stream('qemu-10.2.2-virt-10.2-max'));
    const gz = file('s.mig.gz', gzipSync(stream('qemu-10.2.2-virt-10.2-max')));
    const a = runBin(['capture', '--stream', plain, '--qemu-version', '10.2.2', '--name', 'a']);
    const out = join(dir, 'sub', 'p.yaml');
    const keep = join(dir, 'kept.mig');
    const b = runBin(['capture', '--stream', gz, '--qemu-version', '10.2.2', '--name', 'a', '--out', out, '--keep-stream', keep]);
    expect([a.code, b.code, b.stdout, b.stderr]).toEqual([0, 0, '', '']);
    expect(readFileSync(out, 'utf8')).toBe(a.stdout);
    expect(readFileSync(keep).equals(stream('qemu-10.2.2-virt-10.2-max'))).toBe(true);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['p.yaml']);
  });

  it('the profile it writes is accepted by mtc simulate', () => {
    const out = join(dir, 'sim.yaml');
    expect(runBin(['capture', '--stream', MAX, '--qemu-version', '10.2.2', '--out', out]).code).toBe(0);
    const s = runBin(['simulate', '--hosts', out, 'catalog/hosts/tcg-10.0.13-a57.yaml', '--machine', 'virt-10.2']);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('tcg-qemu-10.2.2-virt-10.2 (TCG, QEMU 10.2.2)');
  });
});

describe('diagnostics', () => {
  const run = (...args: string[]) => runBin(['capture', ...args]);

  it('MTC9004: usage errors, exit 2', () => {
    for (const [args, msg] of [
      [[], 'give --qemu-binary PATH (the QEMU to run), or --stream FILE (a migration stream it wrote)'],
      [['--stream', MAX, '--qemu-binary', '/x'], 'give either --qemu-binary (run QEMU) or --stream (read a stream file), not both'],
      [['--stream', MAX], 'a TCG profile needs the QEMU version: give --qemu-version with --stream (the stream does not record it)'],
      [['--stream', MAX, '--qemu-version', '10.2.2', '--accel', 'hvf'], '--accel must be tcg or kvm, not `hvf`'],
      [['--qemu-binary', '/x', '--smp', '0'], '--smp must be a number from 1 to 4096, not `0`'],
      [['--stream', MAX, '--qemu-version', 'ten'], '--qemu-version must look like 10.2.2, not `ten`'],
      [['--stream', MAX, '--qemu-version', '10.2.2', '--name', 'a b'], '--name `a b`: a profile name is letters, digits, `_.+-`, at most 64 characters'],
    ] as const) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`error[MTC9004]: ${msg}\n  = help: run \`mtc capture --help\`\n`);
    }
  });

  it('MTC9002: a stream file that cannot be read, exit 2', () => {
    const r = run('--stream', join(dir, 'none.mig'), '--qemu-version', '10.2.2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[MTC9002\]: cannot read .*none\.mig: ENOENT\n {2}= help: give the path of a migration stream file\n$/);
  });

  it('MTC8001: a QEMU binary that does not exist, exit 1', () => {
    const r = run('--qemu-binary', join(dir, 'qemu-none'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[MTC8001\]: QEMU binary .*qemu-none not found \(ENOENT\)\n {2}= help: give the path of qemu-system-aarch64 with --qemu-binary\n$/);
  });

  it('MTC8004: a stream larger than --max-stream-size, plain or decompressed', () => {
    const r = run('--stream', MAX, '--qemu-version', '10.2.2', '--max-stream-size', '100000');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[MTC8004\]: .*qemu-10\.2\.2-virt-10\.2-max\.mig\.br decompresses to more than --max-stream-size \(100000 bytes\)/);
    const plain = file('big.mig', stream('qemu-10.2.2-virt-10.2-max'));
    expect(run('--stream', plain, '--qemu-version', '10.2.2', '--max-stream-size', '100000').stderr).toMatch(/error\[MTC8004\]: .*big\.mig has 650103 bytes, more than --max-stream-size \(100000\)/);
  });

  it('MTC8007: a stream cut short loses its description; the location is the end of the file', () => {
    const cut = file('cut.mig', stream('qemu-10.2.2-virt-10.2-max').subarray(0, 300000));
    const r = run('--stream', cut, '--qemu-version', '10.2.2');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error[MTC8007]: no JSON VM description at the end of the stream: the stream is cut short, or QEMU ran with suppress-vmdesc=on (QEMU ends a stream with 0x06, a be32 length and that much JSON) (at byte 300000 (0x493e0))\n --> ${cut}\n  = help: capture without \`suppress-vmdesc=on\` on the machine\n`,
    );
  });

  it('MTC8005: a damaged stream, with the byte offset', () => {
    const b = Buffer.from(stream('qemu-10.2.2-virt-10.2-max'));
    b.write('XXXX', 0, 'latin1');
    const r = run('--stream', file('bad.mig', b), '--qemu-version', '10.2.2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[MTC8005\]: not a QEMU migration stream: file magic 0x58585858, expected 0x5145564d \("QEVM"\) \(at byte 0 \(0x0\)\)\n --> .*bad\.mig\n {2}= help: the stream is cut short or is not a QEMU precopy stream/);
  });

  it('MTC8006: a stream without a cpu section', () => {
    const r = run('--stream', file('nocpu.mig', writeStream({ cpus: [] })), '--qemu-version', '10.2.2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[MTC8006\]: the stream has no `cpu` section \(its sections: ram, timer\) \(at byte \d+ \(0x[0-9a-f]+\)\)\n --> .*nocpu\.mig\n {2}= help: capture an Arm machine/);
  });

  it('MTC8008: vCPUs that list different registers: a warning, the profile of vCPU 0, exit 0', () => {
    const f = file('two.mig', writeStream({ cpus: [{ indexes: [1n, 2n, 3n] }, { indexes: [1n, 3n, 4n] }] }));
    const r = run('--stream', f, '--qemu-version', '10.2.2');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'warning[MTC8008]: the 2 vCPUs do not list the same registers (2 differ, first 0x2); the profile records vCPU 0\n  = help: the differences are listed under `capture.vcpu_list_differences`\n',
    );
    const p = parse(r.stdout) as { registers: string[]; capture: Record<string, unknown> };
    expect(p.registers).toEqual(['0x0000000000000001', '0x0000000000000002', '0x0000000000000003']);
    expect(p.capture.vcpu_list_differences).toEqual(['0x0000000000000002', '0x0000000000000004']);
    expect(p.capture.vcpu_value_differences).toEqual(['0x0000000000000003']);
    expect(p.capture.vcpus).toBe(2);
  });

  it('nothing is written when the capture fails', () => {
    const out = join(dir, 'never.yaml');
    run('--stream', file('cut2.mig', stream('qemu-10.2.2-virt-10.2-max').subarray(0, 1000)), '--qemu-version', '10.2.2', '--out', out);
    expect(existsSync(out)).toBe(false);
  });
});
