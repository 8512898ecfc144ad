import fs from 'node:fs';
import path from 'node:path';
import { DataDirLock } from '../db/data-dir-lock.js';
import { SERVED_FOLDER_SETTING } from '../db/open.js';
import { PgliteThread } from '../db/pglite-thread.js';
import { exposureWarning, portInUse, servedUrl } from './address.js';
import {
  AUTHENTICATION_TIMEOUT_MS,
  DEFAULT_IDLE_IN_TRANSACTION_MS,
  DEFAULT_SESSION_WAIT_MS,
  FOLDER_CHECK_MS,
  MAX_CONNECTIONS,
  MAX_MESSAGE_BYTES,
  MEMORY_BUDGET_BYTES,
} from './defaults.js';
import { serveLockRequests } from './lock-service.js';
import { FOLDER_GONE, type ServerInfo, type StopOutcome } from './server-info.js';
import { WireServer } from './wire-server.js';

export interface ServeOptions {
  dataDir: string;
  port: number;
  host: string;
  sessionWaitMs?: number;
  idleInTransactionMs?: number;
  /** SIGINT and SIGTERM stop the server (default); false for a server that lives inside another command (devdb psql). */
  stopOnSignals?: boolean;
  authenticationTimeoutMs?: number;
  maxConnections?: number;
  maxMessageBytes?: number;
  /** The password clients must prove (SCRAM-SHA-256); none: no password is asked. */
  password?: string | undefined;
  /** Progress lines for the foreground log (never secrets). */
  log?: (line: string) => void;
}

export interface RunningServer {
  info: ServerInfo;
  /** Resolves once the server has shut down (devdb stop, SIGTERM, SIGINT, the folder gone, or stop()). */
  stopped: Promise<StopOutcome>;
  stop(reason?: string): Promise<StopOutcome>;
}

/**
 * Serves the PGlite database in `dataDir` from this process until stopped: takes the folder's
 * lock (devdb start has created, migrated and seeded a new folder first), starts PGlite on its own
 * thread (src/db/pglite-thread.ts), listens on host:port, and announces the URL in the lock's
 * hello. Stopping ends the clients, checkpoints, closes PGlite and releases the lock; so does a
 * folder that is moved or deleted while it is served.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const lock = await DataDirLock.acquire(options.dataDir, { command: 'devdb start' });
  let engine: PgliteThread | undefined;
  let wire: WireServer;
  let port: number;
  try {
    engine = await PgliteThread.start(options.dataDir);
    wire = new WireServer(engine, {
      sessionWaitMs: options.sessionWaitMs ?? DEFAULT_SESSION_WAIT_MS,
      idleInTransactionMs: options.idleInTransactionMs ?? DEFAULT_IDLE_IN_TRANSACTION_MS,
      authenticationTimeoutMs: options.authenticationTimeoutMs ?? AUTHENTICATION_TIMEOUT_MS,
      maxConnections: options.maxConnections ?? MAX_CONNECTIONS,
      maxMessageBytes: options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
      memoryBudgetBytes: MEMORY_BUDGET_BYTES,
      password: options.password,
      // Every client's session carries the folder it serves: devdb commands that reach it by URL find its locks with it.
      baseline: new Map([[SERVED_FOLDER_SETTING, options.dataDir]]),
      openEngine: () => PgliteThread.start(options.dataDir),
      log,
    });
    port = await wire.listen(options.port, options.host);
  } catch (error) {
    await engine?.terminate();
    await lock.release();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw await portInUse(options.port, options.host);
    throw error;
  }
  const info: ServerInfo = { url: servedUrl(options.host, port), pid: process.pid, port, host: options.host, dataDir: options.dataDir };
  const warning = exposureWarning(options.host, options.password !== undefined);
  if (warning) log(warning);

  let stopping: Promise<StopOutcome> | undefined;
  let resolveStopped!: (outcome: StopOutcome) => void;
  const stopped = new Promise<StopOutcome>((resolve) => (resolveStopped = resolve));
  const folder = watchFolder(options.dataDir, () => void stop(FOLDER_GONE));
  const stop = (reason = 'devdb stop') =>
    (stopping ??= (async () => {
      log(`Stopping (${reason}): ending the clients, checkpointing, closing the folder.`);
      clearInterval(folder);
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      lock.setServedUrl(undefined);
      const closed = await wire.close();
      const outcome: StopOutcome = { reason, ...closed };
      service.stopped({ ...outcome });
      await lock.release();
      if (closed.error) log(`Stopped, but ${closed.error}: the next start recovers the folder from its log.`);
      else if (closed.abandoned) log('Stopped; a statement still running was abandoned: the next start recovers the folder from its log.');
      else log('Stopped.');
      resolveStopped(outcome);
      return outcome;
    })());
  const onSignal = (signal: NodeJS.Signals) => void stop(signal);
  const service = serveLockRequests(lock, {
    status: () => ({ ...wire.status(), ...info }),
    stop: () => void stop(),
  });
  if (options.stopOnSignals ?? true) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  lock.setServedUrl(info.url);
  log(`Serving the embedded database in ${options.dataDir} at ${info.url} (pid ${process.pid}).`);
  return { info, stopped, stop };
}

/**
 * Calls `gone` once the folder is no longer where it was served from (moved, deleted, replaced):
 * the engine's files are gone from under it, so serving on would only fail query by query.
 */
function watchFolder(dataDir: string, gone: () => void): NodeJS.Timeout {
  const identity = (dir: string) => {
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    return stat && fs.existsSync(path.join(dir, 'pgdata', 'PG_VERSION')) ? `${stat.dev}:${stat.ino}` : undefined;
  };
  const served = identity(dataDir);
  const timer = setInterval(() => {
    if (identity(dataDir) !== served) gone();
  }, FOLDER_CHECK_MS);
  timer.unref();
  return timer;
}
