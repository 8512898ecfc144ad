import fs from 'node:fs';
import path from 'node:path';
import { DevdbError, usageError } from '../errors.js';

/**
 * Checks, before the embedded engine opens it, that `dataDir` is (or can become) a folder this
 * process can write to, so that a wrong --data-dir ends in one line that names the folder and
 * what to do, not in `EEXIST` or `EACCES` from deep inside the open. PGlite writes even to read
 * (its lock and WAL), so write access is needed for every command.
 */
export function checkDataDir(dataDir: string): void {
  let existing = dataDir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const stat = fs.statSync(existing, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) {
    throw usageError(
      existing === dataDir
        ? `The embedded database folder ${dataDir} is a file: point --data-dir (or DEVDB_DATA_DIR) at a folder; a missing one is created.`
        : `Cannot create the embedded database folder ${dataDir}: ${existing} is a file. Point --data-dir (or DEVDB_DATA_DIR) elsewhere.`,
    );
  }
  try {
    fs.accessSync(existing, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
    const what =
      existing === dataDir
        ? `the embedded database folder ${dataDir}`
        : `${existing}, where the embedded database folder ${dataDir} would be created`;
    throw new DevdbError(
      'E_PATH',
      `Cannot write to ${what} (${code === 'EROFS' ? 'read-only file system' : 'permission denied'}): fix its permissions, or point --data-dir at a folder you can write to.`,
      {
        details: { path: existing, reason: code },
      },
    );
  }
}
