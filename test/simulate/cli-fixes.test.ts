/**
 * What a new user of `mtc simulate` and `mtc decode` tripped over, through
 * the bundled CLI: built-in host names, a stale build document, an x86
 * machine type, the summary of a failing cell, a misspelt direction, the id
 * forms decode prints itself, op0=0 "sysregs" and empty captured lists.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

const mtc = (args: string[], cwd = process.cwd()) => runBin(args, cwd);
const tmp = () => mkdtempSync(join(tmpdir(), 'mtc-sim-'));

describe('simulate --hosts takes built-in host names', () => {
  it('as explain --from does', () => {
    const r = mtc(['simulate', '--hosts', 'n1-6.12', 'n1-6.13', '--machine', 'virt-10.1', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).hosts.map((h: { name: string }) => h.name)).toEqual(['n1-6.12', 'n1-6.13']);
  });
  it('mixed with profile files, in the order given; a file of that name would win', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'cap.txt'), '# kernel: 6.12\n0x603000000013c103\n0x603000000013c000\n');
    const r = mtc(['simulate', '--hosts', 'n1-6.13', join(dir, 'cap.txt'), '--machine', 'virt-10.1', '--format', 'json']);
    expect(JSON.parse(r.stdout).hosts.map((h: { name: string }) => h.name)).toEqual(['n1-6.13', 'cap']);
  });
  it('a name that is neither a file nor a built-in host lists the built-in ones', () => {
    const r = mtc(['simulate', '--hosts', 'n1-6.99', 'n1-6.12']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC4002]: `n1-6.99` is neither a host profile file, a directory of them, nor a built-in host');
    expect(r.stderr).toMatch(/= help: built-in hosts: .*n1-6\.12/);
  });
});

describe('a stale build document is refused (MTC4010)', () => {
  it('the rules changed after `mtc build`: simulate names the file and says to rebuild; after a build it runs', () => {
    const dir = tmp();
    cpSync('rules', join(dir, 'rules'), { recursive: true });
    expect(mtc(['build', '--out', 'out'], dir).code).toBe(0);
    expect(mtc(['simulate', '--machine', 'virt-10.1'], dir).code).toBe(0);
    writeFileSync(join(dir, 'rules', 'virt.mtc'), '\n// a comment is a change too\n', { flag: 'a' });
    const r = mtc(['simulate', '--machine', 'virt-10.1'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[MTC4010]: out/mtc-build.json is stale: rules/virt.mtc changed since it was built (the sha256 it records differs)');
    expect(r.stderr).toContain('= help: run `mtc build` (or `npm start`) to rebuild it');
    // From another directory with --build, the rules are found next to the document.
    expect(mtc(['simulate', '--build', join(dir, 'out', 'mtc-build.json')], tmp()).stderr).toContain('error[MTC4010]');
    expect(mtc(['build', '--out', 'out'], dir).code).toBe(0);
    expect(mtc(['simulate', '--machine', 'virt-10.1'], dir).code).toBe(0);
  });
  it('the committed out/ is fresh', () => {
    expect(mtc(['simulate', '--machine', 'virt-10.1']).code).toBe(0);
  });
});

describe('simulate --machine with an x86 machine type (MTC4011)', () => {
  it('is an error saying why, not an ARM matrix of qemu-system-aarch64 lines', () => {
    const out = mkdtempSync(join(tmpdir(), 'mtc-x86-'));
    expect(mtc(['build', 'examples/x86-smi-count', '--out', out]).code).toBe(0);
    const r = mtc(['simulate', '--build', join(out, 'mtc-build.json'), '--machine', 'pc-q35-2.11']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[MTC4011]: `pc-q35-2.11` is an x86_64 machine type; the simulator models the ARM64 register-list migration');
    expect(r.stderr).toContain('= help: simulate the ARM machine types (');
  });
});

describe('a failing cell is summarised by its fatal line', () => {
  it('not by a harmless "Missing register" warning printed before it', () => {
    // QEMU 11.1: warnings for the missing registers, then the refused MIDR write.
    const doc = JSON.parse(mtc(['simulate', '--machine', 'virt-11.0', '--format', 'json']).stdout);
    const cells = doc.machineTypes[0].cells as { source: string; destination: string; outcome: string; lines: string[]; summary: string }[];
    const midr = cells.find((c) => c.source === 'n1-5.15' && c.destination === 'ampereone-6.12')!;
    expect(midr.lines[0]).toContain('warning: handle_cpreg_missing_in_incoming_stream');
    expect(midr.summary).toBe('n1-5.15 → ampereone-6.12: fails: Could not set register system register op0:3 op1:0 crn:0 crm:0 op2:0 to 413fd0c1 (is c00fac31)');
    for (const c of cells.filter((x) => x.outcome === 'fail')) expect(c.summary).not.toContain('expected by the destination');
    // The x-mig series: the missing registers are printed before the unexpected one that fails the load.
    const series = JSON.parse(mtc(['simulate', '--machine', 'virt-11.0', '--qemu', 'x-mig-series', '--format', 'json']).stdout);
    const unexpected = (series.machineTypes[0].cells as typeof cells).find((c) => c.source === 'n1-6.15' && c.destination === 'n1-6.6')!;
    expect(unexpected.lines[0]).toContain('Missing register');
    expect(unexpected.summary).toBe('n1-6.15 → n1-6.6: fails: kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x6030000000160003 fw feat reg 3');
    for (const c of series.machineTypes[0].cells.filter((x: { outcome: string }) => x.outcome === 'fail')) expect(c.summary).not.toContain('Missing register');
  });
});

describe('--require with a bad direction word', () => {
  it('gets its own message, not "list at least two hosts"', () => {
    const r = mtc(['simulate', '--require', 'virt-10.1: n1-6.6,n1-6.12 bothways']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC4004]: --require `virt-10.1: n1-6.6,n1-6.12 bothways`: `bothways` is not a direction; write both (the default), forward (older to newer kernel) or backward (did you mean `both`?)');
    expect(r.stderr).not.toContain('at least two hosts');
    expect(mtc(['simulate', '--require', 'virt-10.1: n1-6.6,n1-6.12 backwards']).stderr).toContain('(did you mean `backward`?)');
    expect(mtc(['simulate', '--require', 'virt-10.1: n1-6.6']).stderr).toContain('list at least two hosts');
    expect(mtc(['simulate', '--require', 'virt-10.1: n1-6.6,n1-6.12 forward']).code).toBe(0);
  });
});

describe('decode', () => {
  it('accepts `_` between hex digits and the uapi macros it prints itself', () => {
    for (const input of ['0x6030_0000_0013_c103', 'ARM64_SYS_REG(3,0,2,0,3)', 'ARM64_SYS_REG(3, 0, 2, 0, 3)']) {
      const r = mtc(['decode', input]);
      expect(r.code, input).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe('TCR2_EL1  0x603000000013c103');
    }
    const own = mtc(['decode', 'TCR2_EL1']).stdout.match(/encoding:\s+(\S+)/)![1]!;
    expect(mtc(['decode', own]).code).toBe(0);
    expect(mtc(['decode', 'KVM_REG_ARM_FW_FEAT_BMAP_REG(3)']).stdout).toContain('KVM_REG_ARM_VENDOR_HYP_BMAP_2  0x6030000000160003');
  });
  it('refuses an op0=0 "sysreg" and says what it is', () => {
    const r = mtc(['decode', '0x6030000000130000']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('0x6030000000130000 has the layout of an arm64 system register id');
    expect(r.stderr).toContain('op0=0');
    expect(r.stderr).toContain('op0 0 is the instruction space (hints, barriers, PSTATE access such as MSR DAIFSet), not a register, so no kernel lists it');
    expect(mtc(['decode', 'sysreg(1,0,7,5,1)']).stderr).toContain('op0 1 is the SYS instruction space');
    expect(mtc(['decode', 'MDSCR_EL1']).code).toBe(0); // op0=2 is a register
  });
});

describe('an empty captured register list is refused (MTC2112)', () => {
  for (const [name, text] of [
    ['empty.txt', ''],
    ['comments.txt', '# kernel: 6.12\n// nothing captured\n'],
    ['empty.json', '[]'],
    ['object.json', '{ "name": "h", "kernel": "6.12", "registers": [] }'],
  ] as const) {
    it(name, () => {
      const dir = tmp();
      writeFileSync(join(dir, name), text);
      const r = mtc(['simulate', '--hosts', join(dir, name), 'n1-6.12']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('error[MTC2112]: captured register list has no register ids');
    });
  }
});

describe('warnings of host profiles reach the user', () => {
  it('a backport the history has no change for: MTC2113 on stderr, the matrix still printed, exit 0', () => {
    const dir = tmp();
    const text = readFileSync('examples/rhel9-host.yaml', 'utf8');
    expect(text).toContain('  - a5905d6af492 ');
    writeFileSync(join(dir, 'h.yaml'), text.replace(/^ {2}- a5905d6af492 .*$/m, '  - 0123456789ab'));
    const r = mtc(['simulate', '--hosts', join(dir, 'h.yaml'), 'n1-6.1', '--machine', 'virt-10.1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning[MTC2113]: host profile: backport `0123456789ab` is the commit of no change in the kernel history, so it changes nothing');
    expect(r.stdout).toContain('virt-10.1');
  });
});
