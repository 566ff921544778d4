/**
 * Issue 12, case 1: `mtc diff --base/--head` never takes a directory of the
 * reviewed tree for a revision. `--base`/`--head` are git revisions only;
 * directories are compared only with `--base-dir`/`--head-dir`. Through the
 * bundled CLI.
 */
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';
import { prRepo } from './review-support.js';
import { git } from '../review/helpers.js';

const json = (stdout: string) => JSON.parse(stdout) as { verdict: string; counts: { breaking: number }; base: { kind: string; commit: string | null }; diagnostics: { code: string; message: string }[] };

describe('case 1: a revision is never replaced by a directory of the same name', () => {
  it('a pull request adding HEAD/ and a directory named like the base sha (holding the old rules) does not hide its breaking change', () => {
    const repo = prRepo({ copyBaseTo: ['HEAD', '%BASE%', 'target'] });
    for (const [base, head] of [
      [repo.base, 'HEAD'],
      ['target', 'HEAD'],
      [repo.base, undefined],
    ] as const) {
      const args = ['diff', '--base', base, ...(head ? ['--head', head] : []), 'rules', '--format', 'json'];
      const r = runBin(args, repo.dir);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(1);
      const report = json(r.stdout);
      expect(report.verdict).toBe('breaking');
      expect(report.counts.breaking).toBeGreaterThan(0);
      expect(report.base).toMatchObject({ kind: 'git', commit: repo.base });
    }
  });

  it('a base revision that is not in the repository (a shallow clone) is an error, even when a directory of that name exists', () => {
    const missing = 'f'.repeat(40);
    const repo = prRepo({ copyBaseTo: [missing] });
    const r = runBin(['diff', '--base', missing, '--head', 'HEAD', 'rules', '--format', 'json'], repo.dir);
    expect(r.code).toBe(2);
    const report = json(r.stdout);
    expect(report.verdict).toBe('error');
    expect(report.diagnostics[0]!.code).toBe('MTC5051');
    expect(report.diagnostics[0]!.message).toContain(`--base \`${missing}\` is not a git revision of this repository`);
    expect(report.diagnostics[0]!.message).toContain('a directory is compared only when given with --base-dir');
  });

  it('directories are compared when said so, with --base-dir / --head-dir (the same trees: the check can fail)', () => {
    const repo = prRepo({ copyBaseTo: ['HEAD'] });
    git(repo.dir, 'status'); // the repository is usable
    const r = runBin(['diff', '--base-dir', 'HEAD', '--head-dir', '.', 'rules', '--format', 'json'], repo.dir);
    expect(r.code, r.stderr).toBe(1);
    expect(json(r.stdout).base).toMatchObject({ kind: 'dir', commit: null });
    const same = runBin(['diff', '--base-dir', 'HEAD', '--head-dir', 'HEAD', 'rules', '--format', 'json'], repo.dir);
    expect(same.code, same.stderr).toBe(0);
    expect(json(same.stdout).verdict).toBe('no-changes');
  });

  it('giving both forms, or neither, is a usage error', () => {
    const repo = prRepo();
    const both = runBin(['diff', '--base', 'target', '--base-dir', 'rules', 'rules'], repo.dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --base (a git revision) or --base-dir (a directory), not both');
    const none = runBin(['diff', 'rules'], repo.dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--base REV (a git revision) or --base-dir DIR (a directory)');
  });
});
