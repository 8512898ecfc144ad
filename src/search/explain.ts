import type { Queryable } from '../db/db.js';
import type { EntityKind } from './entities.js';
import type { EntityQuery } from './queries.js';

export interface QueryPlan {
  kind: EntityKind;
  ranks: number[];
  read: EntityQuery['read'];
  /** The index this read is meant to use: the keys GIN (index) or the recency btree (recency). */
  index: string;
  indexUsed: boolean;
  sql: string;
  plan: string;
}

/** EXPLAIN ANALYZE of one search query, run with the same parameters and settings as the real one. */
export async function explainQuery(tx: Queryable, query: EntityQuery): Promise<QueryPlan> {
  const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${query.text}`, query.params);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  const index = query.read === 'index' ? query.entity.keysIndex : query.entity.recencyIndex;
  return { kind: query.entity.kind, ranks: query.ranks, read: query.read, index, indexUsed: usesIndex(plan, index), sql: query.text, plan };
}

export function usesIndex(plan: string, index: string): boolean {
  // "Bitmap Index Scan on idx" or "Index Scan Backward using idx on table".
  return plan
    .split('\n')
    .some((line) => /Index (Only )?Scan/.test(line) && (line.includes(` on ${index}`) || line.includes(` using ${index} `)));
}
