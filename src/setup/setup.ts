import type { Db } from '../db/db.js';
import { migrateUp, resetSchema, type MigrationOptions, type MigrationStep, type ResetOptions, type ResetPlan } from '../migrate/index.js';
import { DEFAULT_SCALE } from '../seed/defaults.js';
import type { SeedOptions, SeedResult } from '../seed/index.js';

export interface SetupOptions extends MigrationOptions {
  /** On a database with tables but no history: record the files up to this version as applied first. */
  baseline?: string | undefined;
  /** Seeds an empty database after migrating (default profile, small scale); false to skip. */
  seed?: false | Pick<SeedOptions, 'seed' | 'scale' | 'profile' | 'password' | 'pepper' | 'onProgress'> | undefined;
}

export interface SetupResult {
  engine: Db['engine'];
  location: string;
  applied: MigrationStep[];
  /** Versions recorded as applied without running (--baseline, or adopted from dbmate). */
  recorded: string[];
  /** Empty migrations (no SQL under "-- migrate:up" yet) left pending. */
  skipped: string[];
  /** What seeding did, or null when it was skipped (see seedSkipped). */
  seeded: SeedResult | null;
  seedSkipped: 'disabled' | 'has data' | null;
}

/**
 * The newcomer's path: bring the schema to the latest version, then fill an empty database
 * with the default profile. Safe to run again: a database with data is never reseeded.
 * Like migrate, it refuses a database devdb did not create (see --baseline); unlike migrate,
 * it skips an empty new migration with a notice instead of stopping.
 */
export async function setup(db: Db, options: SetupOptions = {}): Promise<SetupResult> {
  const { seed: seedOptions, ...migrationOptions } = options;
  const { applied, recorded, skipped } = await migrateUp(db, { ...migrationOptions, empty: 'skip' });
  const base = { engine: db.engine, location: db.location, applied, recorded, skipped };
  if (seedOptions === false) return { ...base, seeded: null, seedSkipped: 'disabled' };
  const { hasSeedableData, seed } = await import('../seed/seed.js');
  if (await hasSeedableData(db)) return { ...base, seeded: null, seedSkipped: 'has data' };
  return { ...base, seeded: await seed(db, { scale: DEFAULT_SCALE, ...seedOptions }), seedSkipped: null };
}

export interface ResetResult {
  engine: Db['engine'];
  location: string;
  plan: ResetPlan;
  reverted: MigrationStep[];
  applied: MigrationStep[];
  skipped: string[];
}

/** Back to the files' state, data dropped (see resetSchema for how, and what a failure leaves). */
export async function reset(db: Db, options: ResetOptions = {}): Promise<ResetResult> {
  const result = await resetSchema(db, options);
  return { engine: db.engine, location: db.location, ...result };
}
