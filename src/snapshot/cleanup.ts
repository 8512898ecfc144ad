import { databasesLike, dropDatabase } from '../db/databases.js';
import { scratchDatabasePid } from '../db/devdb-names.js';
import { processAlive } from '../db/folder-swap.js';
import { openRunningServerAdmin, type ServerTarget } from '../db/server-admin.js';
import { makeSpare } from './server-spares.js';

/**
 * What `devdb snapshot gc` does on a server, in the process background.ts starts. Drops `names` (scratch databases only) and the scratch databases of this machine's processes
 * that are gone (a restore killed mid-way, a test process that died with its test databases),
 * then makes the spare of snapshot database `spareOf` if it has none; returns what it dropped.
 */
export async function collectGarbage(target: ServerTarget, names: string[], spareOf?: string): Promise<string[]> {
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
    if (spareOf) await makeSpare(admin, spareOf);
    return doomed;
  } finally {
    await admin.close();
  }
}
