import { escapeControlChars } from '../util/control-chars.js';
import {
  byText,
  columnDescription,
  displayName,
  isView,
  refOf,
  sameTable,
  type ColumnModel,
  type Relation,
  type SchemaModel,
  type TableModel,
  type TableRef,
} from '../catalog/index.js';

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
export function outgoing(model: SchemaModel, table: TableRef): Relation[] {
  return model.relations.filter((r) => sameTable(refOf(r.from), table));
}

/** Relationships in which `table` is the parent, from any schema the model read, sorted by child. */
export function incoming(model: SchemaModel, table: TableRef): Relation[] {
  return model.relations
    .filter((r) => sameTable(refOf(r.to), table))
    .sort(
      (a, b) =>
        byText(displayName(model, refOf(a.from)), displayName(model, refOf(b.from))) ||
        byText(a.from.columns.join(), b.from.columns.join()) ||
        byText(a.name, b.name),
    );
}

export function cardinalityLabel(r: Relation): string {
  return r.cardinality === 'one-to-one' ? '1:1' : '1:N';
}

/** `1:N, on delete cascade, declared on partition m_2025`: what a reader needs besides the two ends. */
export function relationNote(r: Relation): string {
  if (r.kind === 'polymorphic') return `polymorphic, when ${r.discriminator!.column} = '${r.discriminator!.value}'`;
  const parts = [cardinalityLabel(r)];
  if (r.onDelete !== 'no action') parts.push(`on delete ${r.onDelete}`);
  if (r.from.partition !== null) parts.push(`declared on partition ${r.from.partition}`);
  if (r.to.partition !== null) parts.push(`to partition ${r.to.partition}`);
  return parts.join(', ');
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

/** `partitioned by RANGE (taken_on)`, `view`, `materialized view`; empty for a plain table. */
export function kindNote(table: TableModel): string {
  if (table.kind === 'partitioned table') return `partitioned by ${table.partitionKey ?? '?'}`;
  return isView(table) ? table.kind : '';
}

export interface TableGroup {
  schema: string;
  domain: string | null;
  /** The heading: the domain, prefixed by its schema when the model reads several. */
  label: string;
  tables: TableModel[];
}

/** Tables grouped by schema (in the order asked) and `@domain`, domains by name, untagged tables last. */
export function byDomain(model: SchemaModel): TableGroup[] {
  const groups: TableGroup[] = [];
  for (const schema of model.schemas) {
    const domains = new Map<string | null, TableModel[]>();
    for (const table of model.tables.filter((t) => t.schema === schema))
      domains.set(table.domain, [...(domains.get(table.domain) ?? []), table]);
    const sorted = [...domains.entries()].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : byText(a, b)));
    for (const [domain, tables] of sorted) {
      const name = domain ?? '(no @domain)';
      groups.push({ schema, domain, label: model.schemas.length > 1 ? `${schema}: ${name}` : name, tables });
    }
  }
  return groups;
}

export function summaryLine(model: SchemaModel): string {
  const fks = model.relations.filter((r) => r.kind === 'foreign-key').length;
  const poly = model.relations.length - fks;
  const views = model.tables.filter(isView).length;
  const partitioned = model.tables.filter((t) => t.kind === 'partitioned table').length;
  const domains = new Set(model.tables.map((t) => t.domain).filter((d) => d !== null)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const tables = plural(model.tables.length - views, 'table') + (partitioned > 0 ? ` (${partitioned} partitioned)` : '');
  const shown = views > 0 ? `${tables} and ${plural(views, 'view')}` : tables;
  return `${shown} in ${plural(domains, 'domain')}, ${plural(fks, 'foreign key')}, ${plural(poly, 'polymorphic link')}`;
}

export function schemaTitle(model: SchemaModel): string {
  return model.schemas.length === 1 ? `Schema ${model.schemas[0]}` : `Schemas ${model.schemas.join(', ')}`;
}

/**
 * The model with every stored string (names, comments, defaults, bounds) passed through
 * escapeControlChars: for the formats a terminal may show (text, Markdown), where an ESC in a
 * comment must print as `\x1b`, not act.
 */
export function printable<T>(value: T): T {
  if (typeof value === 'string') return escapeControlChars(value) as T;
  if (Array.isArray(value)) return value.map((v) => printable(v)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)])) as T;
  return value;
}
