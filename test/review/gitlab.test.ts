/**
 * GitLab: `--format gitlab` Code Quality reports of check, build and diff
 * against a JSON Schema of the fields GitLab documents, with fingerprints that
 * are unique and survive unrelated lines moving; and `mtc gitlab-note`
 * against a local HTTP server standing in for GitLab's API, which records
 * what it receives: the first run creates the note, the second updates it.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../helpers.js';
import { runBin } from '../support/cli.js';
import { FakeGitlab, mtcAsync } from './fake-gitlab.js';
import { fixtures } from './helpers.js';

const schema = JSON.parse(readFileSync('schema/gitlab-code-quality.schema.json', 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

interface Issue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number; end?: number } };
}

function report(stdout: string): Issue[] {
  const issues = JSON.parse(stdout) as Issue[];
  expect(validate(issues), JSON.stringify(validate.errors)).toBe(true);
  expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
  return issues;
}

describe('the schema of GitLab\'s documented fields', () => {
  it('accepts GitLab\'s own example and rejects what GitLab would not read', () => {
    const example = [{ description: "'unused' is assigned a value but never used.", check_name: 'no-unused-vars', fingerprint: '7815696ecbf1c96e6894b779456d330e', severity: 'minor', location: { path: 'lib/index.js', lines: { begin: 42 } } }];
    expect(validate(example)).toBe(true);
    for (const bad of [
      [{ ...example[0], severity: 'error' }],
      [{ ...example[0], fingerprint: undefined }],
      [{ ...example[0], location: { path: 'lib/index.js' } }],
      [{ ...example[0], location: { path: 'lib/index.js', lines: { begin: 0 } } }],
      example[0],
    ])
      expect(validate(JSON.parse(JSON.stringify(bad)))).toBe(false);
  });
});

describe('check --format gitlab', () => {
  const text = [
    'machine virt-10.1 {',
    '  hide TCR2_EL7 { reason "x"; }',
    '  hide TCR2_EL1;',
    '  hide TCR2_EL1;',
    '}',
    'machine virt-10.2 {',
    '  hide PIR_EL1;',
    '}',
    '',
  ].join('\n');

  it('one issue per diagnostic: errors major, warnings minor, the path and line of each', () => {
    const root = tempProject({ 'rules/a.mtc': text });
    const r = runBin(['check', '--format', 'gitlab'], root);
    expect(r.code).toBe(1);
    const issues = report(r.stdout);
    expect(issues.find((i) => i.check_name === 'MTC2001 unknown-register')).toMatchObject({ severity: 'major', location: { path: 'rules/a.mtc', lines: { begin: 2 } } });
    expect(issues.find((i) => i.check_name.startsWith('MTC1010'))).toMatchObject({ severity: 'minor' });
    expect(issues.find((i) => i.check_name === 'MTC2001 unknown-register')!.description).toContain('unknown register `TCR2_EL7`');
  });

  it('fingerprints are unique (also for two identical warnings) and do not change when unrelated lines move', () => {
    const root = tempProject({ 'rules/a.mtc': text });
    const before = report(runBin(['check', '--format', 'gitlab'], root).stdout);
    // Two rules give the same "missing reason" warning text: still two fingerprints.
    expect(before.filter((i) => i.check_name.startsWith('MTC1010')).length).toBeGreaterThanOrEqual(3);
    writeFileSync(join(root, 'rules/a.mtc'), '// a comment\n\n// and another, moving every line down by three\n' + text);
    const after = report(runBin(['check', '--format', 'gitlab'], root).stdout);
    expect(after.map((i) => i.fingerprint).sort()).toEqual(before.map((i) => i.fingerprint).sort());
    const line = (issues: Issue[], name: string) => issues.find((i) => i.check_name === name)!.location.lines.begin;
    expect(line(after, 'MTC2001 unknown-register')).toBe(line(before, 'MTC2001 unknown-register') + 3);
    // A different problem gets a different fingerprint.
    writeFileSync(join(root, 'rules/a.mtc'), text.replace('TCR2_EL7', 'TCR2_EL8'));
    const other = report(runBin(['check', '--format', 'gitlab'], root).stdout);
    expect(other.find((i) => i.check_name === 'MTC2001 unknown-register')!.fingerprint).not.toBe(before.find((i) => i.check_name === 'MTC2001 unknown-register')!.fingerprint);
  });

  it('a clean tree is an empty array; notes are info', () => {
    expect(report(runBin(['check', 'examples/x-mig-series/', '--format', 'gitlab']).stdout)).toEqual([]);
    // The shipped rules may have notes (virt-rhel is left out of the checks against upstream QEMU 11.1): info, nothing above.
    expect(report(runBin(['check', 'rules/', '--format', 'gitlab']).stdout).filter((i) => i.severity !== 'info')).toEqual([]);
  });
});

describe('build --format gitlab', () => {
  it('reports what build refuses, and --check reports stale outputs', () => {
    // Two names, one C name (a family without a preset would be refused first, MTC7009, with no C names to collide).
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1;\nmachine virt-10.01;\n' });
    const r = runBin(['build', '--out', 'out', '--format', 'gitlab'], root);
    expect(r.code).toBe(1);
    const refused = report(r.stdout);
    expect(refused).toContainEqual(expect.objectContaining({ check_name: 'MTC3004 c-name-collision', severity: 'major', location: { path: 'rules/a.mtc', lines: { begin: 1 } } }));
    expect(refused.every((i) => i.severity === 'major')).toBe(true);
    const clean = tempProject({ 'rules/a.mtc': 'machine virt-10.1;\n' });
    const stale = runBin(['build', '--out', 'out', '--check', '--format', 'gitlab'], clean);
    expect(stale.code).toBe(1);
    const issues = report(stale.stdout);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.check_name === 'MTC3021 stale-output' && i.location.path === '.')).toBe(true);
  });
});

describe('diff --format gitlab', () => {
  it('every golden report follows the schema', () => {
    const cases = readdirSync(join(fixtures, 'cases'));
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) report(readFileSync(join(fixtures, 'cases', c, 'expected.gitlab.json'), 'utf8'));
  });

  it('breaking findings are critical; fingerprints survive unrelated lines moving in the rules', () => {
    // A copy of the rule-removed case; `prefix` goes at the top of every rule file of the head.
    const tree = (side: string, prefix = '') => {
      const files: Record<string, string> = {};
      for (const f of ['virt.mtc', 'virt-rhel.mtc', 'pc.mtc', 'mtc.yaml']) {
        const text = readFileSync(join(fixtures, 'cases/rule-removed', side, 'rules', f), 'utf8');
        files[`rules/${f}`] = f.endsWith('.mtc') ? prefix + text : text;
      }
      return tempProject(files);
    };
    const hosts = join(fixtures, 'hosts');
    const run = (head: string, base: string) => runBin(['diff', '--base-dir', base, '--head-dir', head, '--hosts', hosts, '--format', 'gitlab']);
    const base = tree('base');
    const first = report(run(tree('head'), base).stdout);
    expect(first.map((i) => [i.check_name, i.severity])).toEqual([['MTC5001 released-rule-removed', 'critical']]);
    const moved = report(run(tree('head', '// a comment that moves every line\n\n'), base).stdout);
    expect(moved.map((i) => i.fingerprint)).toEqual(first.map((i) => i.fingerprint));
    expect(moved[0]!.location.lines.begin).toBe(first[0]!.location.lines.begin + 2);
  });
});

describe('mtc gitlab-note against a local GitLab API', () => {
  const gitlab = new FakeGitlab();
  let dir: string;
  let ciEnv: Record<string, string>;
  beforeAll(async () => {
    await gitlab.start();
    dir = mkdtempSync(join(tmpdir(), 'mtc-note-'));
    ciEnv = { CI_API_V4_URL: gitlab.url, CI_PROJECT_ID: '123', CI_MERGE_REQUEST_IID: '9', MTC_GITLAB_TOKEN: 'glpat-test-token' };
  });
  afterAll(() => gitlab.stop());

  it('creates the note on the first run, then updates that same note', async () => {
    const first = join(dir, 'first.md');
    writeFileSync(first, runBin(['diff', '--base-dir', 'cases/rule-removed/base', '--head-dir', 'cases/rule-removed/head', '--hosts', 'hosts', '--format', 'markdown'], fixtures).stdout);
    const r1 = await mtcAsync(['gitlab-note', '--body-file', first], ciEnv);
    expect(r1.stderr).toMatch(/^created note 1002 \(http:\/\/127\.0\.0\.1:\d+\/api\/v4\/projects\/123\/merge_requests\/9\/notes\/1002\)\n$/);
    expect(r1.code).toBe(0);
    expect(gitlab.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
      'GET /api/v4/user',
      'GET /api/v4/projects/123/merge_requests/9/notes?sort=asc&order_by=created_at&per_page=100&page=1',
      'POST /api/v4/projects/123/merge_requests/9/notes',
    ]);
    expect(gitlab.requests.every((q) => q.token === 'glpat-test-token')).toBe(true);
    const post = gitlab.requests[2]!;
    expect(post.contentType).toBe('application/json');
    expect(post.body).toEqual({ body: readFileSync(first, 'utf8') });
    expect((post.body as { body: string }).body.startsWith('<!-- mtc-diff -->\n### ❌ mtc diff: 1 breaking change')).toBe(true);

    // The next pipeline: another report, the same note.
    const second = join(dir, 'second.md');
    writeFileSync(second, runBin(['diff', '--base-dir', 'cases/no-changes/base', '--head-dir', 'cases/no-changes/head', '--hosts', 'hosts', '--format', 'markdown'], fixtures).stdout);
    gitlab.requests.length = 0;
    const r2 = await mtcAsync(['gitlab-note', '--body-file', second], ciEnv);
    expect(r2.stderr).toMatch(/^updated note 1002 /);
    expect(r2.code).toBe(0);
    expect(gitlab.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
      'GET /api/v4/user',
      'GET /api/v4/projects/123/merge_requests/9/notes?sort=asc&order_by=created_at&per_page=100&page=1',
      'PUT /api/v4/projects/123/merge_requests/9/notes/1002',
    ]);
    expect(gitlab.requests[2]!.body).toEqual({ body: readFileSync(second, 'utf8') });
    // One note of ours; the reviewer's quote and the system note are untouched.
    expect(gitlab.notes.filter((n) => n.author.id === 42 && !n.system)).toHaveLength(1);
    expect(gitlab.notes.find((n) => n.id === 7)!.body).toBe('<!-- mtc-diff -->\nquoted by a reviewer');
    expect(gitlab.notes.find((n) => n.id === 1002)!.body).toContain('no semantic changes');
  });

  it('a wrong token is reported with GitLab\'s answer and a hint, never printing the token; exit 2', async () => {
    const body = join(dir, 'x.md');
    writeFileSync(body, '<!-- mtc-diff -->\nhello\n');
    const r = await mtcAsync(['gitlab-note', '--body-file', body], { ...ciEnv, MTC_GITLAB_TOKEN: 'glpat-wrong-secret' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC5057]: GET ');
    expect(r.stderr).toContain('GitLab answered 401: "401 Unauthorized"');
    expect(r.stderr).toContain('= help: the token is missing, wrong or expired');
    expect(r.stderr).not.toContain('glpat-wrong-secret');
  });

  it('outside a merge request pipeline, or without a token, it says what is missing', async () => {
    const body = join(dir, 'y.md');
    writeFileSync(body, 'x\n');
    const r = await mtcAsync(['gitlab-note', '--body-file', body], { CI_API_V4_URL: '', CI_PROJECT_ID: '', CI_MERGE_REQUEST_IID: '', MTC_GITLAB_TOKEN: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC9004]: missing --api-url (or CI_API_V4_URL), --project (or CI_PROJECT_ID), --merge-request (or CI_MERGE_REQUEST_IID)');
    const t = await mtcAsync(['gitlab-note', '--body-file', body], { ...ciEnv, MTC_GITLAB_TOKEN: '' });
    expect(t.stderr).toContain('error[MTC9004]: no token: the environment variable MTC_GITLAB_TOKEN is not set');
  });
});
