import { DataDirLock } from '../data-dir-lock.js';

/**
 * How long a command waits for another one that is creating, starting or stopping the folder's
 * server: initdb takes a few seconds, and `devdb start` may wait for running commands to finish
 * before it restarts their server on TCP.
 */
const WAIT_MS = 90_000;

/** Runs `fn` holding the folder's start/stop lock (the same kernel-held lock PGlite folders use). */
export async function withFolderLock<T>(
  dataDir: string,
  command: string | undefined,
  fn: () => T | Promise<T>,
  waitMs = WAIT_MS,
): Promise<T> {
  const lock = await DataDirLock.acquire(dataDir, { waitMs, ...(command ? { command } : {}) });
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
