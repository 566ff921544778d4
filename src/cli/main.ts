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
import { deliverDeferredSignals } from '../util/signals.js';

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

// Run when executed directly (the `mtc` bin), not when imported by tests.
const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${(await import('node:fs')).realpathSync(process.argv[1])}`).href;
if (invokedDirectly) {
  // A reader that goes away (`mtc simulate | head -1`, `mtc check -f json | head`) ends the output,
  // not the command: no stack trace, and the command's own exit code.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // A signal that arrived while the output directory was being changed
  // (src/emit/out-dir.ts defers them) still ends the process, now.
  await deliverDeferredSignals();
}
