import * as Flags from '@oclif/core/flags';

/** The engine of a new local folder (setup and start); a folder that exists keeps its own. */
export const engineFlag = {
  engine: Flags.string({
    description:
      'engine of a new local folder: postgres (a native PostgreSQL 18 server, the default where it can run) or pglite (PostgreSQL in WebAssembly, one shared session); default: $DEVDB_ENGINE or "engine" in devdb.config.json',
    options: ['postgres', 'pglite'],
    helpGroup: 'DATABASE',
  }),
};

/** The server commands work on the embedded folder only: DATABASE_URL (often the served URL itself) is ignored. */
export const dataDirFlag = {
  'data-dir': Flags.string({
    description: 'folder of the embedded database (default: $DEVDB_DATA_DIR, "dataDir" in devdb.config.json, or ./.devdb)',
    helpGroup: 'DATABASE',
  }),
};
