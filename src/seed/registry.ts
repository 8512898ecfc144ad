// The entities' registry alone: the search capability itself is not loaded by every seed.
import { ENTITIES } from '../search/entities.js';

/**
 * Tables of devdb's schema the seed leaves alone on purpose, each with its reason. Every
 * other table is seeded: by a hand-written generator (tables.ts) or by the schema-driven
 * layer (schema/). test/seed/coverage.test.ts fails when a table is none of these.
 */
export const NOT_SEEDED: Readonly<Record<string, string>> = {
  tier_limits: 'reference data: the migrations insert the one row per tier that quotas are read from',
  // The search lexicons are derived: their triggers fill them as the seed loads the rows they count.
  ...Object.fromEntries(
    ENTITIES.map((e) => [
      e.lexicon,
      `derived: the word counts of ${e.table}.${e.column}, kept exact by triggers while the seed loads ${e.table}`,
    ]),
  ),
};
