import type { Queryable } from '../db/db.js';
import { usageError } from '../errors.js';
import { parsePolymorphic, sensitiveKind, tableTags } from './annotations.js';
import { historyTool } from './history-tables.js';
import { externalTables, mergePartitionKeys } from './relations.js';
import {
  CATALOG_QUERY,
  type Catalog,
  type CatalogConstraint,
  type CatalogIndex,
  type CatalogTrigger,
  type RelKind,
} from './catalog-query.js';
import {
  byText,
  tableKey,
  type HistoryTableRef,
  type IndexModel,
  type OnDelete,
  type PartitionModel,
  type PolymorphicDeclaration,
  type Relation,
  type SchemaModel,
  type TableKind,
  type TableModel,
  type TriggerModel,
} from './model.js';

/** devdb's own tables live in `public`: what introspect reads when given no schema (the commands name the project's: src/migrate/schemas-created.ts). */
export const DEFAULT_SCHEMA = 'public';

export interface IntrospectOptions {
  /** The schemas to read, in the order to show them (default: public). */
  schemas?: readonly string[] | undefined;
  /** Every schema but PostgreSQL's own and those extensions created; overrides `schemas`. */
  allSchemas?: boolean | undefined;
  /** Views and materialized views are read unless this is false. */
  views?: boolean | undefined;
}

const actions: Record<string, OnDelete> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
const kinds: Record<RelKind, TableKind> = { r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view' };

/** Reads the live catalog into a SchemaModel: the one source the ERD, the doctor and the seed use. */
export async function introspect(db: Queryable, options: IntrospectOptions = {}): Promise<SchemaModel> {
  const asked = options.allSchemas ? null : [...new Set(options.schemas?.length ? options.schemas : [DEFAULT_SCHEMA])];
  const [row] = await db.query<{ catalog: Catalog }>(CATALOG_QUERY, [JSON.stringify(asked)]);
  const catalog = row!.catalog;
  if (catalog.missingSchemas.length > 0) {
    const [first] = catalog.missingSchemas;
    throw usageError(
      `There is no schema "${first}" in this database; the schemas are ${catalog.allSchemas.join(', ')} (or pass --all-schemas).`,
    );
  }
  const schemas = asked ?? catalog.schemas;
  return buildModel(schemas, catalog, options.views ?? true);
}

function buildModel(schemas: string[], catalog: Catalog, views: boolean): SchemaModel {
  const order = (schema: string) => schemas.indexOf(schema);
  const byRef =
    <T extends { schema: string }>(name: (x: T) => string) =>
    (a: T, b: T) =>
      order(a.schema) - order(b.schema) || byText(name(a), name(b));
  const tables = new Map<string, TableModel>();
  const historyTables = findHistoryTables(catalog);
  const history = new Set(historyTables.map(tableKey));
  const rows = catalog.tables.filter((t) => (views || t.kind === 'r' || t.kind === 'p') && !history.has(tableKey(t)));
  for (const t of rows.sort(byRef((x) => x.name))) {
    const tags = tableTags(t.comment);
    tables.set(tableKey(t), {
      schema: t.schema,
      name: t.name,
      kind: kinds[t.kind],
      partitionKey: t.partitionKey,
      partitions: [],
      comment: t.comment,
      description: tags.description,
      domain: tags.domain,
      mutable: tags.mutable,
      columns: [],
      primaryKey: null,
      uniqueKeys: [],
      foreignKeys: [],
      checks: [],
      exclusions: [],
      indexes: [],
      triggers: [],
    });
  }
  const get = (schema: string, table: string) => tables.get(tableKey({ schema, name: table }));

  // Partitions, listed inside their root; `rootOf` maps any partition to the table that shows it.
  const partitions = new Map<string, { table: TableModel; partition: PartitionModel }>();
  for (const p of [...catalog.partitions].sort(
    (a, b) => byText(a.bound === 'DEFAULT' ? '\uffff' : '', b.bound === 'DEFAULT' ? '\uffff' : '') || byText(a.name, b.name),
  )) {
    const root = get(p.rootSchema, p.root);
    if (!root) continue;
    const partition: PartitionModel = {
      schema: p.schema,
      name: p.name,
      parent:
        p.parentSchema === p.rootSchema && p.parent === p.root
          ? p.root
          : p.parentSchema === p.schema
            ? p.parent
            : `${p.parentSchema}.${p.parent}`,
      bound: p.bound,
      leaf: p.leaf,
      partitionKey: p.partitionKey,
      indexes: [],
    };
    root.partitions.push(partition);
    partitions.set(tableKey(p), { table: root, partition });
  }

  const polymorphic: PolymorphicDeclaration[] = [];
  for (const c of [...catalog.columns].sort((a, b) => byRef<typeof a>((x) => x.table)(a, b) || a.position - b.position)) {
    const table = get(c.schema, c.table);
    if (!table) continue;
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
    const declaration = parsePolymorphic(c.schema, c.table, c.name, c.comment);
    if (declaration) polymorphic.push(declaration);
  }

  const constraints = [...catalog.constraints].sort((a, b) => byRef<typeof a>((x) => x.table)(a, b) || byText(a.name, b.name));
  const relations: Relation[] = [];
  for (const con of constraints) {
    const owner = con.partition ? partitions.get(tableKey({ schema: con.schema, name: con.table })) : undefined;
    const table = owner ? owner.table : get(con.schema, con.table);
    if (!table) continue;
    if (con.type === 'p') table.primaryKey = { name: con.name, columns: con.columns ?? [] };
    if (con.type === 'u') table.uniqueKeys.push({ name: con.name, columns: con.columns ?? [] });
    if (con.type === 'c') table.checks.push({ name: con.name, definition: con.definition ?? '' });
    if (con.type === 'x') table.exclusions.push({ name: con.name, definition: con.definition ?? '' });
    if (con.type === 'f') {
      table.foreignKeys.push({ name: con.name, columns: con.columns ?? [], partition: owner ? owner.partition.name : null });
      relations.push(foreignKey(con, table, owner?.partition.name ?? null));
    }
  }
  const keys = mergePartitionKeys(relations);
  for (const index of [...catalog.indexes].sort((a, b) => byRef<typeof a>((x) => x.table)(a, b) || byText(a.name, b.name))) {
    if (index.partition) partitions.get(tableKey({ schema: index.schema, name: index.table }))?.partition.indexes.push(toIndex(index));
    else get(index.schema, index.table)?.indexes.push(toIndex(index));
  }
  for (const trigger of [...catalog.triggers].sort((a, b) => byRef<typeof a>((x) => x.table)(a, b) || byText(a.name, b.name))) {
    get(trigger.schema, trigger.table)?.triggers.push(toTrigger(trigger));
  }
  // Cardinality needs the indexes, which come after the keys.
  for (const r of keys) r.cardinality = isUnique(get(r.from.schema, r.from.table)!, r.from.columns) ? 'one-to-one' : 'one-to-many';

  for (const declaration of polymorphic) keys.push(...polymorphicRelations(declaration));
  keys.sort((a, b) => order(a.from.schema) - order(b.from.schema) || byText(a.from.table, b.from.table) || byText(a.name, b.name));

  return {
    schemas,
    tables: [...tables.values()],
    relations: keys,
    externals: externalTables(keys, tables, catalog.constraints),
    polymorphic,
    enums: [...catalog.enums].sort(byRef((x) => x.name)),
    historyTables: historyTables.sort(byRef((x) => x.name)),
  };
}

/** The migration tools' history tables among the plain tables read (src/catalog/history-tables.ts). */
function findHistoryTables(catalog: Catalog): HistoryTableRef[] {
  const columns = new Map<string, { name: string }[]>();
  for (const c of catalog.columns) {
    const key = tableKey({ schema: c.schema, name: c.table });
    columns.set(key, [...(columns.get(key) ?? []), c]);
  }
  const found: HistoryTableRef[] = [];
  for (const t of catalog.tables.filter((x) => x.kind === 'r')) {
    const tool = historyTool({ schema: t.schema, name: t.name, columns: columns.get(tableKey(t)) ?? [] });
    if (tool !== null) found.push({ schema: t.schema, name: t.name, tool });
  }
  return found;
}

function toIndex(index: CatalogIndex): IndexModel {
  const keys = index.columns.slice(0, index.keyCount);
  return {
    name: index.name,
    method: index.method,
    unique: index.unique,
    primary: index.primary,
    valid: index.valid,
    columns: keys.map((k) => ({
      column: k.column,
      expression: k.expression,
      opclass: k.opclass,
      defaultOpclass: k.defaultOpclass,
      descending: k.descending,
    })),
    include: index.columns.slice(index.keyCount).map((k) => k.column ?? k.expression ?? ''),
    predicate: index.predicate,
  };
}

// pg_trigger.tgtype bits (catalog/pg_trigger.h).
const ROW = 1,
  BEFORE = 2,
  INSERT = 4,
  DELETE = 8,
  UPDATE = 16,
  TRUNCATE = 32,
  INSTEAD = 64;

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

function foreignKey(con: CatalogConstraint, table: TableModel, partition: string | null): Relation {
  const columns = con.columns ?? [];
  return {
    name: con.name,
    kind: 'foreign-key',
    from: { schema: table.schema, table: table.name, columns, partitions: partition === null ? [] : [partition] },
    to: {
      schema: con.refSchema ?? '',
      table: con.refTable ?? '',
      columns: con.refColumns ?? [],
      partitions: con.refPartition === null ? [] : [con.refPartition],
    },
    cardinality: 'one-to-many',
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
    from: { schema: declaration.schema, table: declaration.table, columns: [declaration.column], partitions: [] },
    to: { schema: declaration.schema, table: target.table, columns: [target.column], partitions: [] },
    cardinality: 'one-to-many' as const,
    // The discriminator picks one target per row, so every target is optional for a row.
    optional: true,
    onDelete: null,
    onUpdate: null,
    discriminator: { column: declaration.discriminator!, value: target.value },
  }));
}
