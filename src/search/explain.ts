import type { Queryable } from '../db/db.js';
import type { EntityKind } from './entities.js';
import type { EntityQuery, Tier } from './queries.js';

export interface QueryPlan {
  kind: EntityKind;
  tier: Tier;
  index: string;
  /** The plan reads the entity's trigram index (a Bitmap Index Scan or Index Scan on it). */
  indexUsed: boolean;
  sql: string;
  plan: string;
}

/** EXPLAIN ANALYZE of one search query, run with the same parameters as the real one. */
export async function explainQuery(tx: Queryable, query: EntityQuery): Promise<QueryPlan> {
  const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${query.text}`, query.params);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  const index = query.entity.index;
  return { kind: query.entity.kind, tier: query.tier, index, indexUsed: usesIndex(plan, index), sql: query.text, plan };
}

export function usesIndex(plan: string, index: string): boolean {
  return plan.split('\n').some((line) => /Index (Only )?Scan/.test(line) && line.includes(` on ${index}`));
}
