import type { Faker } from '@faker-js/faker';
import { copyValue, quoteIdent } from '../../db/copy.js';
import type { Queryable } from '../../db/db.js';
import type { GenContext, TableGenerator } from '../context.js';
import { TIERS } from '../defaults.js';
import type { Plan } from '../plan.js';
import { Random } from '../random.js';
import { DAY, REF, iso, isoDate } from '../time.js';
import type { Relation } from './checks.js';
import type { Extras, ForeignKey, SchemaTable } from './layout.js';
import { columnValues, type Value } from './values.js';

/** Where the values of a foreign key come from: ids 1..n, or the target's keys read back. */
export interface KeySource {
  count: number;
  at(index: number): Value[];
}

/** Rows loaded so far, and which of them are numbered 1..n by an integer id column. */
export type Loaded = Map<string, { rows: number; idColumn: string | null }>;

const KEY_SAMPLE = 100_000;

/** One source per foreign key, read once the tables it points at are loaded (same transaction). */
export async function keySources(tx: Queryable, keys: readonly ForeignKey[], loaded: Loaded): Promise<Map<string, KeySource | null>> {
  const out = new Map<string, KeySource | null>();
  for (const k of keys) {
    const target = loaded.get(k.table);
    if (target && k.refColumns.length === 1 && k.refColumns[0] === target.idColumn) {
      out.set(k.name, { count: target.rows, at: (i) => [i + 1] });
      continue;
    }
    // Any other key (reference data such as tier_limits included): read it back, in an order both
    // engines agree on. A seeded table not loaded yet is empty here, so its nullable keys stay NULL.
    const cols = k.refColumns.map(quoteIdent);
    const rows = await tx.query<{ k: Value[] }>(
      `SELECT json_build_array(${cols.join(', ')}) AS k FROM ${quoteIdent(k.table)} ORDER BY ${cols.map((c) => `${c}::text COLLATE "C"`).join(', ')} LIMIT ${KEY_SAMPLE}`,
    );
    const values = rows.map((r) => (typeof r.k === 'string' ? (JSON.parse(r.k) as Value[]) : r.k));
    out.set(k.name, { count: values.length, at: (i) => values[i]! });
  }
  return out;
}

/** The project a task belongs to (tasks are numbered project by project). */
function projectOfTask(plan: Plan, task: number): number {
  let lo = 0;
  let hi = plan.projectCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (plan.projectFirstTaskId[mid]! <= task) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** The facts a row knows about whose it is, so its other keys and its tier agree with them. */
interface Owner {
  project?: number;
  user?: number;
}

/**
 * Picks a value for one foreign key, in the tier's world where the target is a table the
 * plan knows: a user of the row's project (a member), a project of the row's user, a task of
 * the row's project. Other targets get any of their rows.
 */
function pickKey(k: ForeignKey, source: KeySource | null | undefined, owner: Owner, plan: Plan, rnd: Random): Value[] | null {
  if (!source || source.count === 0) return null;
  const id = k.refColumns.length === 1 && k.refColumns[0] === 'id';
  if (id && k.table === 'users' && owner.project) {
    const members = plan.projectMembers[owner.project - 1]!;
    return [members[rnd.int(0, members.length - 1)]!];
  }
  if (id && k.table === 'projects' && owner.user) {
    const mine = plan.userProjects[owner.user - 1]!;
    if (mine.length > 0) return [mine[rnd.int(0, mine.length - 1)]!];
  }
  if (id && k.table === 'tasks' && owner.project) {
    const count = plan.projectTaskCount[owner.project - 1]!;
    if (count > 0) return [plan.projectFirstTaskId[owner.project - 1]! + rnd.int(0, count - 1)];
  }
  return source.at(rnd.int(0, source.count - 1));
}

function learn(owner: Owner, k: ForeignKey, key: Value[] | null, plan: Plan): void {
  if (!key || k.refColumns.length !== 1 || k.refColumns[0] !== 'id' || typeof key[0] !== 'number') return;
  if (k.table === 'projects') owner.project ??= key[0];
  if (k.table === 'users') owner.user ??= key[0];
  if (k.table === 'tasks') owner.project ??= projectOfTask(plan, key[0]);
}

/** Keys to the plan's own tables first: they decide the owner the others follow. */
const KEY_ORDER = ['projects', 'tasks', 'users'];
const byOwnership = (a: ForeignKey, b: ForeignKey) => rank(a) - rank(b);
const rank = (k: ForeignKey) => (KEY_ORDER.includes(k.table) ? KEY_ORDER.indexOf(k.table) : KEY_ORDER.length);

function isTierColumn(labels: string[] | null): boolean {
  return labels !== null && labels.length === TIERS.length && TIERS.every((t) => labels.includes(t));
}

export function schemaEstimate(t: SchemaTable, plan: Plan, estimates: Map<string, number>): number {
  if (!t.parent) return t.rows ?? plan.userCount;
  return Math.round((estimates.get(t.parent.table) ?? 0) * ((t.rowsPerParent[0] + t.rowsPerParent[1]) / 2));
}

/** The rows of a table the schema layer fills entirely, as COPY text. */
export function* schemaRows(t: SchemaTable, ctx: GenContext, sources: Map<string, KeySource | null>, faker: Faker): Generator<string> {
  const { plan } = ctx;
  const rnd = new Random(plan.seed, `schema:${t.table}`);
  const fns = new Map(
    t.values.map((spec) => [spec.name, columnValues(spec, new Random(plan.seed, `schema:${t.table}.${spec.name}`), faker)]),
  );
  const tierColumns = t.values.filter((v) => isTierColumn(v.facts.labels) && !v.values).map((v) => v.name);
  const others = t.foreignKeys.filter((k) => k !== t.parent).sort(byOwnership);
  const seen = t.uniqueSets.map(() => new Set<string>());
  const parentSource = t.parent ? sources.get(t.parent.name) : undefined;
  const parents = t.parent ? (parentSource?.count ?? 0) : 1;
  let id = 0;
  for (let p = 0; p < parents; p++) {
    const parentKey = t.parent && parentSource ? parentSource.at(p) : null;
    const n = t.parent ? rnd.int(t.rowsPerParent[0], t.rowsPerParent[1]) : (t.rows ?? plan.userCount);
    for (let k = 0; k < n; k++) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const row = new Map<string, Value>();
        const owner: Owner = {};
        if (t.idColumn) row.set(t.idColumn, id + 1);
        if (t.parent && parentKey) {
          t.parent.columns.forEach((c, i) => row.set(c, parentKey[i] ?? null));
          learn(owner, t.parent, parentKey, plan);
        }
        for (const fk of others) {
          let key: Value[] | null;
          if (fk.table === t.table) key = fk.nullable ? (id > 0 && rnd.chance(0.5) ? [rnd.int(1, id)] : null) : [id + 1];
          else key = fk.nullable && rnd.chance(0.1) ? null : pickKey(fk, sources.get(fk.name), owner, plan, rnd);
          fk.columns.forEach((c, i) => row.set(c, key ? (key[i] ?? null) : null));
          learn(owner, fk, key, plan);
        }
        for (const [name, fn] of fns) row.set(name, fn());
        if (owner.user) for (const c of tierColumns) row.set(c, plan.userTier[owner.user - 1]!);
        orderRelated(row, t.rules.relations, t.values, rnd);
        const keys = t.uniqueSets.map((set) => set.map((c) => String(row.get(c))).join('\u0001'));
        if (keys.some((key, i) => seen[i]!.has(key))) continue;
        keys.forEach((key, i) => seen[i]!.add(key));
        id++;
        yield t.columns.map((c) => copyValue(row.get(c) ?? null)).join('\t') + '\n';
        break;
      }
    }
  }
}

/**
 * A hand-written generator's rows with the columns added since appended to each line: the
 * generator keeps its bytes, the schema layer fills the rest of the same row.
 */
export function withExtras(
  generator: TableGenerator,
  extras: Extras,
  sources: Map<string, KeySource | null>,
  faker: Faker,
): TableGenerator {
  const relations = extras.rules.relations;
  const names = [...extras.foreignKeys.flatMap((k) => k.columns), ...extras.values.map((v) => v.name)];
  const projectAt = generator.columns.indexOf('project_id');
  const userAt = generator.columns.indexOf(generator.columns.includes('user_id') ? 'user_id' : 'owner_id');
  const related = relations.filter((r) => names.includes(r.column) || names.includes(r.other));
  return {
    table: generator.table,
    columns: [...generator.columns, ...names],
    estimate: generator.estimate,
    *rows(ctx) {
      const rnd = new Random(ctx.plan.seed, `schema:${generator.table}`);
      const fns = extras.values.map(
        (spec) => [spec.name, columnValues(spec, new Random(ctx.plan.seed, `schema:${generator.table}.${spec.name}`), faker)] as const,
      );
      for (const line of generator.rows(ctx)) {
        const fields = projectAt >= 0 || userAt >= 0 || related.length > 0 ? line.slice(0, -1).split('\t') : [];
        const owner: Owner = {};
        if (projectAt >= 0) owner.project = Number(fields[projectAt]);
        if (userAt >= 0 && fields[userAt] !== '\\N') owner.user = Number(fields[userAt]);
        const row = new Map<string, Value>();
        for (const fk of extras.foreignKeys) {
          const key = fk.nullable && rnd.chance(0.1) ? null : pickKey(fk, sources.get(fk.name), owner, ctx.plan, rnd);
          fk.columns.forEach((c, i) => row.set(c, key ? (key[i] ?? null) : null));
        }
        for (const [name, fn] of fns) row.set(name, fn());
        if (related.length > 0) {
          const all = new Map<string, Value>(generator.columns.map((c, i) => [c, fields[i] === '\\N' ? null : fields[i]!]));
          for (const [c, v] of row) all.set(c, v);
          orderRelated(all, related, extras.values, rnd, new Set(generator.columns));
          for (const c of names) row.set(c, all.get(c) ?? null);
        }
        yield `${line.slice(0, -1)}\t${names.map((c) => copyValue(row.get(c) ?? null)).join('\t')}\n`;
      }
    },
  };
}

/**
 * Makes `a >= b` (and >, <, <=) hold between two columns of one row by moving the column
 * that may move (never one a hand-written generator wrote) a little past the other.
 */
function orderRelated(
  row: Map<string, Value>,
  relations: readonly Relation[],
  specs: SchemaTable['values'],
  rnd: Random,
  fixed: ReadonlySet<string> = new Set(),
): void {
  for (const r of relations) {
    const [move, anchor, after] = fixed.has(r.column)
      ? [r.other, r.column, r.op === '<' || r.op === '<=']
      : [r.column, r.other, r.op === '>' || r.op === '>='];
    const strict = r.op === '>' || r.op === '<';
    const a = row.get(move);
    const b = row.get(anchor);
    if (a === null || a === undefined || b === null || b === undefined || fixed.has(move)) continue;
    const ok = compare(a, b);
    if (ok === undefined || (after ? (strict ? ok > 0 : ok >= 0) : strict ? ok < 0 : ok <= 0)) continue;
    const sign = after ? 1 : -1;
    if (NUMBER.test(String(b))) {
      row.set(move, Number(b) + sign * ((strict ? 1 : 0) + rnd.int(0, 10)));
      continue;
    }
    const base = specs.find((s) => s.name === move)?.facts.base;
    const anchorMs = Date.parse(String(b));
    const step = (strict ? 1000 : 0) + (base === 'date' ? DAY : 0);
    let ms = anchorMs + sign * (step + rnd.int(0, 30) * DAY);
    // Moved later, a moment stays in the seeded past when its anchor is there.
    if (after) ms = Math.min(ms, Math.max(anchorMs + step, REF));
    row.set(move, base === 'date' ? isoDate(ms) : base === 'timestamp' ? iso(ms).slice(0, -1) : iso(ms));
  }
}

const NUMBER = /^-?\d+(\.\d+)?$/;

function compare(a: Value, b: Value): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (NUMBER.test(String(a)) && NUMBER.test(String(b))) return Number(a) - Number(b);
  const [x, y] = [Date.parse(String(a)), Date.parse(String(b))];
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return undefined;
}
