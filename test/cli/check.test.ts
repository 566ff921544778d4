import { describe, expect, it } from 'vitest';
import { tempProject } from '../helpers.js';
import { runBin } from '../support/cli.js';

const mtc = runBin;

describe('mtc check', () => {
  it('exits 0 on the shipped rules', () => {
    const r = mtc(['check', 'rules/'], process.cwd());
    expect(r.stderr).toContain('0 errors');
    expect(r.code).toBe(0);
  });

  it('exits 1 on errors and prints file:line:col, a code frame and help', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1 {\n  hide TCR2_EL7 { reason "x"; }\n}\n' });
    const r = mtc(['check'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MTC2001]: unknown register `TCR2_EL7`');
    expect(r.stderr).toContain(' --> rules/a.mtc:2:8');
    expect(r.stderr).toContain('2 |   hide TCR2_EL7 { reason "x"; }');
    expect(r.stderr).toContain('  |        ^^^^^^^^ not in the register catalog');
    expect(r.stderr).toContain('= help: there is a register with a similar name: `TCR2_EL1`');
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('exits 0 with warnings only', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1 {\n  hide TCR2_EL1;\n}\n' });
    const r = mtc(['check'], root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning[MTC1010]');
    expect(r.stderr).toContain('0 errors, 1 warning');
  });

  it('colours only when asked and never with NO_COLOR', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine x-1.0 { hidee; }' });
    expect(mtc(['check'], root, { FORCE_COLOR: '1', NO_COLOR: '' }).stderr).toContain('\u001b[31m');
    expect(mtc(['check'], root, { FORCE_COLOR: '1', NO_COLOR: '1' }).stderr).not.toContain('\u001b[');
  });

  it('--format json prints every diagnostic with code, severity and span', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1 {\n  hide ;\n  hidee X;\n}\n' });
    const r = mtc(['check', '--format', 'json'], root);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.format).toBe('mtc-diagnostics');
    expect(doc.diagnostics.map((d: { code: string }) => d.code)).toEqual(['MTC0006', 'MTC0005']);
    expect(doc.diagnostics[0].span.start).toEqual({ offset: 27, line: 2, column: 8 });
  });

  it('exits 2 on usage errors', () => {
    expect(mtc(['check', '--format', 'xml'], process.cwd()).code).toBe(2);
    expect(mtc(['check', '--max-tokens', 'many'], process.cwd()).code).toBe(2);
    expect(mtc(['frobnicate'], process.cwd()).code).toBe(2);
  });

  it('escapes control characters and bidi marks from the input in the code frame', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine x-1.0 { hide A { reason "\u202e\u001b[2J"; } }' });
    const r = mtc(['check'], root);
    expect(r.stderr).not.toContain('\u202e');
    expect(r.stderr).not.toContain('\u001b[2J');
    expect(r.stderr).toContain('<U+202E>');
  });

  it('--max-files limits how many rule files one run reads (MTC9003)', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1;', 'rules/b.mtc': 'machine virt-10.2;' });
    const r = mtc(['check', '--max-files', '1'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[MTC9003]: more than 1 rule files');
    expect(mtc(['check', '--max-files', '2'], root).code).toBe(0);
  });

  it('a report that cannot be written is an I/O error (MTC9002), not an internal error', () => {
    const r = mtc(['simulate', '--out', '/dev/null/x/report.txt'], process.cwd());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC9002]: cannot write /dev/null/x/report.txt');
    expect(r.stderr).not.toContain('MTC9001');
  });

  it('--history extends the kernel history the catalog-based checks use', () => {
    const root = tempProject({
      'rules/a.mtc': 'machine virt-10.1 {\n  tolerate VBAR_EL1 kernel ..6.18 { reason "r"; }\n}\n',
      'history.yaml': 'format: 1\nreleases: ["7.0"]\nchanges:\n  - register: VBAR_EL1\n    since: "7.0"\n    when: never\n    commit: 0123456789ab\n',
    });
    const plain = mtc(['check'], root);
    expect(plain.stderr).toContain('warning[MTC2004]: tolerating `VBAR_EL1` in `virt-10.1` has no effect');
    const withHistory = mtc(['check', '--history', 'history.yaml'], root);
    expect(withHistory.stderr).not.toContain('MTC2004');
    expect(withHistory.code).toBe(0);
    const bad = mtc(['check', '--history', 'missing.yaml'], root);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('MTC2102');
  });

  it('a 1 MB one-line file of random statement fragments is reported in readable frames', () => {
    const words = ['machine', 'virt-10.1', '{', '}', ';', 'hide', 'tolerate', 'TCR2_EL1', 'since', '6.15', '"r"', 'reason', '..', '(', ')', ',', '0x1'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const parts: string[] = [];
    for (let i = 0; i < 200_000; i++) parts.push(words[next() % words.length]);
    const root = tempProject({ 'rules/y.mtc': parts.join(' ') });
    const r = mtc(['check'], root);
    expect(r.code).toBe(1);
    // Every code frame line is cut to a readable width.
    const longest = Math.max(...r.stderr.split('\n').map((l) => l.length));
    expect(longest).toBeLessThan(400);
  });
});

describe('check reports every error build would (MTC3002, MTC3003, MTC3004), located with a code frame', () => {
  const cases: [string, Record<string, string>, string[]][] = [
    [
      'MTC3002 mixed targets in one chain across files',
      { 'rules/new.mtc': 'target x-mig;\nmachine virt-10.2;\n', 'rules/old.mtc': 'target tolerances;\nmachine virt-10.1;\n' },
      [
        'error[MTC3002]: `virt-10.1` (target tolerances) inherits from `virt-10.2` (target x-mig)',
        ' --> rules/old.mtc:2:9',
        '2 | machine virt-10.1;',
        '  |         ^^^^^^^^^ inherits from `virt-10.2`, which uses target x-mig',
        '::: rules/new.mtc:2:9',
        '= help: use one `target` for every machine type of a chain',
      ],
    ],
    [
      'MTC3003 set of a managed register array',
      { 'rules/a.mtc': 'machine virt-10.1 {\n  set arm-cpu.x-mig-hidden-regs = "0x603000000013c103";\n}\n' },
      [
        'error[MTC3003]: `set arm-cpu.x-mig-hidden-regs` would set a register array that mtc already sets once per machine type',
        ' --> rules/a.mtc:2:7',
        '  |       ^^^^^^^^^^^^^^^^^^^^^^^^^ managed by `hide` and `tolerate`',
        '= help: write `hide REG` for each register instead',
      ],
    ],
    [
      'MTC3004 two machine names, one C name',
      { 'rules/a.mtc': 'machine virt-10.1 inherits virt-11.0;\nmachine virt-10.01 inherits virt-11.0;\nmachine virt-11.0;\n' },
      [
        'error[MTC3004]: machine types `virt-10.01` and `virt-10.1` both map to the C name `virt_machine_10_1_options`',
        ' --> rules/a.mtc:1:9',
        '1 | machine virt-10.1 inherits virt-11.0;',
        '  |         ^^^^^^^^^ C name `virt_machine_10_1_options`',
        '2 | machine virt-10.01 inherits virt-11.0;',
      ],
    ],
  ];
  for (const [name, files, lines] of cases) {
    it(name, () => {
      const root = tempProject(files);
      const code = name.slice(0, 7);
      const check = mtc(['check'], root);
      expect(check.code).toBe(1);
      for (const l of lines) expect(check.stderr).toContain(l);
      // build refuses with the same diagnostic, and writes nothing
      const build = mtc(['build', '--out', 'out'], root);
      expect(build.code).toBe(1);
      expect(build.stderr).toContain(`error[${code}]`);
      expect(build.stderr).toContain(lines[1]!);
    });
  }
  it('the shipped rules have none of them (only the note that RHEL\'s family is left out of upstream QEMU 11.1)', () => {
    const r = mtc(['check', 'rules/', '--format', 'json'], process.cwd());
    expect(JSON.parse(r.stdout).diagnostics.map((d: { code: string; severity: string }) => `${d.severity} ${d.code}`)).toEqual(['note MTC7008']);
  });
});
