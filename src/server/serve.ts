import { quoteLiteral } from '../catalog/quote-ident.js';
import { SERVED_FOLDER_SETTING } from '../db/open.js';
import { openPgliteEngine } from '../db/pglite-adapter.js';
import { DEFAULT_IDLE_IN_TRANSACTION_MS, DEFAULT_SESSION_WAIT_MS, MAX_CONNECTIONS } from './defaults.js';
import { serveLockRequests } from './lock-service.js';
import { exposureWarning, portInUse, servedUrl } from './address.js';
import type { ServerInfo } from './server-info.js';
import { WireServer } from './wire-server.js';

export interface ServeOptions {
  dataDir: string;
  port: number;
  host: string;
  sessionWaitMs?: number;
  idleInTransactionMs?: number;
  /** Progress lines for the foreground log (never secrets). */
  log?: (line: string) => void;
}

export interface RunningServer {
  info: ServerInfo;
  /** Resolves once the server has shut down (devdb stop, SIGTERM, SIGINT or stop()). */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Serves the PGlite database in `dataDir` from this process until stopped: takes the folder's
 * lock, opens PGlite (devdb start has created, migrated and seeded a new folder first), listens
 * on host:port, and announces the URL in the lock's hello. Stopping ends the clients, checkpoints,
 * closes PGlite and releases the lock.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const { db, pg, lock } = await openPgliteEngine({ dataDir: options.dataDir, command: 'devdb start' });
  const wire = new WireServer(pg, {
    sessionWaitMs: options.sessionWaitMs ?? DEFAULT_SESSION_WAIT_MS,
    idleInTransactionMs: options.idleInTransactionMs ?? DEFAULT_IDLE_IN_TRANSACTION_MS,
    maxConnections: MAX_CONNECTIONS,
  });
  let port: number;
  try {
    // Every client shares this session: it tells devdb commands that reach it by URL which folder's locks to use.
    await db.exec(`SET ${SERVED_FOLDER_SETTING} = ${quoteLiteral(options.dataDir)}`);
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
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  lock!.setServedUrl(info.url);
  log(`Serving the embedded database in ${options.dataDir} at ${info.url} (pid ${process.pid}).`);
  return { info, stopped, stop };
}
