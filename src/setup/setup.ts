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
  /** The seed run after the reset because the database had data before it, or null. */
  reseeded: SeedResult | null;
}

export interface ResetAndSeedOptions extends ResetOptions {
  /** Seeds the database again after the reset when it had seedable data before (devdb's schema only); false to leave it empty. */
  reseed?: false | Pick<SeedOptions, 'seed' | 'scale' | 'profile' | 'password' | 'pepper' | 'onProgress'> | undefined;
}

/**
 * Back to the files' state (see resetSchema for how, and what a failure leaves), and, when the
 * database held seeded data before, seeded again with the default profile: a reset should not
 * leave an empty database without saying so.
 */
export async function reset(db: Db, options: ResetAndSeedOptions = {}): Promise<ResetResult> {
  const { reseed, ...resetOptions } = options;
  const { hasSeedableData, seed } = await import('../seed/seed.js');
  // A schema that is not devdb's (or not there yet) has nothing devdb's seed would put back.
  const hadData = reseed !== false && reseed !== undefined && (await hasSeedableData(db).catch(() => false));
  const result = await resetSchema(db, resetOptions);
  const reseeded = hadData && reseed ? await seed(db, { scale: DEFAULT_SCALE, ...reseed }) : null;
  return { engine: db.engine, location: db.location, ...result, reseeded };
}
