/**
 * Input/output, usage and internal-error codes that had no test of their own:
 * MTC9001 (a command throws: internal error), MTC9003 (more rule files than
 * limits.maxFiles) and MTC9004 (a bad command-line value).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { runBin, runMain } from '../support/cli.js';
import { reportUsage, UsageError } from '../../src/cli/report.js';
import { compile } from '../../src/compile.js';
import { defaultLimits } from '../../src/util/limits.js';
import { ioCodes } from '../../src/validate/codes.js';
import { tempProject, where } from '../helpers.js';

/** When set, the emitters `mtc build` calls throw it (an injected bug). */
const bug = vi.hoisted(() => ({ error: undefined as unknown }));

vi.mock('../../src/emit/build.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/emit/build.js')>();
  return {
    ...actual,
    generateStream: (...args: Parameters<typeof actual.generateStream>) => {
      if (bug.error !== undefined) throw bug.error;
      return actual.generateStream(...args);
    },
  };
});

afterEach(() => {
  bug.error = undefined;
});

const cli = runMain;


/** The built CLI as users run it (`npm run build` first). */
const mtc = (args: string[], cwd = process.cwd()) => runBin(args, cwd);

describe('MTC9001 internal-error', () => {
  it('a command whose implementation throws: exit 2, the error and its stack, and the help', async () => {
    bug.error = new TypeError('cannot read properties of undefined (reading "x")');
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1;\n' });
    const r = await cli(['build', join(root, 'rules'), '--root', root, '--out', join(root, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('error[MTC9001]: internal error: TypeError: cannot read properties of undefined (reading "x")');
    expect(lines[1]).toMatch(/^\s+at /); // the stack, for the bug report
    expect(r.stderr.endsWith('\n  = help: this is a bug in mtc; please report it with the input that caused it\n')).toBe(true);
    expect(ioCodes.MTC9001).toMatchObject({ name: 'internal-error', severity: 'error' });
  });

  it('a thrown non-Error value is printed as text', async () => {
    bug.error = 'plain string';
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1;\n' });
    const r = await cli(['build', join(root, 'rules'), '--root', root, '--out', join(root, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error[MTC9001]: internal error: plain string\n  = help: this is a bug in mtc; please report it with the input that caused it\n');
  });

  it('without the injected bug the same command succeeds (the tests above can fail)', async () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1;\n' });
    const r = await cli(['build', join(root, 'rules'), '--root', root, '--out', join(root, 'out')]);
    expect(r.stderr).not.toContain('MTC9001');
    expect(r.code).toBe(0);
  });

  it('reportUsage rethrows anything that is not a UsageError (so main reports MTC9001)', () => {
    const e = new Error('boom');
    expect(() => reportUsage(e)).toThrow(e);
  });
});

describe('MTC9003 too-many-files', () => {
  const limits = (maxFiles: number) => ({ ...defaultLimits, maxFiles });

  it('a directory with more rule files than limits.maxFiles', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.2;\n', 'rules/b.mtc': 'machine virt-10.1;\n', 'rules/c.mtc': 'machine virt-10.0;\n' });
    const r = compile([join(root, 'rules')], { catalog: loadBuiltinCatalog(), root, limits: limits(2) });
    const found = r.diagnostics.filter((d) => d.code === 'MTC9003');
    expect(found).toHaveLength(1);
    const d = found[0]!;
    expect(d).toEqual({ code: 'MTC9003', severity: ioCodes.MTC9003.severity, message: 'more than 2 rule files', help: 'check for runaway includes, or raise --max-files' });
    expect(where(d)).toBe('-');
    expect(r.project.files.map((f) => f.path)).toEqual(['rules/a.mtc', 'rules/b.mtc']);
  });

  it('runaway includes: a chain of includes longer than the limit', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`r${i}.mtc`] = i < 4 ? `include "r${i + 1}.mtc";\n` : 'machine virt-10.1;\n';
    const root = tempProject(files);
    const r = compile([join(root, 'r0.mtc')], { catalog: loadBuiltinCatalog(), root, limits: limits(3) });
    expect(r.diagnostics.filter((d) => d.code === 'MTC9003').map((d) => d.message)).toEqual(['more than 3 rule files']);
  });

  it('at the limit there is no error (the tests above can fail)', () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.2;\n', 'rules/b.mtc': 'machine virt-10.1;\n' });
    const r = compile([join(root, 'rules')], { catalog: loadBuiltinCatalog(), root, limits: limits(2) });
    expect(r.diagnostics).toEqual([]);
  });
});

describe('MTC9004 usage-error', () => {
  it('UsageError is printed with its code and gives exit code 2', () => {
    let stderr = '';
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
    try {
      expect(reportUsage(new UsageError('--out needs a directory'))).toBe(2);
    } finally {
      e.mockRestore();
    }
    expect(stderr).toBe('error[MTC9004]: --out needs a directory\n');
  });

  it('`mtc build --format xml`', async () => {
    const r = await cli(['build', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error[MTC9004]: --format must be one of human, json, github, sarif, gitlab, not `xml`\n');
  });

  it('`mtc check --max-tokens many` and `--target x86`, through the built CLI', () => {
    const tokens = mtc(['check', '--max-tokens', 'many']);
    expect(tokens.code).toBe(2);
    expect(tokens.stderr).toBe('error[MTC9004]: --max-tokens takes a positive whole number, not `many`\n');
    const target = mtc(['check', '--target', 'x86']);
    expect(target.code).toBe(2);
    expect(target.stderr).toBe('error[MTC9004]: --target must be x-mig or tolerances, not `x86`\n');
  });

  it('`mtc simulate --qemu 12.0` reports it as a diagnostic', async () => {
    const r = await cli(['simulate', '--qemu', '12.0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC9004]: --qemu takes a QEMU release mtc models (10.0, 10.2, x-mig-series, 11.0, 11.1, or an exact version of a built-in tree), not `12.0`');
  });

  it('a valid value is accepted (the tests above can fail)', async () => {
    const root = tempProject({ 'rules/a.mtc': 'machine virt-10.1;\n' });
    const r = mtc(['check', '--max-tokens', '1000', '--target', 'tolerances', '--format', 'json'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(ioCodes.MTC9004).toMatchObject({ name: 'usage-error', severity: 'error' });
  });
});
