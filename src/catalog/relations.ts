import type { CatalogConstraint } from './catalog-query.js';
import { byText, tableKey, type ExternalTable, type Relation, type TableModel } from './model.js';

/**
 * One relationship per key, however many partitions declare it. PostgreSQL lets each partition
 * carry its own foreign key (pg_dump of pagila declares payment's three keys on each of its six
 * partitions: 18 constraints); they are one relationship of the partitioned table, so keys with
 * the same columns, target and actions become one, marked with the partitions that declare it.
 * A key declared on the table itself already covers every partition and absorbs the rest (and a
 * key the table declares twice over is one relationship too).
 */
export function mergePartitionKeys(relations: readonly Relation[]): Relation[] {
  const merged = new Map<string, Relation>();
  for (const r of relations) {
    const key = JSON.stringify([
      r.from.schema,
      r.from.table,
      r.from.columns,
      r.to.schema,
      r.to.table,
      r.to.columns,
      r.onDelete,
      r.onUpdate,
    ]);
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...r, from: { ...r.from }, to: { ...r.to } });
      continue;
    }
    const onTable = seen.from.partitions.length === 0 || r.from.partitions.length === 0;
    seen.name = byText(seen.name, r.name) <= 0 ? seen.name : r.name;
    seen.from.partitions = onTable ? [] : union(seen.from.partitions, r.from.partitions);
    seen.to.partitions = seen.to.partitions.length === 0 || r.to.partitions.length === 0 ? [] : union(seen.to.partitions, r.to.partitions);
  }
  return [...merged.values()];
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort(byText);
}

/**
 * The tables foreign keys point into that the model did not read (a schema not asked for, such
 * as Supabase's `auth`): each with the columns the keys name, typed as the catalog has them, so
 * a diagram can draw the key to a stub instead of dropping it.
 */
export function externalTables(
  relations: readonly Relation[],
  tables: ReadonlyMap<string, TableModel>,
  constraints: readonly CatalogConstraint[],
): ExternalTable[] {
  const types = new Map<string, string>();
  for (const con of constraints) {
    if (con.type !== 'f') continue;
    for (const [i, column] of (con.refColumns ?? []).entries())
      types.set(JSON.stringify([con.refSchema, con.refTable, column]), con.refTypes?.[i] ?? '');
  }
  const externals = new Map<string, ExternalTable>();
  for (const r of relations) {
    const key = tableKey({ schema: r.to.schema, name: r.to.table });
    if (r.kind !== 'foreign-key' || tables.has(key)) continue;
    const table = externals.get(key) ?? { schema: r.to.schema, name: r.to.table, columns: [] };
    for (const name of r.to.columns)
      if (!table.columns.some((c) => c.name === name))
        table.columns.push({ name, type: types.get(JSON.stringify([r.to.schema, r.to.table, name])) ?? '' });
    externals.set(key, table);
  }
  return [...externals.values()].sort((a, b) => byText(a.schema, b.schema) || byText(a.name, b.name));
}
