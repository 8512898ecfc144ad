import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { databasesLike, dropDatabase } from '../db/databases.js';
import { scratchDatabasePid } from '../db/devdb-names.js';
import { processAlive } from '../db/folder-swap.js';
import { openRunningServerAdmin, type ServerTarget } from '../db/server-admin.js';

/**
 * The databases devdb sets aside on a server (a restore's replaced database, `devdb_old_*`) and
 * the copies of processes that died mid-work (`devdb_tmp_*`) are dropped by a process of their
 * own: DROP DATABASE removes files and takes 0.5-3.5 s on the native engine (fsync on, measured
 * here), which a restore need not wait for once its swap is done.
 */
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/** Starts `devdb snapshot gc` for `names`, detached: the caller returns at once. */
export function dropInBackground(target: ServerTarget, names: string[]): void {
  const args = [bin, 'snapshot', 'gc', ...names];
  // The child gets only what names the database: the URL (in the environment, never in the
  // arguments, which ps shows) with the libpq variables the target was resolved with, or the folder.
  const env: NodeJS.ProcessEnv = {};
  if (target.engine === 'postgres') Object.assign(env, target.pgEnv, { DATABASE_URL: target.branch?.main ?? target.url });
  else args.push('--data-dir', target.dataDir);
  spawn(process.execPath, args, { detached: true, stdio: 'ignore', env }).unref();
}

/**
 * Drops `names` (scratch databases only) and the scratch databases of this machine's processes
 * that are gone (a restore killed mid-way, a test process that died with its test databases);
 * returns what it dropped.
 */
export async function collectGarbage(target: ServerTarget, names: string[]): Promise<string[]> {
  // No lease: a cleanup is in nobody's way, and what it cannot do now (no server runs) the next one does.
  const admin = await openRunningServerAdmin(target);
  if (!admin) return [];
  try {
    const kinds = ['old', 'tmp', 'test'] as const;
    const doomed: string[] = [];
    for (const kind of kinds) {
      for (const { name } of await databasesLike(admin.db, `devdb_${kind}_`)) {
        const pid = scratchDatabasePid(name, kind);
        if (names.includes(name) || (pid !== undefined && pid !== process.pid && !processAlive(pid))) doomed.push(name);
      }
    }
    for (const name of doomed) await dropDatabase(admin.db, name);
    return doomed;
  } finally {
    await admin.close();
  }
}
