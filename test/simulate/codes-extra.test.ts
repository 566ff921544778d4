/**
 * `mtc simulate` codes that had no test of their own: MTC4002 (a host profile
 * cannot be read), MTC4007 (no hosts) and MTC4008 (two hosts with one name).
 * Each is checked on the diagnostics `simulate()` fails with and on what the
 * command prints.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/cli.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { simulateCodes } from '../../src/simulate/codes.js';
import { simulate, type SimulateCliOptions } from '../../src/cli/commands/simulate.js';
import { loadHosts } from '../../src/simulate/hosts.js';
import { where } from '../helpers.js';
import { fixtureDir, seedsBuild } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mtc-sim-codes-'));

/** The diagnostics `simulate()` fails with; fails the test when it does not fail. */
function failure(opts: SimulateCliOptions): Diagnostic[] {
  try {
    simulate(opts);
  } catch (e) {
    const diags = (e as { diagnostics?: Diagnostic[] }).diagnostics;
    expect(diags, String(e)).toBeDefined();
    return diags!;
  }
  expect.fail('simulate() did not fail');
}

const cli = runMain;

describe('MTC4002 bad-host-profile', () => {
  it('a --hosts path that does not exist', async () => {
    const p = join(dir, 'no-such-host.yaml');
    const diags = failure({ build: seedsBuild, hosts: [p] });
    expect(diags).toEqual([
      {
        code: 'MTC4002',
        severity: simulateCodes.MTC4002.severity,
        file: p,
        message: `\`${p}\` is neither a host profile file, a directory of them, nor a built-in host`,
        help: expect.stringMatching(/^built-in hosts: .*n1-6\.12/),
      },
    ]);
    expect(where(diags[0]!)).toBe('-');

    const r = await cli(['simulate', '--build', seedsBuild, '--hosts', p]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[MTC4002]: \`${p}\` is neither a host profile file`);
  });

  it('the fixture hosts load (the test above can fail)', () => {
    const r = loadHosts([fixtureDir + 'hosts']);
    expect(r.diagnostics).toEqual([]);
    expect(r.hosts.map((h) => h.name)).toEqual(['cap-new', 'cap-old']);
  });
});

describe('MTC4007 no-hosts', () => {
  it('--hosts names a directory without profile files', async () => {
    const empty = join(dir, 'empty-hosts');
    mkdirSync(empty);
    writeFileSync(join(empty, 'README.md'), 'not a profile\n');
    const diags = failure({ build: seedsBuild, hosts: [empty] });
    expect(diags).toEqual([
      { code: 'MTC4007', severity: simulateCodes.MTC4007.severity, message: 'no hosts to simulate', help: 'give profile files or directories with --hosts' },
    ]);
    expect(where(diags[0]!)).toBe('-');

    const r = await cli(['simulate', '--build', seedsBuild, '--hosts', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC4007]: no hosts to simulate');
    expect(r.stderr).toContain('= help: give profile files or directories with --hosts');
  });
});

describe('MTC4008 duplicate-host', () => {
  it('two captured lists that give the same host name', async () => {
    const a = join(dir, 'dup-a.json');
    const b = join(dir, 'dup-b.json');
    writeFileSync(a, JSON.stringify({ name: 'twin', kernel: '6.12', registers: ['0x603000000013c000'] }));
    writeFileSync(b, JSON.stringify({ name: 'twin', kernel: '6.13', registers: ['0x603000000013c000'] }));
    const diags = failure({ build: seedsBuild, hosts: [a, b] });
    expect(diags).toEqual([
      {
        code: 'MTC4008',
        severity: simulateCodes.MTC4008.severity,
        message: 'two host profiles are named `twin`',
        help: 'host names must be unique; rename one profile',
      },
    ]);
    expect(where(diags[0]!)).toBe('-');

    const r = await cli(['simulate', '--build', seedsBuild, '--hosts', a, b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[MTC4008]: two host profiles are named `twin`');
    expect(r.stderr).toContain('= help: host names must be unique; rename one profile');
  });

  it('different names simulate (the test above can fail)', () => {
    const a = join(dir, 'uniq-a.json');
    const b = join(dir, 'uniq-b.json');
    writeFileSync(a, JSON.stringify({ name: 'one', kernel: '6.12', registers: ['0x603000000013c000'] }));
    writeFileSync(b, JSON.stringify({ name: 'two', kernel: '6.13', registers: ['0x603000000013c000'] }));
    const run = simulate({ build: seedsBuild, hosts: [a, b], machine: ['bare'], format: 'json' });
    expect(JSON.parse(run.output).hosts.map((h: { name: string }) => h.name)).toEqual(['one', 'two']);
  });
});
