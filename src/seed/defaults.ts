/**
 * The seed's defaults and enumerations, in one place: the CLI's flags, the core, setup and
 * the profile validator all import them from here.
 */
export const TIERS = ['free', 'pro', 'premium'] as const;
export type Tier = (typeof TIERS)[number];

export const SCALES = ['tiny', 'small', 'medium', 'large'] as const;
export type Scale = (typeof SCALES)[number];

export const DEFAULT_SEED = 42;
export const DEFAULT_SCALE: Scale = 'small';
export const DEFAULT_PROFILE = 'default';

/**
 * Upper bounds on everything that sizes the work, so a typo (`users: 1e9`) is a usage error
 * in one line, not an out-of-memory abort minutes later. Each is far above the large scale.
 */
export const LIMITS = {
  /** Users of one run (--users or a profile's scale). */
  users: 1_000_000,
  /** The upper end of any per-user, per-project or per-task range in a profile. */
  rangeMax: 100_000,
  workers: 10_000,
  heartbeatsPerWorker: 100_000,
  /** Rows per parent, or rows of a table without a parent, in a profile's `tables` section. */
  rowsPerParent: 10_000,
  tableRows: 10_000_000,
  /** Rows a whole run may plan (about 14 GB of COPY text at large's 130 bytes a row). */
  totalRows: 100_000_000,
} as const;
