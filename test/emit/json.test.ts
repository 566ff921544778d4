import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, test } from 'vitest';
import { generate } from '../../src/emit/build.js';
import { generateProject, generateShipped, modelOf, PROJECTS, repoRoot, tempProject } from './helpers.js';
import { compatPropsOf, expandRuleSet, type BuildDocument } from '../../src/contract/build-document.js';
import { applyPlan, planBuild } from '../../src/emit/plan.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'schema/build.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

function valid(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('build document', () => {
  const doc = JSON.parse(generateShipped().files.get('mtc-build.json')!) as BuildDocument;
  const xmig = JSON.parse(generateProject('examples/x-mig-series').files.get('mtc-build.json')!) as BuildDocument;
  const x86 = JSON.parse(generateProject('examples/x86-smi-count').files.get('mtc-build.json')!) as BuildDocument;

  test.each(PROJECTS)('the document of %s validates against schema/build.schema.json', (p) => {
    expect(valid(JSON.parse(generateProject(p).files.get('mtc-build.json')!))).toEqual([]);
  });

  test('the schema rejects broken documents', () => {
    const bad = structuredClone(doc) as any;
    bad.machineTypes[0].compatPropsAdded.push({ 'qom-type': 'arm-cpu', property: 'x' });
    expect(valid(bad).length).toBeGreaterThan(0);
    const bad2 = structuredClone(xmig) as any;
    bad2.rules[bad2.machineTypes.find((m: any) => m.effective.hidden.length).effective.hidden[0]].id = '0x6030';
    expect(valid(bad2).length).toBeGreaterThan(0);
    // Versions 1 (every inherited rule repeated) and 2 (every compat property of the chain repeated) are not this schema's.
    expect(valid({ ...doc, version: 1 }).length).toBeGreaterThan(0);
    expect(valid({ ...doc, version: 2 }).length).toBeGreaterThan(0);
    const v2 = structuredClone(doc) as any;
    for (const m of v2.machineTypes) m.compatProps = m.compatPropsAdded;
    expect(valid(v2).length).toBeGreaterThan(0);
    const bad3 = structuredClone(doc) as any;
    bad3.machineTypes[0].effective.hidden.push(-1);
    expect(valid(bad3).length).toBeGreaterThan(0);
  });

  test('compat properties in query-machines shape: each machine type adds its own; compatPropsOf merges them in application order', () => {
    const m = xmig.machineTypes.find((x) => x.name === 'virt-10.1')!;
    const eff = compatPropsOf(xmig);
    // The set-once arrays: the merged list of the chain, replacing what virt-10.2 added.
    expect(m.compatPropsAdded).toEqual([
      { 'qom-type': 'arm-cpu', property: 'x-mig-hidden-regs', value: '0x6030000000160003', replaces: true },
      { 'qom-type': 'arm-cpu', property: 'x-mig-safe-missing-regs', value: '0x40200000200e0298,0x603000000013c103,0x603000000013c512,0x603000000013c513', replaces: true },
    ]);
    expect(eff.get('virt-10.1')).toEqual([
      { 'qom-type': 'arm-cpu', property: 'x-mig-hidden-regs', value: '0x6030000000160003' },
      { 'qom-type': 'arm-cpu', property: 'x-mig-safe-missing-regs', value: '0x40200000200e0298,0x603000000013c103,0x603000000013c512,0x603000000013c513' },
    ]);
    expect(xmig.machineTypes.find((x) => x.name === 'virt-9.2')!.compatPropsAdded).toEqual([]);
    expect(eff.get('virt-9.2')).toEqual(eff.get('virt-10.1'));
    expect(eff.get('virt-10.2')).toEqual([{ 'qom-type': 'arm-cpu', property: 'x-mig-safe-missing-regs', value: '0x40200000200e0298' }]);
    expect(compatPropsOf(x86).get('pc-q35-2.11')).toEqual([{ 'qom-type': 'x86_64-cpu', property: 'x-migrate-smi-count', value: 'off' }]);
    expect(compatPropsOf(x86).get('pc-q35-10.0')).toEqual([]);
    expect(m.tolerances).toEqual([]);
  });

  test.each(PROJECTS)('compatPropsOf of the document of %s equals the compat properties the C applies (applyPlan), for every machine type', (p) => {
    const model = modelOf([p]);
    const { plan } = planBuild(model);
    const d = JSON.parse(generate(model).files.get('mtc-build.json')!) as BuildDocument;
    const eff = compatPropsOf(d);
    expect(eff.size).toBe(model.machines.length);
    for (const mt of model.machines)
      expect(eff.get(mt.name), mt.name).toEqual(applyPlan(plan, mt.name).props.map((x) => ({ 'qom-type': x.driver, property: x.property, value: x.value })));
  });

  test('tolerance calls of the tolerances target, and decoded CPUs', () => {
    const v = doc.machineTypes.find((x) => x.name === 'virt-10.2')!;
    expect(v.target).toBe('tolerances');
    expect(v.chain).toEqual(['virt-10.2', 'virt-11.0', 'virt-11.1']);
    expect(v.tolerances).toEqual([{ id: '0x603000000013c030', mask: '0x0000000000000000', value: '0x0000000000000000', type: 'ToleranceNotOnBothEnds' }]);
    expect(v.compatPropsAdded).toEqual([]);
    expect(doc.machineTypes.find((x) => x.name === 'virt-11.1')!.tolerances).toEqual([]);
    const latest = doc.machineTypes.find((x) => x.name === 'virt-rhel10.1.0')!;
    expect(expandRuleSet(doc, latest.effective).allowedCpus.map((c) => [c.midr, c.implementer, c.part])).toEqual([
      ['0x413fd0c1', 'Arm', 'Neoverse N1'],
      ['0xc00fac31', 'Ampere', 'AmpereOne'],
    ]);
    expect(expandRuleSet(doc, latest.effective).requiresKernel?.version).toBe('6.15');
    expect(doc.sources.map((s) => s.path)).toEqual(['rules/virt-rhel.mtc', 'rules/virt.mtc']);
  });

  test('every rule is written once: an inherited rule is the index of the newer machine type\'s rule', () => {
    const newer = xmig.machineTypes.find((x) => x.name === 'virt-10.2')!;
    const older = xmig.machineTypes.find((x) => x.name === 'virt-10.1')!;
    expect(older.effective.tolerated).toEqual(expect.arrayContaining([...newer.own.tolerated]));
    const used = new Set(xmig.machineTypes.flatMap((m) => [...m.own.hidden, ...m.own.tolerated, ...m.own.properties, ...m.own.allowedCpus, ...(m.own.requiresKernel === null ? [] : [m.own.requiresKernel])]));
    expect(used.size).toBe(xmig.rules.length);
  });

  test('documents with hostile text validate too', () => {
    const text = readFileSync(join(repoRoot, 'test/fixtures/emit/adversarial/rules.mtc'), 'utf8')
      .replace(/REASON_[AB]/g, String.raw`"*/ \"\\ \u{0} \u{202E} <script>"`)
      .replace('VALUE_C', '"x"');
    const root = tempProject({ 'rules/r.mtc': text });
    const d = JSON.parse(generate(modelOf(['rules'], root)).files.get('mtc-build.json')!);
    expect(valid(d)).toEqual([]);
    expect(d.rules[d.machineTypes[1].effective.hidden[0]].reason).toBe('*/ "\\ \u0000 \u202e <script>');
  });
});
