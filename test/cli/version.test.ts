import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runBin } from '../support/cli.js';
import { VERSION } from '../../src/version.js';
import { Command } from 'commander';
import { registerCommands } from '../../src/cli/commands/index.js';

describe('version', () => {
  it('src/version.ts matches package.json, and the bundled CLI prints it', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    const r = runBin(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--version alone registers no command (their modules stay unloaded); with --help or a command it does', async () => {
    const registered = async (argv: string[]) => {
      const program = new Command();
      await registerCommands(program, () => {}, argv);
      return program.commands.map((c) => c.name());
    };
    expect(await registered(['--version'])).toEqual([]);
    expect(await registered(['-V'])).toEqual([]);
    expect(await registered(['--version', '--help'])).toContain('fmt');
    expect(await registered(['check', '--version'])).toEqual(['check']);
    expect(await registered([])).toContain('check');
  });
});
