/**
 * devdb's seed: realistic, tier-aware, deterministic data for every table of the schema,
 * hand-written generators where they exist and schema-driven generation for the rest.
 */
export {
  seed,
  planSeed,
  hasSeedableData,
  type SeedEvent,
  type SeedOptions,
  type SeedPlan,
  type SeedResult,
  type SeededTable,
  type SeedStep,
} from './seed.js';
export { GENERATOR_NAMES } from './schema/named.js';
export { DEFAULT_PROFILE, DEFAULT_SCALE, DEFAULT_SEED, LIMITS, SCALES, TIERS, type Scale, type Tier } from './defaults.js';
export { loadProfile, type Profile, type TableProfile } from './profile.js';
export { scaleRowCounts } from './estimate.js';
export { NOT_SEEDED } from './registry.js';
export { seedCoverage, type SeedCoverage } from './coverage.js';
