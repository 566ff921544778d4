/**
 * Every command through the bundled CLI that users run (package.json `bin`),
 * on the shipped rules: the bundle moves modules into chunks, so anything that
 * finds files relative to its own module must still find them.
 */
import { describe, expect, it } from 'vitest';
import { runBin } from '../support/cli.js';

function mtc(...args: string[]) {
  const r = runBin(args);
  return { code: r.code, out: r.stdout + r.stderr };
}

describe('the bundled CLI runs every command', () => {
  const cases: [string, string[], number, string][] = [
    ['check', ['check', 'rules/'], 0, '0 errors'],
    ['check sarif', ['check', 'rules/', '--format', 'sarif'], 0, '"version": "2.1.0"'],
    ['build --check', ['build', '--check'], 0, 'up to date'],
    ['simulate', ['simulate', '--machine', 'virt-10.1'], 0, 'virt-10.1'],
    ['simulate --policy', ['simulate', '--policy', 'examples/policy.yaml'], 0, 'Policy: passed'],
    ['diff', ['diff', '--base', 'HEAD'], 0, 'mtc diff'],
    ['decode', ['decode', 'TCR2_EL1'], 0, '0x603000000013c103'],
    ['explain', ['explain', 'test/fixtures/catalog/seed-002-migration.log', '--machine', 'virt-10.1'], 0, 'Rule to add'],
    ['explain a code', ['explain', 'MTC2001'], 0, 'MTC2001 unknown-register'],
    ['codes', ['codes'], 0, 'MTC3004'],
    ['fmt --check', ['fmt', '--check', 'rules/'], 0, ''],
    ['help', ['--help'], 0, 'Commands:'],
  ];
  for (const [name, args, code, text] of cases) {
    it(name, () => {
      const r = mtc(...args);
      expect(r.out).not.toContain('error[MTC9001]'); // no internal error
      expect(r.out).toContain(text);
      expect(r.code).toBe(code);
    });
  }
});
