import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevdbError } from '../../errors.js';
import { binary } from './binaries.js';
import { binariesFor, serverEnv, type NativeFolder } from './folder.js';

/**
 * The postmaster of a native folder: started by spawning `postgres` directly (no pg_ctl, whose
 * readiness check polls every 100 ms), found again through the `postmaster.pid` it writes, stopped
 * with SIGINT (PostgreSQL's fast shutdown: clients are ended, open transactions rolled back, a
 * checkpoint written). postmaster.pid is PostgreSQL's own record of a running server; devdb keeps
 * no other, so a crash leaves nothing of devdb's behind.
 */
export interface Postmaster {
  pid: number;
  /** When it started. */
  startedAt: Date;
  port: number;
  socketDir: string;
  /** The first TCP address it listens on; '' when it listens on its Unix socket only. */
  listen: string;
  /** `starting`, `ready`, `stopping` (PostgreSQL's own words). */
  status: string;
}

/** The socket name's port for a server that listens on no TCP port (a Unix socket still carries one in its name). */
export const SOCKET_ONLY_PORT = 54329;
/** How long a server may take to accept connections (initdb is not part of it). */
export const START_TIMEOUT_MS = 60_000;
/** The longest Unix socket path the kernel takes (sun_path, 108 bytes on Linux, 104 on macOS, with its NUL). */
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

export function postmasterFile(cluster: string): string {
  return path.join(cluster, 'postmaster.pid');
}

/** The running postmaster, or undefined when none runs (no postmaster.pid, or one left by a process that is gone). */
export function readPostmaster(cluster: string): Postmaster | undefined {
  let text: string;
  try {
    text = fs.readFileSync(postmasterFile(cluster), 'utf8');
  } catch {
    return undefined;
  }
  // pid, data directory, start time (epoch s), port, first socket folder, first listen address, shared memory key, status.
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isPostgres(pid)) return undefined;
  return {
    pid,
    startedAt: new Date(Number(lines[2]) * 1000),
    port: Number(lines[3]),
    socketDir: lines[4] ?? '',
    listen: (lines[5] ?? '').trim(),
    status: (lines[7] ?? 'starting').trim() || 'starting',
  };
}

/** Alive, and (where the system says) a postgres process: after a reboot the pid may belong to something else. */
export function isPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
  } catch {
    // It exited between the two looks.
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where the server's Unix socket goes: the data directory itself (0700, so only the server user
 * and root can reach it), or, when that path is too long for a socket, a private folder under the
 * temporary folder, made for the server user and checked to be theirs alone.
 */
export function socketDirFor(folder: NativeFolder, port: number): string {
  if (Buffer.byteLength(path.join(folder.cluster, `.s.PGSQL.${port}`)) <= MAX_SOCKET_PATH) return folder.cluster;
  const uid = folder.user?.uid ?? process.getuid?.() ?? 0;
  const parent = path.join(os.tmpdir(), `devdb-${uid}`);
  privateDir(parent, folder);
  const dir = path.join(parent, createHash('sha256').update(folder.cluster).digest('hex').slice(0, 16));
  privateDir(dir, folder);
  return dir;
}

/** A folder only the server user can enter; one that exists must already be exactly that (never a link, never someone else's). */
function privateDir(dir: string, folder: NativeFolder): void {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
    if (folder.user) fs.chownSync(dir, folder.user.uid, folder.user.gid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = fs.lstatSync(dir);
  const owner = folder.user?.uid ?? process.getuid?.();
  if (!stat.isDirectory() || (owner !== undefined && stat.uid !== owner) || (stat.mode & 0o077) !== 0) {
    throw new DevdbError('E_PATH', `${dir} is not a private folder of the PostgreSQL server user: remove it, then try again.`);
  }
}

export interface SpawnOptions {
  /** TCP address and port to listen on; omitted, the server listens on its Unix socket only. */
  tcp?: { host: string; port: number } | undefined;
  /**
   * true: its own session (setsid), stdout and stderr appended to the folder's server.log, so it
   * outlives this process and no Ctrl-C meant for the caller reaches it. false: attached, its log
   * on this process' stderr (devdb start --foreground).
   */
  detached: boolean;
  /** More server settings (`-c name=value`), e.g. fsync=off for a throwaway test server. */
  settings?: Record<string, string> | undefined;
}

export interface Spawned {
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code once the postmaster has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts the postmaster and resolves once it accepts connections (postmaster.pid says `ready`),
 * polling every few milliseconds. A server that exits first is reported with its own last words.
 */
export async function startPostmaster(folder: NativeFolder, options: SpawnOptions): Promise<Spawned> {
  clearStalePidFile(folder.cluster);
  const port = options.tcp?.port ?? SOCKET_ONLY_PORT;
  const args = [
    '-D',
    folder.cluster,
    '-p',
    String(port),
    '-c',
    `listen_addresses=${options.tcp ? options.tcp.host : ''}`,
    '-c',
    `unix_socket_directories=${quoteListItem(socketDirFor(folder, port))}`,
  ];
  for (const [name, value] of Object.entries(options.settings ?? {})) args.push('-c', `${name}=${value}`);
  const logStart = options.detached ? rotateLog(folder.logFile) : 0;
  const log = options.detached ? fs.openSync(folder.logFile, 'a') : undefined;
  let child: ChildProcess;
  try {
    child = spawn(binary(binariesFor(folder), 'postgres'), args, {
      detached: options.detached,
      stdio: ['ignore', log ?? 'inherit', log ?? 'inherit'],
      cwd: '/',
      env: serverEnv(),
      ...(folder.user ? { uid: folder.user.uid, gid: folder.user.gid } : {}),
    });
  } finally {
    if (log !== undefined) fs.closeSync(log);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  if (options.detached) child.unref();

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const running = readPostmaster(folder.cluster);
    if (running && running.pid === child.pid && running.status === 'ready') return { pid: child.pid, child, exited };
    if (exitCode !== undefined) throw startFailed(folder, options, logStart);
    await sleep(5);
  }
  child.kill('SIGKILL');
  throw new DevdbError('E_CONNECT', `PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s: see ${folder.logFile}.`);
}

/** Asks for a fast shutdown: clients are disconnected, open transactions rolled back, a checkpoint written. */
export function requestStop(pid: number): void {
  try {
    process.kill(pid, 'SIGINT');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Resolves once `pid` is gone; false when it is still there after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(5);
  }
  return true;
}

/** Resolves once `pid`'s postmaster.pid says it is stopping (a shutdown has begun: it accepts no more sessions), or it is gone. */
export async function untilStopping(cluster: string, pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = readPostmaster(cluster);
    if (!running || running.pid !== pid || running.status === 'stopping' || Date.now() >= deadline) return;
    await sleep(2);
  }
}

/** Waits while the postmaster is starting or stopping; resolves with it once ready, or undefined once it is gone. */
export async function settledPostmaster(cluster: string, timeoutMs = START_TIMEOUT_MS): Promise<Postmaster | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = readPostmaster(cluster);
    if (!running || running.status === 'ready') return running;
    if (Date.now() >= deadline) {
      throw new DevdbError(
        'E_CONNECT',
        `The PostgreSQL server of ${cluster} (pid ${running.pid}) stays "${running.status}": end it with kill ${running.pid}.`,
      );
    }
    await sleep(5);
  }
}

/**
 * PostgreSQL refuses to start while postmaster.pid names a live process, even one that is not a
 * postgres (its pid reused after a reboot): such a file is left by a server that is gone, and goes.
 */
function clearStalePidFile(cluster: string): void {
  const file = postmasterFile(cluster);
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && !isPostgres(pid)) fs.rmSync(file, { force: true });
}

/** A server setting's list item, double-quoted when it holds a character the list syntax gives a meaning. */
function quoteListItem(value: string): string {
  return /^[^\s,"']+$/.test(value) ? value : `"${value.replaceAll('"', '""')}"`;
}

/** Keeps server.log from growing without end (one start and stop per command on a stopped folder): at 10 MiB it moves to server.log.1. */
function rotateLog(file: string): number {
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size < 10 * 1024 * 1024) return size;
  fs.renameSync(file, `${file}.1`);
  return 0;
}

function startFailed(folder: NativeFolder, options: SpawnOptions, logStart: number): DevdbError {
  const text = options.detached ? readFrom(folder.logFile, logStart) : '';
  const fatal = text
    .split('\n')
    .map((line) => line.replace(/^.*?\b(FATAL|PANIC|ERROR):\s+/, '$1: '))
    .filter((line) => /^(FATAL|PANIC|ERROR): /.test(line));
  if (options.tcp && fatal.some((line) => /could not (bind|create listen socket)/.test(line) || /Address already in use/.test(line))) {
    return new DevdbError('E_PORT_IN_USE', `Port ${options.tcp.port} on ${options.tcp.host} is already in use by another program.`, {
      details: { port: options.tcp.port },
    });
  }
  const reason = fatal.at(-1)?.replace(/^\w+: /, '') ?? 'it exited at once';
  return new DevdbError('E_CONNECT', `PostgreSQL did not start: ${reason} (see ${folder.logFile}).`);
}

function readFrom(file: string, offset: number): string {
  try {
    return fs.readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
