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

export interface TableModel {
  name: string;
  /** The table comment as stored, tags included. */
  comment: string | null;
  /** The comment without its `@` tags, for people. */
  description: string | null;
  domain: string | null;
  mutable: boolean;
  columns: ColumnModel[];
  primaryKey: KeyModel | null;
  uniqueKeys: KeyModel[];
  /** The table's own foreign keys, kept even when a subset drops the table they point to. */
  foreignKeys: KeyModel[];
  checks: CheckModel[];
  indexes: IndexModel[];
  triggers: TriggerModel[];
}

export interface RelationEnd {
  table: string;
  columns: string[];
}

export interface Relation {
  /** The constraint name, or `table.column[value]` for a polymorphic target. */
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
  table: string;
  column: string;
  discriminator: string | null;
  targets: PolymorphicTarget[];
  /** Why the comment could not be read, when it could not. */
  error: string | null;
}

export interface EnumModel {
  name: string;
  values: string[];
}

export interface SchemaModel {
  schema: string;
  tables: TableModel[];
  relations: Relation[];
  polymorphic: PolymorphicDeclaration[];
  enums: EnumModel[];
}

export function findTable(model: SchemaModel, name: string): TableModel | undefined {
  return model.tables.find((t) => t.name === name);
}

export function findColumn(table: TableModel | undefined, name: string): ColumnModel | undefined {
  return table?.columns.find((c) => c.name === name);
}

/** Code-point order: the same on every engine and locale, unlike the database's collation. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
