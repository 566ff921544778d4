/**
 * Deferring SIGINT, SIGTERM and SIGHUP around a change that must not stop
 * halfway (the output transaction of `mtc build`, src/emit/out-dir.ts).
 *
 * The change runs synchronously, so once a listener is installed Node delivers
 * a signal that arrives during it only afterwards, from the event loop. The
 * listener then restores the default action and raises the signal again, so
 * the process ends as it would have, only after the change is complete (or
 * rolled back) and the lock released.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let deferred = false;

export function deferSignals(): void {
  if (deferred) return;
  deferred = true;
  for (const sig of SIGNALS)
    process.on(sig, () => {
      for (const s of SIGNALS) process.removeAllListeners(s);
      process.kill(process.pid, sig);
    });
}

/**
 * Lets a deferred signal be delivered before the process exits. A signal
 * that arrived during the change is waiting in libuv's signal pipe; the event
 * loop reads it in its poll phase. An immediate runs only after a poll phase,
 * so awaiting one guarantees the pipe was read (a timer alone does not: under
 * load a due timer runs before the poll, and the process could exit first).
 * The short timer after it covers a signal still on its way. A no-op when
 * nothing was deferred.
 */
export async function deliverDeferredSignals(): Promise<void> {
  if (!deferred) return;
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 10));
}
