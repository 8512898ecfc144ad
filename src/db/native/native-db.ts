import { DevdbError } from '../../errors.js';
import { onEarlyExit } from '../../util/early-exit.js';
import type { Db, Queryable, StatementResult } from '../db.js';
import { DbError } from '../db-error.js';
import type * as PostgresAdapter from '../postgres-adapter.js';
import { QueryableDb } from '../queryable-db.js';
import { withDatabaseName } from '../url-host.js';
import { createNativeFolder, DATABASE, nativeDatabaseExists, nativeFolder, SUPERUSER, type NativeFolder } from './folder.js';
import { withFolderLock } from './folder-lock.js';
import { readPostmaster, requestStop, settledPostmaster, startPostmaster, untilStopping, type Postmaster } from './postmaster.js';

/**
 * A devdb command on a native folder. When `devdb start` runs the folder's server, the command
 * connects to it (through the Unix socket). When nothing runs, the command starts a server for
 * itself, on the socket only (listen_addresses empty, so no port can clash), and the last command
 * out stops it. The protocol, for commands running at the same time on one folder:
 *
 * - every command holds LEASE_KEY as a *shared* advisory lock on its connection for its lifetime;
 * - connecting (with taking the share), starting a server and stopping one all happen under the
 *   folder's start/stop lock (DataDirLock, the kernel-held lock PGlite folders use), held for
 *   milliseconds: no connection is ever being set up while a server is told to stop, and two
 *   commands never start two postmasters;
 * - on close, a command on a command-started server releases its share, then, under the lock, looks
 *   for shares held by any other session (pg_locks, every database): finding none, that command is
 *   the last one. It sends SIGINT (fast shutdown) and releases the lock once postmaster.pid says
 *   `stopping`, without waiting for the exit: the next start waits for the old postmaster instead;
 * - a command finding the server starting or stopping waits for it to be ready or gone, and one
 *   whose connection is nevertheless refused or cut starts over.
 * A server listening on TCP was started by `devdb start` and is never stopped by a command.
 *
 * An admin connection (work on databases as wholes: src/db/server-admin.ts) holds its share in
 * ADMIN_DATABASE, on its one connection: a command's share lives in the main database, which a
 * restore renames after ending every session on it. Background work (`devdb snapshot gc`: a
 * restore's spare, the replaced database's drop) is such a lease too, named as background work:
 * `devdb start` and `devdb stop` end it instead of waiting for it (the next restore's does it again).
 */
export const LEASE_KEY = 0x6465766462757365n; // "devdbuse"
/** The database admin connections use and hold their lease in: never copied, renamed or dropped by devdb. */
export const ADMIN_DATABASE = 'template1';
/** The application_name of a background lease's session. */
const BACKGROUND_APPLICATION = 'devdb background';
/** pg_locks shows a bigint advisory key as two halves, with objsubid 1. */
const LEASE_HOLDERS = `SELECT l.pid, coalesce(a.application_name = '${BACKGROUND_APPLICATION}', false) AS background
  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.classid = ${LEASE_KEY >> 32n} AND l.objid = ${LEASE_KEY & 0xffffffffn} AND l.objsubid = 1
    AND l.pid <> pg_backend_pid()`;

/** The sessions other than this one holding (or waiting for) a share of the lease, in any database; which are background work. */
export async function leaseHolders(q: Queryable): Promise<{ pid: number; background: boolean }[]> {
  return q.query<{ pid: number; background: boolean }>(LEASE_HOLDERS);
}
const ATTEMPTS = 5;

export interface NativeOpenOptions {
  /** The devdb command, for whoever finds the start/stop lock taken. */
  command?: string | undefined;
  /**
   * The database to work in (a branch's); the main database when absent. The lease is always held
   * in the main database, on a connection of its own when they differ: advisory locks belong to a
   * database, and the last command out must see the commands on every branch.
   */
  database?: string | undefined;
  /** lock_timeout for the command's statements (src/db/lock-wait.ts); the lease itself is taken without it. */
  lockTimeoutMs?: number | undefined;
  /**
   * An admin lease: connected to ADMIN_DATABASE, where the share is held (`database` is not used);
   * `background` for background work, which devdb start and stop end instead of waiting for.
   */
  admin?: 'command' | 'background' | undefined;
}

/** A command's connection to the folder's server (with its lease). */
export interface NativeLease extends Db {
  /**
   * At close, leave a server this command started running instead of stopping it last out: for a
   * process this one has just started that takes a lease of its own and is then the last one out
   * (a restore's `devdb snapshot gc`: src/snapshot/background.ts, whose shell stops the server
   * should it die). It spares a stop and the next process's start.
   */
  leaveServerRunning(): void;
}

/**
 * The lease a process opened before its command's modules loaded (openNativeEarly): once the
 * command asks for it, or it is let go.
 */
interface EarlyOpen {
  dataDir: string;
  options: NativeOpenOptions;
  lease: Promise<NativeLease | undefined>;
  taken: boolean;
}
let early: EarlyOpen | undefined;
/** How long a command has to take the lease opened early before it is closed (a prompt must not hold a server up). */
const TAKE_WITHIN_MS = 5_000;

/**
 * Opens the lease the command is expected to ask for, now, in the background: bin/run.js calls it
 * (src/cli/early-start.ts) before oclif and the command load, so a stopped folder's server starts,
 * and the first connection to it is made, meanwhile instead of after (docs/performance.md, issue 19). openNative hands it to the command when asked with the same options; a
 * process that does not take it closes it (letGoOfEarlyOpen: last out, the server it started
 * stops), as does an interruption (NativeDb's early-exit cleanup). A failure is left to the
 * command's own openNative, which reports it. Once per process, on a folder that has a database and no running server;
 * whether it opened.
 */
export function openNativeEarly(dataDir: string, options: NativeOpenOptions): boolean {
  // Only a stopped folder gains: on a running server the connection's own work is a few ms, and opening it early moved
  // postgres.js's load and the connection's JavaScript ahead of the command's modules on the same thread (measured: no gain).
  if (early || !nativeDatabaseExists(dataDir) || readPostmaster(nativeFolder(dataDir).cluster)) return false;
  const lease = openNative(dataDir, options).catch(() => undefined);
  early = { dataDir, options, lease, taken: false };
  setTimeout(() => void letGoOfEarlyOpen(), TAKE_WITHIN_MS).unref();
  return true;
}

/** Closes the lease opened early unless the command took it; once the command ends, nothing opened for it is left. */
export async function letGoOfEarlyOpen(): Promise<void> {
  if (!early || early.taken) return;
  early.taken = true;
  await (await early.lease)?.close();
}

/** The same lease: what it connects to, and the command named to whoever waits for it. */
function sameOpen(a: NativeOpenOptions, b: NativeOpenOptions): boolean {
  return (
    a.command === b.command &&
    a.admin === b.admin &&
    (a.admin !== undefined || (a.database ?? DATABASE) === (b.database ?? DATABASE)) &&
    a.lockTimeoutMs === b.lockTimeoutMs
  );
}

/** Connects to the folder's server, starting one for this command when none runs, and making the folder first when it is new. */
export async function openNative(dataDir: string, options: NativeOpenOptions = {}): Promise<NativeLease> {
  const opened = early;
  if (opened && !opened.taken && opened.dataDir === dataDir) {
    opened.taken = true;
    const lease = await opened.lease;
    if (lease && sameOpen(opened.options, options)) return lease;
    // Another lease than the one guessed: this one is taken first, so that a server the early one started stays up for it.
    const own = await openNative(dataDir, options);
    await lease?.close();
    return own;
  }
  // The driver loads while the server starts, not before.
  const driver = import('../postgres-adapter.js');
  driver.catch(() => {});
  for (let attempt = 1; ; attempt++) {
    const db = await withFolderLock(dataDir, options.command, async () => {
      const folder = nativeDatabaseExists(dataDir) ? nativeFolder(dataDir) : createNativeFolder(dataDir);
      // Interrupted before its lease is taken, a process stops the server it started (once started): under the folder
      // lock it holds, nobody else can have a lease on it yet. The lease, once taken, has its own cleanup.
      let starting: Promise<Postmaster> | undefined;
      const forget = onEarlyExit(async () => {
        const started = await starting?.catch(() => undefined);
        if (started) requestStop(started.pid);
      });
      try {
        const settled = await settledPostmaster(folder.cluster);
        const running = settled ?? (await (starting = startForCommands(folder)));
        return await lease(folder, running, options, driver);
      } finally {
        forget();
      }
    });
    if (db) return db;
    if (attempt === ATTEMPTS) {
      throw new DevdbError('E_CONNECT', `The PostgreSQL server of ${dataDir} kept stopping while devdb connected: see its server.log.`);
    }
  }
}

/** The socket-only server a command starts when none runs. */
async function startForCommands(folder: NativeFolder): Promise<Postmaster> {
  await startPostmaster(folder, { detached: true });
  const running = readPostmaster(folder.cluster);
  if (!running) throw new DevdbError('E_CONNECT', `PostgreSQL stopped right after it started: see ${folder.logFile}.`);
  return running;
}

/** The unix socket file of a running postmaster. */
export function socketOf(running: Postmaster): string {
  return `${running.socketDir}/.s.PGSQL.${running.port}`;
}

/** The URL of the folder's superuser; the socket (or host) is given beside it. */
export function superuserUrl(folder: NativeFolder, host = 'localhost', port = 5432): string {
  const where = host.includes(':') ? `[${host}]` : host;
  return `postgres://${SUPERUSER}:${encodeURIComponent(folder.password)}@${where}:${port}/${DATABASE}`;
}

/** A libpq URL (psql) that reaches the running server through its Unix socket folder, password included. */
export function socketUrl(folder: NativeFolder, running: Postmaster): string {
  return `${superuserUrl(folder, 'localhost', running.port)}?host=${encodeURIComponent(running.socketDir)}`;
}

/** Connects through the socket and takes a share of the lease; undefined when the server went away meanwhile. */
async function lease(
  folder: NativeFolder,
  running: Postmaster,
  options: NativeOpenOptions,
  driver: Promise<typeof PostgresAdapter>,
): Promise<NativeLease | undefined> {
  const { command, database = DATABASE, lockTimeoutMs, admin } = options;
  const leaseIn = admin ? ADMIN_DATABASE : DATABASE;
  const { openPostgres } = await driver;
  // The command's work runs on this connection too unless it is an admin's or the work is in a branch's database.
  const arrayTypes = !admin && database === DATABASE;
  let inner: Db;
  try {
    inner = await openPostgres(withDatabaseName(superuserUrl(folder), leaseIn), {
      socket: socketOf(running),
      location: folder.dataDir,
      arrayTypes,
    });
  } catch (error) {
    if (isGoneError(error)) return undefined;
    throw error;
  }
  let work = inner;
  try {
    await inner.query('SELECT pg_advisory_lock_shared($1::bigint)', [LEASE_KEY.toString()]);
    if (admin === 'background') {
      // A killed background process's statement ends within the interval instead of running (holding its share) to its end.
      await inner.query(
        `SELECT set_config('application_name', $1, false), set_config('client_connection_check_interval', '500ms', false)`,
        [BACKGROUND_APPLICATION],
      );
    }
    if (!admin && database !== DATABASE) {
      const url = withDatabaseName(superuserUrl(folder), database);
      work = await openPostgres(url, { socket: socketOf(running), location: `${folder.dataDir} (database ${database})`, lockTimeoutMs });
    } else if (lockTimeoutMs !== undefined) {
      // Set after the lease: a shared lease waits for nobody's lock_timeout (the last command out holds it only for a moment).
      await inner.query(`SELECT set_config('lock_timeout', $1, false)`, [`${Math.max(1, lockTimeoutMs)}ms`]);
    }
  } catch (error) {
    await inner.close().catch(() => {});
    if (isGoneError(error)) return undefined;
    throw error;
  }
  return new NativeDb(work, inner, folder, running.listen === '' ? running.pid : undefined, command);
}

const GONE = [
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P02',
  '57P03',
];

/** The server stopped or is stopping: the socket is gone or refuses, or the connection was ended by a shutdown. */
function isGoneError(error: unknown): boolean {
  if (error instanceof DbError) return ['57P01', '57P02', '57P03'].includes(error.code);
  const reason = (error as DevdbError).details?.reason ?? (error as NodeJS.ErrnoException).code;
  return GONE.includes(String(reason));
}

class NativeDb extends QueryableDb implements NativeLease {
  readonly engine = 'postgres' as const;
  private leftRunning = false;
  private closing: Promise<void> | undefined;
  /** Unregisters the early-exit cleanup: a process interrupted with this lease open still lets go of it. */
  private readonly forget: () => void;
  readonly capabilities: Db['capabilities'];
  readonly locks: Db['locks'];
  readonly location: string;

  constructor(
    private readonly inner: Db,
    /** The connection holding the lease: `inner` itself, or one to the main database when `inner` works in a branch's. */
    private readonly leaseHolder: Db,
    private readonly folder: NativeFolder,
    /** The postmaster a command started (socket only), which the last command out stops; undefined for devdb start's. */
    private readonly commandServer: number | undefined,
    private readonly command: string | undefined,
  ) {
    super(inner);
    this.capabilities = inner.capabilities;
    this.locks = inner.locks;
    this.location = inner.location;
    // What runs there is cancelled first: an open transaction rolls back, and the unlock is not queued behind it.
    this.forget = onEarlyExit(async () => {
      await this.cancel().catch(() => false);
      await this.close();
    });
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.inner.transaction(fn);
  }

  run(text: string): Promise<StatementResult[]> {
    return this.inner.run(text);
  }

  cancel(): Promise<boolean> {
    return this.inner.cancel();
  }

  leaveServerRunning(): void {
    this.leftRunning = true;
  }

  /** Once: the command's own close and an interrupted process's cleanup may both ask. */
  close(): Promise<void> {
    this.closing ??= this.letGo();
    return this.closing;
  }

  private async letGo(): Promise<void> {
    this.forget();
    const pid = this.commandServer;
    // Left running: the share goes with the connection.
    if (pid !== undefined && !this.leftRunning) {
      try {
        // The share goes first: a devdb start waiting for it (holding the lock) must not wait for this command.
        // Then, under the lock (no share is taken meanwhile), the last one finds no other share in any database.
        await this.leaseHolder.query('SELECT pg_advisory_unlock_shared($1::bigint)', [LEASE_KEY.toString()]);
        await withFolderLock(this.folder.dataDir, this.command, async () => {
          if ((await leaseHolders(this.leaseHolder)).length > 0) return;
          requestStop(pid);
          await untilStopping(this.folder.cluster, pid);
        });
      } catch {
        // The server is stopping already (another command was last, or devdb start took it over).
      }
    }
    if (this.leaseHolder !== this.inner) await this.leaseHolder.close().catch(() => {});
    await this.inner.close().catch(() => {});
  }
}
