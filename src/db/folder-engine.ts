import fs from 'node:fs';
import path from 'node:path';
import { recoverFolders } from './folder-swap.js';
import { isNativeFolder, nativeDatabaseExists } from './native/folder.js';

/** The engines a local folder can hold: PGlite (`pgdata/`) or a native PostgreSQL (`cluster/`, src/db/native/folder.ts). */
export type FolderEngine = 'pglite' | 'native';

/** What a folder holds, by which subfolder it has; undefined for a folder that holds no database yet. */
export function folderEngine(dataDir: string): FolderEngine | undefined {
  if (isNativeFolder(dataDir)) return 'native';
  if (pgliteData(dataDir)) return 'pglite';
  return undefined;
}

/** The folder holds a finished database (PostgreSQL writes PG_VERSION when it initializes PGlite's cluster). */
export function folderDatabaseExists(engine: FolderEngine, dataDir: string): boolean {
  return engine === 'native'
    ? nativeDatabaseExists(dataDir)
    : pgliteData(dataDir) && fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'));
}

/** Whether the folder has PGlite's pgdata, put back first when a restore died between its two renames (src/db/folder-swap.ts). */
function pgliteData(dataDir: string): boolean {
  const pgdata = path.join(dataDir, 'pgdata');
  if (!fs.existsSync(pgdata)) recoverFolders(dataDir);
  return fs.existsSync(pgdata);
}
