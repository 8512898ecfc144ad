import os from 'node:os';
import v8 from 'node:v8';
import { DbError } from '../db/db-error.js';
import type { Db, Queryable } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { projectSchemas } from '../migrate/schemas-created.js';
import { qualifiedName, quoteIdent, quoteLiteral, type QualifiedName } from '../util/sql-text.js';
import type { GenContext } from './context.js';
import { DEFAULT_PROFILE, DEFAULT_SCALE, DEFAULT_SEED, LIMITS, SCALES, TIERS, type Scale, type Tier } from './defaults.js';
import { inBatches, type RowBatch } from './batches.js';
import { dropDeferrable, restoreDeferred, type DeferredObject } from './deferred-indexes.js';
import { loadError } from './load-error.js';
import { loadFaker } from './faker.js';
import { DEFAULT_SEED_PASSWORD, PASSWORD_COST, hashPassword } from './password.js';
import { makePeople } from './people.js';
import { makePlan, type Plan } from './plan.js';
import { checkProfileAgainstLimits, loadProfile, readTierLimits, type Profile } from './profile.js';
import { Random } from './random.js';
import { checkedLayout, readLayout } from './read-layout.js';
import { NOT_SEEDED } from './registry.js';
import {
  birthList,
  keySources,
  rehearse,
  schemaEstimate,
  schemaRows,
  withExtras,
  type Loaded,
  type SchemaWorld,
} from './schema/generate.js';
import type { LayoutEntry, SeedLayout, SeedMode } from './schema/layout.js';
import { fillLaterKeys } from './schema/later-keys.js';
import { planOwners } from './schema/owners.js';
import { runPools } from './schema/pools.js';
import { describeColumn, probeColumn, type ColumnSpec } from './schema/values.js';
import { SEEDED_TABLES } from './tables.js';

export type SeedStep = 'truncate' | 'password' | 'drop indexes' | 'later keys' | 'restore indexes' | 'sequences' | 'analyze';

export type SeedEvent =
  | { kind: 'plan'; tables: { table: string; estimate: number }[] }
  | { kind: 'rows'; table: string; rows: number; estimate: number }
  | { kind: 'table'; table: string; rows: number; ms: number }
  | { kind: 'step'; step: SeedStep; ms: number };

export interface SeedOptions {
  /** Same seed and scale, same bytes in every table, on either engine. */
  seed?: number | undefined;
  scale?: Scale | undefined;
  /** Overrides the scale's number of users (devdb's product schema; the rest follows per user). */
  users?: number | undefined;
  /** Only these tiers (default: the profile's mix of all three). */
  tiers?: readonly Tier[] | undefined;
  /** Empties every seeded table first, in the same transaction as the load. */
  truncate?: boolean | undefined;
  /** A profile name in seeds/ or a path to a JSON seed file (default: "default"). */
  profile?: string | undefined;
  /** The schemas to fill (default: the search path's first and those the project's migrations create). */
  schemas?: readonly string[] | undefined;
  /** The project's migrations, read for the schemas they create (default: resolved as the CLI does). */
  migrationsDir?: string | undefined;
  /** The development password every seeded account signs in with (default: devdb-dev-password). */
  password?: string | undefined;
  /**
   * 'defer' (default) takes secondary indexes and foreign keys off for the load and restores
   * them in the same transaction; 'keep' loads with them in place (for comparison in benches).
   */
  indexes?: 'defer' | 'keep' | undefined;
  /** The API key pepper, so seeded key hashes are made as devdb keys makes them (default: none, plain SHA-256). */
  pepper?: string | undefined;
  onProgress?: ((event: SeedEvent) => void) | undefined;
}

export interface SeededTable {
  table: string;
  rows: number;
  ms: number;
}

export interface SeedResult {
  engine: Db['engine'];
  location: string;
  /** `product`: devdb's own schema with its hand-written generators; `schema`: any other, from its catalog. */
  mode: SeedMode;
  schemas: string[];
  seed: number;
  scale: Scale;
  profile: string;
  /** Users per tier (devdb's product schema), or null on any other schema. */
  users: Record<Tier, number> | null;
  truncated: boolean;
  tables: SeededTable[];
  /** Tables left empty on purpose, with the reason. */
  emptied: { table: string; reason: string }[];
  totalRows: number;
  /** Wall time of the whole seed: hashing, load, index builds, analyze and commit. */
  elapsedMs: number;
  rowsPerSecond: number;
  /** A seeded account to sign in with (with the development password, see the README), on devdb's product schema. */
  sampleLogin: string | null;
}

/** What `seed --dry-run` shows: every table with its count and how each column is filled, and what stays empty. */
export interface SeedPlan {
  mode: SeedMode;
  schemas: string[];
  seed: number;
  scale: Scale;
  profile: string;
  tables: {
    table: string;
    rows: number;
    by: 'hand-written' | 'schema';
    parent: string | null;
    columns: { column: string; generator: string }[];
  }[];
  emptied: { table: string; reason: string }[];
  notSeeded: Record<string, string>;
  totalRows: number;
}

/**
 * Fills every table of the schema with realistic data, deterministically, in ONE transaction:
 * on any failure (or Ctrl-C) the database is left exactly as it was. On devdb's own product
 * schema the hand-written, tier-aware generators fill their tables (and the schema layer any
 * column added since); on any other schema every table is generated from the live catalog.
 * A database that already holds data is refused unless `truncate` is set (appending would
 * break determinism and collide with the explicit ids). The run is four steps: prepare
 * (read the schema, plan, refuse what cannot be filled), load (COPY, keys off), index
 * (later keys, indexes and keys back, sequences) and analyze.
 */
export async function seed(db: Db, options: SeedOptions = {}): Promise<SeedResult> {
  const started = performance.now();
  const emit = options.onProgress ?? (() => {});
  const run = await prepare(db, options);
  emit({ kind: 'plan', tables: run.loaders.map((l) => ({ table: l.entry.label, estimate: l.estimate })) });
  const targets = seedTargets(run.layout);
  const looking = firstLook(db, targets);
  looking.catch(() => {});
  // While the server looks: the row loop sees every table's paths before V8 compiles it (rehearse).
  if (run.layout.mode === 'schema')
    rehearse(
      run.loaders.flatMap((l) => (l.entry.kind === 'schema' ? [l.entry] : [])),
      run.world,
      new Map(run.loaders.map((l) => [l.entry.key, l.idColumn])),
    );
  const nonEmpty = await looking;
  if (nonEmpty && nonEmpty.length > 0 && !options.truncate) throw hasData(nonEmpty);
  // scrypt runs on libuv's thread pool: it overlaps with faker and the DDL below.
  const cost = run.layout.mode === 'product' ? PASSWORD_COST.product : PASSWORD_COST.seedData;
  const hashing = run.needsPassword
    ? timed(emit, 'password', () => hashPassword(options.password ?? DEFAULT_SEED_PASSWORD, run.seed, cost))
    : Promise.resolve('');
  hashing.catch(() => {});
  const ctx = run.plan ? await productContext(run.plan, options.pepper) : null;

  const { tables, starved } = await db.transaction(async (tx) => {
    await takeSeedLock(tx);
    // Checked again under the lock: another seed may have committed since the first look.
    const present = await nonEmptyTables(tx, targets);
    if (present.length > 0 && !options.truncate) throw hasData(present);
    if (present.length > 0)
      await timed(emit, 'truncate', () => tx.exec(`TRUNCATE ${targets.map(qualifiedName).join(', ')} RESTART IDENTITY;`));
    // Index builds and the foreign-key validation joins are the parts that benefit.
    await tx.exec(`SET LOCAL maintenance_work_mem = '${db.capabilities.indexBuildMemory}'`);
    const deferred = (options.indexes ?? 'defer') === 'defer' ? await timed(emit, 'drop indexes', () => dropDeferrable(tx, targets)) : [];
    // The product's users come first and need the hash; another schema waits for it only at the table that does.
    if (ctx) ctx.passwordHash = run.world.values.passwordHash = await hashing;
    const along = db.capabilities.inProcess ? new Set<string>() : analyzedAlong(run.loaders, deferred);
    const done = await load(tx, run, ctx, hashing, emit, along);
    await timed(emit, 'later keys', () => fillAllLaterKeys(tx, run, done.loaded));
    await timed(emit, 'restore indexes', () => restoreDeferred(tx, deferred));
    await timed(emit, 'sequences', () => resetSequences(tx, run.loaders));
    const rest = targets.filter((t) => !along.has(qualifiedName(t)));
    await timed(emit, 'analyze', async () => {
      await done.analyzing;
      if (rest.length > 0) await tx.exec(`ANALYZE ${rest.map(qualifiedName).join(', ')};`);
    });
    return { tables: done.tables, starved: done.starved };
  });

  const elapsedMs = performance.now() - started;
  const totalRows = tables.reduce((n, t) => n + t.rows, 0);
  return {
    engine: db.engine,
    location: db.location,
    mode: run.layout.mode,
    schemas: run.layout.schemas,
    seed: run.seed,
    scale: run.scale,
    profile: run.profile.name,
    users: run.plan?.usersByTier ?? null,
    truncated: options.truncate === true,
    tables,
    emptied: [...run.layout.emptied.map((e) => ({ table: e.label, reason: e.reason })), ...starved],
    totalRows,
    elapsedMs,
    rowsPerSecond: Math.round(totalRows / (elapsedMs / 1000)),
    sampleLogin: ctx?.people.email[0] ?? null,
  };
}

/** The plan `seed --dry-run` prints: reads the schema, writes nothing. */
export async function planSeed(db: Db, options: SeedOptions = {}): Promise<SeedPlan> {
  const run = await prepare(db, options);
  return {
    mode: run.layout.mode,
    schemas: run.layout.schemas,
    seed: run.seed,
    scale: run.scale,
    profile: run.profile.name,
    tables: run.loaders.map(({ entry, estimate }) => ({
      table: entry.label,
      rows: estimate,
      by: entry.kind === 'hand' ? ('hand-written' as const) : ('schema' as const),
      parent: entry.kind === 'schema' ? (entry.parent?.targetLabel ?? null) : null,
      columns: columnsOf(entry),
    })),
    emptied: run.layout.emptied.map((e) => ({ table: e.label, reason: e.reason })),
    notSeeded: run.layout.notSeeded,
    totalRows: run.loaders.reduce((n, l) => n + l.estimate, 0),
  };
}

function columnsOf(entry: LayoutEntry): { column: string; generator: string }[] {
  const described = (specs: readonly ColumnSpec[]) => specs.map((s) => ({ column: s.name, generator: describeColumn(s) }));
  if (entry.kind === 'hand') {
    const own = entry.generator.columns.map((column) => ({ column, generator: `devdb's ${entry.label} generator` }));
    const keys = (entry.extras?.foreignKeys ?? []).flatMap((k) =>
      k.columns.map((column) => ({ column, generator: `key → ${k.targetLabel}` })),
    );
    return [...own, ...keys, ...described(entry.extras?.values ?? [])];
  }
  const id = entry.idColumn ? [{ column: entry.idColumn, generator: 'numbered 1..n' }] : [];
  const keys = [...entry.foreignKeys, ...entry.laterKeys].flatMap((k) =>
    k.columns.map((column) => ({
      column,
      generator: `key → ${k.targetLabel}${k === entry.parent ? ` (${entry.rowsPerParent.join('-')} per row)` : ''}${entry.laterKeys.includes(k) ? ' (set after the load: a cycle)' : ''}`,
    })),
  );
  return [...id, ...keys, ...described(entry.values)];
}

/** One table's way in, with its planned count. */
interface Loader {
  entry: LayoutEntry;
  estimate: number;
  idColumn: string | null;
  birthColumn: string | null;
  /** Some column holds the development password's hash (hashed while the tables before it load). */
  needsPassword: boolean;
  /** Its rows, generated once the tables its keys point at are loaded; ids from `firstId` (schema tables). */
  prepare(tx: Queryable, loaded: Loaded, ctx: GenContext | null, firstId: number): Promise<Prepared>;
}

/** A table's columns and its rows in COPY batches, with the births of its rows when the tables after it need them. */
interface Prepared {
  columns: readonly string[];
  batches: Iterable<RowBatch>;
  births: number[] | null;
}

/** Everything decided before the transaction opens. */
interface Run {
  seed: number;
  scale: Scale;
  profile: Profile;
  layout: SeedLayout;
  plan: Plan | null;
  world: SchemaWorld;
  loaders: Loader[];
  needsPassword: boolean;
}

/** Step 1, prepare: options, profile, the schema's layout, the plan and its size; every refusal happens here, before anything is written. */
async function prepare(db: Db, options: SeedOptions): Promise<Run> {
  const seedValue = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? DEFAULT_SCALE;
  validateOptions(seedValue, scale, options);
  const profile = loadProfile(options.profile ?? DEFAULT_PROFILE);
  // faker's module is parsed while the catalog queries are on the server (the first is CPU, the second a wait).
  const fakerLoaded = loadFaker();
  fakerLoaded.catch(() => {});
  const schemas = options.schemas?.length ? [...options.schemas] : await projectSchemas(db, options.migrationsDir);
  const layout = await readLayout(db, profile, schemas);
  if (layout.mode === 'product') {
    await requireProductTables(db);
    checkProfileAgainstLimits(profile, await readTierLimits(db));
  } else if (layout.order.length === 0 && layout.problems.length === 0) {
    throw new DevdbError(
      'E_NOT_FOUND',
      `There are no tables to seed in ${schemas.join(', ')}: run devdb migrate first (or name the schema with --schema).`,
    );
  }
  const faker = await fakerLoaded;
  const world: SchemaWorld = {
    seed: seedValue,
    rootRows: profile.scales[scale].rows,
    owners: null,
    values: { pools: runPools(faker, seedValue), passwordHash: '' },
  };
  probeColumns(layout, world, seedValue);
  checkedLayout(layout);

  let plan: Plan | null = null;
  if (layout.mode === 'product') {
    const planOptions = { seed: seedValue, scale, users: options.users, tiers: options.tiers };
    // Sized on a sample of users first: a plan for a billion users would not fit in memory to be refused.
    const users = options.users ?? profile.scales[scale].users;
    const sample = Math.min(users, 1000);
    const sampled = makePlan(profile, { ...planOptions, users: sample });
    checkSize(profile.name, scale, (total(estimatesOf(layout, sampled, { ...world, rootRows: sampled.userCount })) * users) / sample);
    plan = makePlan(profile, planOptions);
    world.rootRows = plan.userCount;
    world.owners = planOwners(plan, layout.schemas[0]!);
  }
  const estimates = estimatesOf(layout, plan, world);
  if (!plan) checkSize(profile.name, scale, total(estimates));
  const loaders = layout.order.map((entry) => loaderOf(entry, estimates.get(entry.key)!, world));
  const needsPassword = layout.mode === 'product' || loaders.some((l) => l.needsPassword);
  return { seed: seedValue, scale, profile, layout, plan, world, loaders, needsPassword };
}

function probeColumns(layout: SeedLayout, world: SchemaWorld, seed: number): void {
  for (const entry of layout.order) {
    const specs = entry.kind === 'schema' ? entry.values : (entry.extras?.values ?? []);
    for (const spec of specs) {
      if (describeColumn(spec) === 'passwordHash') continue;
      const problem = probeColumn(spec, new Random(seed, `probe:${entry.label}.${spec.name}`), world.values);
      if (problem) layout.problems.push(problem);
    }
  }
}

function estimatesOf(layout: SeedLayout, plan: Plan | null, world: Pick<SchemaWorld, 'rootRows'>): Map<string, number> {
  const estimates = new Map<string, number>();
  for (const entry of layout.order)
    estimates.set(entry.key, entry.kind === 'hand' ? Math.round(entry.generator.estimate(plan!)) : schemaEstimate(entry, world, estimates));
  return estimates;
}

const total = (estimates: Map<string, number>) => [...estimates.values()].reduce((a, b) => a + b, 0);

function loaderOf(entry: LayoutEntry, estimate: number, world: SchemaWorld): Loader {
  const needsPassword = (entry.kind === 'schema' ? entry.values : (entry.extras?.values ?? [])).some(
    (v) => describeColumn(v) === 'passwordHash',
  );
  if (entry.kind === 'hand') {
    const { generator, extras } = entry;
    return {
      entry,
      estimate,
      needsPassword,
      idColumn: generator.columns.includes('id') ? 'id' : null,
      birthColumn: generator.columns.includes('created_at') ? 'created_at' : null,
      async prepare(tx, loaded, ctx) {
        const whole = extras
          ? withExtras(generator, extras, entry.rules.relations, await keySources(tx, extras.foreignKeys, loaded), world)
          : generator;
        return { columns: whole.columns, batches: inBatches(whole.rows(ctx!)), births: null };
      },
    };
  }
  const birthColumn = entry.times[0]?.role === 'birth' ? entry.times[0].column : null;
  return {
    entry,
    estimate,
    needsPassword,
    idColumn: entry.idColumn,
    birthColumn,
    async prepare(tx, loaded, _ctx, firstId) {
      const sources = await keySources(tx, entry.foreignKeys, loaded);
      const births = entry.idColumn && birthColumn ? birthList() : null;
      return { columns: entry.columns, batches: schemaRows(entry, world, sources, births, firstId), births };
    },
  };
}

/**
 * On a server, the tables ANALYZE may read as soon as they are loaded (qualified names): not those
 * whose rows change after (cycles' later keys), nor those with an index on expressions rebuilt
 * after the load (ANALYZE gathers the expressions' statistics only while the index exists).
 */
function analyzedAlong(loaders: readonly Loader[], deferred: readonly DeferredObject[]): Set<string> {
  const later = new Set(deferred.filter((d) => d.expressions).map((d) => qualifiedName(d.table)));
  return new Set(
    loaders
      .filter(({ entry }) => !(entry.kind === 'schema' && entry.laterKeys.length > 0) && !later.has(qualifiedName(entry.ref)))
      .map(({ entry }) => qualifiedName(entry.ref)),
  );
}

/**
 * Step 2, load: every table by COPY, in order, each generated once the tables it points at are in.
 * A table in `along` is analyzed right after its load, on the server while the next table is
 * generated (see loadTable), instead of in the last step while the seed waits.
 */
async function load(
  tx: Queryable,
  run: Run,
  ctx: GenContext | null,
  hashing: Promise<string>,
  emit: (e: SeedEvent) => void,
  along: ReadonlySet<string>,
): Promise<{ tables: SeededTable[]; loaded: Loaded; analyzing: Promise<unknown>; starved: { table: string; reason: string }[] }> {
  const tables: SeededTable[] = [];
  const loaded: Loaded = new Map();
  const analyses: Promise<unknown>[] = [];
  const starved: { table: string; reason: string }[] = [];
  const triggered = run.loaders.some(({ entry }) => entry.kind === 'schema' && entry.firesOnInsert);
  for (const loader of run.loaders) {
    if (loader.needsPassword) run.world.values.passwordHash = await hashing;
    const firstId = triggered ? await nextFreeId(tx, loader) : 1;
    const { columns, batches, births } = await loader.prepare(tx, loaded, ctx, firstId);
    const result = await loadTable(tx, loader, columns, batches, emit, along.size > 0);
    const { idColumn, birthColumn } = loader;
    loaded.set(loader.entry.key, { rows: result.rows, idColumn, firstId, births, birthColumn });
    // The rows a trigger adds here later (fired by a table loaded after) take ids past these.
    if (triggered) await resetSequences(tx, [loader]);
    tables.push(result);
    const reason = result.rows === 0 ? await whyEmpty(tx, loader.entry, loaded) : undefined;
    if (reason) starved.push({ table: loader.entry.label, reason });
    const name = qualifiedName(loader.entry.ref);
    if (along.has(name)) {
      // Not awaited here: the next table's rows are generated meanwhile. A failure surfaces in the analyze step.
      const analysis = tx.exec(`ANALYZE ${name};`);
      analysis.catch(() => {});
      analyses.push(analysis);
    }
  }
  const analyzing = Promise.all(analyses);
  // Observed now: a later step may fail (or be interrupted) before the analyze step awaits it.
  analyzing.catch(() => {});
  return { tables, loaded, analyzing, starved };
}

/**
 * Why a schema table got no rows, when a key it cannot leave NULL points at a table with none:
 * one of the seed's that got none itself, or one the seed does not fill (Supabase's auth.users).
 */
async function whyEmpty(tx: Queryable, entry: LayoutEntry, loaded: Loaded): Promise<string | undefined> {
  if (entry.kind !== 'schema') return undefined;
  for (const fk of [entry.parent, ...entry.foreignKeys]) {
    if (!fk || fk.nullable) continue;
    const target = loaded.get(fk.target);
    if (target) {
      if (target.rows === 0) return `its key ${fk.name} needs a row of ${fk.targetLabel}, which got none`;
      continue;
    }
    if ((await nonEmptyTables(tx, [fk.targetRef])).length === 0)
      return `its key ${fk.name} needs a row of ${fk.targetLabel}, which has none and is not seeded: add rows there, or seed its schema too (--schema)`;
  }
  return undefined;
}

/**
 * Where a schema table's numbered ids start: past the rows an insert trigger of a table loaded
 * before it wrote there (a status history a trigger on orders fills), 1 when there are none.
 */
async function nextFreeId(tx: Queryable, loader: Loader): Promise<number> {
  if (loader.entry.kind !== 'schema' || !loader.idColumn) return 1;
  const [row] = await tx.query<{ next: number }>(
    `SELECT (coalesce(max(${quoteIdent(loader.idColumn)}), 0) + 1)::float8 AS next FROM ${qualifiedName(loader.entry.ref)}`,
  );
  return Number(row!.next);
}

/** Step 3 begins: the keys of cycles, now that every table is loaded. */
async function fillAllLaterKeys(tx: Queryable, run: Run, loaded: Loaded): Promise<void> {
  for (const { entry } of run.loaders) if (entry.kind === 'schema') await fillLaterKeys(tx, entry, loaded, run.seed);
}

async function productContext(plan: Plan, pepper: string | undefined): Promise<GenContext> {
  return {
    plan,
    people: await makePeople(plan),
    passwordHash: '',
    pepper,
    taskCreatedAt: new Float64Array(plan.taskCount),
    workerIds: { cpu: [], gpu: [] },
    previewDone: [],
    docDone: [],
    audit: [],
  };
}

async function timed<T>(emit: (e: SeedEvent) => void, step: SeedStep, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  emit({ kind: 'step', step, ms: performance.now() - started });
  return result;
}

/** 'devdbsed' in ASCII: one seed at a time per database. */
export const SEED_LOCK_KEY = 0x6465766462736564n;

/**
 * Two seeds at once on one database would drop and rebuild the same indexes under each
 * other (PostgreSQL then fails with `cache lookup failed`, XX000): the second is refused.
 */
async function takeSeedLock(tx: Queryable): Promise<void> {
  const [row] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1::bigint) AS locked', [SEED_LOCK_KEY.toString()]);
  if (row?.locked) return;
  const holders = await tx.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
    [SEED_LOCK_KEY.toString()],
  );
  const who = holders.length > 0 ? ` (server process ${holders.map((h) => h.pid).join(', ')})` : '';
  throw new DevdbError(
    'E_CONFLICT',
    `Another devdb seed is loading this database${who}: wait for it to finish, then run this one again (with --truncate to replace its data).`,
  );
}

function hasData(tables: string[]): DevdbError {
  return new DevdbError(
    'E_CONFLICT',
    `The database already has data (${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', ...' : ''}): pass --truncate to replace it, or devdb reset for a clean schema.`,
    { details: { nonEmptyTables: tables } },
  );
}

/** About the memory one planned row costs while it is generated (plan arrays, audit events, COPY chunks). */
const BYTES_PER_ROW = 160;

/** Refuses a run too big to finish (or to fit in memory) before anything starts. */
function checkSize(profile: string, scale: string, rows: number): void {
  const memory = Math.min(os.totalmem(), v8.getHeapStatistics().heap_size_limit * 4);
  if (rows > LIMITS.totalRows || rows * BYTES_PER_ROW > memory) {
    throw new DevdbError(
      'E_USAGE',
      `Seed profile ${profile} at scale ${scale} plans ~${Math.round(rows).toLocaleString('en-US')} rows, above what this run allows (${LIMITS.totalRows.toLocaleString('en-US')} rows, and about ${Math.round(memory / BYTES_PER_ROW).toLocaleString('en-US')} for this machine's memory); lower --users or the seed file's counts.`,
    );
  }
}

function validateOptions(seedValue: number, scale: string, options: SeedOptions): void {
  if (!Number.isSafeInteger(seedValue) || seedValue < 0)
    throw new DevdbError('E_USAGE', `--seed must be a whole number >= 0 (got ${seedValue}).`);
  if (!(SCALES as readonly string[]).includes(scale))
    throw new DevdbError('E_USAGE', `--scale must be one of ${SCALES.join(', ')} (got ${scale}).`);
  if (options.users !== undefined && (!Number.isSafeInteger(options.users) || options.users < 1 || options.users > LIMITS.users)) {
    throw new DevdbError('E_USAGE', `--users must be a whole number from 1 to ${LIMITS.users} (got ${options.users}).`);
  }
  for (const tier of options.tiers ?? []) {
    if (!(TIERS as readonly string[]).includes(tier))
      throw new DevdbError('E_USAGE', `--tier must be one of ${TIERS.join(', ')} (got ${tier}).`);
  }
}

/** devdb's product schema, migrated part way: its generators need every table. */
async function requireProductTables(db: Queryable): Promise<void> {
  const rows = await db.query<{ table: string }>(
    `SELECT t AS "table" FROM unnest($1::text[]) AS t WHERE to_regclass(quote_ident(t)) IS NULL`,
    [[...SEEDED_TABLES, ...Object.keys(NOT_SEEDED)]],
  );
  if (rows.length > 0) {
    const names = rows.slice(0, 3).map((r) => r.table);
    throw new DevdbError(
      'E_CONFLICT',
      `The database holds part of devdb's schema, without ${names.join(', ')}${rows.length > 3 ? ', ...' : ''}: run devdb migrate (or devdb setup) first.`,
    );
  }
}

/**
 * True when a table the seed writes (fills, or leaves empty) holds a row: what seed() refuses
 * without --truncate, asked first by setup (which seeds only an empty database) and reset (which
 * seeds again one that had data), on devdb's schema or any other.
 */
export async function hasSeedableData(
  db: Queryable,
  options: Pick<SeedOptions, 'schemas' | 'migrationsDir' | 'profile'> = {},
): Promise<boolean> {
  const schemas = options.schemas?.length ? [...options.schemas] : await projectSchemas(db, options.migrationsDir);
  const layout = await readLayout(db, loadProfile(options.profile ?? DEFAULT_PROFILE), schemas);
  return (await nonEmptyTables(db, seedTargets(layout))).length > 0;
}

/** Every table a seed writes: the ones it fills and the ones it empties. */
function seedTargets(layout: SeedLayout): QualifiedName[] {
  return [...layout.order.map((e) => e.ref), ...layout.emptied.map((e) => e.ref)];
}

/**
 * How long the first look at the tables (before the seed lock) waits for a lock: well under
 * PostgreSQL's deadlock_timeout (1 s). That statement locks the tables one by one; while it waits
 * for one that another seed has taken (dropping its indexes, truncating), it holds others that seed
 * will ask for, and PostgreSQL ends the deadlock by cancelling one of the two (40P01), where the
 * second seed is meant to be refused in one line.
 */
const FIRST_LOOK_LOCK_TIMEOUT = '100ms';

/** The tables with rows, or null when they are locked: then the look under the seed lock decides. */
async function firstLook(db: Db, tables: readonly (string | QualifiedName)[]): Promise<string[] | null> {
  try {
    return await db.transaction(async (tx) => {
      await tx.exec(`SET LOCAL lock_timeout = '${FIRST_LOOK_LOCK_TIMEOUT}'`);
      return nonEmptyTables(tx, tables);
    });
  } catch (error) {
    if (error instanceof DbError && error.code === '55P03') return null;
    throw error;
  }
}

async function nonEmptyTables(db: Queryable, tables: readonly (string | QualifiedName)[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const sql = tables
    .map((t) => {
      const name = typeof t === 'string' ? { schema: 'public', name: t } : t;
      return `SELECT ${quoteLiteral(typeof t === 'string' ? t : qualifiedName(t))} AS "table" WHERE EXISTS (SELECT 1 FROM ${qualifiedName(name)})`;
    })
    .join(' UNION ALL ');
  return (await db.query<{ table: string }>(sql)).map((r) => r.table);
}

/** Batches generated before the server takes the COPY (about 1 MiB). */
const AHEAD = 16;

/**
 * One table's COPY. With `ahead` (a server), its first batches are generated while the server
 * still works on what was sent before the COPY (the previous table's ANALYZE), up to AHEAD of
 * them, then streamed once the server takes the COPY; a generator's error reaches the COPY in
 * the same order it would have.
 */
async function loadTable(
  tx: Queryable,
  loader: Loader,
  columns: readonly string[],
  batches: Iterable<RowBatch>,
  emit: (e: SeedEvent) => void,
  ahead: boolean,
): Promise<SeededTable> {
  const started = performance.now();
  const { label, ref } = loader.entry;
  const estimate = loader.estimate;
  let rows = 0;
  // The bar's clock starts with the table, not with its first chunk (rates were too high).
  emit({ kind: 'rows', table: label, rows: 0, estimate });
  const source = batches[Symbol.iterator]();
  const early: RowBatch[] = [];
  let failure: { error: unknown } | undefined;
  let streaming = false;
  async function* chunks(): AsyncGenerator<string> {
    streaming = true;
    for (;;) {
      let batch = early.shift();
      if (!batch) {
        if (failure) throw failure.error;
        const next = source.next();
        if (next.done) return;
        batch = next.value;
      }
      yield batch.text;
      rows += batch.rows;
      emit({ kind: 'rows', table: label, rows, estimate });
    }
  }
  const copying = tx.copyFrom(ref, columns, chunks());
  if (ahead) {
    let settled = false;
    copying.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!streaming && !settled && early.length < AHEAD) {
      let next: IteratorResult<RowBatch>;
      try {
        next = source.next();
      } catch (error) {
        failure = { error };
        break;
      }
      if (next.done) break;
      early.push(next.value);
      // Lets the server's answer in: once the COPY is taken, chunks() streams the rest.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  try {
    await copying;
  } catch (error) {
    throw loadError(error, loader.entry);
  }
  const ms = performance.now() - started;
  emit({ kind: 'table', table: label, rows, ms });
  return { table: label, rows, ms };
}

/** Explicit ids leave each identity or serial sequence at 1: move it past the highest value so inserts work. */
async function resetSequences(tx: Queryable, loaders: readonly Loader[]): Promise<void> {
  const statements = loaders.flatMap(({ entry }) =>
    entry.sequences.map(({ column, sequence }) => {
      const col = quoteIdent(column);
      return `SELECT setval(${sequence}, coalesce(max(${col}), 1), max(${col}) IS NOT NULL) FROM ${qualifiedName(entry.ref)}`;
    }),
  );
  if (statements.length > 0) await tx.query(statements.join(' UNION ALL '));
}
