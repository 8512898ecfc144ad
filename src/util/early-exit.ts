/**
 * What a process undoes when it is made to exit before its command unwinds (Ctrl-C while no
 * database is open through the command, or the command not unwinding in time): a native server
 * lease whose holder is last out stops the server it started, instead of leaving it running with
 * nobody to stop it. Engines register here (src/db); the interrupt handler (src/cli) runs them.
 */
const cleanups = new Set<() => Promise<unknown>>();

/** Registers `cleanup`; the function returned unregisters it (call it once the resource is closed). */
export function onEarlyExit(cleanup: () => Promise<unknown>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

export function earlyExitPending(): boolean {
  return cleanups.size > 0;
}

/** Runs every registered cleanup at once, for at most `timeoutMs`; none fails the exit. */
export async function runEarlyExitCleanups(timeoutMs: number): Promise<void> {
  const running = [...cleanups].map((cleanup) => cleanup().catch(() => {}));
  cleanups.clear();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([Promise.all(running), deadline]);
  clearTimeout(timer);
}
