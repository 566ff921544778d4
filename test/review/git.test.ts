import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { runDiff } from '../../src/review/diff.js';
import { GitTreeFileSystem, resolveCommit } from '../../src/review/git-fs.js';
import { fixtures, git, hostsDir } from './helpers.js';

const base = (f: string) => readFileSync(join(fixtures, 'cases/rule-removed/base/rules', f), 'utf8');
const head = (f: string) => readFileSync(join(fixtures, 'cases/rule-removed/head/rules', f), 'utf8');

/** A repository with two commits: the rule tree before and after removing a released tolerance. */
function makeRepo(): { dir: string; c1: string; c2: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-diff-git-'));
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'rules'));
  for (const f of ['virt.mtc', 'virt-rhel.mtc', 'pc.mtc', 'mtc.yaml']) writeFileSync(join(dir, 'rules', f), base(f));
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'rules');
  const c1 = git(dir, 'rev-parse', 'HEAD').trim();
  writeFileSync(join(dir, 'rules', 'virt.mtc'), head('virt.mtc'));
  git(dir, 'commit', '-q', '-am', 'drop the TCR2 tolerance');
  const c2 = git(dir, 'rev-parse', 'HEAD').trim();
  return { dir, c1, c2 };
}

const catalog = loadBuiltinCatalog();

describe('mtc diff between two commits of a real repository', () => {
  const { dir, c1, c2 } = makeRepo();

  test('two revisions: breaking, with repository-relative paths, working tree untouched', () => {
    // Make the working tree differ from both commits: the diff must not read it.
    writeFileSync(join(dir, 'rules', 'virt.mtc'), 'this is not valid mtc');
    const statusBefore = git(dir, 'status', '--porcelain');
    const { report, exitCode } = runDiff({ cwd: dir, base: 'HEAD~1', head: 'HEAD', hosts: [hostsDir], catalog });
    expect(exitCode).toBe(1);
    expect(report.base).toEqual({ kind: 'git', spec: 'HEAD~1', commit: c1 });
    expect(report.head).toEqual({ kind: 'git', spec: 'HEAD', commit: c2 });
    const f = report.findings.find((x) => x.rule === 'MTC5001')!;
    expect(f.location?.file).toBe('rules/virt.mtc');
    expect(f.breaks.length).toBeGreaterThan(0); // the newly failing pairs, listed in the one finding of the change
    expect(report.findings.some((x) => x.rule === 'MTC5005')).toBe(false);
    expect(git(dir, 'status', '--porcelain')).toBe(statusBefore);
    expect(readFileSync(join(dir, 'rules', 'virt.mtc'), 'utf8')).toBe('this is not valid mtc');
    writeFileSync(join(dir, 'rules', 'virt.mtc'), head('virt.mtc'));
  });

  test('default head is the working tree', () => {
    writeFileSync(join(dir, 'rules', 'virt.mtc'), base('virt.mtc'));
    const r1 = runDiff({ cwd: dir, base: c2, hosts: [hostsDir], catalog });
    expect(r1.report.head.kind).toBe('worktree');
    expect(r1.exitCode).toBe(0); // restoring the tolerance is a fix
    // Restoring the tolerance is one rule added (MTC5021), with the pairs it fixes listed within.
    const added = r1.report.findings.filter((x) => x.rule === 'MTC5021');
    expect(added).toHaveLength(1);
    expect(added[0]!.fixes.length).toBeGreaterThan(0);
    writeFileSync(join(dir, 'rules', 'virt.mtc'), head('virt.mtc'));
    expect(runDiff({ cwd: dir, base: 'HEAD', hosts: [hostsDir], catalog }).report.verdict).toBe('no-changes');
  });

  test('from a subdirectory, paths stay repository-relative', () => {
    const sub = join(dir, 'rules');
    const { report } = runDiff({ cwd: sub, base: c1, head: c2, paths: ['.'], config: 'mtc.yaml', hosts: [hostsDir], catalog });
    expect(report.findings.find((x) => x.rule === 'MTC5001')?.location?.file).toBe('rules/virt.mtc');
  });

  test('an unknown revision or an option-like one is a usage error (exit 2)', () => {
    const r = runDiff({ cwd: dir, base: 'no-such-branch', catalog });
    expect(r.exitCode).toBe(2);
    expect(r.report.diagnostics[0].code).toBe('MTC5051');
    expect(runDiff({ cwd: dir, base: '--output=/tmp/x', catalog }).exitCode).toBe(2);
    expect(() => resolveCommit(dir, '-n1')).toThrow(/not a revision/);
  });

  test('the git tree file system lists, reads and follows symlinks inside the tree', () => {
    symlinkSync('rules', join(dir, 'link'));
    symlinkSync('../../etc/passwd', join(dir, 'escape'));
    git(dir, 'add', 'link', 'escape');
    git(dir, 'commit', '-q', '-m', 'links');
    const fs = new GitTreeFileSystem(dir, resolveCommit(dir, 'HEAD'));
    expect(fs.list(fs.root)).toEqual(['escape', 'link', 'rules']);
    expect(fs.kind(`${fs.root}/rules`)).toBe('dir');
    expect(fs.realpath(`${fs.root}/link/virt.mtc`)).toBe(`${fs.root}/rules/virt.mtc`);
    expect(Buffer.from(fs.readFile(`${fs.root}/link/virt.mtc`, 1 << 20)).toString('utf8')).toBe(head('virt.mtc'));
    expect(fs.size(`${fs.root}/rules/virt.mtc`)).toBe(Buffer.byteLength(head('virt.mtc')));
    expect(fs.realpath(`${fs.root}/escape`)).toBeUndefined();
    expect(fs.realpath(`${fs.root}/../x`)).toBeUndefined();
    expect(fs.kind(`${fs.root}/nope`)).toBeUndefined();
  });
});
