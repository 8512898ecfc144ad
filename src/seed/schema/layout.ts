import { factKey, type ColumnFacts } from '../../catalog/column-facts.js';
import { tableKey, type SchemaModel, type TableModel } from '../../catalog/index.js';
import { qualifiedName, quoteLiteral, type QualifiedName } from '../../util/sql-text.js';
import type { TableGenerator } from '../context.js';
import type { Profile, TableProfile } from '../profile.js';
import { parseChecks, readExclusions, type Relation, type TableRules } from './checks.js';
import { nameKey } from './named.js';
import { loadOrder } from './order.js';
import { placement, type Placement } from './partitions.js';
import { generatesType, timeRole, type ColumnSpec, type TimeRole } from './values.js';

/** A foreign key as the seed uses it: which columns point at which key of which table. */
export interface ForeignKey {
  name: string;
  columns: string[];
  /** The target table's key (tableKey), its name as people read it, and its schema and name. */
  target: string;
  targetLabel: string;
  targetRef: QualifiedName;
  refColumns: string[];
  nullable: boolean;
  /** The referencing columns are unique: each target row is pointed at once at most. */
  unique: boolean;
}

interface Seeded {
  /** tableKey of the table: what maps of tables are keyed by. */
  key: string;
  /** How people name it: bare in the first schema, `schema.table` elsewhere. */
  label: string;
  ref: QualifiedName;
  rules: TableRules;
  /** Columns written with explicit values whose sequence (identity, serial) must move past them. */
  sequences: { column: string; sequence: string }[];
}

/** A table the schema-driven layer fills entirely. */
export interface SchemaTable extends Seeded {
  kind: 'schema';
  /** Columns written by COPY, in this order. */
  columns: string[];
  /** The integer key it numbers 1..n itself (an identity, serial or integer primary key), if any. */
  idColumn: string | null;
  values: ColumnSpec[];
  /** Keys filled in the row, from targets loaded before it. */
  foreignKeys: ForeignKey[];
  /** Keys of a cycle, whose targets load after it: NULL (or a placeholder) in COPY, set once they are in. */
  laterKeys: ForeignKey[];
  /** Values of the key columns' types: what a NOT NULL later key holds until its target is loaded (keys are off meanwhile). */
  placeholders: ColumnSpec[];
  /** The foreign key whose target's rows the count is per; null for a fixed count. */
  parent: ForeignKey | null;
  rowsPerParent: readonly [number, number];
  /** Rows of a table without a parent: the profile's, or null for the scale's. */
  rows: number | null;
  /** Column sets that must be unique besides single value columns (composite keys, unique foreign keys). */
  uniqueSets: string[][];
  /** Time columns and what each means to the row (created_at first, then after it). */
  times: { column: string; role: TimeRole; base: string }[];
  /** Where rows must land so a partition takes them. */
  placement: Placement | null;
  /** The primary key, by which later keys are set after the load. */
  rowKey: string[] | null;
  /** Enabled triggers that run on UPDATE, held off while later keys are set (so no clock reaches the rows). */
  updateTriggers: string[];
  /**
   * Enabled row triggers run on its INSERT (COPY fires them): they may write other tables, the
   * seeded ones included (an audit log, a status history), with ids from their sequences.
   */
  firesOnInsert: boolean;
}

/** A table with a hand-written generator (devdb's product), and the columns added since. */
export interface HandTable extends Seeded {
  kind: 'hand';
  generator: TableGenerator;
  extras: Extras | null;
}

/** A hand-written table's columns its generator does not know, filled alongside. */
export interface Extras {
  values: ColumnSpec[];
  foreignKeys: ForeignKey[];
}

export type LayoutEntry = HandTable | SchemaTable;

/** Which schema this is: devdb's own product (hand-written generators) or anyone else's. */
export type SeedMode = 'product' | 'schema';

export interface SeedLayout {
  mode: SeedMode;
  schemas: string[];
  /** Every seeded table in load order. */
  order: LayoutEntry[];
  /** Tables the seed leaves as they are (reference data the migrations insert), by label, with the reason. */
  notSeeded: Record<string, string>;
  /** Tables the seed empties and leaves empty (the seed file's `empty`, or a required key into one), with the reason. */
  emptied: { label: string; ref: QualifiedName; reason: string }[];
  /** What keeps a table from being seeded, one line each, found before anything is written. */
  problems: string[];
}

export interface LayoutInput {
  model: SchemaModel;
  facts: Map<string, ColumnFacts>;
  profile: Profile;
  mode: SeedMode;
  /** Hand-written generators (the product's), in their load order. */
  generators: readonly TableGenerator[];
  /** Tables of the first schema the seed leaves alone, with the reason (the product's reference data). */
  notSeeded: Readonly<Record<string, string>>;
}

/**
 * Decides, from the live catalog, who fills what: hand-written generators for the tables
 * they know (with the schema layer filling any column added since), the schema layer for
 * every other table, in an order where a table comes after the tables its keys point at
 * (a cycle is cut at a key filled once its target is in).
 */
export function layoutSeed(input: LayoutInput): SeedLayout {
  const { model, profile } = input;
  const problems: string[] = [];
  const first = model.schemas[0]!;
  // Bare in the first schema (where unqualified names resolve), `schema.table` in the others.
  const labelOf = (t: QualifiedName) => (t.schema === first ? t.name : `${t.schema}.${t.name}`);
  const tables = model.tables.filter((t) => t.kind === 'table' || t.kind === 'partitioned table');
  const byLabel = new Map(tables.map((t) => [labelOf(t), t]));
  const hand = new Map(input.generators.map((g) => [g.table, g]));
  const notSeeded: Record<string, string> = {};
  const emptied = new Map<string, { label: string; ref: QualifiedName; reason: string }>();

  for (const name of Object.keys(input.notSeeded))
    if (!byLabel.has(name))
      problems.push(`NOT_SEEDED lists ${name}, which is not a table of the schema: remove it from src/seed/registry.ts.`);
  for (const name of Object.keys(profile.tables))
    if (!byLabel.has(name))
      problems.push(`the seed file's tables.${name} names no table of the schema (${[...byLabel.keys()].slice(0, 5).join(', ')}, ...).`);
  for (const g of input.generators)
    if (!byLabel.has(g.table))
      problems.push(
        `the hand-written generator for ${g.table} has no table to fill: remove it from src/seed/tables.ts or restore the table.`,
      );

  const keys = foreignKeysOf(model, labelOf);
  const entries: LayoutEntry[] = [];
  for (const table of tables) {
    const label = labelOf(table);
    const reason = table.schema === first ? input.notSeeded[table.name] : undefined;
    const tableProfile = profile.tables[label];
    if (reason !== undefined) {
      notSeeded[label] = reason;
      continue;
    }
    if (tableProfile?.empty) {
      emptied.set(tableKey(table), { label, ref: table, reason: 'the seed file says "empty": true' });
      continue;
    }
    const context: TableContext = {
      table,
      label,
      profile: tableProfile,
      facts: input.facts,
      keys: keys.get(tableKey(table)) ?? [],
      problems,
    };
    const generator = table.schema === first ? hand.get(table.name) : undefined;
    entries.push(generator ? handTable(context, generator) : schemaTable(context));
  }
  // A table whose required key points at a table left empty cannot have rows: it is empty too, and says why.
  for (let changed = true; changed;) {
    changed = false;
    for (const entry of entries) {
      if (entry.kind !== 'schema' || emptied.has(entry.key)) continue;
      const blocked = entry.foreignKeys.find((k) => !k.nullable && emptied.has(k.target) && k.target !== entry.key);
      if (!blocked) continue;
      emptied.set(entry.key, {
        label: entry.label,
        ref: entry.ref,
        reason: `its key ${blocked.name} needs rows of ${blocked.targetLabel}, which is left empty`,
      });
      changed = true;
    }
  }
  return {
    mode: input.mode,
    schemas: model.schemas,
    // Hand-written tables in their generators' order: later ones read facts earlier ones noted.
    order: loadOrder(
      entries
        .filter((e) => !emptied.has(e.key))
        .sort((a, b) =>
          a.kind === 'hand' && b.kind === 'hand' ? input.generators.indexOf(a.generator) - input.generators.indexOf(b.generator) : 0,
        ),
      problems,
    ),
    notSeeded,
    emptied: [...emptied.values()],
    problems,
  };
}

interface TableContext {
  table: TableModel;
  label: string;
  profile: TableProfile | undefined;
  facts: Map<string, ColumnFacts>;
  keys: ForeignKey[];
  problems: string[];
}

type Column = TableModel['columns'][number];

function handTable(c: TableContext, generator: TableGenerator): HandTable {
  const { table, label, problems } = c;
  const rules = rulesOf(table);
  for (const column of generator.columns)
    if (!table.columns.some((x) => x.name === column))
      problems.push(`the generator for ${label} writes column ${column}, which the table no longer has: update src/seed/tables/.`);
  const values: ColumnSpec[] = [];
  const foreignKeys: ForeignKey[] = [];
  for (const column of table.columns.filter((x) => wanted(x, c.profile) && !generator.columns.includes(x.name))) {
    const fk = c.keys.find((k) => k.columns.length === 1 && k.columns[0] === column.name);
    if (fk && !c.profile?.values[column.name]) foreignKeys.push(fk);
    else addValue(c, rules, column, values, 'a default');
  }
  const extras = values.length + foreignKeys.length > 0 ? { values, foreignKeys } : null;
  const sequences = sequencesOf(table, generator.columns);
  return { kind: 'hand', key: tableKey(table), label, ref: table, rules, sequences, generator, extras };
}

function schemaTable(c: TableContext): SchemaTable {
  const { table, label, problems } = c;
  const rules = rulesOf(table);
  const profile = c.profile;
  for (const column of [...Object.keys(profile?.values ?? {}), ...Object.keys(profile?.generators ?? {}), ...(profile?.fill ?? [])])
    if (!table.columns.some((x) => x.name === column))
      problems.push(`the seed file's tables.${label} names column ${column}, which ${label} does not have.`);
  const idColumn = idColumnOf(table, c.facts);
  const written = table.columns.filter((x) => x.name === idColumn || wanted(x, profile) || categoricalDefault(c, rules, x));
  const fixed = (name: string) => profile?.values[name] !== undefined || profile?.generators[name] !== undefined;
  // A key the seed file gives values to is filled like any column.
  const ownKeys = c.keys.filter((k) => k.columns.every((x) => written.some((w) => w.name === x)) && !k.columns.some(fixed));
  const inKey = new Set(ownKeys.flatMap((k) => k.columns));
  const values: ColumnSpec[] = [];
  const remedy = `a default, or leave ${label} empty ("empty": true in the seed file)`;
  for (const column of written) if (column.name !== idColumn && !inKey.has(column.name)) addValue(c, rules, column, values, remedy);
  const wantedParent = profile?.parent;
  const parent =
    (wantedParent ? ownKeys.find((k) => k.targetLabel === wantedParent) : undefined) ??
    ownKeys.find((k) => !k.nullable && k.target !== tableKey(table)) ??
    null;
  if (wantedParent && parent?.targetLabel !== wantedParent)
    problems.push(`the seed file's tables.${label}.parent is ${wantedParent}, but no foreign key of ${label} points at it.`);
  const uniques = uniqueSets(table);
  const specs = new Set(values.map((v) => v.name));
  const times = values
    .filter((v) => ['date', 'timestamp', 'timestamptz'].includes(v.facts.base) && !v.values && !v.rules.oneOf)
    .flatMap((v) => {
      const role = timeRole(v.name);
      return role ? [{ column: v.name, role, base: v.facts.base }] : [];
    });
  const entry: SchemaTable = {
    kind: 'schema',
    key: tableKey(table),
    label,
    ref: table,
    rules,
    sequences: sequencesOf(
      table,
      written.map((x) => x.name),
    ),
    columns: written.filter((x) => specs.has(x.name) || x.name === idColumn || inKey.has(x.name)).map((x) => x.name),
    idColumn,
    values,
    foreignKeys: ownKeys,
    laterKeys: [],
    placeholders: [...inKey].flatMap((name) => {
      const spec = specOf(
        c,
        rules,
        table.columns.find((x) => x.name === name)!,
      );
      return spec && generatesType(spec.facts) ? [{ ...spec, nullable: false, values: undefined, generator: undefined }] : [];
    }),
    parent,
    // One row per parent at most when the parent's key is unique (a profile row of its user).
    rowsPerParent: profile?.rowsPerParent ?? (parent?.unique ? [1, 1] : [0, 3]),
    rows: profile?.rows ?? null,
    uniqueSets: uniques.filter((s) => s.length > 1 || inKey.has(s[0]!)),
    times: [...times.filter((t) => t.role === 'birth').slice(0, 1), ...times.filter((t) => t.role !== 'birth')],
    placement: null,
    rowKey: table.primaryKey?.columns ?? null,
    updateTriggers: table.triggers.filter((x) => x.enabled && x.events.includes('update')).map((x) => x.name),
    firesOnInsert: table.triggers.some((x) => x.enabled && x.level === 'row' && x.events.includes('insert')),
  };
  entry.placement = placement(table, entry, problems);
  // The partition decides a partition key's moment, not the row's other times.
  if (entry.placement) entry.times = entry.times.filter((x) => x.column !== entry.placement!.column);
  return entry;
}

/** Adds the column's value spec, or the problem that keeps it from being filled (a NOT NULL column no generator fits). */
function addValue(c: TableContext, rules: TableRules, column: Column, values: ColumnSpec[], remedy: string): void {
  const spec = specOf(c, rules, column);
  if (spec && (spec.values || spec.generator || generatesType(spec.facts))) values.push(spec);
  else if (!column.nullable || spec?.nullable === false)
    c.problems.push(
      `${c.label}.${column.name} (${column.type}, NOT NULL, no default) has no generator: give it values in the seed file (tables.${c.label}.values.${column.name}), ${remedy}.`,
    );
}

export function specOf(
  c: Pick<TableContext, 'table' | 'label' | 'profile' | 'facts'>,
  rules: TableRules,
  column: Column,
): ColumnSpec | undefined {
  const f = c.facts.get(factKey(c.table, column.name));
  if (!f) return undefined;
  const domainRules = parseChecks(
    f.domainChecks.map((definition, i) => ({ name: `${f.domain}_check${i || ''}`, definition })),
    [column.name],
    column.name,
  );
  const own = rules.columns.get(column.name) ?? { patterns: [], constraints: [] };
  const extra = domainRules.columns.get(column.name);
  return {
    table: c.label,
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
    unique: uniqueSets(c.table).some((s) => s.length === 1 && s[0] === column.name),
    values: c.profile?.values[column.name],
    generator: c.profile?.generators[column.name],
  };
}

function rulesOf(table: TableModel): TableRules {
  const columns = table.columns.map((x) => x.name);
  const rules = readExclusions(parseChecks(table.checks, columns), table.exclusions, columns);
  rules.relations.push(...spans(table, rules));
  return rules;
}

/** A span's first word and the words its other end goes by, as nameKey spells names. */
const SPAN_WORDS: readonly [string, readonly string[]][] = [
  ['start', ['end', 'finish']],
  ['starts', ['ends']],
  ['started', ['ended', 'finished', 'completed']],
  ['begins', ['ends']],
  ['from', ['to', 'until', 'thru']],
  ['opens', ['closes']],
  ['check_in', ['check_out']],
  ['departure', ['arrival']],
];
const TIME_TYPE = /^(date|timestamp( \(\d\))?( with(out)? time zone)?)$/;

/**
 * The two ends of a span of time that no CHECK orders (`starts_at` and `ends_at`, `start_date`
 * and `end_date`, `valid_from` and `valid_until`, `check_in` and `check_out`): the end comes
 * after the start, as in any real row.
 */
function spans(table: TableModel, rules: TableRules): Relation[] {
  const times = new Map(table.columns.filter((c) => TIME_TYPE.test(c.type)).map((c) => [nameKey(c.name), c.name]));
  const out: Relation[] = [];
  for (const [key, start] of times) {
    for (const [first, others] of SPAN_WORDS) {
      const word = new RegExp(`(^|_)${first}(_|$)`);
      if (!word.test(key)) continue;
      for (const other of others) {
        const end = times.get(key.replace(word, `$1${other}$2`));
        const ordered = rules.relations.some((r) => [r.column, r.other].includes(start) && [r.column, r.other].includes(end ?? ''));
        if (end && !ordered) out.push({ column: end, op: '>', other: start, constraint: `${start} before ${end}` });
      }
    }
  }
  return out;
}

/**
 * Left to the database: generated columns, and defaults (identities and serials included)
 * unless the seed file asks, except the clock's and chance's (now(), gen_random_uuid()): the
 * same seed must give the same rows.
 */
function wanted(column: Column, profile: TableProfile | undefined): boolean {
  return (
    column.generated === null &&
    ((column.default === null && column.identity === null) ||
      (column.default !== null && VOLATILE_DEFAULT.test(column.default)) ||
      profile?.fill.includes(column.name) === true ||
      profile?.values[column.name] !== undefined ||
      profile?.generators[column.name] !== undefined)
  );
}

/**
 * A column of a few values with a constant default (`status order_status DEFAULT 'pending'`,
 * `is_active boolean DEFAULT true`, `plan text DEFAULT 'free' CHECK (plan IN (...))`) is filled
 * all the same: left to its default, every row would hold the one value, which no real table
 * does. Other constant defaults (0, '{}', '') stay the database's, as the migrations meant.
 */
function categoricalDefault(c: Pick<TableContext, 'table' | 'facts'>, rules: TableRules, column: Column): boolean {
  if (column.default === null || column.generated !== null || column.identity !== null || /^nextval\(/.test(column.default)) return false;
  const facts = c.facts.get(factKey(c.table, column.name));
  return facts?.kind === 'e' || facts?.base === 'bool' || rules.columns.get(column.name)?.oneOf !== undefined;
}

const VOLATILE_DEFAULT =
  /\b(now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|random|gen_random_uuid|uuid_generate_v[14])\(|\b(CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME|LOCALTIMESTAMP|LOCALTIME)\b/i;

function pickDefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function foreignKeysOf(model: SchemaModel, labelOf: (t: QualifiedName) => string): Map<string, ForeignKey[]> {
  const out = new Map<string, ForeignKey[]>();
  const tables = new Map(model.tables.map((t) => [tableKey(t), t]));
  for (const r of model.relations) {
    if (r.kind !== 'foreign-key') continue;
    const from = { schema: r.from.schema, name: r.from.table };
    const to = { schema: r.to.schema, name: r.to.table };
    const list = out.get(tableKey(from)) ?? [];
    const table = tables.get(tableKey(from));
    list.push({
      name: r.name,
      columns: r.from.columns,
      target: tableKey(to),
      targetLabel: labelOf(to),
      targetRef: to,
      refColumns: r.to.columns,
      nullable: r.optional,
      unique: table !== undefined && uniqueSets(table).some((s) => s.every((c) => r.from.columns.includes(c))),
    });
    out.set(tableKey(from), list);
  }
  return out;
}

/** The sequence behind each written column that has one: `pg_get_serial_sequence` finds identities and serials, a plain `nextval` default names its own. */
function sequencesOf(table: TableModel, written: readonly string[]): { column: string; sequence: string }[] {
  return table.columns.flatMap((c) => {
    if (!written.includes(c.name)) return [];
    if (c.identity !== null || /^nextval\(/.test(c.default ?? ''))
      return [
        {
          column: c.name,
          sequence:
            /^nextval\(('(?:[^']|'')+'::regclass)\)$/.exec(c.default ?? '')?.[1] ??
            `pg_get_serial_sequence(${quoteLiteral(qualifiedName(table))}, ${quoteLiteral(c.name)})`,
        },
      ];
    return [];
  });
}

/** Column sets that must be unique: the primary key, UNIQUE constraints, unique indexes without a predicate or expression. */
export function uniqueSets(table: TableModel): string[][] {
  const sets = new Map<string, string[]>();
  for (const k of table.uniqueKeys) sets.set(k.columns.join(','), k.columns);
  for (const i of table.indexes) {
    if (!i.unique || i.primary) continue;
    // A partial index (`WHERE deleted_at IS NULL`) is kept on every row, which meets it; `lower(email)` on
    // its column (the values devdb draws do not differ by case alone); other expressions stay the server's.
    const cols = i.columns.map((c) => c.column ?? foldedColumn(c.expression));
    if (cols.some((c) => c === undefined || !table.columns.some((x) => x.name === c))) continue;
    sets.set(cols.join(','), cols as string[]);
  }
  if (table.primaryKey) sets.set(table.primaryKey.columns.join(','), table.primaryKey.columns);
  return [...sets.values()];
}

/** The column of `lower(col)` or `upper(col)` (casts included, as pg_get_indexdef writes them). */
function foldedColumn(expression: string | null): string | undefined {
  const m = /^(?:lower|upper)\(\(?("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)\)?(?:::[a-z ]+)?\)$/i.exec(expression?.trim() ?? '');
  if (!m) return undefined;
  return m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replaceAll('""', '"') : m[1]!;
}

/** The single integer column the seed numbers itself: an identity, or an integer primary key (serial included). */
function idColumnOf(table: TableModel, facts: Map<string, ColumnFacts>): string | null {
  const identity = table.columns.find((c) => c.identity !== null);
  if (identity) return identity.name;
  const pk = table.primaryKey?.columns;
  if (pk?.length === 1 && /^int[248]$/.test(facts.get(factKey(table, pk[0]!))?.base ?? '')) return pk[0]!;
  return null;
}
