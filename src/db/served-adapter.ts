import type { Db, Queryable, SessionLocks } from './db.js';
import { LockChannel } from './lock-channel.js';
import { QueryableDb } from './queryable-db.js';
import { openPostgres } from './postgres-adapter.js';

/**
 * The embedded database while `devdb start` serves it: a postgres.js connection to the served
 * URL, plus the lock service on the folder's lock socket for advisory locks (every client of the
 * served database shares one PGlite session, where pg_try_advisory_lock cannot exclude anyone).
 */
export async function openServed(dataDir: string, url: string): Promise<Db> {
  return wrapServed(await openPostgres(url), dataDir, url);
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
    super(inner);
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
    return this.inner.transaction(fn);
  }

  async close(): Promise<void> {
    this.channel?.close();
    await this.inner.close();
  }
}
