import type { Db } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { migrateUp, resetSchema, type MigrationOptions, type MigrationStep, type ResetOptions, type ResetPlan } from '../migrate/index.js';
import { DEFAULT_SCALE } from '../seed/defaults.js';
import type { SeedOptions, SeedResult } from '../seed/index.js';

/** What setup and reset pass on to the seed: the rest is what `devdb seed` uses by default (scale small, the project's schemas). */
export type SetupSeedOptions = Pick<SeedOptions, 'seed' | 'scale' | 'profile' | 'password' | 'pepper' | 'onProgress'>;

export interface SetupOptions extends MigrationOptions {
  /** On a database with tables but no history: record the files up to this version as applied first. */
  baseline?: string | undefined;
  /** Seeds an empty database after migrating (the project's seed file, small scale), on any schema; false to skip. */
  seed?: false | SetupSeedOptions | undefined;
}

/**
 * Why no seed ran: `disabled` (seed: false), `has data` (never reseeded), `no tables` (the migrations
 * create none yet), `failed` (seedError says why; nothing of the seed was written, the migrations stay).
 */
export type SeedSkipped = 'disabled' | 'has data' | 'no tables' | 'failed';

export interface SetupResult {
  engine: Db['engine'];
  location: string;
  applied: MigrationStep[];
  /** Versions recorded as applied without running (--baseline, or adopted from dbmate). */
  recorded: string[];
  /** Empty migrations (no SQL under "-- migrate:up" yet) left pending. */
  skipped: string[];
  /** What seeding did, or null when it did not run or failed (see seedSkipped). */
  seeded: SeedResult | null;
  seedSkipped: SeedSkipped | null;
  /** The seed's own error when seedSkipped is `failed` (a CHECK no value meets, a type devdb does not generate, ...). */
  seedError: DevdbError | null;
}

/**
 * The newcomer's path: bring the schema to the latest version, then fill an empty database as
 * `devdb seed` would (devdb's schema with its generators, a project's own from its catalog and
 * seed file). Safe to run again: a database with data is never reseeded. Like migrate, it
 * refuses a database devdb did not create (see --baseline); unlike migrate, it skips an empty new
 * migration with a notice instead of stopping. A seed that cannot run is returned, not thrown:
 * the migrations are committed by then, and the caller says both.
 */
export async function setup(db: Db, options: SetupOptions = {}): Promise<SetupResult> {
  const { seed: seedOptions, ...migrationOptions } = options;
  const { applied, recorded, skipped } = await migrateUp(db, { ...migrationOptions, empty: 'skip' });
  const base = { engine: db.engine, location: db.location, applied, recorded, skipped };
  if (seedOptions === false) return { ...base, seeded: null, seedSkipped: 'disabled', seedError: null };
  const toSeed = { scale: DEFAULT_SCALE, migrationsDir: migrationOptions.migrationsDir, ...seedOptions };
  const { hasSeedableData } = await import('../seed/seed.js');
  if (await hasSeedableData(db, toSeed)) return { ...base, seeded: null, seedSkipped: 'has data', seedError: null };
  return { ...base, ...(await trySeed(db, toSeed)) };
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
  /** The seed's error when the database had data but could not be seeded again (the reset itself is kept). */
  reseedError: DevdbError | null;
}

export interface ResetAndSeedOptions extends ResetOptions {
  /** Seeds the database again after the reset when it had seedable data before (on any schema); false to leave it empty. */
  reseed?: false | SetupSeedOptions | undefined;
}

/**
 * Back to the files' state (see resetSchema for how, and what a failure leaves), and, when the
 * database held data a seed writes before, seeded again as setup seeds: a reset should not leave
 * an empty database without saying so.
 */
export async function reset(db: Db, options: ResetAndSeedOptions = {}): Promise<ResetResult> {
  const { reseed, ...resetOptions } = options;
  const seedOptions = reseed ? { scale: DEFAULT_SCALE, migrationsDir: resetOptions.migrationsDir, ...reseed } : null;
  const { hasSeedableData } = await import('../seed/seed.js');
  // A schema that is not there yet (or cannot be read) has nothing a seed would put back.
  const hadData = seedOptions !== null && (await hasSeedableData(db, seedOptions).catch(() => false));
  const result = await resetSchema(db, resetOptions);
  const seeded = hadData ? await trySeed(db, seedOptions) : { seeded: null, seedError: null };
  return { engine: db.engine, location: db.location, ...result, reseeded: seeded.seeded, reseedError: seeded.seedError };
}

type SeedOutcome = Pick<SetupResult, 'seeded' | 'seedSkipped' | 'seedError'>;

/**
 * seed() runs in one transaction, so whatever stops it (a CHECK no value meets, a type devdb does
 * not generate, a load the server refused) writes nothing, and what ran before it stays.
 */
async function trySeed(db: Db, options: SeedOptions): Promise<SeedOutcome> {
  const { seed } = await import('../seed/seed.js');
  try {
    return { seeded: await seed(db, options), seedSkipped: null, seedError: null };
  } catch (error) {
    if (!(error instanceof DevdbError) || error.code === 'E_INTERRUPTED') throw error;
    // seed()'s "no tables to seed": migrations that create none yet (a first file still empty) leave nothing to fill.
    if (error.code === 'E_NOT_FOUND') return { seeded: null, seedSkipped: 'no tables', seedError: null };
    return { seeded: null, seedSkipped: 'failed', seedError: error };
  }
}
