/**
 * Ctrl-C during a benchmark still removes what the run created (temp dirs, databases, the
 * server process): cleanups registered here run, bounded in time, before the process exits 130.
 */
const cleanups = new Set<() => Promise<unknown>>();
const cleanupTimeoutMs = 20_000;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: cleaning up (Ctrl-C again to quit at once)\n');
    process.once('SIGINT', () => process.exit(130));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, cleanupTimeoutMs).unref());
    void Promise.race([Promise.allSettled([...cleanups].map((cleanup) => cleanup())), timeout]).then(() => process.exit(130));
  });
}

/** Registers `cleanup` for an interrupt; call the returned function once it has run normally. */
export function onInterrupt(cleanup: () => Promise<unknown>): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
