/** devdb as a library: every capability is a function over a `Db`. */
export type { CopySource, CopyTarget, Db, Engine, Queryable, Row } from './db/db.js';
export { openDb, withDb } from './db/open.js';
export { describeTarget, type Target } from './db/target.js';
/** The database to open, as the CLI resolves it in the working folder: `{ url }` or `{ dataDir }` over DATABASE_URL, DEVDB_DATA_DIR, `.env` and devdb.config.json. */
export { projectTarget as resolveTarget } from './config/project-target.js';
export { isLocalTarget } from './db/local-target.js';
export { redactSecrets, redactUrl } from './util/redact.js';
export { copyRow, copyValue } from './db/copy.js';
export { DevdbError, ExitCode, type ErrorCode } from './errors.js';
export { migrateUp, migrateDown, migrationStatus, resetSchema, newMigration, planMigrations, splitStatements } from './migrate/index.js';
export { DbError } from './db/db-error.js';
export { setup, reset } from './setup/setup.js';
export {
  seed,
  hasSeedableData,
  seedCoverage,
  loadProfile,
  scaleRowCounts,
  NOT_SEEDED,
  type SeedOptions,
  type SeedResult,
} from './seed/index.js';
