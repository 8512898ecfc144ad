import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DataDirLock, LOCK_FILE, lockHolder, type LockHolder } from '../db/data-dir-lock.js';
import { readFolderPassword, withPassword } from '../db/folder-password.js';
import type { FolderTarget } from '../db/target.js';
import { LockChannel } from '../db/lock-channel.js';
import { DevdbError } from '../errors.js';
import { cliEntry } from '../paths.js';
import { pause } from '../util/pause.js';
import { isPortFree, portInUse } from './address.js';
import { LOG_FILE, START_TIMEOUT_MS, STOP_TIMEOUT_MS } from './defaults.js';
import { lastLogLine, startFailure } from './faults.js';
import {
  notRunning,
  stoppedStatus,
  type ServerInfo,
  type ServerStatus,
  type StartOptions,
  type StartResult,
  type StopOutcome,
  type StopResult,
} from './server-info.js';
import type { EngineState } from './wire-server.js';

/**
 * PGlite folders: `devdb start --foreground` runs as a detached process that logs to
 * DIR/server.log, serving the folder with devdb's wire server (src/server/serve.ts); the others
 * find it through the folder's lock socket. Only types are imported from the server's modules:
 * start, stop, status and url never load PGlite.
 */

/** Starts the detached server and returns once it serves (its lock hello carries the URL), or fails with what it logged. */
export async function startPglite(options: StartOptions): Promise<StartResult> {
  const logFile = path.join(options.dataDir, LOG_FILE);
  const holder = await lockHolder(options.dataDir);
  if (holder?.servedUrl) return { ...infoOf(holder, options.dataDir), engine: 'pglite', alreadyRunning: true, logFile };
  if (holder) throw notServing(options.dataDir, holder);
  if (!(await isPortFree(options.port, options.host))) throw await portInUse(options.port, options.host);

  fs.mkdirSync(options.dataDir, { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const args = [cliEntry, 'start', '--foreground', '--data-dir', options.dataDir, '--port', String(options.port), '--host', options.host];
  if (options.sessionWaitMs !== undefined) args.push('--session-wait-timeout', String(options.sessionWaitMs / 1000));
  if (options.idleInTransactionMs !== undefined) args.push('--idle-in-transaction-timeout', String(options.idleInTransactionMs / 1000));
  // The served folder is named by --data-dir; a DATABASE_URL (perhaps this very server's) must not redirect the child.
  const { DATABASE_URL: _ignored, ...env } = options.env ?? {};
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const now = await lockHolder(options.dataDir);
    // Another devdb start that won the race serves it: that is where it is served (our child gives up on its own).
    if (now?.servedUrl) return { ...infoOf(now, options.dataDir), engine: 'pglite', alreadyRunning: now.pid !== child.pid, logFile };
    // Ours gave up because another devdb start took the folder first: wait for that one to serve.
    const racing = now && now.pid !== child.pid && now.command === 'devdb start';
    if (exited !== undefined && !racing) throw startFailure(options.dataDir, logFile, exited);
    await pause(100);
  }
  child.kill('SIGTERM');
  throw new DevdbError('E_CONNECT', `The server for ${options.dataDir} did not start within ${START_TIMEOUT_MS / 1000} s: see ${logFile}.`);
}

/**
 * Asks the server to stop (over its lock socket) and waits for its word on how it ended, then
 * for the folder's lock to be free. A server that dies on the way, or that had died before, is
 * reported as the crash it is (with the last line of its log), never as "Stopped".
 */
export async function stopPglite(dataDir: string): Promise<StopResult> {
  const holder = await lockHolder(dataDir);
  if (!holder) {
    const stale = readLockFile(dataDir);
    if (!stale?.servedUrl) return { stopped: false, pid: null };
    await (await DataDirLock.acquire(dataDir, { command: 'devdb stop' }).catch(() => undefined))?.release();
    throw crashed(dataDir, stale.pid, 'was not running: it had crashed, leaving its lock behind');
  }
  if (!holder.servedUrl) throw notServing(dataDir, holder);
  const { channel } = await LockChannel.open(dataDir);
  let answer: { stopped: StopOutcome } | 'closed' | 'timeout';
  try {
    await channel.request({ op: 'stop' });
    answer = await channel.receive<{ stopped: StopOutcome }>(STOP_TIMEOUT_MS);
  } finally {
    channel.close();
  }
  if (answer === 'timeout') throw stopTimeout(dataDir, holder.pid);
  if (answer === 'closed') throw crashed(dataDir, holder.pid, 'crashed while stopping');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while ((await lockHolder(dataDir))?.pid === holder.pid) {
    if (Date.now() >= deadline) throw stopTimeout(dataDir, holder.pid);
    await pause(50);
  }
  const { abandoned, error } = answer.stopped;
  return { stopped: true, pid: holder.pid, abandoned, ...(error ? { warning: error } : {}) };
}

function stopTimeout(dataDir: string, pid: number): DevdbError {
  return new DevdbError(
    'E_CONNECT',
    `The server for ${dataDir} (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s: end it with kill ${pid}.`,
  );
}

function crashed(dataDir: string, pid: number, what: string): DevdbError {
  const last = lastLogLine(path.join(dataDir, LOG_FILE));
  return new DevdbError(
    'E_SERVER_CRASHED',
    `The server for ${dataDir} (pid ${pid}) ${what}${last ? ` (last line of ${LOG_FILE}: ${last})` : ''}; the next devdb start recovers the folder.`,
    { details: { pid } },
  );
}

export async function pgliteStatus(target: FolderTarget): Promise<ServerStatus> {
  const dataDir = target.dataDir;
  const holder = await lockHolder(dataDir);
  const base = stoppedStatus(target);
  if (!holder) {
    const stale = readLockFile(dataDir);
    // Left by a crash: cleaned up by taking the lock for a moment (its release removes the file), never by deleting it blindly.
    if (stale) await (await DataDirLock.acquire(dataDir, { command: 'devdb status' }).catch(() => undefined))?.release();
    return { ...base, staleLockFile: stale };
  }
  if (!holder.servedUrl) return { ...base, heldBy: holder };
  type Live = { connections: number; engine: EngineState; failure?: string };
  let live: Live | undefined;
  try {
    const { channel } = await LockChannel.open(dataDir);
    try {
      live = await channel.request<Live>({ op: 'status' });
    } finally {
      channel.close();
    }
  } catch {
    // It stopped between the two looks: report what the hello said.
  }
  return {
    ...base,
    running: true,
    url: holder.servedUrl,
    pid: holder.pid,
    startedAt: holder.startedAt,
    uptimeMs: Date.now() - Date.parse(holder.startedAt),
    connections: live?.connections ?? null,
    engineState: live?.engine ?? null,
    failure: live?.failure ?? null,
  };
}

/** The URL the folder is served at, with its password, or E_NOT_RUNNING with the command that starts it. */
export async function pgliteUrl(dataDir: string): Promise<string> {
  const holder = await lockHolder(dataDir);
  if (holder?.servedUrl) return withPassword(holder.servedUrl, readFolderPassword(dataDir));
  throw notRunning(dataDir);
}

function infoOf(holder: LockHolder, dataDir: string): ServerInfo {
  const url = new URL(holder.servedUrl!);
  return { url: holder.servedUrl!, pid: holder.pid, port: Number(url.port), host: url.hostname, dataDir };
}

function notServing(dataDir: string, holder: LockHolder): DevdbError {
  return new DevdbError(
    'E_DATA_DIR_IN_USE',
    `The embedded database in ${dataDir} is held by ${holder.command} (pid ${holder.pid}, since ${holder.startedAt}), which does not serve it: wait for it to finish, then try again.`,
    { details: { ...holder } },
  );
}

function readLockFile(dataDir: string): LockHolder | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}
