import type net from 'node:net';
import type { DataDirLock } from '../db/data-dir-lock.js';

/**
 * Requests other processes send on the folder's lock socket while it is served, one JSON line
 * each: `status`, `stop`, and session-level advisory locks. The last exist because every client
 * of the served database shares PGlite's one session, where pg_try_advisory_lock succeeds for
 * everyone (the same session already holds it): devdb's migration lock is taken here instead, held
 * by the requesting socket and released when it says so or when its process dies.
 */
export interface LockServiceHandlers {
  status(): Record<string, unknown>;
  /** Starts stopping; the server calls the service's `stopped()` with how it ended, before it releases the lock. */
  stop(): void;
}

export interface LockService {
  /** Tells every process that asked to stop how the server ended (`{"stopped": …}`), then ends their connections. */
  stopped(outcome: Record<string, unknown>): void;
}

type Request = { op: 'status' } | { op: 'stop' } | { op: 'lock'; key: string } | { op: 'unlock'; key: string };

export function serveLockRequests(lock: DataDirLock, handlers: LockServiceHandlers): LockService {
  const held = new Map<string, net.Socket>();
  const stopRequests = new Set<net.Socket>();
  const watched = new WeakSet<net.Socket>();
  const releaseAll = (socket: net.Socket) => {
    for (const [key, holder] of held) if (holder === socket) held.delete(key);
  };
  lock.onRequest((socket, line) => {
    let request: Request;
    try {
      request = JSON.parse(line) as Request;
    } catch {
      socket.end(JSON.stringify({ error: 'not JSON' }) + '\n');
      return;
    }
    const reply = (value: unknown) => socket.write(JSON.stringify(value) + '\n');
    switch (request.op) {
      case 'status':
        reply(handlers.status());
        break;
      case 'stop':
        reply({ stopping: true });
        stopRequests.add(socket);
        handlers.stop();
        break;
      case 'lock': {
        const holder = held.get(request.key);
        if (holder && holder !== socket && !holder.destroyed) {
          reply({ locked: false });
          break;
        }
        held.set(request.key, socket);
        if (!watched.has(socket)) {
          watched.add(socket);
          socket.once('close', () => releaseAll(socket));
        }
        reply({ locked: true });
        break;
      }
      case 'unlock':
        if (held.get(request.key) === socket) held.delete(request.key);
        reply({ unlocked: true });
        break;
      default:
        reply({ error: 'unknown op' });
    }
  });
  return {
    stopped(outcome) {
      for (const socket of stopRequests) socket.end(JSON.stringify({ stopped: outcome }) + '\n');
    },
  };
}
