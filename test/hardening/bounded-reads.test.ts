/**
 * Issue 12, case 9: bounded reads everywhere. Every file mtc reads goes
 * through src/util/read-file.ts: regular files only (a FIFO or a device is
 * refused at once, never waited on), bounded while reading (never by `stat`,
 * which says 0 for devices), and a file that is not an input is never echoed.
 * Through the bundled CLI; each run would hang or eat gigabytes without the
 * fix, so "it returns" is part of what is tested.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runBin } from '../support/cli.js';

const RULES = 'machine virt-10.2;\nmachine virt-10.1 {\n  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15 { reason "r"; }\n}\n';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-bounded-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'virt.mtc'), RULES);
  return dir;
}

const mkfifo = (p: string) => execFileSync('mkfifo', [p]);

describe('case 9: devices and FIFOs are refused, never read', () => {
  it('a rule file that is a FIFO, or a symlink to /dev/zero (with --root /): MTC9002, at once', () => {
    const dir = project();
    mkfifo(join(dir, 'rules', 'fifo.mtc'));
    for (const args of [['check', 'rules'], ['check', 'rules/fifo.mtc'], ['build', 'rules', '--out', 'out']]) {
      const r = runBin(args, dir);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('error[MTC9002]: cannot read rules/fifo.mtc: it is a FIFO, not a regular file');
    }
    const zero = project();
    symlinkSync('/dev/zero', join(zero, 'rules', 'zero.mtc'));
    const r = runBin(['check', '--root', '/', join(zero, 'rules')], zero);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[MTC9002\]: cannot read dev\/zero: it is a character device, not a regular file/);
  });

  it('a huge sparse rule file is refused after reading just past the limit (MTC0009)', () => {
    const dir = project();
    const fd = openSync(join(dir, 'rules', 'huge.mtc'), 'w');
    ftruncateSync(fd, 64 * 1024 * 1024 * 1024); // 64 GiB of holes: stat would say so, /proc files say 0
    closeSync(fd);
    const r = runBin(['check', 'rules', '--max-file-size', '1048576'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MTC0009]: file is larger than the limit of 1048576 bytes');
  });

  it('files in out/: a FIFO is refused by build and --check, the previous outputs stay', () => {
    const dir = project();
    expect(runBin(['build', 'rules', '--out', 'out'], dir).code).toBe(0);
    rmSync(join(dir, 'out', 'mtc-build.json'));
    mkfifo(join(dir, 'out', 'mtc-build.json'));
    for (const args of [['build', 'rules', '--out', 'out', '--check'], ['build', 'rules', '--out', 'out']]) {
      const r = runBin(args, dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error[MTC3023]: out/mtc-build.json is a FIFO, not a regular file');
    }
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['.mtc-manifest', 'c', 'docs', 'mtc-build.json']);
  });

  it('files of the --qemu-tree: a FIFO, or a symlink out of the QEMU tree, is refused (MTC3011)', () => {
    const dir = project();
    mkdirSync(join(dir, 'qemu', 'hw', 'arm'), { recursive: true });
    mkfifo(join(dir, 'qemu', 'VERSION'));
    const fifo = runBin(['build', 'rules', '--out', 'out', '--qemu-tree', 'qemu'], dir);
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toContain('error[MTC3011]: cannot read the QEMU tree qemu: VERSION: not a regular file (a FIFO)');
    const other = project();
    mkdirSync(join(other, 'qemu', 'hw', 'arm'), { recursive: true });
    symlinkSync('/dev/zero', join(other, 'qemu', 'VERSION'));
    const zero = runBin(['build', 'rules', '--out', 'out', '--qemu-tree', 'qemu'], other);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('error[MTC3011]: cannot read the QEMU tree qemu: VERSION: resolves outside the QEMU tree');
  });

  it('explain: a device as the log is refused; standard input from /dev/zero stops at 64 MiB', () => {
    const named = runBin(['explain', '/dev/zero'], tmpdir());
    expect(named.code).toBe(2);
    expect(named.stderr).toBe('error[MTC9004]: cannot read /dev/zero: it is a character device, not a regular file\n');
    const zero = openSync('/dev/zero', 'r');
    try {
      const r = spawnSync(process.execPath, [BIN, 'explain', '-'], { stdio: [zero, 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20 });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('error[MTC9004]: cannot read standard input: log larger than 64 MiB\n');
    } finally {
      closeSync(zero);
    }
  });

  it('catalogs, kernel histories, host profiles, policies and build documents: a device is refused', () => {
    const dir = project();
    mkfifo(join(dir, 'fifo.yaml'));
    const cases: [string[], RegExp][] = [
      [['check', 'rules', '--catalog', '/dev/zero'], /error\[MTC2102\]: `\/dev\/zero` is not a regular file \(a character device\)/],
      [['check', 'rules', '--history', 'fifo.yaml'], /error\[MTC2102\]: `fifo.yaml` is not a regular file \(a FIFO\)/],
      [['simulate', '--build', '/dev/zero'], /error\[MTC4001\]: build document: \/dev\/zero is a character device, not a regular file/],
      [['simulate', '--build', 'fifo.yaml'], /error\[MTC4001\]: build document: fifo.yaml is a FIFO, not a regular file/],
      [['simulate', '--hosts', 'fifo.yaml'], /error\[MTC2102\]: `fifo.yaml` is not a regular file \(a FIFO\)/],
      [['simulate', '--policy', '/dev/zero'], /cannot read policy \/dev\/zero: a character device/],
    ];
    expect(runBin(['build', 'rules', '--out', 'out'], dir).code).toBe(0);
    for (const [args, want] of cases) {
      const r = runBin(args[0] === 'simulate' && !args.includes('--build') ? [...args, '--build', 'out/mtc-build.json'] : args, dir);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(want);
    }
  });

  it('the check can pass: the same commands on regular files', () => {
    const dir = project();
    expect(runBin(['check', 'rules'], dir).code).toBe(0);
    expect(runBin(['build', 'rules', '--out', 'out'], dir).code).toBe(0);
    expect(runBin(['build', 'rules', '--out', 'out', '--check'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'mtc-build.json'), 'utf8')).toContain('"virt-10.1"');
  });
});
