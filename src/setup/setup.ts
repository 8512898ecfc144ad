import type { Db } from '../db/db.js';
import { migrateUp, resetSchema, type MigrationOptions, type MigrationStep } from '../migrate/migrator.js';

export interface SetupResult {
  engine: Db['engine'];
  location: string;
  applied: MigrationStep[];
}

/** The newcomer's path: bring the schema to the latest version. Safe to run again. */
export async function setup(db: Db, options: MigrationOptions = {}): Promise<SetupResult> {
  const { applied } = await migrateUp(db, options);
  return { engine: db.engine, location: db.location, applied };
}

export interface ResetResult {
  engine: Db['engine'];
  location: string;
  reverted: MigrationStep[];
  applied: MigrationStep[];
}

/** Drops everything devdb's migrations created (data included) and migrates again. */
export async function reset(db: Db, options: MigrationOptions = {}): Promise<ResetResult> {
  const { reverted, applied } = await resetSchema(db, options);
  return { engine: db.engine, location: db.location, reverted, applied };
}
