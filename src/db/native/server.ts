import { DevdbError } from '../../errors.js';
import { endSessions } from '../databases.js';
import type { Db } from '../db.js';
import { openPostgres } from '../postgres-adapter.js';
import { createNativeFolder, nativeDatabaseExists, nativeFolder, type NativeFolder } from './folder.js';
import { withFolderLock } from './folder-lock.js';
import { leaseHolders, socketOf, superuserUrl } from './native-db.js';
import {
  readPostmaster,
  requestStop,
  settledPostmaster,
  startPostmaster,
  untilStopping,
  waitForExit,
  type Postmaster,
  type Spawned,
} from './postmaster.js';

/**
 * The server `devdb start` runs for a native folder: listening on TCP as well as on its socket,
 * never stopped by a command, stopped by `devdb stop` (or Ctrl-C when attached). A server a
 * command started for itself (socket only) is taken over: `devdb start` waits until no command
 * uses it (background work is ended instead: src/db/native/native-db.ts), stops it and starts its own.
 */
export interface NativeServerOptions {
  host: string;
  port: number;
  /** false: attached to this process (devdb start --foreground), its log on stderr. */
  detached: boolean;
  command?: string | undefined;
  /** More server settings (`-c name=value`). */
  settings?: Record<string, string> | undefined;
}

export interface NativeServer {
  folder: NativeFolder;
  postmaster: Postmaster;
  /** A devdb start server was running already: nothing was started. */
  alreadyRunning: boolean;
  /** The process this call started (attached or not); undefined when it was already running. */
  spawned: Spawned | undefined;
}

/** How long `devdb stop` waits for the fast shutdown. */
export const STOP_TIMEOUT_MS = 30_000;
/** How long `devdb start` waits for the commands using a command-started server to finish. */
const TAKEOVER_TIMEOUT_MS = 60_000;

/** A server listening on TCP is devdb start's; one on its socket only was started by a command. */
export function startedByCommand(running: Postmaster): boolean {
  return running.listen === '';
}

export async function startNativeServer(dataDir: string, options: NativeServerOptions): Promise<NativeServer> {
  return withFolderLock(dataDir, options.command, async () => {
    const folder = nativeDatabaseExists(dataDir) ? nativeFolder(dataDir) : createNativeFolder(dataDir);
    let running = await settledPostmaster(folder.cluster);
    if (running && !startedByCommand(running)) {
      if (!options.detached) {
        throw new DevdbError(
          'E_DATA_DIR_IN_USE',
          `The server for ${dataDir} already runs (pid ${running.pid}, port ${running.port}): stop it with devdb stop first.`,
        );
      }
      return { folder, postmaster: running, alreadyRunning: true, spawned: undefined };
    }
    if (running) await takeOver(folder, running);
    const spawned = await startPostmaster(folder, {
      tcp: { host: options.host, port: options.port },
      detached: options.detached,
      settings: options.settings,
    });
    running = readPostmaster(folder.cluster);
    if (!running) throw new DevdbError('E_CONNECT', `PostgreSQL stopped right after it started: see ${folder.logFile}.`);
    return { folder, postmaster: running, alreadyRunning: false, spawned };
  });
}

/** Waits until no command holds a share of the lease (every one has finished), then stops their server. */
async function takeOver(folder: NativeFolder, running: Postmaster): Promise<void> {
  const db = await superuserConnection(folder, running).catch(() => undefined);
  if (db) {
    try {
      await endBackgroundWork(db);
      const deadline = Date.now() + TAKEOVER_TIMEOUT_MS;
      while ((await leaseHolders(db).catch(() => [])).length > 0) {
        if (Date.now() >= deadline) {
          throw new DevdbError(
            'E_DATA_DIR_IN_USE',
            `devdb commands kept using ${folder.dataDir} for over ${TAKEOVER_TIMEOUT_MS / 1000} s: run devdb start again when they are done.`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      requestStop(running.pid);
    } finally {
      await db.close().catch(() => {});
    }
  }
  if (!(await waitForExit(running.pid, STOP_TIMEOUT_MS))) {
    throw new DevdbError(
      'E_CONNECT',
      `The PostgreSQL server of ${folder.dataDir} (pid ${running.pid}) did not stop: end it with kill ${running.pid}.`,
    );
  }
}

export type StopOutcome = { stopped: false } | { stopped: true; pid: number };

/**
 * Fast shutdown of the folder's server, waiting until it has exited. A server a command started is
 * stopped only when no command uses it any more (one left behind by a killed command, say).
 */
export async function stopNativeServer(dataDir: string, command?: string): Promise<StopOutcome> {
  if (!nativeDatabaseExists(dataDir)) return { stopped: false };
  return withFolderLock(dataDir, command, async () => {
    const folder = nativeFolder(dataDir);
    const running = await settledPostmaster(folder.cluster);
    if (!running) return { stopped: false };
    if (startedByCommand(running)) {
      const db = await superuserConnection(folder, running);
      try {
        await endBackgroundWork(db);
        if ((await leaseHolders(db)).length > 0) {
          throw new DevdbError(
            'E_DATA_DIR_IN_USE',
            `A devdb command is using ${dataDir} right now; the server it started stops when it is done.`,
          );
        }
        requestStop(running.pid);
      } finally {
        await db.close().catch(() => {});
      }
    } else requestStop(running.pid);
    if (!(await waitForExit(running.pid, STOP_TIMEOUT_MS))) {
      throw new DevdbError(
        'E_CONNECT',
        `The server for ${dataDir} (pid ${running.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s: end it with kill ${running.pid}.`,
      );
    }
    return { stopped: true, pid: running.pid };
  });
}

/**
 * Stops the folder's server when a command started it and nobody holds a share of the lease: what
 * the last one out would have done, for background work that died before it could (background.ts
 * runs it then). A dead process's session may hold its share a moment longer (its statement ends
 * within client_connection_check_interval), so shares are waited on for up to `waitMs`: one of a
 * live process ends with it being the last one out. Returns whether it asked for a stop.
 */
export async function stopUnusedCommandServer(dataDir: string, command?: string, waitMs = 30_000): Promise<boolean> {
  if (!nativeDatabaseExists(dataDir)) return false;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const outcome = await withFolderLock(dataDir, command, async () => {
      const folder = nativeFolder(dataDir);
      const running = await settledPostmaster(folder.cluster);
      if (!running || !startedByCommand(running)) return 'none';
      const db = await superuserConnection(folder, running);
      try {
        if ((await leaseHolders(db)).length > 0) return 'in use';
        requestStop(running.pid);
      } finally {
        await db.close().catch(() => {});
      }
      await untilStopping(folder.cluster, running.pid);
      return 'stopped';
    });
    if (outcome !== 'in use' || Date.now() >= deadline) return outcome === 'stopped';
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Ends the sessions of background work (a spare being made, a replaced database being dropped):
 * nobody waits for it, and the next restore starts it again. Waits (up to 5 s) until they are gone,
 * so their shares no longer count. The caller holds the folder's lock.
 */
async function endBackgroundWork(db: Db): Promise<void> {
  await endSessions(
    db,
    (await leaseHolders(db)).filter((holder) => holder.background),
  );
}

/** The folder and its running postmaster (if any), without starting anything. */
export function nativeServerState(dataDir: string): { folder: NativeFolder; postmaster: Postmaster | undefined } | undefined {
  if (!nativeDatabaseExists(dataDir)) return undefined;
  const folder = nativeFolder(dataDir);
  return { folder, postmaster: readPostmaster(folder.cluster) };
}

/**
 * A plain superuser connection through the socket, holding no share of the lease: for stop and
 * takeover, which must not count as a command using the server. The caller holds the folder's lock.
 */
export function superuserConnection(folder: NativeFolder, running: Postmaster): Promise<Db> {
  return openPostgres(superuserUrl(folder), { socket: socketOf(running), location: folder.dataDir });
}

/**
 * Runs `fn` on a superuser connection to the server devdb start runs, made under the folder's lock
 * (so no stop is under way meanwhile); undefined when none runs or the lock stays taken for `waitMs`.
 */
export async function withServerConnection<T>(dataDir: string, fn: (db: Db) => Promise<T>, waitMs = 5_000): Promise<T | undefined> {
  try {
    return await withFolderLock(
      dataDir,
      'devdb status',
      async () => {
        const folder = nativeFolder(dataDir);
        const running = await settledPostmaster(folder.cluster);
        if (!running || startedByCommand(running)) return undefined;
        const db = await superuserConnection(folder, running);
        try {
          return await fn(db);
        } finally {
          await db.close();
        }
      },
      waitMs,
    );
  } catch {
    return undefined;
  }
}

/** The URL clients use over TCP, password included (only `devdb url` prints it whole). */
export function serverUrl(folder: NativeFolder, running: Postmaster): string {
  const host = running.listen === '*' || running.listen === '0.0.0.0' ? '127.0.0.1' : running.listen === '::' ? '::1' : running.listen;
  return superuserUrl(folder, host, running.port);
}
