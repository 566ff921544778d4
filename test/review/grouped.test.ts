/**
 * One finding per cause, through the bundled CLI on the x-mig example rules
 * (examples/x-mig-series/, the shipped rules of issue 14's time) and the
 * built-in hosts: removing one register from one released tolerance of
 * virt-10.1 (inherited by virt-10.0 and virt-9.2) used to give 48 "breaking"
 * findings and a 45 KB PR comment; it is one finding that lists the machine
 * types and the pairs within, and a comment under 8 KB with the detail collapsed.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

let base: string;
let head: string;
const diff = (format: string) => runBin(['diff', '--base-dir', base, '--head-dir', head, '--format', format]);
const EXAMPLE = join('examples', 'x-mig-series');

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-grouped-'));
  base = join(dir, 'base');
  head = join(dir, 'head');
  cpSync(EXAMPLE, join(base, 'rules'), { recursive: true });
  cpSync(EXAMPLE, join(head, 'rules'), { recursive: true });
  const file = join(head, 'rules', 'virt.mtc');
  const text = readFileSync(file, 'utf8');
  expect(text).toContain('tolerate TCR2_EL1, PIRE0_EL1, PIR_EL1 kernel 6.5..6.12');
  writeFileSync(file, text.replace('tolerate TCR2_EL1, PIRE0_EL1, PIR_EL1 kernel', 'tolerate PIRE0_EL1, PIR_EL1 kernel'));
});

describe('removing TCR2_EL1 from the released virt-10.1 tolerance', () => {
  it('JSON: one cause reaching three released machine types, at most 3 findings, exit 1', () => {
    const r = diff('json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.causes).toHaveLength(1);
    expect(report.causes[0]).toMatchObject({
      kind: 'tolerance-removed',
      origin: 'virt-10.1',
      subjects: ['TCR2_EL1 (0x603000000013c103)'],
      machines: ['virt-10.1', 'virt-10.0', 'virt-9.2'],
      released: ['virt-10.1', 'virt-10.0', 'virt-9.2'],
    });
    expect(report.findings.length).toBeLessThanOrEqual(3);
    expect(report.findings.map((f: { rule: string }) => f.rule)).toEqual(['MTC5001']);
    const [f] = report.findings;
    expect(f.machines).toEqual(['virt-10.1', 'virt-10.0', 'virt-9.2']);
    expect(f.breaks.length).toBe(report.matrix.newlyFailing.length);
    expect(f.breaks).toContain('virt-9.2: n1-6.12 → n1-6.13');
    expect(report.counts).toMatchObject({ breaking: 1, changes: 3, causes: 1 });
  });

  it('Markdown: one comment under 8 KB, verdict and finding up front, the pairs and QEMU lines collapsed', () => {
    const r = diff('markdown');
    expect(r.code).toBe(1);
    const md = r.stdout;
    expect(Buffer.byteLength(md)).toBeLessThan(8 * 1024);
    expect(md.split('\n').slice(0, 2)).toEqual(['<!-- mtc-diff -->', '### ❌ mtc diff: 1 breaking change']);
    const finding = md.indexOf('❌ **MTC5001 released-rule-removed**');
    const detail = md.indexOf('<details>', finding);
    expect(finding).toBeGreaterThan(0);
    // Everything that lists pairs or QEMU's lines is inside a <details> block.
    const outside = md.replace(/<details>[\s\S]*?<\/details>/g, '');
    expect(outside).not.toContain('n1-6.12 → n1-6.13');
    expect(outside).not.toContain('qemu-system-aarch64');
    expect(md.slice(detail)).toContain('- virt-9.2: n1-6.6 → n1-6.1');
    expect((md.match(/MTC5001/g) ?? []).length).toBe(1);
  });

  it('text, SARIF, GitHub and GitLab keep one result per cause', () => {
    const text = diff('text').stdout;
    expect((text.match(/^ {2}(error|warning|note)\[MTC50/gm) ?? []).length).toBe(1);
    const sarif = JSON.parse(diff('sarif').stdout);
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(['MTC5001']);
    const github = diff('github').stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(github).toHaveLength(1);
    expect(github[0]).toContain('Newly failing pairs (42)');
    const gitlab = JSON.parse(diff('gitlab').stdout);
    expect(gitlab.map((x: { check_name: string; severity: string }) => [x.check_name, x.severity])).toEqual([['MTC5001 released-rule-removed', 'critical']]);
  });
});
