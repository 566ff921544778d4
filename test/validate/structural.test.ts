import { describe, expect, it } from 'vitest';
import { symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { compile } from '../../src/compile.js';
import { codes, compileFiles, only, tempProject, where } from '../helpers.js';

const R = '{ reason "r"; }';

function diagsOf(text: string, code: string) {
  return only(compileFiles({ 'a.mtc': text }).diagnostics, code);
}

describe('structural validation', () => {
  it('MTC1001 duplicate machine type across files, with the first declaration labelled', () => {
    const r = compileFiles({ 'a.mtc': 'machine virt-10.1;\n', 'b.mtc': '\nmachine virt-10.1 {}\n' });
    const [d] = only(r.diagnostics, 'MTC1001');
    expect(d.file).toBe('b.mtc');
    expect(where(d)).toBe('2:9-2:18');
    expect(d.labels?.[0]).toMatchObject({ file: 'a.mtc', message: 'first declared here' });
    expect(where({ ...d, span: d.labels![0].span })).toBe('1:9-1:18');
  });

  it('MTC1002 unknown parent, with a suggestion', () => {
    const [d] = diagsOf('machine virt-10.2;\nmachine virt-10.1 inherits virt-10.3;', 'MTC1002');
    expect(d.message).toBe('`virt-10.1` inherits `virt-10.3`, which is not declared');
    expect(d.help).toBe('did you mean `virt-10.2`?');
    expect(where(d)).toBe('2:28-2:37');
  });

  it('MTC1003 inheritance cycle, reported once', () => {
    // One family (inherits across families is MTC1027).
    const ds = diagsOf('machine a-1.0 inherits a-2.0;\nmachine a-2.0 inherits a-3.0;\nmachine a-3.0 inherits a-1.0;', 'MTC1003');
    expect(ds).toHaveLength(1);
    expect(ds[0].message).toMatch(/^machine types inherit in a cycle: /);
  });

  it('MTC1004 ambiguous chain for equal versions', () => {
    const [d] = diagsOf('machine virt-10.1;\nmachine virt-10.1.0;', 'MTC1004');
    expect(d.message).toContain('have the same version');
    expect(d.labels).toHaveLength(1);
  });

  it('MTC1019 inheriting an older machine type warns', () => {
    const [d] = diagsOf('machine virt-10.1;\nmachine virt-10.2 inherits virt-10.1;', 'MTC1019');
    expect(d.severity).toBe('warning');
    expect(where(d)).toBe('2:28-2:37');
  });

  it('infers the chain from version order within a family', () => {
    const r = compileFiles({
      'a.mtc': 'machine virt-9.2;\nmachine virt-10.1 { hide TCR2_EL1 ' + R + ' }\nmachine virt-10.10;\nmachine pc-q35-2.11;\nmachine virt-10.2;',
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const chains = Object.fromEntries(r.model!.machines.map((m) => [m.name, m.chain]));
    expect(chains['virt-9.2']).toEqual(['virt-9.2', 'virt-10.1', 'virt-10.2', 'virt-10.10']);
    expect(chains['pc-q35-2.11']).toEqual(['pc-q35-2.11']);
    expect(r.model!.machines.map((m) => m.name)).toEqual(['pc-q35-2.11', 'virt-10.10', 'virt-10.2', 'virt-10.1', 'virt-9.2']);
    const v92 = r.model!.machines.find((m) => m.name === 'virt-9.2')!;
    expect(v92.effective.hidden.map((h) => [h.name, h.origin])).toEqual([['TCR2_EL1', 'virt-10.1']]);
  });

  it('MTC1005 a rule repeated in one machine type, by name and by id', () => {
    const ds = diagsOf(`machine m-1.0 {\n  hide TCR2_EL1 ${R}\n  hide 0x603000000013c103 ${R}\n}`, 'MTC1005');
    expect(ds).toHaveLength(1);
    expect(ds[0].message).toBe('hiding `TCR2_EL1` is written twice in machine type `m-1.0`');
    expect(where(ds[0])).toBe('3:8-3:26');
  });

  it('MTC1005 and MTC1020 name the first occurrence in long lists too (more than 16 rules of a kind are matched by key)', () => {
    const sets = Array.from({ length: 18 }, (_, i) => `  set arm-cpu.p${i} = on;`);
    sets.push('  set arm-cpu.p2 = off;');
    const cpus = Array.from({ length: 17 }, (_, i) => `  allow cpu 0x${(0x410fd000 + i).toString(16)};`);
    cpus.push('  allow cpu 0x410fd003;');
    const r = compileFiles({ 'a.mtc': `machine m-1.0 {\n${[...sets, ...cpus].join('\n')}\n}` });
    const [set] = only(r.diagnostics, 'MTC1020');
    expect(set.message).toBe('`arm-cpu.p2` is set twice in machine type `m-1.0` (to `on` and `off`)');
    expect(where(set)).toBe('20:3-20:24');
    expect(where({ ...set, span: set.labels![0].span })).toBe('4:3-4:23');
    const [cpu] = only(r.diagnostics, 'MTC1005');
    expect(cpu.message).toBe('allowing CPU 0x410fd003 is written twice in machine type `m-1.0`');
    expect(where({ ...cpu, span: cpu.labels![0].span })).toBe('24:3-24:24');
  });

  it('MTC1006 hidden and tolerated, also across the chain', () => {
    const [d] = diagsOf(`machine virt-10.2 {\n  hide PIR_EL1 ${R}\n}\nmachine virt-10.1 {\n  tolerate PIR_EL1 ${R}\n}`, 'MTC1006');
    expect(d.message).toBe('`PIR_EL1` is both hidden and tolerated on machine type `virt-10.1`');
    expect(where(d)).toBe('5:3-5:35');
    expect(d.labels?.[0].message).toBe('hidden here (on `virt-10.2`)');
  });

  it('MTC1007 invalid MIDR', () => {
    const ds = diagsOf('machine m-1.0 {\n  allow cpu 0x1413fd0c1;\n  allow cpu 0x3fd0c1;\n  allow cpu 0x4100d0c1;\n}', 'MTC1007');
    expect(ds.map((d) => [d.severity, where(d)])).toEqual([
      ['error', '2:13-2:24'],
      ['error', '3:13-3:21'],
      ['warning', '4:13-4:23'],
    ]);
  });

  it('MTC1008 unknown attribute, with a fix', () => {
    const [d] = diagsOf('machine m-1.0 { hide TCR2_EL1 { reson "x"; } }', 'MTC1008');
    expect(d.help).toBe('did you mean `reason`?');
    expect(d.fix?.edits[0].text).toBe('reason');
    expect(where(d)).toBe('1:33-1:38');
  });

  it('MTC1009 two reasons', () => {
    const [d] = diagsOf('machine m-1.0 { hide TCR2_EL1 { reason "a"; reason "b"; } }', 'MTC1009');
    expect(where(d)).toBe('1:45-1:56');
  });

  it('MTC1010 missing reason is a warning on hide and tolerate only', () => {
    const ds = diagsOf('machine m-1.0 {\n  hide TCR2_EL1;\n  tolerate PIR_EL1;\n  set a.b = c;\n}', 'MTC1010');
    expect(ds.map((d) => [d.severity, where(d)])).toEqual([
      ['warning', '2:3-2:7'],
      ['warning', '3:3-3:11'],
    ]);
  });

  it('MTC1011 malformed references', () => {
    const ds = diagsOf(
      'machine m-1.0 { hide TCR2_EL1 { reason "r"; ref linx "abc1234"; ref linux "xyz"; ref msgid "nope"; ref url "ftp://x"; ref linux; } }',
      'MTC1011',
    );
    expect(ds.map((d) => d.message)).toEqual([
      'unknown reference kind `linx`',
      '`xyz` is not a valid linux reference',
      '`nope` is not a valid msgid reference',
      '`ftp://x` is not a valid url reference',
      '`ref` takes a kind and a string',
    ]);
  });

  it('MTC1012 empty kernel range, with a fix that swaps the bounds', () => {
    const [d] = diagsOf(`machine m-1.0 { hide TCR2_EL1 kernel 6.12..6.5 ${R} }`, 'MTC1012');
    expect(where(d)).toBe('1:31-1:47');
    expect(d.fix?.edits[0].text).toBe('kernel 6.5..6.12');
  });

  it('MTC1013 unknown target and MTC1014 repeated target', () => {
    const r = compileFiles({ 'a.mtc': 'target x-mgi;\ntarget tolerances;\nmachine m-1.0;' });
    expect(only(r.diagnostics, 'MTC1013')[0].help).toBe('did you mean `x-mig`?');
    expect(where(only(r.diagnostics, 'MTC1014')[0])).toBe('2:1-2:19');
  });

  it('MTC1015 include not found, MTC1016 include outside the root, MTC1017 include cycle', () => {
    const root = tempProject({
      'rules/a.mtc': 'include "b.mtc";\ninclude "missing.mtc";\ninclude "../../etc/passwd";\nmachine a-1.0;',
      'rules/b.mtc': 'include "a.mtc";\nmachine b-1.0;',
      'outside.mtc': 'machine x-1.0;',
    });
    const r = compile(['a.mtc'], { root: join(root, 'rules'), catalog: loadBuiltinCatalog() });
    expect(codes(r.diagnostics).filter((c) => c.startsWith('MTC101')).sort()).toEqual(['MTC1015', 'MTC1016', 'MTC1017']);
    expect(only(r.diagnostics, 'MTC1017')[0].message).toBe('include cycle: a.mtc -> b.mtc -> a.mtc');
    expect(r.model!.machines.map((m) => m.name)).toEqual(['a-1.0', 'b-1.0']);
  });

  it('MTC1016 an include cannot leave the root through a symlink', () => {
    const root = tempProject({ 'p/a.mtc': 'include "link.mtc";\nmachine a-1.0;', 'secret.mtc': 'machine s-1.0;' });
    symlinkSync(join(root, 'secret.mtc'), join(root, 'p', 'link.mtc'));
    const r = compile(['a.mtc'], { root: join(root, 'p'), catalog: loadBuiltinCatalog() });
    const [d] = only(r.diagnostics, 'MTC1016');
    expect(d.label).toBe('a symlink that points outside the root');
    expect(r.model!.machines.map((m) => m.name)).toEqual(['a-1.0']);
  });

  it('MTC1018 include depth limit', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`f${i}.mtc`] = `include "f${i + 1}.mtc";\nmachine m${i}-1.0;`;
    files['f6.mtc'] = 'machine m6-1.0;';
    const root = tempProject(files);
    const r = compile(['f0.mtc'], {
      root,
      catalog: loadBuiltinCatalog(),
      limits: { maxFileBytes: 1 << 20, maxTokens: 1 << 20, maxIncludeDepth: 3, maxFiles: 100, maxChainLength: 128 },
    });
    expect(codes(r.diagnostics)).toContain('MTC1018');
  });

  it('MTC1020 a property set twice in one machine type', () => {
    const [d] = diagsOf('machine m-1.0 {\n  set arm-cpu.pauth = off;\n  set arm-cpu.pauth = on;\n}', 'MTC1020');
    expect(d.message).toBe('`arm-cpu.pauth` is set twice in machine type `m-1.0` (to `off` and `on`)');
    expect(where(d)).toBe('3:3-3:26');
  });

  it('MTC1021 value tests that never or always pass', () => {
    const ds = diagsOf(`machine m-1.0 { tolerate PIR_EL1 when value & 0xf0 == 0x1 ${R} tolerate TCR2_EL1 when value & 0 == 0 ${R} }`, 'MTC1021');
    expect(ds.map((d) => d.severity)).toEqual(['error', 'warning']);
    expect(where(ds[0])).toBe('1:34-1:58');
  });

  it('MTC1022 sysreg tuples', () => {
    const ds = diagsOf(`machine m-1.0 { hide sysreg(3, 0, 2, 0) ${R} hide sysreg(3, 8, 2, 0, 3) ${R} }`, 'MTC1022');
    expect(ds.map((d) => d.message)).toEqual(['`sysreg` takes 5 fields, found 4', 'op1 is 8, more than its maximum 7']);
    expect(where(ds[1])).toBe('1:72-1:73');
  });

  it('MTC1023 property without a driver', () => {
    const [d] = diagsOf('machine m-1.0 { set pauth = off; }', 'MTC1023');
    expect(where(d)).toBe('1:21-1:26');
  });

  it('MTC1024 invalid machine type names', () => {
    const [d] = diagsOf('machine Virt-10.1;', 'MTC1024');
    expect(d.help).toBe('QEMU machine types are lower case, such as `virt-10.1`');
  });

  it('MTC2001 unknown register with the closest names', () => {
    const [d] = diagsOf(`machine m-1.0 { hide TCR2_EL7 ${R} }`, 'MTC2001');
    expect(d.message).toBe('unknown register `TCR2_EL7`');
    expect(d.help).toContain('`TCR2_EL1`');
    expect(where(d)).toBe('1:22-1:30');
  });

  it('MTC9002 a missing path', () => {
    const root = tempProject({ 'a.mtc': 'machine a-1.0;' });
    const r = compile(['nope.mtc'], { root, catalog: loadBuiltinCatalog() });
    expect(codes(r.diagnostics)).toEqual(['MTC9002']);
  });

  it('MTC0009 refuses an over-size file before reading it', () => {
    const root = tempProject({ 'a.mtc': 'machine a-1.0;\n'.repeat(100) });
    const r = compile(['a.mtc'], {
      root,
      catalog: loadBuiltinCatalog(),
      limits: { maxFileBytes: 100, maxTokens: 1000, maxIncludeDepth: 4, maxFiles: 4, maxChainLength: 128 },
    });
    expect(codes(r.diagnostics)).toEqual(['MTC0009']);
  });

  it('directories are walked in sorted order, skipping hidden folders', () => {
    const root = tempProject({ 'rules/b.mtc': 'machine b-1.0;', 'rules/a/a.mtc': 'machine a-1.0;', 'rules/.x/c.mtc': 'machine c-1.0;' });
    mkdirSync(join(root, 'rules', 'empty'));
    writeFileSync(join(root, 'rules', 'notes.txt'), 'not rules');
    const r = compile(['rules'], { root, catalog: loadBuiltinCatalog() });
    expect(r.project.files.map((f) => f.path)).toEqual(['rules/a/a.mtc', 'rules/b.mtc']);
  });

  it('MTC1025 an inheritance chain longer than the limit is reported once and cut', () => {
    const lines = ['target x-mig;'];
    for (let i = 1; i <= 12; i++) lines.push(`machine fam-${i}.0 { set arm-cpu.x-p${i} = on; }`);
    const root = tempProject({ 'a.mtc': lines.join('\n') });
    const r = compile(['a.mtc'], {
      root,
      catalog: loadBuiltinCatalog(),
      limits: { maxFileBytes: 1 << 20, maxTokens: 1 << 20, maxIncludeDepth: 4, maxFiles: 10, maxChainLength: 5 },
    });
    const ds = only(r.diagnostics, 'MTC1025');
    expect(ds).toHaveLength(1);
    expect(ds[0].message).toMatch(/^the inheritance chain of `fam-\d+\.0` is longer than 5 machine types$/);
    const oldest = r.model!.machines.find((m) => m.name === 'fam-1.0')!;
    expect(oldest.chain).toHaveLength(5);
    expect(oldest.effective.properties).toHaveLength(5);
  });

  it('MTC0012 the checks keep at most 500 problems per file and count the rest, at the worst severity left out', () => {
    const regs = Array.from({ length: 600 }, () => 'TCR2_EL1').join(', ');
    const r = compileFiles({ 'a.mtc': `machine m-1.0 { tolerate ${regs} kernel 6.5..6.12 { reason "r"; } }` });
    expect(only(r.diagnostics, 'MTC1005')).toHaveLength(500);
    const [cap] = only(r.diagnostics, 'MTC0012');
    expect(cap.message).toBe('99 more problems in this file are not shown');
    expect(cap.severity).toBe('warning');
    expect(cap.file).toBe('a.mtc');
  });
});
