/**
 * Runs the CLI as the `mtc` process: the exit code, quiet EPIPE, deferred
 * signals. The code-cached bundle that the `mtc` launcher loads
 * (scripts/launcher.cjs, see scripts/bundle.mjs) calls runCli; run directly
 * (`node dist/cli/run-cli.js …`), this module runs it itself.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { main } from './main.js';
import { deliverDeferredSignals } from '../util/signals.js';

export async function runCli(argv: readonly string[]): Promise<void> {
  // A reader that goes away (`mtc simulate | head -1`, `mtc check -f json | head`) ends the output,
  // not the command: no stack trace, and the command's own exit code.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
  const code = await main(argv);
  process.exitCode = code;
  // A signal that arrived while the output directory was being changed
  // (src/emit/out-dir.ts defers them) still ends the process, now.
  await deliverDeferredSignals();
}

/**
 * Builds the parser and runs the check path once on an in-memory sample, for
 * the start-up snapshot (scripts/snapshot.cjs); loaded only then.
 */
export async function warmUp(): Promise<string> {
  const { warmUp: run } = await import('./warm-up.js');
  return await run();
}

// Run when executed directly (dist/cli/run-cli.js), not when the launcher loads the bundle or tests import it.
// No top-level await: the launcher's bundle is a script (see scripts/bundle.mjs).
function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false; // argv[1] is no file (a start-up snapshot's argument, a removed script)
  }
}
if (invokedDirectly()) void runCli(process.argv.slice(2));
