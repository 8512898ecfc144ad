import {
  displayName,
  qualifiedName,
  quoteIdent,
  type ForeignKeyModel,
  type IndexModel,
  type PartitionModel,
  type SchemaModel,
  type TableModel,
} from '../../catalog/index.js';
import type { Rule, Violation } from '../rule.js';

/**
 * An index serves a foreign key when its leading key columns are exactly the key's columns
 * (in any order: the lookups are equalities): a btree, a GiST (the index of an EXCLUDE
 * constraint such as `(room_id WITH =, during WITH &&)`, whose btree_gist columns answer
 * equalities), or a hash index on that one column. A partial index counts only when its WHERE is
 * `<fk column> IS NOT NULL`, which every referencing row satisfies.
 */
export function servesForeignKey(index: IndexModel, columns: readonly string[]): boolean {
  const method = index.method === 'btree' || index.method === 'gist' || (index.method === 'hash' && index.columns.length === 1);
  if (!index.valid || !method || index.columns.length < columns.length) return false;
  const leading = index.columns.slice(0, columns.length).map((k) => k.column);
  if (!columns.every((c) => leading.includes(c))) return false;
  if (index.predicate === null) return true;
  const bare = index.predicate.replace(/[()\s]/g, '').toLowerCase();
  return columns.some((c) => bare === `${c.toLowerCase()}isnotnull`);
}

export function indexFor(table: { indexes: IndexModel[] }, columns: readonly string[]): IndexModel | undefined {
  return table.indexes.find((i) => servesForeignKey(i, columns));
}

/**
 * Where the key's lookups run: a plain table's own indexes; for a partitioned table, every leaf
 * partition (a partitioned index reaches them all, but an index made on one partition serves
 * only it); for a key declared on one partition, that partition.
 */
function unserved(table: TableModel, fk: ForeignKeyModel): PartitionModel[] | 'table' | null {
  if (fk.partition !== null) {
    const own = table.partitions.find((p) => p.name === fk.partition);
    return own && !indexFor(own, fk.columns) ? [own] : null;
  }
  const leaves = table.partitions.filter((p) => p.leaf);
  if (table.kind !== 'partitioned table' || leaves.length === 0) return indexFor(table, fk.columns) ? null : 'table';
  const missing = leaves.filter((p) => !indexFor(p, fk.columns));
  return missing.length === 0 ? null : missing;
}

function check(model: SchemaModel, table: TableModel, fk: ForeignKeyModel): Violation[] {
  const missing = unserved(table, fk);
  if (missing === null) return [];
  const columns = `(${fk.columns.map(quoteIdent).join(', ')})`;
  const object = `${displayName(model, table)}.${fk.columns.join(',')}`;
  if (missing === 'table') {
    return [
      {
        object,
        problem: `foreign key ${fk.name} has no index starting with (${fk.columns.join(', ')})`,
        fix: `CREATE INDEX ON ${qualifiedName(table)} ${columns};`,
      },
    ];
  }
  const names = missing.map((p) => p.name).join(', ');
  // One index on the partitioned table reaches every partition (and adopts matching ones).
  const on = fk.partition !== null ? qualifiedName(missing[0]!) : qualifiedName(table);
  const declared = fk.partition !== null ? ` (declared on partition ${fk.partition})` : '';
  return [
    {
      object,
      problem: `foreign key ${fk.name}${declared} has no index starting with (${fk.columns.join(', ')}) on partition ${names}`,
      fix: `CREATE INDEX ON ${on} ${columns};`,
    },
  ];
}

export const foreignKeyIndexes: Rule = {
  id: 'foreign-key-indexes',
  title: 'Every foreign key has an index whose leading columns are its columns, on every partition',
  plan: 'C.2 Indexing',
  scope: 'any',
  hint: 'Without one, every delete or key update of a parent row scans the whole child table, and joins from parent to children cannot use an index.',
  check: (model) => model.tables.flatMap((table) => table.foreignKeys.flatMap((fk) => check(model, table, fk))),
};
