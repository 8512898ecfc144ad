import { Flags } from '@oclif/core';

/** The server commands work on the embedded folder only: DATABASE_URL (often the served URL itself) is ignored. */
export const dataDirFlag = {
  'data-dir': Flags.string({
    description: 'folder of the embedded database (default: $DEVDB_DATA_DIR, "dataDir" in devdb.config.json, or ./.devdb)',
    helpGroup: 'DATABASE',
  }),
};
