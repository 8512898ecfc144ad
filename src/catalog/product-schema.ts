import type { SchemaModel } from './model.js';

/**
 * Whether the schema read is devdb's own product schema (sql/migrations, docs/schema.md),
 * which the seed fills with its hand-written, tier-aware generators and the doctor holds to
 * the product plan's rules. It is recognised by what no other schema has together: the
 * `tier_limits` quotas and `users` on the `user_tier` enum, in the first schema read.
 * Anyone else's schema (even one with its own `users` or `projects`) is not it.
 */
export function holdsProductSchema(model: SchemaModel): boolean {
  const first = model.schemas[0];
  const table = (name: string) => model.tables.find((t) => t.schema === first && t.name === name);
  const tier = table('users')?.columns.find((c) => c.name === 'tier');
  return table('tier_limits') !== undefined && tier !== undefined && /(^|\.)user_tier$/.test(tier.type);
}
