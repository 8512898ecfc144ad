import { DevdbError } from '../errors.js';
import {
  nativeServerState,
  serverUrl,
  startNativeServer,
  startedByCommand,
  stopNativeServer,
  withServerConnection,
  type NativeFolder,
  type NativeServer,
  type Postmaster,
} from '../db/native/index.js';
import { withDatabaseName } from '../db/url-host.js';
import { redactUrl } from '../util/redact.js';
import { isPortFree, portInUse } from './address.js';
import {
  folderBytes,
  notRunning,
  type ServerInfo,
  type ServerStatus,
  type StartOptions,
  type StartResult,
  type StopResult,
} from './server-info.js';

/**
 * `devdb start`, `stop`, `status` and `url` for a native folder: a real PostgreSQL server with the
 * folder's password. The URL is printed whole by `devdb url` only; everything else shows it redacted.
 */
export async function startNative(
  options: StartOptions & { detached: boolean; command?: string; database?: string | undefined },
): Promise<{ result: StartResult; server: NativeServer }> {
  // A server devdb start runs already is reported as such, whatever port was asked for.
  const running = nativeServerState(options.dataDir)?.postmaster;
  const ours = running !== undefined && !startedByCommand(running);
  if (!ours && !(await isPortFree(options.port, options.host))) throw await portInUse(options.port, options.host);
  let server: NativeServer;
  try {
    server = await startNativeServer(options.dataDir, {
      host: options.host,
      port: options.port,
      detached: options.detached,
      command: options.command,
    });
  } catch (error) {
    if (error instanceof DevdbError && error.code === 'E_PORT_IN_USE') throw await portInUse(options.port, options.host);
    throw error;
  }
  const info = infoOf(server.folder, server.postmaster, options.dataDir, options.database);
  return { result: { ...info, engine: 'native', alreadyRunning: server.alreadyRunning, logFile: server.folder.logFile }, server };
}

export async function stopNative(dataDir: string): Promise<StopResult> {
  const outcome = await stopNativeServer(dataDir, 'devdb stop');
  return outcome.stopped ? { stopped: true, pid: outcome.pid } : { stopped: false, pid: null };
}

export async function nativeStatus(dataDir: string, base: ServerStatus, database?: string): Promise<ServerStatus> {
  const state = nativeServerState(dataDir);
  if (!state) return base;
  const sizeBytes = base.sizeBytes + (state.folder.cluster.startsWith(dataDir) ? 0 : folderBytes(state.folder.cluster));
  const running = state.postmaster;
  if (!running) return { ...base, sizeBytes };
  if (startedByCommand(running)) return { ...base, sizeBytes, commandServerPid: running.pid };
  return {
    ...base,
    sizeBytes,
    running: true,
    url: redactUrl(databaseUrl(state.folder, running, database)),
    pid: running.pid,
    startedAt: running.startedAt.toISOString(),
    uptimeMs: Date.now() - running.startedAt.getTime(),
    connections: await connections(dataDir),
  };
}

/** The URL with its password, for `devdb url` (export DATABASE_URL=$(devdb url)): the branch's database when one is given. */
export function nativeUrl(dataDir: string, database?: string): string {
  const state = nativeServerState(dataDir);
  if (!state?.postmaster || startedByCommand(state.postmaster)) throw notRunning(dataDir);
  return databaseUrl(state.folder, state.postmaster, database);
}

/** The server's URL, naming a branch's database instead of the main one when given. */
function databaseUrl(folder: NativeFolder, running: Postmaster, database: string | undefined): string {
  const url = serverUrl(folder, running);
  return database === undefined ? url : withDatabaseName(url, database);
}

/** Client sessions other than this one, as pg_stat_activity counts them; null when the server went away meanwhile. */
async function connections(dataDir: string): Promise<number | null> {
  const count = await withServerConnection(dataDir, async (db) => {
    const [row] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
    );
    return row?.n ?? 0;
  });
  return count ?? null;
}

function infoOf(folder: NativeFolder, running: Postmaster, dataDir: string, database: string | undefined): ServerInfo {
  return { url: redactUrl(databaseUrl(folder, running, database)), pid: running.pid, port: running.port, host: running.listen, dataDir };
}
