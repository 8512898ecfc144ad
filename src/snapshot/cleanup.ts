import { databasesLike, dropDatabase } from '../db/databases.js';
import { scratchDatabasePid } from '../db/devdb-names.js';
import { processAlive } from '../db/folder-swap.js';
import { nativeFolder, readPostmaster, startedByCommand, stopUnusedCommandServer } from '../db/native/index.js';
import { openBackgroundServerAdmin, type ServerTarget } from '../db/server-admin.js';
import { makeSpare } from './server-spares.js';

/**
 * What `devdb snapshot gc` does on a server, in the process background.ts starts. Makes the spare
 * of snapshot database `spareOf` if it has none (first: the next restore may be waiting for it),
 * then drops `names` (scratch databases only) and the scratch databases of this machine's processes
 * that are gone (a restore killed mid-way, a test process that died with its test databases);
 * returns what it dropped. On a stopped native folder it starts the server like any command and,
 * last out, stops it (src/db/native/native-db.ts).
 */
export async function collectGarbage(target: ServerTarget, names: string[], spareOf?: string): Promise<string[]> {
  const admin = await openBackgroundServerAdmin(target);
  try {
    const made = spareOf ? await makeSpare(admin, spareOf) : false;
    const kinds = ['old', 'tmp', 'test'] as const;
    const doomed: string[] = [];
    for (const kind of kinds) {
      for (const { name } of await databasesLike(admin.db, `devdb_${kind}_`)) {
        const pid = scratchDatabasePid(name, kind);
        if (names.includes(name) || (pid !== undefined && pid !== process.pid && !processAlive(pid))) doomed.push(name);
      }
    }
    for (const name of doomed) await dropDatabase(admin.db, name);
    // The spare's copy leaves its pages dirty (22 MB for the small seed): written now, while the server runs for whoever
    // comes, instead of by the shutdown checkpoint of the server gc stops last out, which a restore arriving meanwhile
    // waits for (0.5-1.2 s measured at load 5-9). devdb start's server is not stopped by gc: its checkpoints come on their
    // own schedule, by when the spare may have been restored and replaced (its pages dropped unwritten). A server of a URL
    // is not devdb's to checkpoint.
    if (made && target.engine === 'native' && commandStarted(target.dataDir)) await admin.db.exec('CHECKPOINT');
    return doomed;
  } finally {
    await admin.close();
  }
}

/** Whether the folder's server is one a command started (socket only), which the last one out stops. */
function commandStarted(dataDir: string): boolean {
  const running = readPostmaster(nativeFolder(dataDir).cluster);
  return running !== undefined && startedByCommand(running);
}

/** After a `devdb snapshot gc` that died: stops the native folder's server if that gc would have been the last one out. */
export async function stopServerLeftByGc(target: ServerTarget): Promise<boolean> {
  return target.engine === 'native' ? stopUnusedCommandServer(target.dataDir, 'devdb snapshot gc') : false;
}
