import type { ColumnFacts } from '../../catalog/column-facts.js';
import type { SchemaModel, TableModel } from '../../catalog/index.js';
import type { TableGenerator } from '../context.js';
import type { Profile } from '../profile.js';
import { NOT_SEEDED } from '../registry.js';
import { parseChecks, type TableRules } from './checks.js';
import { generatesType, type ColumnSpec } from './values.js';

/** A foreign key as the seed uses it: which columns point at which key of which table. */
export interface ForeignKey {
  name: string;
  columns: string[];
  table: string;
  refColumns: string[];
  nullable: boolean;
}

/** A table the schema-driven layer fills entirely. */
export interface SchemaTable {
  table: string;
  /** Columns written by COPY, in this order. */
  columns: string[];
  /** The integer key it numbers 1..n itself (an identity or integer primary key), if any. */
  idColumn: string | null;
  values: ColumnSpec[];
  foreignKeys: ForeignKey[];
  /** The foreign key whose target's rows the count is per; null for a fixed count. */
  parent: ForeignKey | null;
  rowsPerParent: readonly [number, number];
  rows: number | null;
  /** UNIQUE column sets of two or more columns (single ones are kept by their column). */
  uniqueSets: string[][];
  rules: TableRules;
}

/** A hand-written table with columns its generator does not know, filled alongside. */
export interface Extras {
  table: string;
  values: ColumnSpec[];
  foreignKeys: ForeignKey[];
  rules: TableRules;
}

export interface SeedLayout {
  /** Every seeded table in load order: a string is a hand-written table, an object the schema layer's. */
  order: (TableGenerator | SchemaTable)[];
  extras: Map<string, Extras>;
  notSeeded: Record<string, string>;
  /** Every seeded table's CHECKs as read, for naming the column of a violated one. */
  rules: Map<string, TableRules>;
  /** What keeps a table from being seeded, one line each (the coverage test lists these). */
  problems: string[];
}

/**
 * Decides, from the live catalog, who fills what: hand-written generators for the tables
 * they know (with the schema layer filling any column added since), the schema layer for
 * every other table not on the NOT_SEEDED list, in an order where every table comes after
 * the tables its foreign keys point at.
 */
export function layoutSeed(
  model: SchemaModel,
  facts: Map<string, ColumnFacts>,
  profile: Profile,
  generators: readonly TableGenerator[],
): SeedLayout {
  const problems: string[] = [];
  const byName = new Map(model.tables.map((t) => [t.name, t]));
  const hand = new Map(generators.map((g) => [g.table, g]));
  const extras = new Map<string, Extras>();
  const schemaTables = new Map<string, SchemaTable>();
  const foreignKeys = foreignKeysOf(model);
  const rulesByTable = new Map<string, TableRules>();

  for (const name of Object.keys(NOT_SEEDED))
    if (!byName.has(name))
      problems.push(`NOT_SEEDED lists ${name}, which is not a table of the schema: remove it from src/seed/registry.ts.`);
  for (const name of Object.keys(profile.tables))
    if (!byName.has(name)) problems.push(`the seed profile's tables.${name} names no table of the schema.`);
  for (const g of generators)
    if (!byName.has(g.table))
      problems.push(
        `the hand-written generator for ${g.table} has no table to fill: remove it from src/seed/tables.ts or restore the table.`,
      );

  for (const table of model.tables) {
    if (table.name in NOT_SEEDED) continue;
    const tableProfile = profile.tables[table.name];
    const rules = parseChecks(
      table.checks,
      table.columns.map((c) => c.name),
    );
    rulesByTable.set(table.name, rules);
    const fks = foreignKeys.get(table.name) ?? [];
    const generator = hand.get(table.name);
    const uniqueSingles = new Set(
      uniqueSets(table)
        .filter((s) => s.length === 1)
        .map((s) => s[0]!),
    );
    const spec = (column: TableModel['columns'][number]): ColumnSpec | undefined => {
      const f = facts.get(`${table.name}.${column.name}`);
      if (!f) return undefined;
      const domainRules = parseChecks(
        f.domainChecks.map((definition, i) => ({ name: `${f.domain}_check${i || ''}`, definition })),
        [column.name],
        column.name,
      );
      const own = rules.columns.get(column.name) ?? { patterns: [], constraints: [] };
      const extra = domainRules.columns.get(column.name);
      return {
        table: table.name,
        name: column.name,
        facts: f,
        nullable: column.nullable && !f.domainNotNull,
        rules: extra
          ? {
              ...own,
              ...extra,
              ...pickDefined(own),
              patterns: [...own.patterns, ...extra.patterns],
              constraints: [...own.constraints, ...extra.constraints],
            }
          : own,
        unique: uniqueSingles.has(column.name),
        values: tableProfile?.values[column.name],
      };
    };
    const inFk = new Set(fks.flatMap((k) => k.columns));
    // Left to the database: generated columns, and defaults (identities included) unless the profile
    // asks, except the clock's and chance's (now(), gen_random_uuid()): the same seed gives the same rows.
    const wanted = (column: TableModel['columns'][number], known: readonly string[]) =>
      !known.includes(column.name) &&
      column.generated === null &&
      ((column.default === null && column.identity === null) ||
        (column.default !== null && VOLATILE_DEFAULT.test(column.default)) ||
        tableProfile?.fill.includes(column.name) === true ||
        tableProfile?.values[column.name] !== undefined);
    for (const column of Object.keys(tableProfile?.values ?? {})) {
      if (!table.columns.some((c) => c.name === column))
        problems.push(`the seed profile's tables.${table.name}.values.${column} names no column of ${table.name}.`);
    }

    if (generator) {
      for (const c of generator.columns)
        if (!table.columns.some((x) => x.name === c))
          problems.push(`the generator for ${table.name} writes column ${c}, which the table no longer has: update src/seed/tables/.`);
      const added = table.columns.filter((c) => wanted(c, generator.columns));
      const values: ColumnSpec[] = [];
      const keys: ForeignKey[] = [];
      for (const column of added) {
        const fk = fks.find((k) => k.columns.length === 1 && k.columns[0] === column.name);
        if (fk && !tableProfile?.values[column.name]) {
          keys.push(fk);
          continue;
        }
        const s = spec(column);
        if (s && (s.values || generatesType(s.facts))) values.push(s);
        else if (!column.nullable)
          problems.push(
            `${table.name}.${column.name} (${column.type}, NOT NULL, no default) has no generator: give it values in the seed profile (tables.${table.name}.values.${column.name}) or a default.`,
          );
      }
      if (values.length + keys.length > 0) extras.set(table.name, { table: table.name, values, foreignKeys: keys, rules });
      continue;
    }

    const idColumn = idColumnOf(table, facts);
    const columns = table.columns.filter((c) => c.name === idColumn || wanted(c, []));
    const values: ColumnSpec[] = [];
    for (const column of columns) {
      if (column.name === idColumn || (inFk.has(column.name) && !tableProfile?.values[column.name])) continue;
      const s = spec(column);
      if (s && (s.values || generatesType(s.facts))) values.push(s);
      else if (!column.nullable)
        problems.push(
          `${table.name}.${column.name} (${column.type}, NOT NULL, no default) has no generator: give it values in the seed profile (tables.${table.name}.values.${column.name}), a default, or list ${table.name} in NOT_SEEDED (src/seed/registry.ts) with the reason.`,
        );
    }
    const ownKeys = fks.filter(
      (k) => k.columns.every((c) => columns.some((x) => x.name === c)) && !k.columns.some((c) => tableProfile?.values[c]),
    );
    const wantedParent = tableProfile?.parent;
    const parent =
      (wantedParent ? ownKeys.find((k) => k.table === wantedParent) : undefined) ??
      ownKeys.find((k) => !k.nullable && k.table !== table.name && !(k.table in NOT_SEEDED)) ??
      null;
    if (wantedParent && parent?.table !== wantedParent)
      problems.push(`the seed profile's tables.${table.name}.parent is ${wantedParent}, but no foreign key of ${table.name} points at it.`);
    schemaTables.set(table.name, {
      table: table.name,
      columns: columns
        .filter((c) => values.some((v) => v.name === c.name) || c.name === idColumn || ownKeys.some((k) => k.columns.includes(c.name)))
        .map((c) => c.name),
      idColumn,
      values,
      foreignKeys: ownKeys,
      parent,
      rowsPerParent: tableProfile?.rowsPerParent ?? [0, 3],
      rows: tableProfile?.rows ?? null,
      uniqueSets: uniqueSets(table).filter((s) => s.length > 1),
      rules,
    });
  }

  return {
    order: loadOrder(
      generators.filter((g) => byName.has(g.table)),
      schemaTables,
      extras,
      problems,
    ),
    extras,
    notSeeded: { ...NOT_SEEDED },
    rules: rulesByTable,
    problems,
  };
}

const VOLATILE_DEFAULT =
  /\b(now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|random|gen_random_uuid|uuid_generate_v[14])\(|\b(CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME|LOCALTIMESTAMP|LOCALTIME)\b/i;

function pickDefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function foreignKeysOf(model: SchemaModel): Map<string, ForeignKey[]> {
  const out = new Map<string, ForeignKey[]>();
  for (const r of model.relations) {
    if (r.kind !== 'foreign-key') continue;
    const list = out.get(r.from.table) ?? [];
    list.push({ name: r.name, columns: r.from.columns, table: r.to.table, refColumns: r.to.columns, nullable: r.optional });
    out.set(r.from.table, list);
  }
  return out;
}

/** Column sets that must be unique: UNIQUE constraints and unique indexes without a predicate or expression. */
function uniqueSets(table: TableModel): string[][] {
  const sets = new Map<string, string[]>();
  for (const k of table.uniqueKeys) sets.set(k.columns.join(','), k.columns);
  for (const i of table.indexes) {
    if (!i.unique || i.primary || i.predicate !== null || i.columns.some((c) => c.column === null)) continue;
    const cols = i.columns.map((c) => c.column!);
    sets.set(cols.join(','), cols);
  }
  if (table.primaryKey) sets.set(table.primaryKey.columns.join(','), table.primaryKey.columns);
  return [...sets.values()];
}

/** The single integer column the seed numbers itself: an identity, or an integer primary key. */
function idColumnOf(table: TableModel, facts: Map<string, ColumnFacts>): string | null {
  const identity = table.columns.find((c) => c.identity !== null);
  if (identity) return identity.name;
  const pk = table.primaryKey?.columns;
  if (pk?.length === 1 && /^int[248]$/.test(facts.get(`${table.name}.${pk[0]}`)?.base ?? '')) return pk[0]!;
  return null;
}

/**
 * Hand-written tables keep their order; a schema table goes in as soon as every table it
 * points at is in, and before the first hand-written table whose new columns point at it.
 */
function loadOrder(
  generators: readonly TableGenerator[],
  schemaTables: Map<string, SchemaTable>,
  extras: Map<string, Extras>,
  problems: string[],
): (TableGenerator | SchemaTable)[] {
  const order: (TableGenerator | SchemaTable)[] = [];
  const placed = new Set<string>();
  const handNames = new Set(generators.map((g) => g.table));
  const pending = new Set(schemaTables.keys());
  const ready = (t: SchemaTable) =>
    t.foreignKeys.every(
      (k) => k.table === t.table || k.nullable || placed.has(k.table) || (!handNames.has(k.table) && !schemaTables.has(k.table)),
    );
  const placeReady = () => {
    for (let progress = true; progress;) {
      progress = false;
      for (const name of [...pending].sort()) {
        const t = schemaTables.get(name)!;
        if (!ready(t)) continue;
        order.push(t);
        placed.add(name);
        pending.delete(name);
        progress = true;
      }
    }
  };
  placeReady();
  for (const g of generators) {
    for (const k of extras.get(g.table)?.foreignKeys ?? []) {
      if (!placed.has(k.table) && (handNames.has(k.table) || schemaTables.has(k.table)) && k.table !== g.table) {
        problems.push(
          `${g.table}'s new column ${k.columns.join(', ')} points at ${k.table}, which the seed loads later; make it nullable or seed ${k.table} by hand earlier.`,
        );
      }
    }
    order.push(g);
    placed.add(g.table);
    placeReady();
  }
  for (const name of pending)
    problems.push(`${name} cannot be ordered after the tables it points at (a cycle of NOT NULL foreign keys): make one of them nullable.`);
  return order;
}
