import { columnDescription } from '../catalog/annotations.js';
import { byText, type ColumnModel, type Relation, type SchemaModel, type TableModel } from '../catalog/model.js';

/** What renderers share: short type names, key markers, and who points at a table. */
const shortTypes: Record<string, string> = {
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'time with time zone': 'timetz',
  'time without time zone': 'time',
  'character varying': 'varchar',
  character: 'char',
  'double precision': 'float8',
  'bit varying': 'varbit',
};

export function shortType(type: string): string {
  const match = /^([a-z ]+?)(\(.*\))?(\[\])?$/.exec(type);
  if (!match) return type;
  return `${shortTypes[match[1]!] ?? match[1]}${match[2] ?? ''}${match[3] ?? ''}`;
}

export type KeyMark = 'PK' | 'FK' | 'UK';

export function columnKeys(table: TableModel, column: string): KeyMark[] {
  const keys: KeyMark[] = [];
  if (table.primaryKey?.columns.includes(column)) keys.push('PK');
  if (table.foreignKeys.some((k) => k.columns.includes(column))) keys.push('FK');
  if (table.uniqueKeys.some((u) => u.columns.includes(column))) keys.push('UK');
  return keys;
}

/** Relationships in which `table` is the child, in constraint-name order. */
export function outgoing(model: SchemaModel, table: string): Relation[] {
  return model.relations.filter((r) => r.from.table === table);
}

/** Relationships in which `table` is the parent, sorted by child. */
export function incoming(model: SchemaModel, table: string): Relation[] {
  return model.relations
    .filter((r) => r.to.table === table)
    .sort((a, b) => byText(a.from.table, b.from.table) || byText(a.from.columns.join(), b.from.columns.join()) || byText(a.name, b.name));
}

export function cardinalityLabel(r: Relation): string {
  return r.cardinality === 'one-to-one' ? '1:1' : '1:N';
}

export function relationNote(r: Relation): string {
  if (r.kind === 'polymorphic') return `polymorphic, when ${r.discriminator!.column} = '${r.discriminator!.value}'`;
  return r.onDelete === 'no action' ? cardinalityLabel(r) : `${cardinalityLabel(r)}, on delete ${r.onDelete}`;
}

/** What a reader wants to know about a column besides its type: sensitivity, then its comment. */
export function columnNote(column: ColumnModel): string {
  const parts: string[] = [];
  if (column.sensitive !== null) parts.push(`sensitive: ${column.sensitive}`);
  const polymorphic = column.comment === null ? null : /@polymorphic\s+(\S+)/.exec(column.comment);
  if (polymorphic) parts.push(`polymorphic on ${polymorphic[1]}`);
  const description = columnDescription(column.comment);
  if (description !== null) parts.push(description);
  return parts.join('; ');
}

export function columnDefault(column: ColumnModel): string {
  if (column.identity !== null) return `identity (${column.identity})`;
  if (column.generated !== null) return `generated as ${column.generated}`;
  if (column.default === null) return '';
  // `'queued'::job_status` on a job_status column says the type twice.
  const cast = `::${column.type}`;
  return column.default.endsWith(cast) ? column.default.slice(0, -cast.length) : column.default;
}

/** Tables grouped by their `@domain`, domains and tables in name order, untagged tables last. */
export function byDomain(model: SchemaModel): { domain: string | null; tables: TableModel[] }[] {
  const groups = new Map<string | null, TableModel[]>();
  for (const table of model.tables) groups.set(table.domain, [...(groups.get(table.domain) ?? []), table]);
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : byText(a, b)))
    .map(([domain, tables]) => ({ domain, tables }));
}

export function summaryLine(model: SchemaModel): string {
  const fks = model.relations.filter((r) => r.kind === 'foreign-key').length;
  const poly = model.relations.length - fks;
  const domains = new Set(model.tables.map((t) => t.domain).filter((d) => d !== null)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(model.tables.length, 'table')} in ${plural(domains, 'domain')}, ${plural(fks, 'foreign key')}, ${plural(poly, 'polymorphic link')}`;
}
