import type { Queryable } from '../db/db.js';
import { qualifiedName, quoteIdent, type QualifiedName } from '../util/sql-text.js';

/** A secondary index or foreign key taken off for the load, with the exact SQL that restores it. */
export interface DeferredObject {
  kind: 'index' | 'foreign key';
  table: QualifiedName;
  name: string;
  restore: string;
  /** An index on expressions: ANALYZE gathers their statistics only while it exists. */
  expressions: boolean;
}

/**
 * Takes the seeded tables' secondary indexes and foreign keys off before a bulk load: one
 * index build (a sorted pass, or one GIN build) beats millions of incremental inserts, and
 * one validating join per foreign key beats a trigger call per row. The definitions come
 * from the catalog (pg_get_indexdef, pg_get_constraintdef), so whatever migrations added is
 * restored exactly; the caller runs drop, load and restore in ONE transaction, so an
 * interrupted seed rolls back to the schema it started with.
 */
export async function dropDeferrable(tx: Queryable, tables: readonly QualifiedName[]): Promise<DeferredObject[]> {
  if (tables.length === 0) return [];
  const oids = tables.map(qualifiedName);
  // Keys and indexes declared on the tables themselves: a partitioned table's clones on its partitions go and come back with them.
  const indexes = await tx.query<{ schema: string; table: string; name: string; def: string; expressions: boolean }>(
    `SELECT n.nspname::text AS schema, c.relname::text AS "table", ic.relname::text AS name, pg_get_indexdef(i.indexrelid) AS def,
            i.indexprs IS NOT NULL AS expressions
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = ANY($1::text[]::regclass[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY 1, 2, 3`,
    [oids],
  );
  const keys = await tx.query<{ schema: string; table: string; name: string; def: string }>(
    `SELECT n.nspname::text AS schema, c.relname::text AS "table", k.conname::text AS name, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND k.conparentid = 0
        AND k.conrelid = ANY($1::text[]::regclass[])
      ORDER BY 1, 2, 3`,
    [oids],
  );
  const deferred: DeferredObject[] = [
    ...indexes.map((i) => ({
      kind: 'index' as const,
      table: { schema: i.schema, name: i.table },
      name: i.name,
      restore: `${i.def};`,
      expressions: i.expressions,
    })),
    ...keys.map((k) => ({
      kind: 'foreign key' as const,
      table: { schema: k.schema, name: k.table },
      name: k.name,
      restore: `ALTER TABLE ${qualifiedName({ schema: k.schema, name: k.table })} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.def};`,
      expressions: false,
    })),
  ];
  const drops = [
    ...keys.map((k) => `ALTER TABLE ${qualifiedName({ schema: k.schema, name: k.table })} DROP CONSTRAINT ${quoteIdent(k.name)};`),
    ...indexes.map((i) => `DROP INDEX ${qualifiedName({ schema: i.schema, name: i.name })};`),
  ];
  if (drops.length > 0) await tx.exec(drops.join('\n'));
  return deferred;
}

/** Rebuilds indexes first (foreign keys validate faster with them in place), then keys. */
export async function restoreDeferred(
  tx: Queryable,
  deferred: readonly DeferredObject[],
  onEach?: (object: DeferredObject, ms: number) => void,
): Promise<void> {
  const ordered = [...deferred.filter((d) => d.kind === 'index'), ...deferred.filter((d) => d.kind === 'foreign key')];
  for (const object of ordered) {
    const started = performance.now();
    await tx.exec(object.restore);
    onEach?.(object, performance.now() - started);
  }
}
