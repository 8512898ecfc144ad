import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * Where a folder's lock lives, and who may speak to it. The lock is a Unix socket file *in the
 * folder*, created with mode 0600: the kernel lets only its owner (and root) connect, so another
 * local user can neither read the holder's hello, nor ask it to stop, nor take its advisory
 * locks; and only someone who may write into the folder can create the socket, so nobody can
 * bind its name first and pass for the holder (an abstract socket's name was open to every
 * user). A socket found in the folder is trusted only when it belongs to this user or to the
 * folder's owner. Windows keeps a named pipe (no socket files there).
 *
 * A Unix socket path is limited to 107 bytes. A longer folder path is reached through
 * /proc/self/fd/N/devdb-lock.sock on Linux (an open descriptor of the folder; the same socket
 * file), elsewhere through a relative path from the working folder when that one is short enough.
 */
export const LOCK_SOCKET = 'devdb-lock.sock';
const SUN_PATH_MAX = 107;

/** A path to bind or connect to the folder's socket; `done()` closes what reaching it needed. */
export interface SocketPath {
  path: string;
  done(): void;
}

export function lockSocketPath(dataDir: string, name = LOCK_SOCKET): SocketPath {
  const real = fs.realpathSync(dataDir);
  if (process.platform === 'win32') {
    return { path: `\\\\.\\pipe\\devdb-lock-${createHash('sha256').update(real).digest('hex')}`, done: () => {} };
  }
  const direct = path.join(real, name);
  if (Buffer.byteLength(direct) <= SUN_PATH_MAX) return { path: direct, done: () => {} };
  if (process.platform === 'linux') {
    const fd = fs.openSync(real, 'r');
    return { path: `/proc/self/fd/${fd}/${name}`, done: () => fs.closeSync(fd) };
  }
  const relative = path.relative(process.cwd(), direct);
  if (Buffer.byteLength(relative) <= SUN_PATH_MAX) return { path: relative, done: () => {} };
  throw new Error(`the folder's path is too long for its lock socket (${direct}): use a shorter --data-dir`);
}

/** Whether locks are socket files (everything but Windows): a dead one stays behind after a crash. */
export function usesSocketFile(): boolean {
  return process.platform !== 'win32';
}

/**
 * Listens on the folder's socket, readable and writable by this user only. The socket is bound
 * under a name of its own, under umask 077 (never open to others, not even between bind and
 * chmod 0600), then hard-linked to `devdb-lock.sock`: link() fails atomically when the name is
 * taken, which is the lock. Binding the lock name directly would not do: Node unlinks the path a
 * server was bound to when it closes, which could remove the next holder's socket. Resolves
 * undefined when the name is taken.
 */
export async function listenPrivately(dataDir: string): Promise<net.Server | undefined> {
  if (!usesSocketFile()) return listenOn(lockSocketPath(dataDir));
  const own = `${LOCK_SOCKET}.${process.pid}.${randomBytes(6).toString('hex')}`;
  const server = await listenOn(lockSocketPath(dataDir, own));
  if (!server) throw new Error(`${own} is in use (a name made of this pid and random bytes)`);
  const ownFile = path.join(dataDir, own);
  try {
    fs.chmodSync(ownFile, 0o600);
    fs.linkSync(ownFile, path.join(dataDir, LOCK_SOCKET));
    return server;
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  } finally {
    fs.rmSync(ownFile, { force: true });
  }
}

function listenOn(where: SocketPath): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      where.done();
      if (error.code === 'EADDRINUSE') resolve(undefined);
      else reject(error);
    });
    const umask = usesSocketFile() ? process.umask(0o077) : undefined;
    try {
      server.listen(where.path, () => {
        where.done();
        resolve(server);
      });
    } finally {
      if (umask !== undefined) process.umask(umask);
    }
  });
}

/** Connects to the folder's socket (the descriptor a long path needed is closed once connected or failed). */
export function connectLockSocket(dataDir: string): net.Socket {
  const where = lockSocketPath(dataDir);
  const socket = net.createConnection(where.path);
  const settle = () => {
    socket.removeListener('connect', settle);
    socket.removeListener('error', settle);
    where.done();
  };
  socket.once('connect', settle);
  socket.once('error', settle);
  return socket;
}

/**
 * Why the socket in the folder must not be trusted, or undefined when it may: it must be a socket
 * owned by this user or by the folder's owner (another user could only have put it there in a
 * folder others may write to).
 */
export function untrustedSocket(dataDir: string): string | undefined {
  if (!usesSocketFile() || process.getuid === undefined) return undefined;
  const file = path.join(dataDir, LOCK_SOCKET);
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat) return undefined;
  const folderOwner = fs.statSync(dataDir).uid;
  if (!stat.isSocket()) return `${file} is not a socket`;
  if (stat.uid !== process.getuid() && stat.uid !== folderOwner) return `${file} belongs to another user (uid ${stat.uid})`;
  return undefined;
}

/** Removes the folder's socket file (the holder, on release; a taker, once it is proven dead). */
export function removeLockSocket(dataDir: string): void {
  if (usesSocketFile()) fs.rmSync(path.join(dataDir, LOCK_SOCKET), { force: true });
}
