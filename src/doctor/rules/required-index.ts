import { displayName, findTable, qualifiedName, quoteIdent, type IndexModel, type SchemaModel } from '../../catalog/index.js';
import type { RequiredIndex } from '../plan.js';
import type { Violation } from '../rule.js';

const bare = (sql: string) => sql.replace(/[()\s]/g, '').toLowerCase();

export function matchesRequired(index: IndexModel, required: RequiredIndex): boolean {
  if (!index.valid || index.method !== required.method || index.columns.length < required.columns.length) return false;
  const leading = index.columns.slice(0, required.columns.length);
  if (!leading.every((k, i) => k.column === required.columns[i])) return false;
  if (required.opclass && leading.some((k) => k.opclass !== required.opclass)) return false;
  if (!required.predicates) return index.predicate === null;
  return index.predicate !== null && required.predicates.some((p) => bare(p) === bare(index.predicate!));
}

export function describeRequired(required: RequiredIndex, quote: (name: string) => string = (name) => name): string {
  const columns = required.columns.map((c) => (required.opclass ? `${quote(c)} ${required.opclass}` : quote(c))).join(', ');
  return `${required.method} (${columns})${required.predicates ? ` WHERE ${required.predicates[0]}` : ''}`;
}

/** One violation per required index the table lacks (or the table itself, when it is gone). */
export function missingIndexes(model: SchemaModel, required: readonly RequiredIndex[]): Violation[] {
  return required.flatMap((r): Violation[] => {
    const table = findTable(model, r.table);
    if (!table) return [{ object: r.table, problem: `table is missing, so is its index for ${r.why}` }];
    if (table.indexes.some((i) => matchesRequired(i, r))) return [];
    const name = quoteIdent(`${r.table}_${r.columns.join('_')}_${r.opclass ? 'trgm' : 'partial'}_idx`);
    return [
      {
        object: `${displayName(model, table)}.${r.columns.join(',')}`,
        problem: `no valid ${describeRequired(r)} index for ${r.why}`,
        fix: `CREATE INDEX ${name} ON ${qualifiedName(table)} USING ${describeRequired(r, quoteIdent)};`,
      },
    ];
  });
}
