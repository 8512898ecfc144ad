import type { Db } from '../db/db.js';
import { migrateUp, resetSchema, type MigrationOptions, type MigrationStep } from '../migrate/migrator.js';
import { DEFAULT_SCALE } from '../seed/defaults.js';
import type { SeedOptions, SeedResult } from '../seed/index.js';

export interface SetupOptions extends MigrationOptions {
  /** Seeds an empty database after migrating (default profile, small scale); false to skip. */
  seed?: false | Pick<SeedOptions, 'seed' | 'scale' | 'onProgress'> | undefined;
}

export interface SetupResult {
  engine: Db['engine'];
  location: string;
  applied: MigrationStep[];
  /** What seeding did, or null when it was skipped (see seedSkipped). */
  seeded: SeedResult | null;
  seedSkipped: 'disabled' | 'has data' | null;
}

/**
 * The newcomer's path: bring the schema to the latest version, then fill an empty database
 * with the default profile. Safe to run again: a database with data is never reseeded.
 */
export async function setup(db: Db, options: SetupOptions = {}): Promise<SetupResult> {
  const { seed: seedOptions, ...migrationOptions } = options;
  const { applied } = await migrateUp(db, migrationOptions);
  const base = { engine: db.engine, location: db.location, applied };
  if (seedOptions === false) return { ...base, seeded: null, seedSkipped: 'disabled' };
  const { hasSeedableData, seed } = await import('../seed/seed.js');
  if (await hasSeedableData(db)) return { ...base, seeded: null, seedSkipped: 'has data' };
  return { ...base, seeded: await seed(db, { scale: DEFAULT_SCALE, ...seedOptions }), seedSkipped: null };
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
