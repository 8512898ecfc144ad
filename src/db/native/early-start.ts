import { DataDirLock } from '../data-dir-lock.js';
import { onEarlyExit } from '../../util/early-exit.js';
import { nativeDatabaseExists, nativeFolder } from './folder.js';
import { readPostmaster, requestStop, startPostmaster, untilStopping, type Postmaster } from './postmaster.js';

/**
 * The server of a stopped native folder, started by a command's process before its modules load
 * (src/cli/early-start.ts), so that its ~35 ms start overlaps them instead of following them. It
 * is started under the folder's start/stop lock, as openNative would start it, and that lock is
 * kept until openNative adopts both (and takes its lease under it): nobody else can lease it or
 * stop it meanwhile. A process that does not adopt it (a usage error, a prompt, a command that
 * ends before opening) stops it: when the command ends (letGoOfEarlyStart), after ADOPT_WITHIN_MS,
 * on an early exit (Ctrl-C), or, last resort, with a SIGINT at the process's exit. A start that
 * fails or finds the lock taken leaves everything to openNative, which reports the failure.
 */
interface EarlyStart {
  dataDir: string;
  /** The lock and the ready server; undefined when nothing was started. */
  ready: Promise<Held | undefined>;
  /** The postmaster's pid once spawned, for a stop at exit. */
  pid: number | undefined;
  /** Adopted by openNative, or let go: either way this module is done with it. */
  done: boolean;
  letGo?: Promise<void>;
  forget: () => void;
}

interface Held {
  lock: DataDirLock;
  started: Postmaster;
  cluster: string;
}

/** How long a command has to adopt the server before it is stopped (a prompt must not hold the folder's lock). */
const ADOPT_WITHIN_MS = 5_000;

let early: EarlyStart | undefined;

/**
 * Starts the folder's server when it has a database and none runs. Returns at once (the start runs
 * in the background); at most once per process.
 */
export function startNativeEarly(dataDir: string, command: string): void {
  if (early || !nativeDatabaseExists(dataDir)) return;
  const state: EarlyStart = { dataDir, ready: Promise.resolve(undefined), pid: undefined, done: false, forget: () => {} };
  state.ready = start(state, command);
  early = state;
  state.forget = onEarlyExit(() => letGo(state));
  // Last resort, synchronous: the process exits with the server never adopted.
  process.once('exit', () => {
    if (!state.done && state.pid !== undefined) requestStop(state.pid);
  });
  setTimeout(() => void letGo(state), ADOPT_WITHIN_MS).unref();
}

async function start(state: EarlyStart, command: string): Promise<Held | undefined> {
  // Cheap look first: a running server (devdb start's, or another command's) needs nothing from here.
  const cluster = nativeFolder(state.dataDir).cluster;
  if (readPostmaster(cluster)) return undefined;
  const lock = await DataDirLock.acquire(state.dataDir, { command }).catch(() => undefined);
  if (!lock) return undefined;
  try {
    const folder = nativeFolder(state.dataDir);
    // Started (or starting, stopping) by another process before the lock was ours: openNative waits for it.
    if (readPostmaster(folder.cluster)) throw new Error('running');
    const spawned = await startPostmaster(folder, { detached: true, onSpawned: (pid) => (state.pid = pid) });
    const started = readPostmaster(folder.cluster);
    if (!started || started.pid !== spawned.pid) throw new Error('gone');
    return { lock, started, cluster: folder.cluster };
  } catch {
    // openNative starts it (again) and says what failed.
    if (state.pid !== undefined) requestStop(state.pid);
    await lock.release();
    return undefined;
  }
}

/**
 * openNative's: the held lock and the server started early for `dataDir`, or undefined (none, or
 * already let go). The caller takes its lease under that lock, then releases it.
 */
export async function adoptEarlyStart(dataDir: string): Promise<Held | undefined> {
  const state = early;
  if (!state || state.done || state.dataDir !== dataDir) return undefined;
  state.done = true;
  state.forget();
  return state.ready;
}

/** Stops the server started early when the command did not adopt it; once the command ends, nothing may be left. */
export function letGoOfEarlyStart(): Promise<void> {
  return early ? letGo(early) : Promise.resolve();
}

function letGo(state: EarlyStart): Promise<void> {
  if (state.done) return state.letGo ?? Promise.resolve();
  state.done = true;
  state.forget();
  state.letGo = state.ready.then(async (held) => {
    if (!held) return;
    // Under the lock still held: nobody has a lease on it; released once it no longer takes connections.
    requestStop(held.started.pid);
    await untilStopping(held.cluster, held.started.pid);
    await held.lock.release();
  });
  return state.letGo;
}
