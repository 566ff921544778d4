/**
 * The CI examples in examples/: the GitHub workflow and the GitLab CI
 * configuration install mtc from a release tarball (there is no `mtc` on the
 * npm registry) and use only options mtc has; the GitLab jobs' scripts run as
 * written, in a git repository, against a local stand-in for GitLab's API:
 * the check job passes on clean rules, the diff job fails on a breaking
 * change, uploads a valid Code Quality report and posts one note, which the
 * next pipeline updates.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runBin } from '../support/cli.js';
import { FakeGitlab, runAsync } from './fake-gitlab.js';
import { git } from './helpers.js';

const read = (f: string) => readFileSync(join('examples', f), 'utf8');

/** Every `mtc COMMAND …` in the shell lines, with the --options it uses. */
function invocations(lines: readonly string[]): { cmd: string; flags: string[]; text: string }[] {
  const out: { cmd: string; flags: string[]; text: string }[] = [];
  for (const line of lines)
    for (const m of line.matchAll(/(?:^|[\s;(|&])mtc ([a-z][a-z-]*)([^;|&\n]*)/g)) out.push({ cmd: m[1]!, flags: [...m[2]!.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((f) => f[0]), text: m[0].trim() });
  return out;
}

const helpOf = new Map<string, string>();
function help(cmd: string): string {
  if (!helpOf.has(cmd)) helpOf.set(cmd, runBin([cmd, '--help']).stdout);
  return helpOf.get(cmd)!;
}

interface GitlabCi {
  variables: Record<string, unknown>;
  default: { before_script: string[] };
  [job: string]: unknown;
}
type Job = { script: string[]; artifacts: { when: string; paths?: string[]; reports: { codequality: string | string[] } } };

const gitlab = parse(read('gitlab-ci.yml')) as GitlabCi;
const jobs = { check: gitlab['mtc-check'] as Job, diff: gitlab['mtc-diff'] as Job };
const github = parse(read('github-workflow.yml')) as { jobs: { rules: { steps: { run?: string; env?: Record<string, string> }[] } } };
const githubRuns = github.jobs.rules.steps.map((s) => s.run ?? '').join('\n').split('\n');

describe('both examples', () => {
  for (const [name, lines] of [
    ['examples/github-workflow.yml', githubRuns],
    ['examples/gitlab-ci.yml', [...gitlab.default.before_script, ...jobs.check.script, ...jobs.diff.script]],
  ] as const) {
    it(`${name}: installs mtc from a release tarball, not from the registry`, () => {
      const install = lines.filter((l) => /npm install/.test(l));
      expect(install).toHaveLength(1);
      expect(install[0]).toMatch(/npm install --global .*"\$MTC_TARBALL"$/);
      expect(lines.join('\n')).not.toMatch(/npm install (--global|-g) mtc\b/);
    });
    it(`${name}: every mtc command and option exists`, () => {
      const used = invocations(lines);
      expect(used.length).toBeGreaterThan(3);
      for (const u of used) {
        const h = help(u.cmd);
        expect(h, `mtc ${u.cmd}`).toContain(`Usage: mtc ${u.cmd}`);
        for (const f of u.flags) expect(h, `${u.text}: ${f}`).toContain(f);
      }
    });
  }
});

describe('examples/gitlab-ci.yml', () => {
  it('runs in merge request pipelines with the full history, and uploads Code Quality reports mtc writes', () => {
    expect(gitlab.variables.GIT_DEPTH).toBe(0);
    expect(JSON.stringify(gitlab.workflow)).toContain('merge_request_event');
    for (const job of Object.values(jobs)) {
      expect(job.artifacts.when).toBe('always');
      const reports = [job.artifacts.reports.codequality].flat();
      for (const r of reports) expect(job.script.some((l) => l.includes('--format gitlab') && (l.includes(`> ${r}`) || l.includes(`--output ${r}`))), r).toBe(true);
    }
    const md = /--format markdown --output (\S+)/.exec(jobs.diff.script.join('\n'))![1];
    expect(jobs.diff.script.join('\n')).toContain(`mtc gitlab-note --body-file ${md}`);
  });

  describe('its jobs, run as written in a repository of rules, against a local GitLab', () => {
    const server = new FakeGitlab();
    let repo: string;
    let env: NodeJS.ProcessEnv;
    let base: string;
    const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync('schema/gitlab-code-quality.schema.json', 'utf8')) as object);
    /** The job's script the way the runner runs it: one shell, stopping at the first failing line. */
    const runJob = (job: Job) => runAsync('bash', ['-e', '-c', job.script.join('\n')], { cwd: repo, env });

    beforeAll(async () => {
      await server.start();
      const dir = mkdtempSync(join(tmpdir(), 'mtc-example-ci-'));
      // `mtc` on the PATH, as the before_script installs it.
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin', 'mtc'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
      chmodSync(join(dir, 'bin', 'mtc'), 0o755);
      repo = join(dir, 'repo');
      mkdirSync(repo);
      // A repository of rules with released tolerances to break: the x-mig example (the shipped rules of
      // issue 14's time), with its out/ built and committed as such a repository keeps it.
      cpSync(join('examples', 'x-mig-series'), join(repo, 'rules'), { recursive: true });
      const built = runBin(['build', 'rules/', '--out', 'out/'], repo);
      expect(built.code, built.stderr).toBe(0);
      git(repo, 'init', '-q', '-b', 'main');
      git(repo, 'add', '.');
      git(repo, 'commit', '-q', '-m', 'rules');
      base = git(repo, 'rev-parse', 'HEAD').trim();
      env = {
        ...process.env,
        NO_COLOR: '1',
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        CI_API_V4_URL: server.url,
        CI_PROJECT_ID: '123',
        CI_MERGE_REQUEST_IID: '9',
        CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
        MTC_GITLAB_TOKEN: 'glpat-test-token',
      };
    });
    afterAll(() => server.stop());

    it('mtc-check passes on clean rules and their committed out/, with empty reports', async () => {
      const r = await runJob(jobs.check);
      expect(r.code, r.stderr).toBe(0);
      for (const f of [jobs.check.artifacts.reports.codequality].flat()) expect(JSON.parse(readFileSync(join(repo, f), 'utf8'))).toEqual([]);
    });

    it('mtc-diff fails on a breaking change, reports it as Code Quality, posts one note, and updates it on the next pipeline', async () => {
      const file = join(repo, 'rules', 'virt.mtc');
      writeFileSync(file, readFileSync(file, 'utf8').replace('tolerate TCR2_EL1, PIRE0_EL1, PIR_EL1 kernel', 'tolerate PIRE0_EL1, PIR_EL1 kernel'));
      git(repo, 'commit', '-q', '-am', 'drop TCR2_EL1');
      const first = await runJob(jobs.diff);
      expect(first.code, first.stderr).toBe(1);
      expect(first.stdout).toContain('mtc diff found breaking changes to released machine types');
      expect(first.stderr).toMatch(/created note \d+/);
      const quality = JSON.parse(readFileSync(join(repo, 'mtc-diff-quality.json'), 'utf8'));
      expect(validate(quality), JSON.stringify(validate.errors)).toBe(true);
      expect(quality).toEqual([expect.objectContaining({ check_name: 'MTC5001 released-rule-removed', severity: 'critical', location: { path: 'rules/virt.mtc', lines: { begin: 29 } } })]);
      const posts = server.requests.filter((q) => q.method === 'POST');
      expect(posts).toHaveLength(1);
      expect((posts[0]!.body as { body: string }).body).toBe(readFileSync(join(repo, 'mtc-diff.md'), 'utf8'));

      // The author fixes it: the next pipeline updates the same note, and the job passes.
      git(repo, 'revert', '--no-edit', 'HEAD');
      const second = await runJob(jobs.diff);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(/updated note \d+/);
      expect(server.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
      expect(server.requests.filter((q) => q.method === 'PUT')).toHaveLength(1);
      expect(server.notes.filter((n) => n.author.id === 42 && !n.system)).toHaveLength(1);
      expect(existsSync(join(repo, 'mtc-diff.md'))).toBe(true);
    });
  });
});
