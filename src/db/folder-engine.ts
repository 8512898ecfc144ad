import fs from 'node:fs';
import path from 'node:path';
import { isNativeFolder, nativeDatabaseExists } from './native/folder.js';

/** The engines a local folder can hold: PGlite (`pgdata/`) or a native PostgreSQL (`cluster/`, src/db/native/folder.ts). */
export type FolderEngine = 'pglite' | 'native';

/** What a folder holds, by which subfolder it has; undefined for a folder that holds no database yet. */
export function folderEngine(dataDir: string): FolderEngine | undefined {
  if (isNativeFolder(dataDir)) return 'native';
  if (fs.existsSync(path.join(dataDir, 'pgdata'))) return 'pglite';
  return undefined;
}

/** The folder holds a finished database (PostgreSQL writes PG_VERSION when it initializes PGlite's cluster). */
export function folderDatabaseExists(engine: FolderEngine, dataDir: string): boolean {
  return engine === 'native' ? nativeDatabaseExists(dataDir) : fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'));
}
