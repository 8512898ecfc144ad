import { escapeControlChars } from '../util/control-chars.js';
import {
  byText,
  columnDescription,
  displayName,
  getTable,
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

/**
 * A type as `format_type` spells it, with the long SQL-standard names shortened to the aliases
 * PostgreSQL itself accepts (`timestamptz(3)`, `varchar(20)[]`); modifiers such as
 * `numeric(4,2)` are kept exactly as PostgreSQL prints them.
 */
export function shortType(type: string): string {
  // format_type writes a precision inside the name: `timestamp(3) with time zone`.
  const match = /^([a-z]+(?: [a-z]+)*?)(\([^)]*\))?((?: [a-z]+)*)((?:\[\])*)$/.exec(type);
  if (!match) return type;
  const [, head, modifier = '', tail = '', array = ''] = match;
  const name = `${head}${tail}`;
  const short = shortTypes[name];
  return short ? `${short}${modifier}${array}` : type;
}

export type KeyMark = 'PK' | 'FK' | 'UK';

/**
 * A column's marks: PK for each column of the primary key, FK for each column of a foreign key,
 * UK only when the column alone is unique. A unique key over several columns says nothing about
 * one of them, so it is listed as a key of the table instead (`compositeKeys`).
 */
export function columnKeys(table: TableModel, column: string): KeyMark[] {
  const keys: KeyMark[] = [];
  if (table.primaryKey?.columns.includes(column)) keys.push('PK');
  if (table.foreignKeys.some((k) => k.columns.includes(column))) keys.push('FK');
  if (table.uniqueKeys.some((u) => u.columns.length === 1 && u.columns[0] === column)) keys.push('UK');
  return keys;
}

export interface CompositeKey {
  kind: 'primary key' | 'unique';
  name: string;
  columns: string[];
}

/** The table's keys over several columns: `primary key (a, b)`, `unique (a, b)`. */
export function compositeKeys(table: TableModel): CompositeKey[] {
  return [
    ...(table.primaryKey && table.primaryKey.columns.length > 1 ? [{ kind: 'primary key' as const, ...table.primaryKey }] : []),
    ...table.uniqueKeys.filter((u) => u.columns.length > 1).map((u) => ({ kind: 'unique' as const, ...u })),
  ];
}

export function keyLabel(key: CompositeKey): string {
  return `${key.kind} (${key.columns.join(', ')})`;
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

/**
 * Where a key lives when partitions, not the table, declare it (`partition m_2025`,
 * `each of its 6 partitions`, `partitions a, b`), and which partitions it names; null for the table.
 */
export function partitionMarks(model: SchemaModel, r: Relation): { on: string | null; to: string | null } {
  const list = (names: readonly string[]) =>
    names.length === 0 ? null : names.length === 1 ? `partition ${names[0]}` : `partitions ${names.join(', ')}`;
  const leaves = getTable(model, refOf(r.from))?.partitions.filter((p) => p.leaf) ?? [];
  const everyLeaf = leaves.length > 1 && leaves.every((p) => r.from.partitions.includes(p.name));
  return { on: everyLeaf ? `each of its ${leaves.length} partitions` : list(r.from.partitions), to: list(r.to.partitions) };
}

/** `1:N, on delete cascade, declared on partition m_2025`: what a reader needs besides the two ends. */
export function relationNote(model: SchemaModel, r: Relation): string {
  if (r.kind === 'polymorphic') return `polymorphic, when ${r.discriminator!.column} = '${r.discriminator!.value}'`;
  const parts = [cardinalityLabel(r)];
  if (r.onDelete !== 'no action') parts.push(`on delete ${r.onDelete}`);
  const marks = partitionMarks(model, r);
  if (marks.on !== null) parts.push(`declared on ${marks.on}`);
  if (marks.to !== null) parts.push(`to ${marks.to}`);
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

/** The heading under which diagrams and references show the tables of schemas that were not read. */
export const EXTERNAL_HEADING = 'external tables (in schemas not read)';

/** `Left out (migration history): schema_migrations (dbmate)`, or null when nothing was. */
export function leftOutNote(model: SchemaModel): string | null {
  if (model.historyTables.length === 0) return null;
  return `Left out (migration history): ${model.historyTables.map((h) => `${displayName(model, h)} (${h.tool})`).join(', ')}`;
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
