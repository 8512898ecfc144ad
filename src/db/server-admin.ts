import type { Db } from './db.js';
import { DATABASE, nativeFolder } from './native/folder.js';
import { openNative, socketOf, superuserUrl, type NativeLease } from './native/native-db.js';
import { readPostmaster } from './native/postmaster.js';
import type { Target } from './target.js';
import { databaseOf, withDatabaseName } from './url-host.js';
import { DevdbError } from '../errors.js';

/** A target whose databases live on a PostgreSQL server: a native folder's, or a server's by URL. */
export type ServerTarget = Extract<Target, { engine: 'native' | 'postgres' }>;

/**
 * A connection for work on a server's databases as wholes (copy, rename, drop: src/db/databases.ts).
 * It is never connected to a database devdb copies or renames: on a native folder, and beside a
 * server's `postgres` database, it uses `template1`; otherwise `postgres`.
 */
export interface ServerAdmin {
  db: Db;
  /** The project's main database on that server (the native engine's `postgres`, or the URL's). */
  main: string;
  /** The database `target` names (its branch's). */
  database: string;
  /** A connection of this process to another database on that server, as the same user. */
  connect(database: string): Promise<Db>;
  /** On a native folder: leave the server this command started running at close (src/db/native/native-db.ts, NativeLease). */
  leaveServerRunning?(): void;
  close(): Promise<void>;
}

export async function openServerAdmin(target: ServerTarget, command = 'devdb'): Promise<ServerAdmin> {
  if (target.engine === 'postgres') return openUrlAdmin(target);
  // The lease keeps a server the commands started from stopping under this work (src/db/native/native-db.ts); an admin
  // lease is held on the admin connection itself, in template1, so no copy or rename of the main database is in its way.
  return nativeAdmin(target, await openNative(target.dataDir, { command, admin: 'command' }));
}

/**
 * An admin connection for background work (`devdb snapshot gc`). On a native folder it is a lease
 * like a command's, marked as background work (devdb start and stop end it rather than wait),
 * starting the socket-only server when none runs and stopping it on close when it is the last one out.
 */
export async function openBackgroundServerAdmin(target: ServerTarget, command = 'devdb snapshot gc'): Promise<ServerAdmin> {
  if (target.engine === 'postgres') return openUrlAdmin(target);
  return nativeAdmin(target, await openNative(target.dataDir, { command, admin: 'background' }));
}

/** The admin of a native folder's server, on `lease`: an admin lease (in template1) whose close is the last-out rule. */
async function nativeAdmin(target: Extract<ServerTarget, { engine: 'native' }>, lease: NativeLease): Promise<ServerAdmin> {
  const folder = nativeFolder(target.dataDir);
  const running = readPostmaster(folder.cluster);
  if (!running) {
    await lease.close();
    throw new DevdbError('E_CONNECT', `The PostgreSQL server of ${target.dataDir} stopped: run the command again.`);
  }
  const { openPostgres } = await import('./postgres-adapter.js');
  const connect = (database: string) =>
    openPostgres(withDatabaseName(superuserUrl(folder), database), { socket: socketOf(running), location: target.dataDir });
  return {
    db: lease,
    main: DATABASE,
    database: target.database ?? DATABASE,
    connect,
    leaveServerRunning: () => lease.leaveServerRunning(),
    close: () => lease.close().catch(() => {}),
  };
}

async function openUrlAdmin(target: Extract<Target, { engine: 'postgres' }>): Promise<ServerAdmin> {
  const mainUrl = target.branch?.main ?? target.url;
  const main = databaseOf(mainUrl);
  const candidates = main === 'postgres' ? ['template1'] : ['postgres', 'template1'];
  const { openPostgres } = await import('./postgres-adapter.js');
  let admin: Db | undefined;
  let lastError: unknown;
  for (const name of candidates) {
    try {
      admin = await openPostgres(withDatabaseName(mainUrl, name), { arrayTypes: false });
      break;
    } catch (error) {
      lastError = error;
      // Not allowed into that database (or it is gone): try the next; anything else (the server is down) is final.
      const reason = (error as DevdbError).details?.reason;
      if (!(error instanceof DevdbError) || !['3D000', '28000', '42501'].includes(String(reason))) throw error;
    }
  }
  if (!admin) throw lastError instanceof Error ? lastError : new Error(String(lastError));
  return {
    db: admin,
    main,
    database: databaseOf(target.url),
    connect: (database) => openPostgres(withDatabaseName(mainUrl, database)),
    close: () => admin.close(),
  };
}
