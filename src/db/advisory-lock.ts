import { DevdbError } from '../errors.js';
import type { Db, LockSession } from './db.js';

export interface AdvisoryLockOptions {
  /** How long to wait for another holder, in milliseconds. */
  timeoutMs: number;
  /** What the lock protects, for the timeout message. */
  purpose: string;
  pollMs?: number;
}

/**
 * Holds a session-level advisory lock around `fn`. It polls the Db's `tryLock` (pg_try_advisory_lock
 * on a server) rather than blocking, so that the wait is bounded on every engine and never trips
 * statement timeouts.
 */
export async function withAdvisoryLock<T>(db: Db, key: bigint, options: AdvisoryLockOptions, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 100;
  for (;;) {
    if (await db.locks.tryLock(key)) break;
    if (Date.now() >= deadline) throw timeoutError(await db.locks.holder(key), options);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await fn();
  } finally {
    await db.locks.unlock(key);
  }
}

function timeoutError(holder: LockSession | undefined, options: AdvisoryLockOptions): DevdbError {
  const waited = `for over ${Math.round(options.timeoutMs / 1000)} s`;
  if (!holder) {
    return new DevdbError(
      'E_LOCK_TIMEOUT',
      `Another session has been ${options.purpose} ${waited}: wait for it to finish, or raise --lock-timeout.`,
    );
  }
  return new DevdbError('E_LOCK_TIMEOUT', `Another session has been ${options.purpose} ${waited}: ${sessionAdvice(holder)}`, {
    details: { holder },
  });
}

/**
 * The session that holds a lock, and the three ways out: "server process 123 (application psql, ...).
 * Wait for it, raise --lock-timeout, or ... pg_terminate_backend(123);". `holds` names what it holds.
 */
export function sessionAdvice(holder: LockSession, holds?: string): string {
  const who = [
    holder.application ? `application ${holder.application}` : undefined,
    holder.user ? `user ${holder.user}` : undefined,
    holder.client ? `from ${holder.client}` : undefined,
    holder.state ? `state "${holder.state}"${holder.since ? ` since ${holder.since}` : ''}` : undefined,
    holds ? `holding ${holds}` : undefined,
    holder.query ? `last query: ${holder.query.replace(/\s+/g, ' ').trim()}` : undefined,
  ].filter(Boolean);
  return `server process ${holder.pid} (${who.join(', ')}). Wait for it, raise --lock-timeout, or, if that process is dead or stuck, end it with SELECT pg_terminate_backend(${holder.pid});`;
}
