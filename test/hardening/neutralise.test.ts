/**
 * Issue 12, case 11: text from the tree is neutralised for every place a
 * reviewer reads it. Through the bundled CLI.
 * - the PR comment (mtc diff --format markdown): a file name with a backtick,
 *   blank lines and `<!--` cannot forge a heading or hide the rest; `@team`
 *   mentions nobody; breaking findings are never pushed out of the comment
 *   (5000 unreleased machine types added next to them);
 * - the terminal: escape sequences in file names and in files are shown as
 *   code points by decode, build --check and fmt (fmt: test/hardening/fmt.test.ts).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';
import { git } from '../review/helpers.js';
import { prRepo, RELEASED_CONFIG, reviewFixtures } from './review-support.js';

const GITHUB_COMMENT_LIMIT = 65536;
const EVIL_NAME = 'x`\n\n### ✅ mtc diff: no breaking changes\n\n<!--.mtc';

function markdown(dir: string, exitCode = 1): string {
  const r = runBin(['diff', '--base', 'target', '--head', 'HEAD', 'rules', '--format', 'markdown'], dir);
  expect(r.code, r.stderr).toBe(exitCode);
  return r.stdout;
}

/** The "Breaking changes" section of a comment: from its heading to the next section (bold heading, table or the cut note). */
function breakingSection(md: string): string {
  const start = md.indexOf('**Breaking changes**');
  expect(start).toBeGreaterThan(0);
  const ends = ['\n**', '\n| ', '\n> [!NOTE]'].map((m) => md.indexOf(m, start + 1)).filter((i) => i > 0);
  return md.slice(start, ends.length ? Math.min(...ends) : md.length);
}

/** The finding blocks of a section: each starts with its icon and bold rule (one per cause). */
const blocks = (section: string, icon = '❌') => section.match(new RegExp(`^${icon} \\*\\*MTC50\\d\\d `, 'gmu')) ?? [];

describe('case 11: the pull-request comment', () => {
  it('a file name with a backtick, blank lines and `<!--` forges no heading and hides nothing', () => {
    // The pull request moves virt.mtc to the evil name (and removes a released rule, as in the base case).
    const repo = prRepo();
    const rules = join(repo.dir, 'rules');
    writeFileSync(join(rules, EVIL_NAME), readFileSync(join(rules, 'virt.mtc')));
    git(repo.dir, 'rm', '-q', 'rules/virt.mtc');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-q', '-m', 'rename');
    const md = markdown(repo.dir);
    const lines = md.split('\n');
    // One heading: the real verdict. The only HTML comment is mtc's own marker on the first line.
    expect(lines.filter((l) => /^\s{0,3}#{1,6}\s/.test(l))).toEqual([lines[1]]);
    const verdict = /^### ❌ mtc diff: (\d+) breaking changes?$/.exec(lines[1]!);
    expect(verdict).not.toBeNull();
    expect(md.startsWith('<!-- mtc-diff -->\n')).toBe(true);
    // Everywhere else `<!--` only occurs inside one-line code spans (or fenced blocks), where it is literal text.
    let fenced = false;
    const outsideCode: string[] = [];
    for (const l of lines.slice(1)) {
      if (/^\s*```/.test(l)) fenced = !fenced;
      else if (!fenced) outsideCode.push(l.replace(/`[^`\n]*`/g, ''));
    }
    expect(outsideCode.filter((l) => l.includes('<!--'))).toEqual([]);
    expect(md).toContain('<!--'); // it is there, in code
    // The name is there, on one line, inside its code span.
    expect(md).toContain("`rules/x'<U+000A><U+000A>### ✅ mtc diff: no breaking changes<U+000A><U+000A><!--.mtc:");
    // And the breaking findings that point into that file are all shown, each once, in the section after the verdict.
    const section = breakingSection(md);
    expect(blocks(section).length).toBe(Number(verdict![1]));
    expect(blocks(md).length).toBe(Number(verdict![1]));
    expect(section).toContain("`rules/x'<U+000A><U+000A>### ✅ mtc diff: no breaking changes<U+000A><U+000A><!--.mtc:");
  });

  it('@mentions in tree text notify nobody', () => {
    const waiver = 'waivers:\n  - rule: MTC5001\n    machine: "virt-10.*"\n    reason: "ok for @qemu-team and @someone"\n';
    const repo = prRepo({ config: RELEASED_CONFIG + waiver, baseConfig: RELEASED_CONFIG + waiver });
    // The waiver is in both configs: the one finding (the removed rule, with its pairs) is waived.
    const md = markdown(repo.dir, 0);
    expect(md).toContain('waived: ok for @&#8203;qemu-team and @&#8203;someone');
    expect(md).not.toMatch(/@(qemu-team|someone)/);
  });

  it('5000 unreleased machine types added next to a breaking change do not push the breaking findings out', () => {
    // 40 families of the project's own (mtc.yaml `families:`, at most 100) of 125 machine types each (a family
    // holds at most 128, MTC1025): 5000 machine types that build, each reported as added, far more than the
    // comment can hold.
    let zz = '';
    let families = 'families:\n';
    for (let k = 0; k < 40; k++) {
      families += `  zz${k}: { file: hw/arm/zz${k}.c, symbol: zz${k}, macro: DEFINE_ZZ${k}_MACHINE }\n`;
      for (let v = 0; v < 125; v++) zz += `machine zz${k}-${Math.floor(v / 10) + 1}.${v % 10};\n`;
    }
    const repo = prRepo({ config: RELEASED_CONFIG + families, extra: { 'rules/zz.mtc': zz } });
    expect(runBin(['diff', '--base', 'target', '--head', 'HEAD', 'rules', '--format', 'json', '--output', 'report.json'], repo.dir).code).toBe(1);
    const json = JSON.parse(readFileSync(join(repo.dir, 'report.json'), 'utf8')) as {
      counts: { breaking: number; machinesAdded: number };
      findings: { rule: string; severity: string; waived: unknown; message: string }[];
    };
    expect(json.counts.machinesAdded).toBe(5000);
    const breaking = json.findings.filter((f) => f.severity === 'error' && !f.waived);
    expect(breaking.length).toBe(json.counts.breaking);
    expect(breaking.length).toBeGreaterThan(0);
    const md = markdown(repo.dir);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain("This comment was cut to stay under GitHub's 65,536-character limit");
    // Every breaking finding is there, with its detail, right after the verdict and the counts, before the
    // 5000 added machine types that were cut.
    const section = breakingSection(md);
    expect(md.slice(0, md.indexOf(section)).split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^<!-- mtc-diff -->$/), expect.stringMatching(/^### ❌ mtc diff: /), expect.stringMatching(/^\*\*\d+ breaking, /)]);
    expect(md.indexOf("This comment was cut")).toBeGreaterThan(md.indexOf(section) + section.length - 1);
    expect(blocks(section).length).toBe(breaking.length);
    for (const f of breaking) expect(section).toContain(`**${f.rule} `);
    expect(section.split('<details>').length - 1).toBe(breaking.length);
    expect(section).not.toContain('not shown');
  });
});

describe('case 11: the terminal', () => {
  const ESC = /[\u001b\u0007\u009b]/;

  it('decode: a rule file named with escape sequences is shown escaped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-term-'));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'a\u001b]0;owned\u0007\u001b[2J.mtc'), 'machine virt-10.1 {\n  hide TCR2_EL1 { reason "r"; }\n}\n');
    const r = runBin(['decode', 'TCR2_EL1'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rules/a<U+001B>]0;owned<U+0007><U+001B>[2J.mtc:2:8');
    expect(r.stdout + r.stderr).not.toMatch(ESC);
  });

  it('build --check: escape sequences in a stale out/ file reach the terminal as code points', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtc-term-'));
    cpSync(join(reviewFixtures, 'cases', 'rule-removed', 'base', 'rules'), join(dir, 'rules'), { recursive: true });
    expect(runBin(['build', 'rules', '--out', 'out'], dir).code).toBe(0);
    const c = join(dir, 'out', 'c', 'virt.c');
    writeFileSync(c, readFileSync(c, 'utf8').replace('static', '\u001b]0;owned\u0007\u001b[2Jstatic'));
    const r = runBin(['build', 'rules', '--out', 'out', '--check'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('-<U+001B>]0;owned<U+0007><U+001B>[2Jstatic');
    expect(r.stdout + r.stderr).not.toMatch(ESC);
  });
});
