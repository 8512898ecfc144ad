import { copyValue } from '../../db/copy.js';
import { CHUNK_CHARS, type RowBatch } from '../batches.js';
import type { Queryable } from '../../db/db.js';
import { quoteIdent, qualifiedName } from '../../util/sql-text.js';
import type { TableGenerator } from '../context.js';
import { Random } from '../random.js';
import { DAY, REF, iso, isoDate, parseMoment } from '../time.js';
import type { Offset, Relation } from './checks.js';
import type { Extras, ForeignKey, SchemaTable } from './layout.js';
import type { Owners, Owner } from './owners.js';
import { placedValue } from './partitions.js';
import {
  columnGenerator,
  timeFormat,
  validator,
  type ColumnGenerator,
  type ColumnSpec,
  type TimeRole,
  type Value,
  type ValueContext,
} from './values.js';

/** Where the values of a foreign key come from: ids 1..n, or the target's keys read back; with each row's birth when known. */
export interface KeySource {
  count: number;
  /** Its keys are the target's numbered ids (numbers, written to COPY as they are). */
  numbered: boolean;
  at(index: number): Value[];
  /** Column `column` of key `index`: what `at(index)[column]` is, without building the key. */
  part(index: number, column: number): Value;
  /** When the target row was created (ms), so a child is never older than its parent. */
  birth(index: number): number | undefined;
}

/** What a loaded table hands to the tables after it. */
export interface LoadedTable {
  rows: number;
  /** The integer column numbered firstId..firstId+rows-1, when there is one: keys to it need no query. */
  idColumn: string | null;
  /** 1, or past the rows a trigger wrote into the table before its load. */
  firstId: number;
  /** The birth of row i (by id - 1) when the table has an id and a created_at-like column. */
  births: number[] | null;
  /** The column read back with keys as a row's birth. */
  birthColumn: string | null;
}

export type Loaded = Map<string, LoadedTable>;

/** What a schema table's rows are drawn from besides the catalog: the seed, the scale, and (devdb's product) who owns what. */
export interface SchemaWorld {
  seed: number;
  /** Rows of a table without a parent (the seed file's `rows` wins). */
  rootRows: number;
  /** The product plan's owners (members of the row's project, its user's tier), or null on any other schema. */
  owners: Owners | null;
  values: ValueContext;
}

const KEY_SAMPLE = 100_000;

/** One source per foreign key, read once the tables it points at are loaded (same transaction). */
export async function keySources(tx: Queryable, keys: readonly ForeignKey[], loaded: Loaded): Promise<Map<string, KeySource>> {
  const out = new Map<string, KeySource>();
  for (const k of keys) {
    const target = loaded.get(k.target);
    if (target && k.refColumns.length === 1 && k.refColumns[0] === target.idColumn) {
      out.set(k.name, idSource(target.rows, target.births, target.firstId));
      continue;
    }
    // Any other key (reference data, a composite or text key): read it back, in an order both engines
    // agree on. A seeded table not loaded yet is empty here, so its nullable keys stay NULL.
    const cols = k.refColumns.map(quoteIdent);
    const birth = target?.birthColumn ? `(extract(epoch FROM ${quoteIdent(target.birthColumn)}) * 1000)::float8` : 'NULL::float8';
    // One JSON document of [key, birth] pairs, not a row each: a row costs the driver a message
    // and a parse of its own (thousands of keys per table), one document a single JSON.parse.
    const order = cols.map((c) => `${c}::text COLLATE "C"`).join(', ');
    const [row] = await tx.query<{ keys: [Value[], number | null][] | string }>(
      `SELECT coalesce(json_agg(json_build_array(k, b) ORDER BY ${cols.map((_, i) => `o${i}`).join(', ')}), '[]') AS keys FROM (
         SELECT json_build_array(${cols.join(', ')}) AS k, ${birth} AS b, ${cols.map((c, i) => `${c}::text COLLATE "C" AS o${i}`).join(', ')}
           FROM ${qualifiedName(k.targetRef)} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')} ORDER BY ${order} LIMIT ${KEY_SAMPLE}) s`,
    );
    const pairs = typeof row!.keys === 'string' ? (JSON.parse(row!.keys) as [Value[], number | null][]) : row!.keys;
    out.set(
      k.name,
      listSource(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ),
    );
  }
  return out;
}

/** Keys firstId..firstId+count-1, numbered by the target's id column. */
function idSource(count: number, births: number[] | null, firstId = 1): KeySource {
  return { count, numbered: true, at: (i) => [i + firstId], part: (i) => i + firstId, birth: (i) => births?.[i] };
}

/** Keys read back, with their rows' births (null when unknown). */
function listSource(values: Value[][], births: (number | null)[]): KeySource {
  return {
    count: values.length,
    numbered: false,
    at: (i) => values[i]!,
    part: (i, column) => values[i]![column] ?? null,
    birth: (i) => births[i] ?? undefined,
  };
}

/**
 * An empty list for a table's births that holds doubles from the start. An empty literal holds
 * small integers; its first birth (milliseconds, a double) changed its kind under the row loop's
 * optimised code, which V8 then threw away ("not a Smi") and compiled again, every seed.
 */
export function birthList(): number[] {
  const list = [0.5];
  list.pop();
  return list;
}

/** Rows each table runs through schemaRows in rehearsal. */
const REHEARSAL_ROWS = 8;

/**
 * Runs a few rows of every table through schemaRows before the load, with keys into stand-in rows
 * and the tables' own streams made afresh (nothing drawn here is kept, and no stream, pool or
 * unique set of the real run is touched). V8 compiles the row loop once it is hot, from what it
 * has seen it do; each later table that took a path not seen yet (a parent, a key read back, a
 * later key, a partition, a birth) threw that code away and had it compiled again, ten times in a
 * seed of the fixture at 40-70 ms of CPU each. Rehearsed, the loop has seen every table's paths
 * before it is first compiled. `idColumns`: each table's 1..n id column, as the load will know it.
 */
export function rehearse(tables: readonly SchemaTable[], world: SchemaWorld, idColumns: ReadonlyMap<string, string | null>): void {
  const stand = { ...world, rootRows: REHEARSAL_ROWS };
  for (const t of tables) {
    const sources = new Map<string, KeySource>();
    for (const k of t.foreignKeys) {
      const byId = k.refColumns.length === 1 && k.refColumns[0] === idColumns.get(k.target);
      const births = [REF - 30 * DAY, REF - 20 * DAY];
      sources.set(
        k.name,
        byId
          ? idSource(2, births)
          : listSource([k.refColumns.map((_, i) => `stand-in ${i}`), k.refColumns.map((_, i) => `stand-in ${i + 1}`)], births),
      );
    }
    for (const batch of schemaRows({ ...t, rows: REHEARSAL_ROWS }, stand, sources, t.idColumn ? birthList() : null)) void batch;
  }
}

/** Draws which target row a key points at: any, or each at most once when the key is unique. */
class KeyPicker {
  private order: number[] | null = null;
  private next = 0;
  constructor(
    private readonly key: ForeignKey,
    private readonly source: KeySource | undefined,
    private readonly rnd: Random,
  ) {}

  /** An index into the source, or null when it has none (left). */
  pick(): number | null {
    const count = this.source?.count ?? 0;
    if (count === 0) return null;
    if (!this.key.unique) return this.rnd.int(0, count - 1);
    this.order ??= shuffled(count, this.rnd);
    return this.next < this.order.length ? this.order[this.next++]! : null;
  }
}

/** 0..n-1 in an order drawn from `rnd`. */
export function shuffled(n: number, rnd: Random): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function schemaEstimate(t: SchemaTable, world: Pick<SchemaWorld, 'rootRows'>, estimates: Map<string, number>): number {
  if (!t.parent) return t.rows ?? world.rootRows;
  const perParent = (t.rowsPerParent[0] + t.rowsPerParent[1]) / 2;
  return Math.round((estimates.get(t.parent.target) ?? world.rootRows) * perParent);
}

/**
 * The rows of a table the schema layer fills entirely, as COPY text in batches of about
 * CHUNK_CHARS (one step of this generator per batch, not per row); `births` collects each row's
 * created_at. Everything a row needs is resolved to column positions once (rowPlan), so a row is
 * one array rewritten in place and one line appended to the batch.
 */
export function* schemaRows(
  t: SchemaTable,
  world: SchemaWorld,
  sources: Map<string, KeySource>,
  births: number[] | null,
  /** The id the first row gets (see LoadedTable.firstId). */
  firstId = 1,
): Generator<RowBatch> {
  const plan = rowPlan(t, world, sources);
  const { rnd, width, values, later, owners, tierColumns, keys, uniques, uniqueKeys, parent, parentAt, parentSource, parents } = plan;
  const { rowsPerParent, rootRows, idAt, times, relations, distinct, nonNulls, placement, placementAt, birthAt, row, owner, plain } = plan;
  // The latest birth among the rows this row points at: it is born after them.
  let after = -Infinity;
  const setKey = (fk: ForeignKey, columns: number[], source: KeySource | undefined, index: number | null) => {
    if (index === null) for (let j = 0; j < columns.length; j++) row[columns[j]!] = null;
    else {
      for (let j = 0; j < columns.length; j++) row[columns[j]!] = source!.part(index, j);
      const born = source!.birth(index);
      if (born !== undefined && born > after) after = born;
    }
    if (owners) owners.learn(owner, fk, index === null ? null : source!.at(index));
  };
  let id = 0;
  let text = '';
  let batched = 0;
  rows: for (let p = 0; p < parents; p++) {
    const n = parent ? rnd.int(rowsPerParent[0], rowsPerParent[1]) : rootRows;
    for (let k = 0; k < n; k++) {
      for (let attempt = 0; attempt < 10; attempt++) {
        after = -Infinity;
        if (owners) owner.project = owner.user = undefined;
        if (idAt >= 0) row[idAt] = id + firstId;
        if (parent) setKey(parent, parentAt, parentSource, p);
        let missing = false;
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!;
          const { fk } = key;
          if (key.self) {
            // Into its own table, by the id it numbers: an earlier row, or (NOT NULL) the row itself.
            row[key.at[0]!] = fk.nullable ? (id > 0 && rnd.chance(0.5) ? rnd.int(firstId, id + firstId - 1) : null) : id + firstId;
            continue;
          }
          const index = fk.nullable && rnd.chance(0.1) ? null : (owners?.pick(fk, key.source, owner, rnd) ?? key.picker.pick());
          if (index === null && !fk.nullable) missing = true;
          setKey(fk, key.at, key.source, index);
        }
        // A required key with nothing to point at: the row cannot exist.
        if (missing) break;
        for (let i = 0; i < later.length; i++) {
          const c = later[i]!;
          row[c.at] = c.placeholder ? (c.placeholder.next() ?? null) : null;
        }
        let exhausted = false;
        for (let i = 0; i < values.length; i++) {
          const v = values[i]!;
          const value = v.generator.next();
          if (value === undefined) exhausted = true;
          row[v.at] = value ?? null;
        }
        // A unique column with no new value left: the table has all the rows it can hold (the
        // rows after would each spend every retry of that column on taken values).
        if (exhausted) break rows;
        if (placementAt >= 0) row[placementAt] = placedValue(placement!, rnd);
        if (owner.user !== undefined && owners)
          for (let i = 0; i < tierColumns.length; i++) row[tierColumns[i]!] = owners.tierOf(owner.user);
        cohereTimes(row, times, after, rnd);
        orderRelated(row, relations, rnd);
        // CHECK (a <> b): a row whose two columns drew the same value (a self-follow) is drawn again.
        if (distinct.length > 0 && sameValues(row, distinct)) continue;
        // num_nonnulls(a, b) = 1: one of the keys kept, the others NULL; too few filled, drawn again.
        if (nonNulls.length > 0 && !keepNonNulls(row, nonNulls, rnd)) continue;
        if (uniques.length > 0 && !claimUnique(row, uniques, uniqueKeys)) continue;
        id++;
        if (births && birthAt >= 0) births.push(parseMoment(String(row[birthAt])));
        text += plain[0] ? (row[0] ?? '\\N') : copyValue(row[0]);
        for (let c = 1; c < width; c++) {
          const value = row[c]!;
          text += `\t${plain[c] ? (value ?? '\\N') : copyValue(value)}`;
        }
        text += '\n';
        batched++;
        if (text.length >= CHUNK_CHARS) {
          yield { text, rows: batched };
          text = '';
          batched = 0;
        }
        break;
      }
    }
  }
  if (batched > 0) yield { text, rows: batched };
}

/**
 * Everything schemaRows needs for a table, resolved once, in one object of one shape. It is a
 * function of its own so that the per-table setup (maps, filters, the table's own objects) never
 * runs in the row loop's optimised code: each table's differences deoptimised it there.
 */
function rowPlan(t: SchemaTable, world: SchemaWorld, sources: Map<string, KeySource>) {
  const rnd = new Random(world.seed, `schema:${t.label}`);
  const stream = (name: string) => new Random(world.seed, `schema:${t.label}.${name}`);
  const at = new Map(t.columns.map((c, i) => [c, i]));
  const pos = (column: string) => at.get(column)!;
  const width = t.columns.length;
  const values = slots(t.values, (spec) => ({ at: pos(spec.name), generator: columnGenerator(spec, stream(spec.name), world.values) }));
  const placeholders = new Map(
    t.placeholders.map((spec) => [spec.name, columnGenerator({ ...spec, unique: false }, stream(spec.name), world.values)]),
  );
  const later = slots(
    t.laterKeys.flatMap((fk) => fk.columns.map((c) => [c, fk.nullable] as const)),
    ([c, nullable]) => ({ at: pos(c), placeholder: nullable ? null : placeholders.get(c)! }),
  );
  const owners = world.owners;
  const tierColumns = owners ? t.values.filter((v) => owners.isTierColumn(v) && !v.values).map((v) => pos(v.name)) : [];
  const others = t.foreignKeys.filter((k) => k !== t.parent);
  if (owners) others.sort(owners.byOwnership);
  const keys = slots(others, (fk) => ({
    fk,
    at: fk.columns.map(pos),
    source: sources.get(fk.name),
    picker: new KeyPicker(fk, sources.get(fk.name), rnd),
    self: fk.target === t.key,
  }));
  const parentSource = t.parent ? sources.get(t.parent.name) : undefined;
  const parentAt = t.parent ? t.parent.columns.map(pos) : [];
  const parents = t.parent ? (parentSource?.count ?? 0) : 1;
  const idAt = t.idColumn ? pos(t.idColumn) : -1;
  const times = timeSlots(t, at);
  const relations = relationSlots(t.rules.relations, t.values, at);
  const nonNulls = slots(t.rules.nonNulls, (n) =>
    n.columns.every((c) => at.has(c)) ? { at: n.columns.map(pos), op: n.op, count: n.count } : undefined,
  );
  const distinct = slots(t.rules.distinct, (d) =>
    at.has(d.column) && at.has(d.other) ? { a: pos(d.column), b: pos(d.other) } : undefined,
  );
  const placementAt = t.placement ? pos(t.placement.column) : -1;
  const birthAt = t.times[0]?.role === 'birth' ? pos(t.times[0].column) : -1;
  const row: Value[] = new Array<Value>(width).fill(null);
  const { plain, numeric } = columnKinds(width, idAt, values, keys, parentAt, parentSource, later, tierColumns);
  const uniques = slots(t.uniqueSets, (set) => {
    const at = set.map(pos);
    return { at, seen: new Set<unknown>(), numeric: at.every((c) => numeric[c]) };
  });
  const uniqueKeys = new Array<unknown>(uniques.length);
  return {
    plain,
    rnd,
    width,
    values,
    later,
    owners,
    tierColumns,
    keys,
    uniques,
    uniqueKeys,
    parent: t.parent,
    parentAt,
    parentSource,
    parents,
    rowsPerParent: t.rowsPerParent,
    rootRows: t.rows ?? world.rootRows,
    idAt,
    times,
    relations,
    distinct,
    nonNulls,
    placement: t.placement,
    placementAt,
    birthAt,
    row,
    owner: {} as Owner,
  };
}

/**
 * What the row loop knows of each column's values. `plain`: they go to COPY as they are
 * (ColumnGenerator.plain); `numeric`: they are numbers or NULL (ColumnGenerator.numeric), so a
 * unique set of such columns is keyed by numbers. Both hold for the numbered id and keys numbered
 * the same way (into their own table, or by a parent's id), and for the columns whose generator
 * says so; not for keys read back (any text), a partition's or a tier's columns.
 */
function columnKinds(
  width: number,
  idAt: number,
  values: readonly { at: number; generator: ColumnGenerator }[],
  keys: readonly { at: number[]; source: KeySource | undefined; self: boolean }[],
  parentAt: readonly number[],
  parentSource: KeySource | undefined,
  later: readonly { at: number; placeholder: ColumnGenerator | null }[],
  tierColumns: readonly number[],
): { plain: boolean[]; numeric: boolean[] } {
  const plain = new Array<boolean>(width).fill(false);
  const numeric = new Array<boolean>(width).fill(false);
  const both = (at: number) => (plain[at] = numeric[at] = true);
  if (idAt >= 0) both(idAt);
  const numbered = (source: KeySource | undefined) => source?.numbered === true;
  for (const key of keys) if (key.self || numbered(key.source)) key.at.forEach(both);
  if (numbered(parentSource)) parentAt.forEach(both);
  for (const v of values) [plain[v.at], numeric[v.at]] = [v.generator.plain, v.generator.numeric];
  for (const c of later) [plain[c.at], numeric[c.at]] = [c.placeholder?.plain ?? true, c.placeholder?.numeric ?? true];
  for (const at of tierColumns) plain[at] = numeric[at] = false;
  return { plain, numeric };
}

/**
 * The per-table lists the row loop walks (keys, columns, unique sets, time slots), every one made
 * here: V8 gives an array a map by the kind of its elements, and an empty list from map() or
 * filter() has another map than a list of objects, so each table that brought a new one deoptimised
 * the whole row loop, which was then compiled again (ten times in a seed of the fixture, 35-65 ms
 * of CPU each). Arrays from this one literal take the kind it has seen, so the lists of every table
 * share one map. `make` returns undefined for an item to leave out.
 */
function slots<T, U>(items: readonly T[], make: (item: T) => U | undefined): U[] {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) {
    const slot = make(items[i]!);
    if (slot !== undefined) out.push(slot);
  }
  return out;
}

/** CHECK (a <> b) broken: two columns of the row that must differ drew the same value. */
function sameValues(row: readonly Value[], pairs: readonly { a: number; b: number }[]): boolean {
  for (let i = 0; i < pairs.length; i++) {
    const { a, b } = pairs[i]!;
    if (row[a] !== null && String(row[a]) === String(row[b])) return true;
  }
  return false;
}

/**
 * Leaves `count` of each set's columns filled (exactly, or at most), the rest NULL, which ones
 * drawn at random; false when fewer are filled than exactly `count` (the row is drawn again).
 */
function keepNonNulls(row: Value[], sets: readonly { at: number[]; op: '=' | '<='; count: number }[], rnd: Random): boolean {
  for (let i = 0; i < sets.length; i++) {
    const { at, op, count } = sets[i]!;
    const filled = at.filter((p) => row[p] !== null);
    if (filled.length < count && op === '=') return false;
    for (let drop = filled.length - count; drop > 0; drop--) row[filled.splice(rnd.int(0, filled.length - 1), 1)[0]!] = null;
  }
  return true;
}

/** A unique set of columns, by position, with the keys its rows took. */
interface UniqueSlot {
  at: number[];
  /** Every column of the set holds numbers (see columnKinds). */
  numeric: boolean;
  seen: Set<unknown>;
}

/**
 * A pair of whole numbers as one number: below 2^14 and 2^16 a small integer under 2^30 (V8
 * hashes and stores it without a heap number), else up to 2^26 each at 2^31 and above (exact
 * below 2^53).
 * The two ranges do not meet, so each pair has one key.
 */
const SMALL = 2 ** 16;
const PAIR = 2 ** 26;
const LARGE = 2 ** 31;

/**
 * Takes the row's key in every unique set, or none when any is taken (the row is drawn again).
 * Runs once per row: keys are built into `keys` (reused) without an array per set. A set of
 * numbers keys one column by its number and two by a number made of both when they are whole
 * and under 2^26; the rest by text, as a set of any other columns does (a key is always built
 * the same way for the same values, so the two kinds never meet).
 */
function claimUnique(row: readonly Value[], uniques: readonly UniqueSlot[], keys: unknown[]): boolean {
  for (let i = 0; i < uniques.length; i++) {
    const { at, seen, numeric } = uniques[i]!;
    keys[i] = undefined;
    // A key with a NULL in it is distinct from every other, as PostgreSQL's UNIQUE holds it.
    if (hasNull(row, at)) continue;
    const key = numeric ? numberKey(row, at) : undefined;
    const k = key ?? textKey(row, at);
    if (seen.has(k)) return false;
    keys[i] = k;
  }
  for (let i = 0; i < uniques.length; i++) if (keys[i] !== undefined) uniques[i]!.seen.add(keys[i]);
  return true;
}

function numberKey(row: readonly Value[], at: readonly number[]): number | undefined {
  if (at.length === 1) return row[at[0]!] as number;
  if (at.length !== 2) return undefined;
  const a = row[at[0]!] as number;
  const b = row[at[1]!] as number;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= PAIR || b >= PAIR) return undefined;
  return a < SMALL / 4 && b < SMALL ? a * SMALL + b : LARGE + a * PAIR + b;
}

function textKey(row: readonly Value[], at: readonly number[]): string {
  let key = String(row[at[0]!]);
  for (let j = 1; j < at.length; j++) key += `\u0001${String(row[at[j]!])}`;
  return key;
}

function hasNull(row: readonly Value[], at: readonly number[]): boolean {
  for (let j = 0; j < at.length; j++) if (row[at[j]!] === null) return true;
  return false;
}

/** A time column of the row, by position, with what it means and how it is written. */
interface TimeSlot {
  at: number;
  role: TimeRole;
  format: (ms: number) => string;
  valid: (value: Value) => boolean;
}

function timeSlots(t: SchemaTable, at: Map<string, number>): TimeSlot[] {
  return slots(t.times, (time) => ({
    at: at.get(time.column)!,
    role: time.role,
    format: timeFormat(time.base),
    valid: validator(t.values.find((v) => v.name === time.column)!),
  }));
}

/**
 * Time that reads right: a row is born after every row it points at (a comment after its
 * task), and its other moments come after its birth (`updated_at`, `shipped_at`), some
 * ahead of it (`expires_at`). A moved value that would break its column's CHECK stays.
 */
function cohereTimes(row: Value[], times: readonly TimeSlot[], after: number, rnd: Random): void {
  if (times.length === 0) return;
  let anchor = after;
  const first = times[0]!;
  if (first.role === 'birth') {
    const value = row[first.at];
    let born = value === null || value === undefined ? NaN : parseMoment(String(value));
    if (!Number.isNaN(born) && born < after) {
      born = Math.max(after, Math.min(REF - DAY, after + rnd.int(0, 30) * DAY + rnd.int(0, DAY)));
      moveTime(row, first, born);
    }
    if (!Number.isNaN(born)) anchor = born;
  }
  if (anchor === -Infinity) return;
  for (let i = 0; i < times.length; i++) {
    const slot = times[i]!;
    if (slot.role === 'birth' || slot.role === 'date of birth') continue;
    const value = row[slot.at];
    if (value === null || value === undefined || parseMoment(String(value)) >= anchor) continue;
    const ms = slot.role === 'ahead' ? anchor + rnd.int(1, 180) * DAY : anchor + Math.floor(rnd.next() * Math.max(0, REF - anchor));
    moveTime(row, slot, ms);
  }
}

/** Writes a moved moment into its column, unless the move would break the column's CHECK. */
function moveTime(row: Value[], slot: TimeSlot, ms: number): void {
  const value = slot.format(ms);
  if (slot.valid(value)) row[slot.at] = value;
}

/**
 * A hand-written generator's rows with the columns added since appended to each line: the
 * generator keeps its bytes, the schema layer fills the rest of the same row.
 */
export function withExtras(
  generator: TableGenerator,
  extras: Extras,
  rules: Relation[],
  sources: Map<string, KeySource>,
  world: SchemaWorld,
): TableGenerator {
  const names = [...extras.foreignKeys.flatMap((k) => k.columns), ...extras.values.map((v) => v.name)];
  const projectAt = generator.columns.indexOf('project_id');
  const userAt = generator.columns.indexOf(generator.columns.includes('user_id') ? 'user_id' : 'owner_id');
  const related = rules.filter((r) => names.includes(r.column) || names.includes(r.other));
  return {
    table: generator.table,
    columns: [...generator.columns, ...names],
    estimate: generator.estimate,
    *rows(ctx) {
      const rnd = new Random(world.seed, `schema:${generator.table}`);
      const fns: [string, ColumnGenerator][] = extras.values.map((spec) => [
        spec.name,
        columnGenerator(spec, new Random(world.seed, `schema:${generator.table}.${spec.name}`), world.values),
      ]);
      const pickers = new Map(extras.foreignKeys.map((k) => [k.name, new KeyPicker(k, sources.get(k.name), rnd)]));
      const all = [...generator.columns, ...names];
      const at = new Map(all.map((c, i) => [c, i]));
      const relations = relationSlots(related, extras.values, at, new Set(generator.columns));
      for (const line of generator.rows(ctx)) {
        const fields = projectAt >= 0 || userAt >= 0 || related.length > 0 ? line.slice(0, -1).split('\t') : [];
        const owner: Owner = {};
        if (projectAt >= 0) owner.project = Number(fields[projectAt]);
        if (userAt >= 0 && fields[userAt] !== '\\N') owner.user = Number(fields[userAt]);
        const row = new Map<string, Value>();
        for (const fk of extras.foreignKeys) {
          const source = sources.get(fk.name);
          const index =
            fk.nullable && rnd.chance(0.1) ? null : (world.owners?.pick(fk, source, owner, rnd) ?? pickers.get(fk.name)!.pick());
          const key = index === null ? null : source!.at(index);
          fk.columns.forEach((c, i) => row.set(c, key ? (key[i] ?? null) : null));
        }
        for (const [name, fn] of fns) row.set(name, fn.next() ?? null);
        if (related.length > 0) {
          const values: Value[] = all.map((c, i) =>
            i < generator.columns.length ? (fields[i] === '\\N' ? null : fields[i]!) : (row.get(c) ?? null),
          );
          orderRelated(values, relations, rnd);
          for (const c of names) row.set(c, values[at.get(c)!] ?? null);
        }
        yield `${line.slice(0, -1)}\t${names.map((c) => copyValue(row.get(c) ?? null)).join('\t')}\n`;
      }
    },
  };
}

/** A relation between two columns of a row, by position: which one moves, past which, which way. */
interface RelationSlot {
  move: number;
  anchor: number;
  after: boolean;
  strict: boolean;
  /** The moving column's base type, for how a moved moment is written. */
  base: string | undefined;
  /** Added to the anchor before comparing (`ends_at > starts_at + '1 hour'`): a number, or milliseconds. */
  offset: Offset | undefined;
}

/** Resolves each relation once: the column that may move (never one a hand-written generator wrote) and its anchor. */
function relationSlots(
  relations: readonly Relation[],
  specs: readonly ColumnSpec[],
  at: Map<string, number>,
  fixed: ReadonlySet<string> = new Set(),
): RelationSlot[] {
  return slots(relations, (r) => {
    const [move, anchor, after] = fixed.has(r.column)
      ? [r.other, r.column, r.op === '<' || r.op === '<=']
      : [r.column, r.other, r.op === '>' || r.op === '>='];
    if (fixed.has(move) || !at.has(move) || !at.has(anchor)) return undefined;
    // `a op b + x` read from a's side is `b op' a - x`.
    const offset = r.offset && move === r.other ? { low: -r.offset.high, high: -r.offset.low } : r.offset;
    return {
      move: at.get(move)!,
      anchor: at.get(anchor)!,
      after,
      strict: r.op === '>' || r.op === '<',
      base: specs.find((s) => s.name === move)?.facts.base,
      offset,
    };
  });
}

/** Makes `a >= b` (and >, <, <=) hold between two columns of one row by moving one a little past the other. */
function orderRelated(row: Value[], relations: readonly RelationSlot[], rnd: Random): void {
  for (let i = 0; i < relations.length; i++) {
    const { move, anchor, after, strict, base, offset } = relations[i]!;
    const a = row[move];
    const b = row[anchor];
    if (a === null || a === undefined || b === null || b === undefined) continue;
    // The offset's most when the column must come after the anchor, its least when before: then it holds for any month.
    const shift = offset ? (after ? offset.high : offset.low) : 0;
    const numeric = NUMBER.test(String(a)) && NUMBER.test(String(b));
    const target = (numeric ? Number(b) : parseMoment(String(b))) + shift;
    const ok = (numeric ? Number(a) : parseMoment(String(a))) - target;
    if (Number.isNaN(ok) || (after ? (strict ? ok > 0 : ok >= 0) : strict ? ok < 0 : ok <= 0)) continue;
    const sign = after ? 1 : -1;
    if (numeric) {
      row[move] = target + sign * ((strict ? 1 : 0) + rnd.int(0, 10));
      continue;
    }
    const anchorMs = target;
    const step = (strict ? 1000 : 0) + (base === 'date' ? DAY : 0);
    let ms = anchorMs + sign * (step + rnd.int(0, 30) * DAY);
    // Moved later, a moment stays in the seeded past when its anchor is there.
    if (after) ms = Math.min(ms, Math.max(anchorMs + step, REF));
    row[move] = base === 'date' ? isoDate(ms) : base === 'timestamp' ? iso(ms).slice(0, -1) : iso(ms);
  }
}

const NUMBER = /^-?\d+(\.\d+)?$/;
