/** The migrate capability: what commands, setup and the library import. */
export { DEFAULT_LOCK_TIMEOUT_MS, MIGRATION_LOCK_KEY } from './defaults.js';
export {
  migrateDown,
  migrateUp,
  migrationStatus,
  type DownOptions,
  type DownPlan,
  type MigrateOptions,
  type MigrateResult,
  type MigrationOptions,
  type MigrationStep,
  type PlannedStep,
  type RevertResult,
  type StatusResult,
  type StepEvent,
} from './migrator.js';
export { resetSchema, type ResetMode, type ResetOptions, type ResetPlan, type ResetResult } from './reset.js';
export { newMigration, migrationSlug, type NewMigrationResult } from './new-migration.js';
export { MIGRATION_STATES, planMigrations, type MigrationState, type MigrationStatusEntry } from './status.js';
export { parseFileName, parseGolangMigration, parseMigration, type MigrationFile } from './migration-file.js';
export type { FolderFormat } from './migration-source.js';
export { splitStatements, type SqlStatement } from './sql-statements.js';
export { projectSchemas } from './schemas-created.js';
