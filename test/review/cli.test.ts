import { describe, expect, test, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runDiffCommand } from '../../src/cli/commands/diff.js';
import { fixtures, hostsDir } from './helpers.js';
import { tempProject } from '../helpers.js';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const opts = (name: string, format = 'text') => ({ baseDir: `cases/${name}/base`, headDir: `cases/${name}/head`, format, hosts: [hostsDir] });

describe('mtc diff command', () => {
  test('exit 0 without breaking changes, 1 with, 2 on usage errors', async () => {
    expect((await capture(() => runDiffCommand([], opts('no-changes'), fixtures))).code).toBe(0);
    const bad = await capture(() => runDiffCommand([], opts('rule-removed', 'json'), fixtures));
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).verdict).toBe('breaking');
    const usage = await capture(() => runDiffCommand([], opts('rule-removed', 'yaml'), fixtures));
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('--format must be one of text, markdown, json, github, sarif');
    expect((await capture(() => runDiffCommand([], { ...opts('rule-removed'), qemu: '9.0' }, fixtures))).code).toBe(2);
    expect((await capture(() => runDiffCommand([], { ...opts('rule-removed'), baseDir: 'no/such/dir' }, fixtures))).code).toBe(2);
  });

  test('is registered in the CLI and requires --base', async () => {
    const help = await capture(() => main(['diff', '--help']));
    expect(help.code).toBe(0);
    expect(help.out).toContain('--base <rev>');
    expect(help.out).toContain('--base-dir <dir>');
    expect((await capture(() => main(['diff']))).code).toBe(2);
  });
});

describe('mtc check --format github|sarif', () => {
  test('annotations and SARIF for check diagnostics; human stays the default', async () => {
    const root = tempProject({ 'rules/v.mtc': 'machine virt-10.1 inherits virt-10.9;\n' });
    const gh = await capture(() => main(['check', '--root', root, '--format', 'github', `${root}/rules`]));
    expect(gh.code).toBe(1);
    expect(gh.out).toMatch(/^::error file=rules\/v\.mtc,line=1,col=28,endLine=1,endColumn=37,title=MTC1002 unknown-parent::/m);
    const sarif = await capture(() => main(['check', '--root', root, '--format', 'sarif', `${root}/rules`]));
    expect(JSON.parse(sarif.out).runs[0].results[0].ruleId).toBe('MTC1002');
    const human = await capture(() => main(['check', '--root', root, `${root}/rules`]));
    expect(human.out).toBe('');
    expect(human.err).toContain('MTC1002');
    expect((await capture(() => main(['check', '--format', 'xml', root]))).code).toBe(2);
  });
});

describe('examples/github-workflow.yml', () => {
  test('is valid YAML and only uses options mtc has', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const text = readFileSync(new URL('../../examples/github-workflow.yml', import.meta.url), 'utf8');
    const wf = parse(text) as { jobs: { rules: { steps: { run?: string }[] } } };
    const runs = wf.jobs.rules.steps.map((s) => s.run ?? '').join('\n');
    const help = async (cmd: string) => (await capture(() => main([cmd, '--help']))).out;
    for (const [cmd, flags] of Object.entries({ diff: ['--base', '--head', '--format', '--output'], check: ['--format'], build: ['--out', '--check', '--format'], simulate: ['--build', '--format', '--out'] })) {
      expect(runs).toContain(`mtc ${cmd} `);
      const h = await help(cmd);
      for (const f of flags) expect(h, `${cmd} ${f}`).toContain(f);
    }
    expect(runs).toContain('--format markdown');
  });
});

describe('a head that `mtc build` would refuse fails the gate', () => {
  test('a family the head cannot name (MTC7009) is MTC5052, exit 1, not "no breaking changes"', async () => {
    const { mkdtempSync, cpSync, appendFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runBin } = await import('../support/cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'mtc-gate-'));
    cpSync('examples/x-mig-series', join(dir, 'base'), { recursive: true });
    cpSync('examples/x-mig-series', join(dir, 'head'), { recursive: true });
    appendFileSync(join(dir, 'head', 'virt.mtc'), '\nmachine foo-1.0;\n');
    const r = runBin(['diff', '--base-dir', join(dir, 'base'), '--head-dir', join(dir, 'head'), '.']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[MTC5052] (head): the head tree has errors; nothing was compared');
    expect(r.stdout).toContain('error[MTC7009] (head)');
    // Without the bad family the same trees compare clean (the test above can fail).
    const ok = runBin(['diff', '--base-dir', join(dir, 'base'), '--head-dir', join(dir, 'base'), '.']);
    expect(ok.code).toBe(0);
  });
});
