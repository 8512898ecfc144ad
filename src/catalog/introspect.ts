import type { Queryable } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { parsePolymorphic, sensitiveKind, tableTags } from './annotations.js';
import { CATALOG_QUERY, type Catalog, type CatalogConstraint, type CatalogIndex, type CatalogTrigger } from './catalog-query.js';
import { byText, type IndexModel, type OnDelete, type PolymorphicDeclaration, type Relation, type SchemaModel, type TableModel, type TriggerModel } from './model.js';

export interface IntrospectOptions {
  /** The schema to read; devdb's own schema lives in `public`. */
  schema?: string | undefined;
}

const actions: Record<string, OnDelete> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/** Reads the live catalog into a SchemaModel: the one source both the ERD and the doctor use. */
export async function introspect(db: Queryable, options: IntrospectOptions = {}): Promise<SchemaModel> {
  const schema = options.schema ?? 'public';
  const [row] = await db.query<{ catalog: Catalog }>(CATALOG_QUERY, [schema]);
  if (!row!.catalog.schemaExists) throw new DevdbError('E_NOT_FOUND', `There is no schema "${schema}" in this database; pass --schema with an existing one (devdb's tables live in public).`);
  return buildModel(schema, row!.catalog);
}

function buildModel(schema: string, catalog: Catalog): SchemaModel {
  const tables = new Map<string, TableModel>();
  for (const t of [...catalog.tables].sort((a, b) => byText(a.name, b.name))) {
    const tags = tableTags(t.comment);
    tables.set(t.name, {
      name: t.name,
      comment: t.comment,
      description: tags.description,
      domain: tags.domain,
      mutable: tags.mutable,
      columns: [],
      primaryKey: null,
      uniqueKeys: [],
      foreignKeys: [],
      checks: [],
      indexes: [],
      triggers: [],
    });
  }
  const polymorphic: PolymorphicDeclaration[] = [];
  for (const c of [...catalog.columns].sort((a, b) => byText(a.table, b.table) || a.position - b.position)) {
    const table = tables.get(c.table)!;
    table.columns.push({
      name: c.name,
      type: c.type,
      nullable: !c.notNull,
      default: c.default,
      identity: c.identity === 'a' ? 'always' : c.identity === 'd' ? 'by default' : null,
      generated: c.generated,
      comment: c.comment,
      sensitive: sensitiveKind(c.comment),
    });
    const declaration = parsePolymorphic(c.table, c.name, c.comment);
    if (declaration) polymorphic.push(declaration);
  }
  const constraints = [...catalog.constraints].sort((a, b) => byText(a.table, b.table) || byText(a.name, b.name));
  for (const con of constraints) {
    const table = tables.get(con.table)!;
    if (con.type === 'p') table.primaryKey = { name: con.name, columns: con.columns ?? [] };
    if (con.type === 'u') table.uniqueKeys.push({ name: con.name, columns: con.columns ?? [] });
    if (con.type === 'f') table.foreignKeys.push({ name: con.name, columns: con.columns ?? [] });
    if (con.type === 'c') table.checks.push({ name: con.name, definition: con.definition ?? '' });
  }
  for (const index of [...catalog.indexes].sort((a, b) => byText(a.table, b.table) || byText(a.name, b.name))) {
    tables.get(index.table)!.indexes.push(toIndex(index));
  }
  for (const trigger of [...catalog.triggers].sort((a, b) => byText(a.table, b.table) || byText(a.name, b.name))) {
    tables.get(trigger.table)!.triggers.push(toTrigger(trigger));
  }

  const relations: Relation[] = constraints.filter((con) => con.type === 'f').map((con) => foreignKey(con, tables, schema));
  for (const declaration of polymorphic) relations.push(...polymorphicRelations(declaration));
  relations.sort((a, b) => byText(a.from.table, b.from.table) || byText(a.name, b.name));

  return {
    schema,
    tables: [...tables.values()],
    relations,
    polymorphic,
    enums: [...catalog.enums].sort((a, b) => byText(a.name, b.name)),
  };
}

function toIndex(index: CatalogIndex): IndexModel {
  const keys = index.columns.slice(0, index.keyCount);
  return {
    name: index.name,
    method: index.method,
    unique: index.unique,
    primary: index.primary,
    valid: index.valid,
    columns: keys.map((k) => ({ column: k.column, expression: k.expression, opclass: k.opclass, defaultOpclass: k.defaultOpclass, descending: k.descending })),
    include: index.columns.slice(index.keyCount).map((k) => k.column ?? k.expression ?? ''),
    predicate: index.predicate,
  };
}

// pg_trigger.tgtype bits (catalog/pg_trigger.h).
const ROW = 1, BEFORE = 2, INSERT = 4, DELETE = 8, UPDATE = 16, TRUNCATE = 32, INSTEAD = 64;

function toTrigger(trigger: CatalogTrigger): TriggerModel {
  const type = trigger.type;
  const events: TriggerModel['events'] = [];
  if (type & INSERT) events.push('insert');
  if (type & UPDATE) events.push('update');
  if (type & DELETE) events.push('delete');
  if (type & TRUNCATE) events.push('truncate');
  return {
    name: trigger.name,
    function: trigger.function,
    timing: type & INSTEAD ? 'instead of' : type & BEFORE ? 'before' : 'after',
    events,
    level: type & ROW ? 'row' : 'statement',
    enabled: trigger.enabled !== 'D',
  };
}

/** One-to-one when the referencing columns are themselves unique (a key or a unique index). */
function isUnique(table: TableModel, columns: readonly string[]): boolean {
  const same = (keys: readonly (string | null)[]) => keys.length === columns.length && columns.every((c) => keys.includes(c));
  return table.indexes.some((i) => i.unique && i.valid && i.predicate === null && same(i.columns.map((c) => c.column)));
}

function foreignKey(con: CatalogConstraint, tables: Map<string, TableModel>, schema: string): Relation {
  const table = tables.get(con.table)!;
  const columns = con.columns ?? [];
  // A key into a table outside the model (another schema, devdb's bookkeeping) keeps its schema.
  const refTable = con.refSchema === schema && tables.has(con.refTable ?? '') ? con.refTable! : `${con.refSchema}.${con.refTable}`;
  return {
    name: con.name,
    kind: 'foreign-key',
    from: { table: con.table, columns },
    to: { table: refTable, columns: con.refColumns ?? [] },
    cardinality: isUnique(table, columns) ? 'one-to-one' : 'one-to-many',
    optional: columns.some((c) => table.columns.find((col) => col.name === c)?.nullable ?? false),
    onDelete: actions[con.onDelete] ?? 'no action',
    onUpdate: actions[con.onUpdate] ?? 'no action',
    discriminator: null,
  };
}

function polymorphicRelations(declaration: PolymorphicDeclaration): Relation[] {
  if (declaration.error !== null || declaration.discriminator === null) return [];
  return declaration.targets.map((target) => ({
    name: `${declaration.table}.${declaration.column}[${target.value}]`,
    kind: 'polymorphic' as const,
    from: { table: declaration.table, columns: [declaration.column] },
    to: { table: target.table, columns: [target.column] },
    cardinality: 'one-to-many' as const,
    // The discriminator picks one target per row, so every target is optional for a row.
    optional: true,
    onDelete: null,
    onUpdate: null,
    discriminator: { column: declaration.discriminator!, value: target.value },
  }));
}
