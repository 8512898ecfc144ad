import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import { connectLockSocket, listenPrivately, LOCK_SOCKET, removeLockSocket, untrustedSocket, usesSocketFile } from './lock-socket.js';
import { pause } from '../util/pause.js';

/**
 * PGlite is a single-process engine: two processes writing one data folder corrupt it and
 * lose committed rows. The mutual exclusion is a Unix socket in the folder (`devdb-lock.sock`,
 * src/db/lock-socket.ts) that the holder listens on: a second listen fails with EADDRINUSE
 * atomically, and the kernel closes the listener when its process dies, kill -9 included. The
 * socket file itself stays after a crash; whoever finds nobody listening on it removes it only
 * under an exclusive `.takeover` file (see takeOver), so two takers never remove each other's.
 * The socket is mode 0600 and trusted only when it is this user's or the folder owner's, so no
 * other local user can read who holds the folder, stop its server, or pass for its holder.
 * The socket also answers who holds the folder: a connection receives one JSON line, the
 * holder's hello. `devdb.lock` (mode 0600) repeats it for people and `devdb status`; it is
 * informational only, never decides anything, and a full disk that keeps it from being written
 * costs nothing but the file.
 */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** The devdb command that holds it (`devdb start`, `devdb seed`…). */
  command: string;
  /** Set while the holder serves the database over the wire protocol. */
  servedUrl?: string;
}

export const LOCK_FILE = 'devdb.lock';
const HELLO_TIMEOUT_MS = 2_000;

export interface AcquireOptions {
  /** What this process is doing (`devdb seed`), shown to anyone who finds the folder locked; its caller knows. */
  command?: string;
  /** How long to wait for another holder to finish before failing (default 0: fail at once). */
  waitMs?: number;
}

/** Handles requests other processes send on the lock socket (the served database's lock service). */
export type LockRequestHandler = (socket: net.Socket, line: string) => void;

export class DataDirLock {
  private released = false;
  private requestHandler: LockRequestHandler | undefined;
  private readonly connections = new Set<net.Socket>();
  private readonly onExit = () => this.removeLockFileSync();

  private constructor(
    readonly dataDir: string,
    private readonly server: net.Server,
    private hello: LockHolder,
  ) {
    server.on('connection', (socket) => this.answer(socket));
    // The lock must never keep a CLI process alive on its own.
    server.unref();
    process.once('exit', this.onExit);
    this.writeLockFile();
  }

  /** Takes the folder, or throws E_DATA_DIR_IN_USE naming the holder (its hello carries `servedUrl` when it serves). */
  static async acquire(dataDir: string, options: AcquireOptions = {}): Promise<DataDirLock> {
    fs.mkdirSync(dataDir, { recursive: true });
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      const untrusted = untrustedSocket(dataDir);
      if (untrusted) throw untrustedError(dataDir, untrusted);
      const server = await listenPrivately(dataDir).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EACCES' && error.code !== 'EPERM') throw error;
        // A folder this user may not write to: say who holds it if anyone does, else whose it is.
        const holder = await probe(dataDir);
        if (holder) throw inUseError(dataDir, holder);
        throw new DevdbError(
          'E_PATH',
          `Cannot lock the embedded database in ${dataDir}: the folder is not writable by you (${error.code}).`,
        );
      });
      if (server) {
        const hello: LockHolder = {
          pid: process.pid,
          host: os.hostname(),
          startedAt: new Date().toISOString(),
          command: options.command ?? 'devdb',
        };
        return new DataDirLock(dataDir, server, hello);
      }
      const holder = await probe(dataDir);
      if (!holder && usesSocketFile() && (await takeOver(dataDir))) continue;
      if (holder?.servedUrl || Date.now() >= deadline) throw inUseError(dataDir, holder);
      await pause(holder ? 100 : 20);
    }
  }

  get holder(): LockHolder {
    return this.hello;
  }

  /** Announces (or withdraws) the URL this process serves the folder at. */
  setServedUrl(url: string | undefined): void {
    const { servedUrl: _previous, ...rest } = this.hello;
    this.hello = url === undefined ? rest : { ...rest, servedUrl: url };
    this.writeLockFile();
  }

  onRequest(handler: LockRequestHandler): void {
    this.requestHandler = handler;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    fs.rmSync(path.join(this.dataDir, LOCK_FILE), { force: true });
    // The file goes first: once the listener is closed, another process may take over the name and bind
    // its own socket there, which removing "ours" afterwards would delete (two holders at once).
    removeLockSocket(this.dataDir);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // A connection left open (a served command's lock channel) must not keep the release waiting.
    for (const socket of this.connections) socket.destroy();
    await closed;
  }

  private answer(socket: net.Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.write(JSON.stringify(this.hello) + '\n');
    if (!this.requestHandler) {
      socket.end();
      return;
    }
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        this.requestHandler?.(socket, line);
      }
    });
  }

  private writeLockFile(): void {
    const file = path.join(this.dataDir, LOCK_FILE);
    const temp = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temp, JSON.stringify(this.hello, null, 2) + '\n', { mode: 0o600 });
      fs.chmodSync(temp, 0o600);
      fs.renameSync(temp, file);
    } catch {
      // A full disk (or a folder gone) costs only this informational copy of the hello: the socket is the lock.
      fs.rmSync(temp, { force: true });
    }
  }

  /** At exit, while this process still holds the lock: devdb.lock and the socket file are its own. */
  private removeLockFileSync(): void {
    fs.rmSync(path.join(this.dataDir, LOCK_FILE), { force: true });
    removeLockSocket(this.dataDir);
  }
}

/** Who holds the folder right now, from the live socket (never from the file); undefined when nobody does. */
export async function lockHolder(dataDir: string): Promise<LockHolder | undefined> {
  if (!fs.existsSync(dataDir)) return undefined;
  const untrusted = untrustedSocket(dataDir);
  // Never follow (or report as the holder) a socket someone else put there.
  if (untrusted) return unknownHolder(`an untrusted lock socket (${untrusted})`);
  return probe(dataDir);
}

/** Opens a connection to the folder's lock socket (the served database's lock service uses it too). */
export function connectLock(dataDir: string): net.Socket {
  const untrusted = untrustedSocket(dataDir);
  if (untrusted) throw untrustedError(dataDir, untrusted);
  return connectLockSocket(dataDir);
}

/**
 * Reads the hello of whoever listens on the folder's socket; undefined when nobody does (no socket
 * file, or nobody listening on it). A reset connection is no answer either way (a holder closing
 * drops the connections it had not accepted yet): asked again, a few times.
 */
async function probe(dataDir: string): Promise<LockHolder | undefined> {
  for (let attempt = 1; ; attempt++) {
    const answer = await probeOnce(dataDir);
    if (answer !== 'no answer') return answer;
    if (attempt === 3) return unknownHolder();
    await pause(10 * attempt);
  }
}

function probeOnce(dataDir: string): Promise<LockHolder | undefined | 'no answer'> {
  if (usesSocketFile() && !fs.existsSync(path.join(dataDir, LOCK_SOCKET))) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = connectLockSocket(dataDir);
    let text = '';
    const done = (holder: LockHolder | undefined | 'no answer') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(holder);
    };
    const timer = setTimeout(() => done(parseHello(text) ?? unknownHolder()), HELLO_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) done(parseHello(text) ?? unknownHolder());
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (parseHello(text)) done(parseHello(text));
      else if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') done(undefined);
      // A live socket this user may not open: another user's holder, the folder is theirs right now.
      else if (error.code === 'EACCES') done(unknownHolder("another user's devdb (its lock socket is not yours to open)"));
      else done('no answer');
    });
    socket.on('end', () => done(parseHello(text) ?? unknownHolder()));
  });
}

function parseHello(text: string): LockHolder | undefined {
  const line = text.split('\n')[0];
  if (!line) return undefined;
  try {
    const parsed = JSON.parse(line) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return {
      pid: parsed.pid,
      host: String(parsed.host ?? ''),
      startedAt: String(parsed.startedAt ?? ''),
      command: String(parsed.command ?? 'devdb'),
      ...(typeof parsed.servedUrl === 'string' ? { servedUrl: parsed.servedUrl } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A listener that accepted but said nothing we understand (or one we may not ask) still holds the socket. */
function unknownHolder(command = 'an unknown process'): LockHolder {
  return { pid: 0, host: '', startedAt: '', command };
}

/**
 * The socket file is there but nobody listens (its process crashed). Whoever creates
 * `devdb-lock.sock.takeover` exclusively may remove the dead file; the others retry. It removes
 * only the very file it found dead (the same file before and after the probe): a name that was
 * absent, or that a new holder linked meanwhile, is never touched. A `.takeover` older than 10 s
 * belongs to a taker that itself crashed between two syscalls.
 */
async function takeOver(dataDir: string): Promise<boolean> {
  const guard = path.join(dataDir, `${LOCK_SOCKET}.takeover`);
  try {
    fs.writeFileSync(guard, String(process.pid), { flag: 'wx', mode: 0o600 });
  } catch {
    const age = Date.now() - (fs.statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 10_000) fs.rmSync(guard, { force: true });
    return false;
  }
  try {
    const socket = path.join(dataDir, LOCK_SOCKET);
    // Inode numbers are reused at once, so the file is known by its inode and change time (in ns).
    const identity = () => {
      const stat = fs.lstatSync(socket, { throwIfNoEntry: false, bigint: true });
      return stat && `${stat.dev}:${stat.ino}:${stat.ctimeNs}`;
    };
    const dead = identity();
    if (dead && !(await probe(dataDir)) && identity() === dead) removeLockSocket(dataDir);
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function untrustedError(dataDir: string, why: string): DevdbError {
  return new DevdbError(
    'E_DATA_DIR_IN_USE',
    `The lock of the embedded database in ${dataDir} cannot be trusted: ${why}; remove that file if you know it is safe, and keep the folder writable by you alone.`,
  );
}

function inUseError(dataDir: string, holder: LockHolder | undefined): DevdbError {
  if (!holder) {
    return new DevdbError(
      'E_DATA_DIR_IN_USE',
      `Could not lock the embedded database in ${dataDir}: another process keeps taking it; try again.`,
    );
  }
  const since = holder.startedAt ? ` since ${holder.startedAt}` : '';
  const who = holder.pid ? `another devdb process (pid ${holder.pid}) running ${holder.command}${since}` : holder.command;
  const todo = holder.servedUrl
    ? `it is served at ${holder.servedUrl}: use the server there, or run devdb stop --data-dir ${dataDir}`
    : `wait for it to finish, or stop it (kill ${holder.pid || 'that process'})`;
  return new DevdbError('E_DATA_DIR_IN_USE', `The embedded database in ${dataDir} is in use by ${who}: ${todo}, then try again.`, {
    details: { ...holder },
  });
}
