import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DevdbError } from '../errors.js';

/**
 * PGlite is a single-process engine: two processes writing one data folder corrupt it and
 * lose committed rows. The mutual exclusion is a kernel-held object that vanishes with its
 * process, so no crash can leave a lock behind and nothing ever deletes a lock it does not own:
 * - Linux: an abstract Unix socket (`\0devdb-lock-<sha256(realpath)>`) the holder listens on;
 *   a second listen fails with EADDRINUSE atomically, and kill -9 closes it.
 * - Windows: a named pipe `\\.\pipe\devdb-lock-<hash>`, which behaves the same.
 * - Elsewhere (macOS): a socket file in the temp folder. A socket file outlives a crash, so a
 *   taker that finds it dead removes it only under an exclusive `.takeover` file (see takeOver).
 * The socket also answers who holds the folder: a connection receives one JSON line, the
 * holder's hello. `devdb.lock` in the folder repeats it for people and `devdb status`; it is
 * informational only and never decides anything.
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
  private readonly onExit = () => this.removeLockFileSync();

  private constructor(
    readonly dataDir: string,
    readonly address: string,
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
    const address = lockAddress(dataDir);
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      const server = await tryListen(address);
      if (server) {
        const hello: LockHolder = {
          pid: process.pid,
          host: os.hostname(),
          startedAt: new Date().toISOString(),
          command: options.command ?? 'devdb',
        };
        return new DataDirLock(dataDir, address, server, hello);
      }
      const holder = await probeAddress(address);
      if (!holder && usesSocketFile() && (await takeOver(address))) continue;
      if (holder?.servedUrl || Date.now() >= deadline) throw inUseError(dataDir, holder);
      await sleep(holder ? 100 : 20);
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
    this.removeLockFileSync();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (usesSocketFile()) fs.rmSync(this.address, { force: true });
  }

  private answer(socket: net.Socket): void {
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
    fs.writeFileSync(temp, JSON.stringify(this.hello, null, 2) + '\n');
    fs.renameSync(temp, file);
  }

  /** Removes devdb.lock only while this process still holds the socket, so it is always our own. */
  private removeLockFileSync(): void {
    fs.rmSync(path.join(this.dataDir, LOCK_FILE), { force: true });
  }
}

/** Who holds the folder right now, from the live socket (never from the file); undefined when nobody does. */
export async function lockHolder(dataDir: string): Promise<LockHolder | undefined> {
  if (!fs.existsSync(dataDir)) return undefined;
  return probeAddress(lockAddress(dataDir));
}

/** The kernel object that is the lock for this folder (same folder, any spelling of its path, same address). */
export function lockAddress(dataDir: string): string {
  const real = fs.realpathSync(dataDir);
  const hash = createHash('sha256').update(real).digest('hex');
  if (process.platform === 'win32') return `\\\\.\\pipe\\devdb-lock-${hash}`;
  if (process.platform === 'linux') return `\0devdb-lock-${hash}`;
  return path.join(os.tmpdir(), `devdb-lock-${hash.slice(0, 32)}.sock`);
}

/** Opens a connection to the lock socket (the served database's lock service uses it too). */
export function connectLock(address: string): net.Socket {
  return net.createConnection(address);
}

function usesSocketFile(): boolean {
  return process.platform !== 'linux' && process.platform !== 'win32';
}

function tryListen(address: string): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(undefined);
      else reject(error);
    });
    server.listen(address, () => resolve(server));
  });
}

/** Reads the hello of whoever listens at `address`; undefined when nobody answers. */
function probeAddress(address: string): Promise<LockHolder | undefined> {
  return new Promise((resolve) => {
    const socket = connectLock(address);
    let text = '';
    const done = (holder: LockHolder | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(holder);
    };
    const timer = setTimeout(() => done(parseHello(text) ?? unknownHolder()), HELLO_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) done(parseHello(text) ?? unknownHolder());
    });
    socket.on('error', () => done(undefined));
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

/** A listener that accepted but said nothing we understand still holds the socket. */
function unknownHolder(): LockHolder {
  return { pid: 0, host: '', startedAt: '', command: 'an unknown process' };
}

/**
 * Socket-file platforms only: the file is there but nobody listens (its process crashed).
 * Whoever creates `<socket>.takeover` exclusively may remove the dead file; the others retry.
 * A `.takeover` older than 10 s belongs to a taker that itself crashed between two syscalls.
 */
async function takeOver(address: string): Promise<boolean> {
  const guard = `${address}.takeover`;
  try {
    fs.writeFileSync(guard, String(process.pid), { flag: 'wx' });
  } catch {
    const age = Date.now() - (fs.statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 10_000) fs.rmSync(guard, { force: true });
    return false;
  }
  try {
    if (!(await probeAddress(address))) fs.rmSync(address, { force: true });
    return true;
  } finally {
    fs.rmSync(guard, { force: true });
  }
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
    ? `run devdb stop --data-dir ${dataDir}, or use the server at its URL (devdb url)`
    : `wait for it to finish, or stop it (kill ${holder.pid || 'that process'})`;
  return new DevdbError('E_DATA_DIR_IN_USE', `The embedded database in ${dataDir} is in use by ${who}: ${todo}, then try again.`, {
    details: { ...holder },
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
