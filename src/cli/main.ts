#!/usr/bin/env node
/**
 * mtc command line. Each command lives in commands/<name>.ts (its flags,
 * reading its inputs, calling the stages, rendering, its exit code);
 * commands/index.ts loads only the module of the command being run, so that
 * start-up (felt in editors and pre-commit hooks) pays only for that one.
 *
 * Exit codes: 0 success (warnings allowed), 1 the input has errors or the
 * checked property fails, 2 usage or internal error.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { VERSION } from '../version.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command();
  program
    .name('mtc')
    .description('machine-type compat rule compiler for QEMU ARM64 live migration across host kernels')
    .version(VERSION)
    .showHelpAfterError('(run `mtc --help` for usage)')
    .exitOverride();
  let exitCode = 0;
  await registerCommands(
    program,
    (code) => {
      exitCode = code;
    },
    argv,
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`error[MTC9001]: internal error: ${msg}\n  = help: this is a bug in mtc; please report it with the input that caused it\n`);
    return 2;
  }
  return exitCode;
}
