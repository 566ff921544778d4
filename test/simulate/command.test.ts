import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { simulate, parseRegValues } from '../../src/cli/commands/simulate.js';
import { releasesFrom } from '../../src/cli/options.js';
import { parseRequireFlag, parsePolicyText, selectHosts } from '../../src/simulate/policy.js';
import { runMain } from '../support/cli.js';
import { BMAP2, fixtureDir, seedsBuild } from './helpers.js';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
const schema = JSON.parse(readFileSync(new URL('../../schema/simulate.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const cli = runMain;

describe('mtc simulate: JSON output', () => {
  it('validates against schema/simulate.schema.json and carries the matrix', () => {
    const run = simulate({ build: seedsBuild, format: 'json', qemu: 'x-mig-series', require: ['virt-10.1: n1-6.12,n1-6.13'] });
    const doc = JSON.parse(run.output);
    const ok = validate(doc);
    expect(validate.errors ?? null).toBeNull();
    expect(ok).toBe(true);
    expect(doc.machineTypes.map((m: { name: string }) => m.name)).toEqual(['bare', 'virt-10.2', 'virt-10.1', 'rhel-tol', 'rhel-cpus']);
    const bare = doc.machineTypes[0];
    const hosts = doc.hosts.map((h: { name: string }) => h.name);
    const s = hosts.indexOf('n1-6.12');
    const d = hosts.indexOf('n1-6.13');
    expect(bare.matrix[s][d]).toBe('fail');
    expect(doc.machineTypes[2].matrix[s][d]).toBe('ok');
    expect(doc.policy.passed).toBe(true);
  });
  it('the schema rejects a document with a bad outcome (the test can fail)', () => {
    const run = simulate({ build: seedsBuild, format: 'json', machine: ['bare'] });
    const doc = JSON.parse(run.output);
    doc.machineTypes[0].matrix[0][0] = 'maybe';
    expect(validate(doc)).toBe(false);
  });
});

describe('mtc simulate: policies and exit codes', () => {
  it('exit 0 when the policy holds, 1 when it fails', async () => {
    const good = await cli(['simulate', '--build', seedsBuild, '--machine', 'virt-10.1', '--policy', fixtureDir + 'policy-ok.yaml']);
    expect(good.code).toBe(0);
    expect(good.stderr).toContain('policy: passed');
    // QEMU 10.2 rejects the 6.12 list in a 6.13 destination at its length check; 11.1 tolerates the difference by itself.
    expect((await cli(['simulate', '--build', seedsBuild, '--require', 'bare: n1-6.12,n1-6.13'])).code).toBe(0);
    const bad = await cli(['simulate', '--build', seedsBuild, '--qemu', '10.2', '--require', 'bare: n1-6.12,n1-6.13']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[MTC4005]');
    expect(bad.stderr).toMatch(/n1-6.12 → n1-6.13 is `fail`/);
  });
  it('direction forward checks only older -> newer', () => {
    expect(simulate({ build: seedsBuild, qemu: '10.2', require: ['bare: n1-6.13,n1-6.15 forward'] }).exitCode).toBe(0);
    expect(simulate({ build: seedsBuild, qemu: '10.2', require: ['bare: n1-6.13,n1-6.15 backward'] }).exitCode).toBe(1);
  });
  it('exit 2 on usage errors: bad policy, unknown machine, bad build, bad format, bad reg value', async () => {
    const bad = await cli(['simulate', '--build', seedsBuild, '--policy', fixtureDir + 'policy-bad.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('MTC4004');
    const mt = await cli(['simulate', '--build', seedsBuild, '--machine', 'virt-10.9']);
    expect(mt.code).toBe(2);
    expect(mt.stderr).toContain('MTC4003');
    expect((await cli(['simulate', '--build', fixtureDir + 'nope.json'])).stderr).toContain('MTC4001');
    // A document of the first format (every inherited rule repeated) is refused at the file, saying to rebuild.
    const v1 = join(mkdtempSync(join(tmpdir(), 'mtc-v1-')), 'mtc-build.json');
    writeFileSync(v1, JSON.stringify({ format: 'mtc-build', version: 1, generator: { name: 'mtc', version: '0.1.0' }, sources: [], machineTypes: [] }));
    const old = await cli(['simulate', '--build', v1]);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('error[MTC4001]: build document: version 1 was written by an older mtc; this mtc reads version 3');
    expect(old.stderr).toContain(`--> ${v1}`);
    expect(old.stderr).toContain('= help: rebuild it with this mtc: `mtc build`');
    // So is one of the second (every compat property of the chain repeated in each machine type).
    const v2 = join(mkdtempSync(join(tmpdir(), 'mtc-v2-')), 'mtc-build.json');
    writeFileSync(v2, JSON.stringify({ format: 'mtc-build', version: 2, generator: { name: 'mtc', version: '0.1.0' }, sources: [], rules: [], machineTypes: [] }));
    const older = await cli(['simulate', '--build', v2]);
    expect(older.code).toBe(2);
    expect(older.stderr).toContain('error[MTC4001]: build document: version 2 was written by an older mtc; this mtc reads version 3');
    expect((await cli(['simulate', '--build', seedsBuild, '--format', 'pdf'])).code).toBe(2);
    const rv = await cli(['simulate', '--build', seedsBuild, '--reg-value', 'NOPE=1']);
    expect(rv.code).toBe(2);
    expect(rv.stderr).toContain('MTC4006');
    const host = await cli(['simulate', '--build', seedsBuild, '--require', 'bare: n1-6.12,n9-9.9']);
    expect(host.code).toBe(2);
    expect(host.stderr).toContain('MTC4009');
  });
  it('parses --require, policies and host selectors', () => {
    const r = parseRequireFlag('virt-10.1: 6.6,6.12,6.15,6.18');
    expect(r).toMatchObject({ machine: 'virt-10.1', hosts: ['6.6', '6.12', '6.15', '6.18'], direction: 'both', accept: ['ok', 'warn'] });
    expect(() => parseRequireFlag('virt-10.1 6.6')).toThrow();
    expect(parsePolicyText('format: 1\nrequire:\n  - machine: m\n    hosts: ["a", "b"]\n    accept: [ok, unsafe]\n', 'p.yaml')[0].accept).toEqual(['ok', 'unsafe']);
    expect(() => parsePolicyText('format: 1\nrequire: []\n', 'p.yaml')).toThrow(/not a valid policy/);
    const hosts = simulate({ build: seedsBuild, machine: ['bare'] }).report.hosts;
    expect(selectHosts('6.12', hosts).map((i) => hosts[i].name)).toEqual(['ampereone-6.12', 'n1-6.12']);
    expect(selectHosts('n1-6.12-stable', hosts).map((i) => hosts[i].name)).toEqual(['n1-6.12-stable']);
    expect(selectHosts('tcg-10.0.13-a57', hosts).map((i) => hosts[i].name)).toEqual(['tcg-10.0.13-a57']);
  });
  it('parses --reg-value, --qemu, --from-qemu and --to-qemu', () => {
    expect(parseRegValues(['KVM_REG_ARM_VENDOR_HYP_BMAP_2=0x1'])).toEqual(new Map([[BMAP2, 1n]]));
    expect(parseRegValues(['0x6030000000160003=2'])).toEqual(new Map([[BMAP2, 2n]]));
    expect(() => parseRegValues(['KVM_REG_ARM_VENDOR_HYP_BMAP_2=0x1ffffffffffffffff'])).toThrow();
    const ids = (o: Parameters<typeof releasesFrom>[0]) => {
      const r = releasesFrom(o);
      return [r.from.id, r.to.id];
    };
    expect(ids({})).toEqual(['11.1', '11.1']);
    expect(ids({ qemu: '10.2' })).toEqual(['10.2', '10.2']);
    expect(ids({ qemu: '10.2.2' })).toEqual(['10.2', '10.2']);
    expect(ids({ fromQemu: '10.2', toQemu: '11.1.1' })).toEqual(['10.2', '11.1']);
    expect(ids({ qemu: 'x-mig-series', toQemu: '11.1' })).toEqual(['x-mig-series', '11.1']);
    expect(() => releasesFrom({ qemu: 'eleven' })).toThrow();
    expect(() => releasesFrom({ toQemu: '9.2' })).toThrow();
  });
  it('--reg-value changes a source-value tolerance outcome', () => {
    // QEMU 11.1 tolerates BMAP_2 from 6.15 while its value is 0 (target/arm/cpu64.c:789 of 11.1.1).
    const base = { build: seedsBuild, machine: ['bare'], require: ['bare: n1-6.15,n1-6.13 backward'] };
    expect(simulate(base).exitCode).toBe(0);
    expect(simulate({ ...base, regValue: ['KVM_REG_ARM_VENDOR_HYP_BMAP_2=0x1'] }).exitCode).toBe(1);
  });
});

describe('mtc simulate: hosts and text/markdown output', () => {
  it('reads captured lists from a directory and explains the failure with QEMU lines', () => {
    const run = simulate({ build: seedsBuild, hosts: [fixtureDir + 'hosts'], machine: ['bare'], qemu: 'x-mig-series' });
    expect(run.report.hosts.map((h) => h.name)).toEqual(['cap-new', 'cap-old']);
    expect(run.output).toContain('cap-old → cap-new: fails');
    expect(run.output).toContain('qemu-system-aarch64: kvm_arm_cpu_post_load Unexpected register in input stream: 0 0x603000000013c103 op0:3 op1:0 crn:2 crm:0 op2:3');
    expect(run.output).not.toContain('\u001b[');
  });
  it('bad host profile: exit 2 with a diagnostic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-sim-'));
    const f = join(dir, 'bad.json');
    require('node:fs').writeFileSync(f, '{ "registers": ["not-an-id"] }');
    const r = await cli(['simulate', '--build', seedsBuild, '--hosts', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[MTC2\d{3}\]/);
  });
  it('markdown has a table per machine type with a legend', () => {
    const md = simulate({ build: seedsBuild, format: 'markdown', machine: ['virt-10.1', 'bare'] }).output;
    expect(md).toContain('### virt-10.1');
    expect(md).toContain('### bare');
    expect(md).toMatch(/^\| source ↓ \/ destination → \|/m);
    expect(md).toContain('Legend: ✓');
  });
  it('--out writes the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-sim-'));
    const f = join(dir, 'sub', 'm.html');
    const r = await cli(['simulate', '--build', seedsBuild, '--format', 'html', '--out', f]);
    expect(r.code).toBe(0);
    expect(readFileSync(f, 'utf8')).toMatch(/^<!doctype html>/);
  });
});
