/**
 * What each doctor rule offers when it fails: `sql` (a fix that test/doctor/doctor-fixes.test.ts
 * runs on a broken schema, after which the rule must pass), `step` (a decision only the schema's
 * author can make, with a template) or `none` (the hint says what to do). A rule missing here
 * fails test/doctor/rules-registry.test.ts: decide, and for `sql` break it in a fixture.
 */
export const FIX_KINDS: Record<string, 'sql' | 'step' | 'none'> = {
  'primary-keys': 'sql',
  'created-at': 'sql',
  'updated-at': 'sql',
  'foreign-key-indexes': 'sql',
  // Which link stops cascading depends on the data's lifecycle.
  'cascade-depth': 'none',
  // Replacing a plaintext column with a hash (and the code that writes it) is the author's work.
  'plaintext-secrets': 'step',
  'sensitive-columns': 'sql',
  'trigram-indexes': 'sql',
  'unread-notifications-index': 'sql',
  // Which column carries a missing relationship is the author's call.
  'plan-relationships': 'step',
  'polymorphic-relations': 'sql',
  // Which domain a table belongs to is the author's call.
  domains: 'step',
};

/** The `sql` rules test/doctor/fixtures/broken.sql breaks (names that need quoting, partitions). */
export const FIXED_IN_FIXTURE = [
  'primary-keys',
  'created-at',
  'updated-at',
  'foreign-key-indexes',
  'sensitive-columns',
  'polymorphic-relations',
];
/** The `sql` rules that hold the plan's own tables, broken in the migrated product schema. */
export const FIXED_IN_PRODUCT = ['trigram-indexes', 'unread-notifications-index', 'primary-keys', 'foreign-key-indexes'];
