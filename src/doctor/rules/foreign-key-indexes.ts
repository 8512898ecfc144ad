import type { IndexModel, TableModel } from '../../catalog/index.js';
import type { Rule } from '../rule.js';

/**
 * An index serves a foreign key when its leading key columns are exactly the key's columns
 * (in any order: the lookups are equalities). A partial index counts only when its WHERE is
 * `<fk column> IS NOT NULL`, which every referencing row satisfies.
 */
export function servesForeignKey(index: IndexModel, columns: readonly string[]): boolean {
  if (!index.valid || index.method !== 'btree' || index.columns.length < columns.length) return false;
  const leading = index.columns.slice(0, columns.length).map((k) => k.column);
  if (!columns.every((c) => leading.includes(c))) return false;
  if (index.predicate === null) return true;
  const bare = index.predicate.replace(/[()\s]/g, '').toLowerCase();
  return columns.some((c) => bare === `${c.toLowerCase()}isnotnull`);
}

export function indexFor(table: TableModel, columns: readonly string[]): IndexModel | undefined {
  return table.indexes.find((i) => servesForeignKey(i, columns));
}

export const foreignKeyIndexes: Rule = {
  id: 'foreign-key-indexes',
  title: 'Every foreign key has an index whose leading columns are its columns',
  plan: 'C.2 Indexing',
  hint: 'Without one, every delete or key update of a parent row scans the whole child table, and joins from parent to children cannot use an index.',
  check: (model) =>
    model.tables.flatMap((table) =>
      table.foreignKeys
        .filter((fk) => indexFor(table, fk.columns) === undefined)
        .map((fk) => ({
          object: `${table.name}.${fk.columns.join(',')}`,
          problem: `foreign key ${fk.name} has no index starting with (${fk.columns.join(', ')})`,
          fix: `CREATE INDEX ${table.name}_${fk.columns.join('_')}_idx ON ${table.name} (${fk.columns.join(', ')});`,
        })),
    ),
};
