import type { Queryable } from '../db/db.js';
import { quoteIdent } from '../db/copy.js';

/** A secondary index or foreign key taken off for the load, with the exact SQL that restores it. */
export interface DeferredObject {
  kind: 'index' | 'foreign key';
  table: string;
  name: string;
  restore: string;
}

/**
 * Takes the seeded tables' secondary indexes and foreign keys off before a bulk load: one
 * index build (a sorted pass, or one GIN build) beats millions of incremental inserts, and
 * one validating join per foreign key beats a trigger call per row. The definitions come
 * from the catalog (pg_get_indexdef, pg_get_constraintdef), so whatever migrations added is
 * restored exactly; the caller runs drop, load and restore in ONE transaction, so an
 * interrupted seed rolls back to the schema it started with.
 */
export async function dropDeferrable(tx: Queryable, tables: readonly string[]): Promise<DeferredObject[]> {
  const indexes = await tx.query<{ table: string; name: string; def: string }>(
    `SELECT c.relname AS "table", ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE c.relnamespace = current_schema()::regnamespace
        AND c.relname = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY 1, 2`,
    [tables],
  );
  const keys = await tx.query<{ table: string; name: string; def: string }>(
    `SELECT c.relname AS "table", k.conname AS name, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
      WHERE k.contype = 'f'
        AND c.relnamespace = current_schema()::regnamespace
        AND c.relname = ANY($1::text[])
      ORDER BY 1, 2`,
    [tables],
  );
  const deferred: DeferredObject[] = [
    ...indexes.map((i) => ({ kind: 'index' as const, table: i.table, name: i.name, restore: `${i.def};` })),
    ...keys.map((k) => ({
      kind: 'foreign key' as const,
      table: k.table,
      name: k.name,
      restore: `ALTER TABLE ${quoteIdent(k.table)} ADD CONSTRAINT ${quoteIdent(k.name)} ${k.def};`,
    })),
  ];
  const drops = [
    ...keys.map((k) => `ALTER TABLE ${quoteIdent(k.table)} DROP CONSTRAINT ${quoteIdent(k.name)};`),
    ...indexes.map((i) => `DROP INDEX ${quoteIdent(i.name)};`),
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
