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
 * Lets a deferred signal be delivered before the process exits: a timer that
 * is not yet due makes the event loop poll, which reads a pending signal at
 * once (no wait when there is one; a few milliseconds otherwise). A no-op when
 * nothing was deferred.
 */
export async function deliverDeferredSignals(): Promise<void> {
  if (!deferred) return;
  await new Promise((resolve) => setTimeout(resolve, 10));
}
