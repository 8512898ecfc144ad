import { DevdbError } from '../errors.js';
import { sqlState } from './db-error.js';
import type { CopySource, CopyTarget, Db, Queryable, Row, SessionLocks, StatementResult } from './db.js';
import { LockChannel } from './lock-channel.js';
import { QueryableDb } from './queryable-db.js';
import { openPostgres } from './postgres-adapter.js';

/**
 * The embedded database while `devdb start` serves it: a postgres.js connection to the served
 * URL, plus the lock service on the folder's lock socket for advisory locks (every client of the
 * served database shares one PGlite session, where pg_try_advisory_lock cannot exclude anyone).
 */
export async function openServed(dataDir: string, url: string): Promise<Db> {
  return wrapServed(await openPostgres(url).catch(rethrowBusy), dataDir, url);
}

/**
 * The served database answers SQLSTATE 55P03 when another client has held its one session (an open
 * transaction) for longer than its session wait; devdb's own error code for a wait it gave up on.
 * Other errors pass unchanged.
 */
export function rethrowBusy(error: unknown): never {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (sqlState(error) !== '55P03' && sqlState(cause) !== '55P03') throw error;
  throw new DevdbError(
    'E_LOCK_TIMEOUT',
    'Another client holds the served database (SQLSTATE 55P03): try again when it has finished, or use the native engine (--engine postgres), where clients do not take turns.',
    { cause: error, details: { sqlState: '55P03' } },
  );
}

/** Every statement method of `inner`, with the served database's busy answer said as such. */
function busyAware(inner: Queryable): Queryable {
  return {
    query: <T extends Row = Row>(text: string, params?: readonly unknown[]) => inner.query<T>(text, params).catch(rethrowBusy),
    exec: (text: string) => inner.exec(text).catch(rethrowBusy),
    copyFrom: (table: CopyTarget, columns: readonly string[], source: CopySource) =>
      inner.copyFrom(table, columns, source).catch(rethrowBusy),
  };
}

/** A connection already open to the served URL, given its folder's lock service. */
export function wrapServed(inner: Db, dataDir: string, url: string): Db {
  return new ServedDb(inner, `${dataDir} (served at ${url})`, dataDir);
}

class ServedDb extends QueryableDb implements Db {
  readonly engine = 'pglite' as const;
  readonly capabilities = { inProcess: false, sharedSession: true, indexBuildMemory: '64MB' };
  readonly locks: SessionLocks;
  private channel: LockChannel | undefined;

  constructor(
    private readonly inner: Db,
    readonly location: string,
    dataDir: string,
  ) {
    super(busyAware(inner));
    this.locks = {
      tryLock: async (key) => {
        this.channel ??= (await LockChannel.open(dataDir)).channel;
        return (await this.channel.request<{ locked: boolean }>({ op: 'lock', key: key.toString() })).locked;
      },
      unlock: async (key) => {
        await this.channel?.request({ op: 'unlock', key: key.toString() });
      },
      // The lock service knows the holding socket, not a server session to name.
      holder: () => Promise.resolve(undefined),
    };
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.inner.transaction(fn).catch(rethrowBusy);
  }

  run(text: string): Promise<StatementResult[]> {
    return this.inner.run(text).catch(rethrowBusy);
  }

  cancel(): Promise<boolean> {
    return this.inner.cancel();
  }

  async close(): Promise<void> {
    this.channel?.close();
    await this.inner.close();
  }
}
