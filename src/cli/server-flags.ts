import { Flags } from '@oclif/core';
import { resolveTarget } from '../db/target.js';

/** The server commands work on the embedded folder only: DATABASE_URL (often the served URL itself) is ignored. */
export const dataDirFlag = {
  'data-dir': Flags.string({
    description: 'folder of the embedded database (default: $DEVDB_DATA_DIR or ./.devdb)',
    helpGroup: 'DATABASE',
  }),
};

export function localDataDir(flag: string | undefined): string {
  const target = resolveTarget({ dataDir: flag }, { ...process.env, DATABASE_URL: '' });
  if (target.engine !== 'pglite') throw new Error('unreachable: a data folder resolves to the embedded engine');
  return target.dataDir;
}
