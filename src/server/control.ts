import type { FolderTarget } from '../db/target.js';
import { folderPassword } from '../db/folder-password.js';
import { nativeStatus, nativeUrl, startNative, stopNative } from './native-control.js';
import { pgliteStatus, pgliteUrl, startPglite, stopPglite } from './pglite-control.js';
import { stoppedStatus, type ServerInfo, type ServerStatus, type StartOptions, type StartResult, type StopResult } from './server-info.js';

/**
 * devdb start, stop, status and url for a local folder, whichever engine it holds. Nothing here
 * loads PGlite: `devdb url` prints a string, and the served PGlite (src/server/serve.ts) is
 * imported only by the process that serves it.
 */
export type { ServerInfo, ServerStatus, StartOptions, StartResult, StopResult } from './server-info.js';

/** Starts the folder's server in the background and returns once it accepts connections. */
export async function startServer(target: FolderTarget, options: Omit<StartOptions, 'dataDir'>): Promise<StartResult> {
  const full = { ...options, dataDir: target.dataDir };
  if (target.engine === 'pglite') return startPglite(full);
  return (await startNative({ ...full, detached: true, command: 'devdb start', database: target.database })).result;
}

/** A server attached to this process until SIGINT or SIGTERM (devdb start --foreground). */
export interface ForegroundServer {
  info: ServerInfo;
  /** Resolves once the server has shut down, with why (FOLDER_GONE: its folder was moved or deleted). */
  stopped: Promise<{ reason: string }>;
}

export async function runInForeground(
  target: FolderTarget,
  options: Omit<StartOptions, 'dataDir'>,
  log: (line: string) => void,
): Promise<ForegroundServer> {
  const full = { ...options, dataDir: target.dataDir };
  if (target.engine === 'pglite') {
    const { serve } = await import('./serve.js');
    // Clients prove the folder's password, which only its owner can read: other local users reach the port, not the data.
    const server = await serve({ ...full, password: folderPassword(target.dataDir), log });
    return { info: server.info, stopped: server.stopped };
  }
  const { result, server } = await startNative({
    ...full,
    detached: false,
    command: 'devdb start --foreground',
    database: target.database,
  });
  const spawned = server.spawned!;
  // Ctrl-C reaches the attached postmaster too (same process group); SIGTERM is passed on as a fast shutdown.
  const stop = () => {
    log('Stopping: ending the clients, checkpointing.');
    spawned.child.kill('SIGINT');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const stopped = spawned.exited.then(() => {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    log('Stopped.');
    return { reason: 'the server exited' };
  });
  return { info: result, stopped };
}

export async function stopServer(target: FolderTarget): Promise<StopResult> {
  return target.engine === 'pglite' ? stopPglite(target.dataDir) : stopNative(target.dataDir);
}

export async function serverStatus(target: FolderTarget): Promise<ServerStatus> {
  return target.engine === 'pglite' ? pgliteStatus(target) : nativeStatus(target.dataDir, stoppedStatus(target), target.database);
}

/** The URL of the running server (a native server's with its password, naming the current branch's database), or E_NOT_RUNNING. */
export async function serverUrl(target: FolderTarget): Promise<string> {
  return target.engine === 'pglite' ? pgliteUrl(target.dataDir) : nativeUrl(target.dataDir, target.database);
}
