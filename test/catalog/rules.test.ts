import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { runRules } from '../../src/validate/index.js';
import { catalogRules } from '../../src/validate/rules/catalog-index.js';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

const catalog = loadBuiltinCatalog();

function check(src: string): { diags: Diagnostic[]; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-rules-'));
  writeFileSync(join(dir, 'a.mtc'), src);
  const r = compile([join(dir, 'a.mtc')], { catalog, root: dir });
  const diags = runRules('model', { project: r.project, catalog, model: r.model, extras: new Map() }, catalogRules);
  return { diags, text: src };
}
const at = (text: string, d: Diagnostic) => text.slice(d.span!.start.offset, d.span!.end.offset);

describe('catalog validation rules', () => {
  it('MTC2002 id/name disagreement, with a fix', () => {
    const { diags, text } = check('target x-mig;\nmachine virt-11.0;\nmachine virt-10.2 {\n  tolerate PIR_EL1 (0x603000000013c512) kernel 6.5..6.12;\n}\n');
    const d = diags.find((x) => x.code === 'MTC2002')!;
    expect(d.message).toContain('`PIR_EL1` is 0x603000000013c513, not 0x603000000013c512 (that is `PIRE0_EL1`)');
    expect(at(text, d)).toBe('0x603000000013c512');
    expect(d.span!.start).toMatchObject({ line: 4, column: 21 });
    expect(d.fix!.edits[0].text).toBe('0x603000000013c513');
  });
  it('MTC2003 kernel range contradicting the history (BMAP_2 since 6.16)', () => {
    const { diags, text } = check('target x-mig;\nmachine virt-11.0;\nmachine virt-10.2 {\n  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.16;\n  tolerate TCR2_EL1 kernel 6.5..6.12;\n}\n');
    const d = diags.filter((x) => x.code === 'MTC2003');
    expect(d.length).toBe(1);
    expect(d[0].message).toContain('starts at 6.16, the history says 6.15');
    expect(at(text, d[0])).toBe('since 6.16');
    expect(d[0].span!.start).toMatchObject({ line: 4, column: 38 });
  });
  it('MTC2008 note for an unverified fact', () => {
    const { diags } = check('target x-mig;\nmachine virt-11.0;\nmachine virt-10.2 {\n  tolerate SCTLR2_EL1 kernel 6.16..;\n}\n');
    expect(diags.map((d) => d.code)).toContain('MTC2008');
  });
  it('MTC2004 rule without effect', () => {
    const { diags, text } = check('target x-mig;\nmachine virt-11.0;\nmachine virt-10.2 {\n  tolerate SCTLR_EL1, TCR2_EL1;\n}\n');
    const d = diags.filter((x) => x.code === 'MTC2004');
    expect(d.length).toBe(1);
    expect(at(text, d[0])).toBe('SCTLR_EL1');
    expect(d[0].span!.start).toMatchObject({ line: 4, column: 12 });
  });
  it('MTC2005 rule repeated by an older machine type in the chain', () => {
    const { diags, text } = check('target x-mig;\nmachine virt-11.0;\nmachine virt-10.2 {\n  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15;\n}\nmachine virt-10.1 {\n  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15;\n}\n');
    const d = diags.filter((x) => x.code === 'MTC2005');
    expect(d.length).toBe(1);
    expect(d[0].message).toContain('inherits that from `virt-10.2`');
    expect(d[0].span!.start.line).toBe(7);
    expect(at(text, d[0])).toBe('KVM_REG_ARM_VENDOR_HYP_BMAP_2');
  });
  it('MTC2006 value test under x-mig, hide under tolerances', () => {
    const a = check('target x-mig;\nmachine virt-11.0;\nmachine virt-10.2 {\n  tolerate KVM_REG_ARM_VENDOR_HYP_BMAP_2 when value & 0xffffffffffffffff == 0;\n}\n');
    const d = a.diags.find((x) => x.code === 'MTC2006')!;
    expect(d.help).toContain('target tolerances');
    expect(d.span!.start).toMatchObject({ line: 4, column: 3 });
    const b = check('target tolerances;\nmachine virt-11.0;\nmachine virt-10.2 {\n  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15;\n}\n');
    const e = b.diags.find((x) => x.code === 'MTC2006')!;
    expect(e.help).toContain('tolerate KVM_REG_ARM_VENDOR_HYP_BMAP_2 when value & 0xffffffffffffffff == 0');
    expect(e.span!.start).toMatchObject({ line: 4, column: 3 });
  });
  it('MTC2007 hiding core, MIDR before 6.15, BMAP_2 with an allow list', () => {
    const { diags, text } = check(
      'target x-mig;\nmachine virt-11.0;\nmachine virt-10.2 {\n  hide CORE_PC;\n  hide MIDR_EL1;\n  hide REVIDR_EL1 since 6.15;\n  allow cpu 0x413fd0c1;\n  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15;\n}\n',
    );
    const d = diags.filter((x) => x.code === 'MTC2007');
    expect(d.map((x) => at(text, x))).toEqual(['CORE_PC', 'MIDR_EL1', 'KVM_REG_ARM_VENDOR_HYP_BMAP_2']);
    expect(d[1].message).toContain('invariant on kernels before 6.15');
    expect(d[2].message).toContain('allow cpu');
    expect(d[0].span!.start).toMatchObject({ line: 4, column: 8 });
  });
  it('the shipped rules are clean of catalog errors', () => {
    const r = compile(['rules'], { catalog });
    const diags = runRules('model', { project: r.project, catalog, model: r.model, extras: new Map() }, catalogRules);
    expect(diags.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
