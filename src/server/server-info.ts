import fs from 'node:fs';
import path from 'node:path';
import type { LockHolder } from '../db/data-dir-lock.js';
import type { FolderTarget } from '../db/target.js';
import { DevdbError } from '../errors.js';
import type { EngineState } from './wire-server.js';

/** What `devdb start` reports about the server of a local folder. */
export interface ServerInfo {
  /** The URL clients use; a native server's password is shown as *** (devdb url prints it). */
  url: string;
  pid: number;
  port: number;
  host: string;
  dataDir: string;
}

export interface StartOptions {
  dataDir: string;
  port: number;
  host: string;
  /** PGlite only: how long a client waits while another one is inside a transaction. */
  sessionWaitMs?: number | undefined;
  /** PGlite only: how long a client may sit idle inside a transaction. */
  idleInTransactionMs?: number | undefined;
  /** PGlite only: the environment of the background server process (devdb's settings'; DATABASE_URL is left out). */
  env?: NodeJS.ProcessEnv | undefined;
}

export interface StartResult extends ServerInfo {
  /** The folder's engine: a native PostgreSQL server, or PGlite served by devdb's wire server. */
  engine: FolderTarget['engine'];
  /** True when a server was already running for this folder (nothing was started). */
  alreadyRunning: boolean;
  logFile: string;
}

export interface ServerStatus {
  engine: FolderTarget['engine'];
  running: boolean;
  dataDir: string;
  url: string | null;
  pid: number | null;
  startedAt: string | null;
  uptimeMs: number | null;
  connections: number | null;
  /** PGlite: the served engine's state: serving, restarting (after a crash or to end a statement), or failed (see `failure`). */
  engineState: EngineState | null;
  failure: string | null;
  /** Bytes the folder takes on disk. */
  sizeBytes: number;
  /** PGlite: a devdb process that holds the folder without serving it (a long seed, say). */
  heldBy: LockHolder | null;
  /** PGlite: devdb.lock left behind by a process that is gone (a crash): reported, and removed by this check. */
  staleLockFile: LockHolder | null;
  /** Native: the pid of a server devdb commands started for themselves (socket only); it stops when the last one ends. */
  commandServerPid: number | null;
}

/** Why a served PGlite stops on its own when its folder is moved or deleted. */
export const FOLDER_GONE = 'the folder was moved or deleted while it was served';

/** How a served PGlite ended: `abandoned` when a statement was still running (the next start recovers the folder). */
export interface StopOutcome {
  reason: string;
  abandoned: boolean;
  error?: string | undefined;
}

export interface StopResult {
  stopped: boolean;
  pid: number | null;
  /** PGlite: a statement was still running and was abandoned with the engine (the next start recovers the folder). */
  abandoned?: boolean;
  /** What went wrong while it stopped cleanly otherwise (a failed final checkpoint). */
  warning?: string;
}

/** The status of a folder whose server is not running, before the engine adds what it knows. */
export function stoppedStatus(target: FolderTarget): ServerStatus {
  return {
    engine: target.engine,
    running: false,
    dataDir: target.dataDir,
    url: null,
    pid: null,
    startedAt: null,
    uptimeMs: null,
    connections: null,
    engineState: null,
    failure: null,
    sizeBytes: folderBytes(target.dataDir),
    heldBy: null,
    staleLockFile: null,
    commandServerPid: null,
  };
}

export function notRunning(dataDir: string): DevdbError {
  return new DevdbError(
    'E_NOT_RUNNING',
    `No server is running for ${dataDir}: start one with devdb start${dataDir.endsWith(`${path.sep}.devdb`) ? '' : ` --data-dir ${dataDir}`}.`,
  );
}

/** Bytes of the regular files under `folder` (links are not followed). */
export function folderBytes(folder: string): number {
  let total = 0;
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      // A folder removed while it is counted (a restore's pgdata.old-* deleted in the background) holds nothing.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) total += fs.statSync(full, { throwIfNoEntry: false })?.size ?? 0;
    }
  };
  walk(folder);
  return total;
}
