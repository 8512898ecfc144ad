/**
 * The schema as the live catalog describes it: what the ERD renderers draw and what the
 * doctor's rules check. Everything is sorted so two engines produce identical output.
 */
export type OnDelete = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
export type Cardinality = 'one-to-one' | 'one-to-many';

export interface ColumnModel {
  name: string;
  /** As `format_type` spells it: `bigint`, `timestamp with time zone`, `text[]`, `user_tier`. */
  type: string;
  nullable: boolean;
  default: string | null;
  identity: 'always' | 'by default' | null;
  generated: string | null;
  comment: string | null;
  /** The kind after `sensitive:` in the column comment, as written (the doctor validates it). */
  sensitive: string | null;
}

export interface KeyModel {
  name: string;
  columns: string[];
}

export interface ForeignKeyModel extends KeyModel {
  /** The partition it was declared on, when it was declared on one partition rather than the table. */
  partition: string | null;
}

export interface IndexColumn {
  /** null for an expression. */
  column: string | null;
  expression: string | null;
  opclass: string | null;
  /** True when the column's type would pick this operator class anyway (so it goes unsaid). */
  defaultOpclass: boolean;
  descending: boolean;
}

export interface IndexModel {
  name: string;
  method: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  /** Key columns in index order; INCLUDE columns are in `include`. */
  columns: IndexColumn[];
  include: string[];
  predicate: string | null;
}

export interface TriggerModel {
  name: string;
  function: string;
  timing: 'before' | 'after' | 'instead of';
  events: ('insert' | 'update' | 'delete' | 'truncate')[];
  level: 'row' | 'statement';
  enabled: boolean;
}

export interface CheckModel {
  name: string;
  definition: string;
}

export type TableKind = 'table' | 'partitioned table' | 'view' | 'materialized view';

/** One partition, listed inside its root table (sub-partitions too, with their parent). */
export interface PartitionModel {
  schema: string;
  name: string;
  /** The partition it belongs to directly: the root table, or a sub-partitioned partition. */
  parent: string;
  /** `FOR VALUES FROM (...) TO (...)`, `FOR VALUES IN (...)`, `DEFAULT`. */
  bound: string;
  /** A leaf holds rows; a non-leaf partition is itself partitioned (`partitionKey`). */
  leaf: boolean;
  partitionKey: string | null;
  /** Its own indexes (those cloned from the root's partitioned indexes included). */
  indexes: IndexModel[];
}

export interface TableModel {
  schema: string;
  name: string;
  kind: TableKind;
  /** `RANGE (taken_on)`, `LIST (region)`; null unless partitioned. */
  partitionKey: string | null;
  partitions: PartitionModel[];
  /** The table comment as stored, tags included. */
  comment: string | null;
  /** The comment without its `@` tags, for people. */
  description: string | null;
  domain: string | null;
  mutable: boolean;
  columns: ColumnModel[];
  primaryKey: KeyModel | null;
  uniqueKeys: KeyModel[];
  /**
   * The table's own foreign keys, kept even when a subset drops the table they point to, and
   * those declared on one of its partitions only (`partition` says which).
   */
  foreignKeys: ForeignKeyModel[];
  checks: CheckModel[];
  /** EXCLUDE constraints, as pg_get_constraintdef writes them (`EXCLUDE USING gist (room WITH =, during WITH &&)`). */
  exclusions: CheckModel[];
  indexes: IndexModel[];
  triggers: TriggerModel[];
}

export interface RelationEnd {
  schema: string;
  table: string;
  columns: string[];
  /**
   * The partitions of `table` the key was declared on (from) or names (to), when those are
   * partitions rather than the table; empty otherwise. Keys declared alike on several partitions
   * (pagila declares each of payment's keys on every partition) are one relationship, drawn once
   * at the table and marked with the partitions.
   */
  partitions: string[];
}

export interface Relation {
  /** The constraint name (the first by name when partitions declare it alike), or `table.column[value]` for a polymorphic target. */
  name: string;
  kind: 'foreign-key' | 'polymorphic';
  /** The referencing (child) side. */
  from: RelationEnd;
  /** The referenced (parent) side. */
  to: RelationEnd;
  cardinality: Cardinality;
  /** True when a child row may have no parent (a nullable foreign key column). */
  optional: boolean;
  onDelete: OnDelete | null;
  onUpdate: OnDelete | null;
  /** Polymorphic only: the discriminator column and the value that selects `to`. */
  discriminator: { column: string; value: string } | null;
}

export interface PolymorphicTarget {
  value: string;
  table: string;
  column: string;
}

/** One `@polymorphic <discriminator> value=table.column ...` column comment. */
export interface PolymorphicDeclaration {
  schema: string;
  table: string;
  column: string;
  discriminator: string | null;
  targets: PolymorphicTarget[];
  /** Why the comment could not be read, when it could not. */
  error: string | null;
}

export interface EnumModel {
  schema: string;
  name: string;
  values: string[];
}

/**
 * A table a foreign key points into that the model did not read (another schema, such as
 * Supabase's `auth.users`): drawn as a stub with the columns the keys name.
 */
export interface ExternalTable {
  schema: string;
  name: string;
  columns: { name: string; type: string }[];
}

/** A migration tool's history table (src/catalog/history-tables.ts), left out of the model. */
export interface HistoryTableRef {
  schema: string;
  name: string;
  tool: string;
}

export interface SchemaModel {
  /** The schemas read, in the order asked for; the first is where bare table names are looked up. */
  schemas: string[];
  /** Tables, partitioned tables, views and materialized views, by schema then name. */
  tables: TableModel[];
  relations: Relation[];
  /** The tables outside `tables` that relations point to, by schema then name. */
  externals: ExternalTable[];
  polymorphic: PolymorphicDeclaration[];
  enums: EnumModel[];
  /** Migration-history tables found in the schemas read and left out of `tables`. */
  historyTables: HistoryTableRef[];
}

/** A table (or a relation end) is named by its schema and its name; neither alone is unique. */
export interface TableRef {
  schema: string;
  name: string;
}

export function refOf(end: RelationEnd): TableRef {
  return { schema: end.schema, name: end.table };
}

export function sameTable(a: TableRef, b: TableRef): boolean {
  return a.schema === b.schema && a.name === b.name;
}

/** A key for maps and sets that no two different tables share, whatever characters their names hold. */
export function tableKey(ref: TableRef): string {
  return JSON.stringify([ref.schema, ref.name]);
}

/**
 * How a table is named to people: bare when the model reads one schema and the table is in it,
 * `schema.table` otherwise (a multi-schema view, a key into a schema that was not read).
 */
export function displayName(model: Pick<SchemaModel, 'schemas'>, ref: TableRef): string {
  return model.schemas.length === 1 && ref.schema === model.schemas[0] ? ref.name : `${ref.schema}.${ref.name}`;
}

export function isView(table: TableModel): boolean {
  return table.kind === 'view' || table.kind === 'materialized view';
}

/** By name in the first schema that has it (in the order the schemas were asked for), or by `schema.name`. */
export function findTable(model: SchemaModel, name: string): TableModel | undefined {
  for (const schema of model.schemas) {
    const found = model.tables.find((t) => t.schema === schema && t.name === name);
    if (found) return found;
  }
  return model.tables.find((t) => `${t.schema}.${t.name}` === name);
}

export function getTable(model: SchemaModel, ref: TableRef): TableModel | undefined {
  return model.tables.find((t) => sameTable(t, ref));
}

export function findColumn(table: TableModel | undefined, name: string): ColumnModel | undefined {
  return table?.columns.find((c) => c.name === name);
}

/** Code-point order: the same on every engine and locale, unlike the database's collation. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
