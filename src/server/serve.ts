import fs from 'node:fs';
import path from 'node:path';
import { SERVED_FOLDER_SETTING } from '../db/open.js';
import { openPgliteEngine } from '../db/pglite-adapter.js';
import { DevdbError } from '../errors.js';
import { setup } from '../setup/setup.js';
import { DEFAULT_IDLE_IN_TRANSACTION_MS, DEFAULT_SESSION_WAIT_MS, MAX_CONNECTIONS } from './defaults.js';
import { serveLockRequests } from './lock-service.js';
import { exposureWarning, freePortNear, servedUrl } from './address.js';
import { WireServer } from './wire-server.js';

export interface ServeOptions {
  dataDir: string;
  port: number;
  host: string;
  sessionWaitMs?: number;
  idleInTransactionMs?: number;
  /** The seeded users' password and the API key pepper, for a new folder's seed (src/config reads them). */
  seedSecrets?: { password?: string | undefined; pepper?: string | undefined };
  /** SIGINT and SIGTERM stop the server (default); false for a server that lives inside another command (devdb psql). */
  stopOnSignals?: boolean;
  /** Progress lines for the foreground log (never secrets). */
  log?: (line: string) => void;
}

export interface ServerInfo {
  url: string;
  pid: number;
  port: number;
  host: string;
  dataDir: string;
}

export interface RunningServer {
  info: ServerInfo;
  /** Resolves once the server has shut down (devdb stop, SIGTERM, SIGINT or stop()). */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Serves the embedded database in `dataDir` from this process until stopped: takes the folder's
 * lock, opens PGlite (creating, migrating and seeding a new folder as `devdb setup` would), listens
 * on host:port, and announces the URL in the lock's hello. Stopping ends the clients, checkpoints,
 * closes PGlite and releases the lock.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const fresh = !fs.existsSync(path.join(options.dataDir, 'pgdata', 'PG_VERSION'));
  const { db, pg, lock } = await openPgliteEngine({ dataDir: options.dataDir, command: 'devdb start' });
  const wire = new WireServer(pg, {
    sessionWaitMs: options.sessionWaitMs ?? DEFAULT_SESSION_WAIT_MS,
    idleInTransactionMs: options.idleInTransactionMs ?? DEFAULT_IDLE_IN_TRANSACTION_MS,
    maxConnections: MAX_CONNECTIONS,
  });
  let port: number;
  try {
    if (fresh) {
      log(`New data folder ${options.dataDir}: migrating and seeding it, as devdb setup does.`);
      await setup(db, { seed: options.seedSecrets ?? {} });
    }
    // Every client shares this session: it tells devdb commands that reach it by URL which folder's locks to use.
    await db.exec(`SET ${SERVED_FOLDER_SETTING} = '${options.dataDir.replaceAll("'", "''")}'`);
    port = await wire.listen(options.port, options.host);
  } catch (error) {
    await db.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw await portInUse(options.port, options.host);
    throw error;
  }
  const info: ServerInfo = { url: servedUrl(options.host, port), pid: process.pid, port, host: options.host, dataDir: options.dataDir };
  const warning = exposureWarning(options.host);
  if (warning) log(warning);

  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = () =>
    (stopping ??= (async () => {
      log('Stopping: ending the clients, checkpointing, closing the folder.');
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      lock!.setServedUrl(undefined);
      await wire.close();
      await db.exec('CHECKPOINT');
      await db.close();
      log('Stopped.');
      resolveStopped();
    })());
  const onSignal = () => void stop();
  serveLockRequests(lock!, {
    status: () => ({ connections: wire.connections, ...info }),
    stop: () => void stop(),
  });
  if (options.stopOnSignals ?? true) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  lock!.setServedUrl(info.url);
  log(`Serving the embedded database in ${options.dataDir} at ${info.url} (pid ${process.pid}).`);
  return { info, stopped, stop };
}

export async function portInUse(port: number, host: string): Promise<DevdbError> {
  const free = await freePortNear(port + 1, host);
  return new DevdbError(
    'E_PORT_IN_USE',
    `Port ${port} on ${host} is already in use by another program: choose another one, e.g. --port ${free} (free right now).`,
    {
      details: { port, freePort: free },
    },
  );
}
