import { DEFAULT_SEED, SCALES, type Scale } from './defaults.js';
import { makePlan } from './plan.js';
import { loadProfile } from './profile.js';
import { GENERATORS } from './tables.js';

/**
 * Rows each scale of a profile plans (with the default seed) for the hand-written tables (the tables the schema
 * adds come on top), from the same estimates the progress bar uses: `seed --help` quotes
 * these instead of numbers written by hand.
 */
export function scaleRowCounts(profileName?: string): Record<Scale, number> {
  const profile = loadProfile(profileName);
  return Object.fromEntries(
    SCALES.map((scale) => {
      const plan = makePlan(profile, { seed: DEFAULT_SEED, scale });
      return [scale, GENERATORS.reduce((n, g) => n + Math.round(g.estimate(plan)), 0)];
    }),
  ) as Record<Scale, number>;
}
