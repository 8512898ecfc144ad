import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevdbError } from '../errors.js';

/**
 * PGlite is a single-process engine: two processes writing one data directory corrupt it.
 * A lock file holding the owner's pid keeps the second one out with a clear message; a lock
 * left by a process that has died is taken over.
 */
export class DataDirLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(readonly file: string) {
    process.once('exit', this.onExit);
  }

  static acquire(dataDir: string): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'devdb.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname() }), { flag: 'wx' });
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = readOwner(file);
        if (owner && isAlive(owner.pid, owner.host)) {
          throw new DevdbError(
            'E_DATA_DIR_IN_USE',
            `The embedded database in ${dataDir} is in use by another devdb process (pid ${owner.pid}): wait for it to finish, or stop it, then try again.`,
            { details: { pid: owner.pid } },
          );
        }
        fs.rmSync(file, { force: true });
      }
    }
    throw new DevdbError('E_DATA_DIR_IN_USE', `Could not lock the embedded database in ${dataDir}: another devdb process keeps taking it; try again.`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    fs.rmSync(this.file, { force: true });
  }
}

function readOwner(file: string): { pid: number; host: string } | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host } : undefined;
  } catch {
    return undefined; // torn or foreign file: treat as stale
  }
}

function isAlive(pid: number, host: string): boolean {
  // A lock from another host (a shared folder) cannot be checked, so it is honoured.
  if (host !== os.hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
