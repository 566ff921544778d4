/**
 * Issue 12, cases 3, 4 and 5: what a pull request controls in `mtc diff`.
 *
 * 3. `hosts:` of the pull request's mtc.yaml cannot read files on the runner
 *    (absolute paths, `..`, symlinks out of the tree), messages never quote a
 *    file, and with `--head <rev>` the hosts are read from that revision.
 * 4. `released:` entries and waiver subjects are matched without backtracking.
 * 5. Waivers the change adds or widens waive nothing (reported, MTC5055);
 *    `machine: "*"` is refused. A finding stands for one cause (issue 14): it
 *    is waived when waivers of both configs cover every released machine type
 *    it reaches.
 *
 * Through the bundled CLI, on git repositories built by review-support.ts.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch } from '../../src/util/glob.js';
import { runBin } from '../support/cli.js';
import { git } from '../review/helpers.js';
import { prRepo, RELEASED_CONFIG } from './review-support.js';

interface Report {
  verdict: string;
  counts: { breaking: number; waived: number };
  findings: { rule: string; machine: string; machines: string[]; severity: string; waived: unknown; breaks: string[] }[];
  diagnostics: { code: string; severity: string; message: string; location: { file: string; line: number } | null }[];
  matrix: { hosts: string[] } | null;
}

function diff(dir: string, extra: string[] = [], base = 'target', head: string | null = 'HEAD') {
  const r = runBin(['diff', '--base', base, ...(head ? ['--head', head] : []), 'rules', '--format', 'json', ...extra], dir);
  return { ...r, report: (r.stdout ? JSON.parse(r.stdout) : undefined) as Report };
}

const SECRET = 'TOP-SECRET-RUNNER-LINE';
const codes = (r: Report) => r.diagnostics.map((d) => d.code);

describe('case 3: hosts of the pull request config stay inside the tree, read from its revision', () => {
  const runnerSecret = () => {
    const dir = join(process.env.TMPDIR ?? '/tmp', `mtc-runner-secret-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'secret.txt'), `${SECRET}\nline two\n`);
    return join(dir, 'secret.txt');
  };

  it('an absolute path, a path climbing out, and a symlink out: refused (MTC4002), nothing of the file in the output', () => {
    const secret = runnerSecret();
    const cases: [string, Record<string, string>, string][] = [
      [`hosts: [${JSON.stringify(secret)}]`, {}, 'is an absolute path'],
      [`hosts: [${JSON.stringify('../'.repeat(12) + secret.slice(1))}]`, {}, 'is outside the tree'],
      // Read from a revision, a symlink out of the tree does not resolve at all; from the working tree it is outside.
      ['hosts: [hosts/link.txt]', {}, '(is outside the tree \\(through a symlink\\)|does not exist in this tree)'],
    ];
    for (const [hosts, extra, why] of cases) {
      const repo = prRepo({ config: `${RELEASED_CONFIG}${hosts}\n`, extra });
      if (hosts.includes('link.txt')) {
        mkdirSync(join(repo.dir, 'hosts'), { recursive: true });
        symlinkSync(secret, join(repo.dir, 'hosts', 'link.txt'));
        git(repo.dir, 'add', '-A');
        git(repo.dir, 'commit', '-q', '-m', 'link');
      }
      for (const head of ['HEAD', undefined]) {
        for (const format of ['json', 'text']) {
          const r = runBin(['diff', '--base', 'target', ...(head ? ['--head', head] : []), 'rules', '--format', format], repo.dir);
          expect(r.code, `${hosts} ${format}: ${r.stderr}`).toBe(2);
          expect(r.stdout + r.stderr, `${hosts} ${format}`).not.toContain('TOP-SECRET');
          expect(r.stdout + r.stderr).not.toContain('line two');
          expect(r.stdout, `${hosts} ${format}`).toContain('MTC4002');
          expect(r.stdout).toMatch(new RegExp(why));
        }
      }
    }
  });

  it('a file inside the tree that is not a register list: located error, its lines not quoted', () => {
    const repo = prRepo({ config: `${RELEASED_CONFIG}hosts: [hosts/notes.txt]\n`, extra: { 'hosts/notes.txt': `${SECRET}\nline two\n` } });
    const r = diff(repo.dir);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('TOP-SECRET');
    expect(r.report.diagnostics.find((d) => d.code === 'MTC2111')).toMatchObject({ message: 'captured register list: line 1 is not a register id', location: { file: 'hosts/notes.txt', line: 1 } });
  });

  it('with --head <rev>, hosts are read from the revision, not from the working tree', () => {
    const profile = 'format: 1\nname: pr-host\nkernel: "6.12"\ncpu: { midr: "0x413fd0c1" }\n';
    const repo = prRepo({ config: `${RELEASED_CONFIG}hosts: [hosts/pr-host.yaml]\n`, extra: { 'hosts/pr-host.yaml': profile } });
    // The working tree differs from the revision: the profile is garbage, and a file appears that no revision has.
    writeFileSync(join(repo.dir, 'hosts', 'pr-host.yaml'), 'this: [is: not a profile\n');
    const atRev = diff(repo.dir);
    expect(atRev.code, atRev.stderr).toBe(1);
    expect(atRev.report.matrix!.hosts).toContain('pr-host');
    // The working tree is read only when it is what is compared (no --head).
    const worktree = diff(repo.dir, [], 'target', null);
    expect(worktree.code).toBe(2);
    expect(codes(worktree.report)).toContain('MTC2103');
  });

  it('the matrix keeps the base hosts: a pull request cannot drop them to hide pairs that newly fail', () => {
    const profile = 'format: 1\nname: lonely\nkernel: "6.12"\ncpu: { midr: "0x413fd0c1" }\n';
    const repo = prRepo({ config: `${RELEASED_CONFIG}hosts: [hosts/lonely.yaml]\n`, extra: { 'hosts/lonely.yaml': profile } });
    const r = diff(repo.dir);
    expect(r.code).toBe(1);
    expect(r.report.matrix!.hosts.length).toBeGreaterThan(5); // the built-in hosts of the base, plus `lonely`
    // The pairs of the base hosts that newly fail are there, in the breaking finding of the change that breaks them.
    expect(r.report.findings.some((f) => f.severity === 'error' && f.breaks.some((p) => p.includes('n1-6.12 → n1-6.13')))).toBe(true);
    // Redefining a base host is reported and ignored.
    const redefine = prRepo({ config: `${RELEASED_CONFIG}hosts: [hosts/n1.yaml]\n`, extra: { 'hosts/n1.yaml': 'format: 1\nname: n1-6.12\nkernel: "6.18"\ncpu: { midr: "0x413fd0c1" }\n' } });
    const r2 = diff(redefine.dir);
    expect(r2.report.diagnostics.find((d) => d.code === 'MTC5056')?.message).toBe('host profile `n1-6.12` is changed by this change; the migration matrix uses the base version until the change is merged');
  });
});

describe('case 4: glob patterns are matched without backtracking', () => {
  it('40 stars then Q in `released:` and in a waiver subject: mtc diff completes', () => {
    const stars = '*'.repeat(40);
    const repo = prRepo({
      config: `version: 1\nreleased: [virt-10.1, "${stars}Q"]\nwaivers:\n  - rule: MTC5001\n    machine: virt-10.1\n    subject: "${stars}Q"\n    reason: "near misses everywhere"\n`,
    });
    const r = diff(repo.dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.report.verdict).toBe('breaking');
    expect(r.report.diagnostics.find((d) => d.code === 'MTC5054')?.message).toBe(`\`released: ${stars}Q\` matches no machine type`);
  });

  it('the matcher agrees with a regular-expression reference on small inputs', () => {
    const reference = (p: string, t: string) => new RegExp('^' + p.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$').test(t);
    const str = fc.string({ unit: fc.constantFrom('a', 'b', '*', '.'), maxLength: 8 });
    fc.assert(fc.property(str, fc.string({ unit: fc.constantFrom('a', 'b', '.'), maxLength: 10 }), (p, t) => globMatch(p, t) === reference(p, t)), { numRuns: 5000 });
    expect(globMatch('virt-rhel9.*', 'virt-rhel9.6.0')).toBe(true);
    expect(globMatch('virt-*.1', 'virt-10.2')).toBe(false);
  });
});

describe('case 5: a pull request cannot waive its own breaking changes', () => {
  const WAIVERS = 'waivers:\n  - rule: MTC5001\n    machine: "virt-10.*"\n    reason: "we know"\n  - rule: MTC5005\n    machine: "virt-10.*"\n    reason: "we know"\n';

  it('waivers added by the change: still breaking (exit 1), and the report says which waivers are new', () => {
    const repo = prRepo({ config: RELEASED_CONFIG + WAIVERS });
    const r = diff(repo.dir);
    expect(r.code).toBe(1);
    expect(r.report.verdict).toBe('breaking');
    expect(r.report.counts.waived).toBe(0);
    expect(r.report.findings.filter((f) => f.waived).length).toBe(0);
    const added = r.report.diagnostics.filter((d) => d.code === 'MTC5055');
    expect(added.map((d) => d.location)).toEqual([
      { file: 'rules/mtc.yaml', line: 5, column: 1 },
      { file: 'rules/mtc.yaml', line: 8, column: 1 },
    ]);
    // One finding for the one removed rule (it reaches virt-10.1 and virt-10.0, with the pairs it breaks).
    expect(added[0]!.message).toBe('waiver of MTC5001 for virt-10.* is added or widened by this change: it waives nothing until it is on the base branch; the 1 finding it would waive stays breaking');
    expect(added[1]!.message).toBe('waiver of MTC5005 for virt-10.* is added or widened by this change: it waives nothing until it is on the base branch');
    const md = runBin(['diff', '--base', 'target', '--head', 'HEAD', 'rules', '--format', 'markdown'], repo.dir);
    expect(md.stdout).toMatch(/^<!-- mtc-diff -->\n### ❌ mtc diff: 1 breaking change\n/);
    expect(md.stdout).not.toContain('no breaking changes');
    expect(md.stdout).toContain('MTC5055');
  });

  it('the same waivers merged before the change are in force: the check can pass', () => {
    const repo = prRepo({ config: RELEASED_CONFIG + WAIVERS, baseConfig: RELEASED_CONFIG + WAIVERS });
    const r = diff(repo.dir);
    expect(r.code, JSON.stringify(r.report.diagnostics)).toBe(0);
    expect(r.report.verdict).toBe('compatible');
    expect(r.report.counts.waived).toBe(1);
    expect(r.report.findings.filter((f) => f.severity === 'error' && !f.waived)).toEqual([]);
    expect(codes(r.report)).not.toContain('MTC5055');
  });

  it('a widened waiver waives only what the base waiver did', () => {
    // The base waives virt-10.1 only; the change widens it to virt-10.*. The one finding of the removed rule
    // reaches virt-10.1 and virt-10.0: the base waiver does not cover all of it, so nothing is waived.
    const narrow = WAIVERS.replaceAll('virt-10.*', 'virt-10.1');
    const repo = prRepo({ config: RELEASED_CONFIG + WAIVERS, baseConfig: RELEASED_CONFIG + narrow });
    const r = diff(repo.dir);
    expect(r.code).toBe(1);
    expect(r.report.findings.filter((f) => f.waived)).toEqual([]);
    expect(r.report.findings.filter((f) => !f.waived && f.severity === 'error').map((f) => [f.rule, f.machines])).toEqual([['MTC5001', ['virt-10.1', 'virt-10.0']]]);
    expect(r.report.diagnostics.filter((d) => d.code === 'MTC5055').length).toBe(2);
    // With virt-10.0 not released, the only released machine type the finding reaches is virt-10.1, which the
    // base waiver covers: waived.
    const alone = prRepo({ config: RELEASED_CONFIG.replace('virt-10.0, ', '') + WAIVERS, baseConfig: RELEASED_CONFIG.replace('virt-10.0, ', '') + narrow });
    const r2 = diff(alone.dir);
    expect(r2.report.findings.filter((f) => f.severity === 'error').map((f) => [f.rule, f.waived !== null])).toEqual([['MTC5001', true]]);
  });

  it('a narrowed waiver takes effect at once and is not reported as new; a dropped subject is a widening', () => {
    const narrow = WAIVERS.replaceAll('virt-10.*', 'virt-10.1');
    const repo = prRepo({ config: RELEASED_CONFIG + narrow, baseConfig: RELEASED_CONFIG + WAIVERS });
    const r = diff(repo.dir);
    // The finding reaches virt-10.1 and virt-10.0: the narrowed waiver no longer covers it.
    expect(r.code).toBe(1);
    expect(r.report.findings.filter((f) => f.waived)).toEqual([]);
    expect(codes(r.report)).not.toContain('MTC5055');
    const withSubject = 'waivers:\n  - rule: MTC5001\n    machine: "virt-10.*"\n    subject: "TCR2_EL1*"\n    reason: "we know"\n';
    const dropped = prRepo({ config: RELEASED_CONFIG + WAIVERS, baseConfig: RELEASED_CONFIG + withSubject });
    const r2 = diff(dropped.dir);
    expect(r2.code).toBe(1);
    expect(r2.report.diagnostics.filter((d) => d.code === 'MTC5055').map((d) => d.location!.line)).toEqual([5, 8]);
  });

  it('`machine: "*"` is refused wherever it is written', () => {
    const blanket = 'waivers:\n  - rule: released-rule-removed\n    machine: "*"\n    reason: "everything goes"\n';
    const head = diff(prRepo({ config: RELEASED_CONFIG + blanket }).dir);
    expect(head.code).toBe(1);
    expect(head.report.verdict).toBe('error');
    expect(head.report.diagnostics.find((d) => d.code === 'MTC5050')?.message).toBe('rules/mtc.yaml: waiver 1 has `machine: "*"`, which would waive MTC5001 for every machine type');
    const base = diff(prRepo({ config: RELEASED_CONFIG, baseConfig: RELEASED_CONFIG + blanket }).dir);
    expect(base.code).toBe(2);
  });
});
