/**
 * The project root comes from the files given (the nearest directory above
 * them with rules/mtc.yaml, else the current directory when it contains
 * them, else their common ancestor), so `mtc check /elsewhere/file.mtc` works
 * from any directory; `--root` still overrides. `check -` and `fmt -` read
 * standard input, named by `--stdin-filename`, as editors need.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempProject } from '../helpers.js';
import { runBin } from '../support/cli.js';

const elsewhere = () => mkdtempSync(join(tmpdir(), 'mtc-elsewhere-'));
const BAD = 'machine virt-10.1 {\n  hide TCR2_EL7 { reason "x"; }\n}\n';

describe('the project root comes from the files given', () => {
  it('a file of a project with rules/mtc.yaml, checked from another directory: root is the project, includes reach its other folders', () => {
    const root = tempProject({
      'rules/mtc.yaml': 'released: []\n',
      'rules/a.mtc': 'include "../common/b.mtc";\nmachine virt-10.1 { hide TCR2_EL1 { reason "x"; } }\n',
      'common/b.mtc': BAD.replace('virt-10.1', 'virt-10.2'),
    });
    const r = runBin(['check', join(root, 'rules', 'a.mtc')], elsewhere());
    expect(r.stderr).not.toContain('outside the project root');
    expect(r.stderr).toContain(' --> common/b.mtc:2:8');
    expect(r.stderr).toContain('error[MTC2001]: unknown register `TCR2_EL7`');
    expect(r.code).toBe(1);
    // The same from inside rules/ with `.`: the root is still the project (paths shown from it).
    const inside = runBin(['check', '.'], join(root, 'rules'));
    expect(inside.stderr).toContain(' --> common/b.mtc:2:8');
  });

  it('a file without a project marker: the common ancestor of the inputs', () => {
    const a = tempProject({ 'x/a.mtc': BAD, 'y/b.mtc': 'machine virt-10.2 { hide TCR2_EL1 { reason "y"; } }\n' });
    const one = runBin(['check', join(a, 'x', 'a.mtc')], elsewhere());
    expect(one.stderr).toContain(' --> a.mtc:2:8');
    expect(one.code).toBe(1);
    const two = runBin(['check', join(a, 'x', 'a.mtc'), join(a, 'y', 'b.mtc')], elsewhere());
    expect(two.stderr).toContain(' --> x/a.mtc:2:8');
    expect(two.stderr).toContain('2 files checked');
  });

  it('an include that leaves the root found this way is still refused (MTC1016)', () => {
    const a = tempProject({ 'x/a.mtc': 'include "../y/b.mtc";\nmachine virt-10.1;\n', 'y/b.mtc': 'machine virt-10.2;\n' });
    const r = runBin(['check', join(a, 'x', 'a.mtc')], elsewhere());
    expect(r.stderr).toContain('error[MTC1016]: include `../y/b.mtc` leaves the project root');
    expect(r.code).toBe(1);
  });

  it('--root still overrides, and a path outside it is refused', () => {
    const a = tempProject({ 'x/a.mtc': 'machine virt-10.1;\n', 'y/b.mtc': 'machine virt-10.2;\n' });
    const r = runBin(['check', '--root', join(a, 'y'), join(a, 'x', 'a.mtc')], elsewhere());
    expect(r.stderr).toContain('is outside the project root');
    expect(r.stderr).toContain('= help: give paths inside the project, or a --root that contains them');
    expect(r.code).toBe(1);
    expect(runBin(['check', '--root', a, join(a, 'x', 'a.mtc')], elsewhere()).code).toBe(0);
  });

  it('build finds the root the same way (the shipped rules, built from another directory)', () => {
    const out = join(elsewhere(), 'out');
    const r = runBin(['build', join(process.cwd(), 'rules'), '--out', out], elsewhere());
    expect(r.stderr).toContain('wrote');
    expect(r.code).toBe(0);
    // Display paths (and so the generated files) are those of a build from the checkout itself.
    expect(readFileSync(join(out, 'mtc-build.json'), 'utf8')).toBe(readFileSync('out/mtc-build.json', 'utf8'));
  });
});

describe('check - reads standard input', () => {
  it('named by --stdin-filename, relative to the current directory: diagnostics, includes and root follow the name', () => {
    const root = tempProject({ 'rules/mtc.yaml': 'released: []\n', 'rules/common.mtc': 'machine virt-10.2;\n' });
    const r = runBin(['check', '-', '--stdin-filename', 'rules/a.mtc'], root, {}, 'include "common.mtc";\n' + BAD);
    expect(r.stderr).toContain(' --> rules/a.mtc:3:8');
    expect(r.stderr).toContain('3 |   hide TCR2_EL7 { reason "x"; }');
    expect(r.stderr).toContain('2 files checked: 1 error');
    expect(r.code).toBe(1);
  });

  it('the text on standard input replaces the file of that name on disk', () => {
    const root = tempProject({ 'rules/a.mtc': BAD });
    const r = runBin(['check', '-', '--stdin-filename', 'rules/a.mtc'], root, {}, 'machine virt-10.1 { hide TCR2_EL1 { reason "fixed"; } }\n');
    expect(r.stderr).toContain('1 file checked: 0 errors, 0 warnings');
    expect(r.code).toBe(0);
  });

  it('without --stdin-filename it is <stdin>', () => {
    const r = runBin(['check', '-', '--format', 'json'], elsewhere(), {}, BAD);
    expect(JSON.parse(r.stdout).diagnostics[0]).toMatchObject({ code: 'MTC2001', file: '<stdin>' });
    expect(r.code).toBe(1);
  });

  it('--stdin-filename without - is a usage error', () => {
    const r = runBin(['check', 'rules/', '--stdin-filename', 'a.mtc'], process.cwd());
    expect(r.stderr).toContain('error[MTC9004]: --stdin-filename names the text read from standard input; pass `-` as the path too');
    expect(r.code).toBe(2);
  });
});

describe('fmt - formats standard input to standard output', () => {
  const messy = 'machine   virt-10.1 {hide TCR2_EL1{reason "x";}}\n';
  const tidy = 'machine virt-10.1 {\n  hide TCR2_EL1 {\n    reason "x";\n  }\n}\n';

  it('writes the formatted text', () => {
    const r = runBin(['fmt', '-', '--stdin-filename', 'rules/a.mtc'], elsewhere(), {}, messy);
    expect(r.stdout).toBe(tidy);
    expect(r.code).toBe(0);
    expect(runBin(['fmt', '-'], elsewhere(), {}, tidy).stdout).toBe(tidy);
  });

  it('--check exits 1 and names the file when it is not formatted, 0 when it is', () => {
    const r = runBin(['fmt', '--check', '-', '--stdin-filename', 'rules/a.mtc'], elsewhere(), {}, messy);
    expect(r.stdout).toBe('rules/a.mtc\n');
    expect(r.code).toBe(1);
    expect(runBin(['fmt', '--check', '-'], elsewhere(), {}, tidy).code).toBe(0);
  });

  it('a syntax error: diagnostics on stderr, nothing on stdout, exit 1', () => {
    const r = runBin(['fmt', '-', '--stdin-filename', 'rules/a.mtc'], elsewhere(), {}, 'machine m {\n  hide ;\n}\n');
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(' --> rules/a.mtc:2:8');
    expect(r.stderr).toContain('error[MTC6003]: standard input has syntax errors; nothing was written');
    expect(r.code).toBe(1);
  });
});
