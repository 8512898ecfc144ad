/** devdb as a library: every capability is a function over a `Db`. */
export type { CopySource, Db, Engine, Queryable, Row } from './db/db.js';
export { openDb, withDb } from './db/open.js';
export { resolveTarget, redactUrl, describeTarget, isLocalTarget, type Target } from './db/target.js';
export { copyRow, copyValue } from './db/copy.js';
export { DevdbError, ExitCode, type ErrorCode } from './errors.js';
export { migrateUp, migrateDown, migrationStatus, resetSchema } from './migrate/migrator.js';
export { newMigration } from './migrate/new-migration.js';
export { setup, reset } from './setup/setup.js';
export { seed, hasSeedableData, seedCoverage, loadProfile, scaleRowCounts, NOT_SEEDED, type SeedOptions, type SeedResult } from './seed/index.js';
