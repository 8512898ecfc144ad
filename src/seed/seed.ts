import os from 'node:os';
import v8 from 'node:v8';
import type { Faker } from '@faker-js/faker';
import { columnFacts } from '../catalog/column-facts.js';
import { introspect } from '../catalog/index.js';
import type { Db, Queryable } from '../db/db.js';
import { quoteIdent } from '../db/copy.js';
import { DevdbError } from '../errors.js';
import type { GenContext, TableGenerator } from './context.js';
import { dropDeferrable, restoreDeferred } from './deferred-indexes.js';
import { DEFAULT_SEED_PASSWORD, hashPassword } from './password.js';
import { makePeople } from './people.js';
import { makePlan } from './plan.js';
import { DEFAULT_PROFILE, DEFAULT_SCALE, DEFAULT_SEED, LIMITS, SCALES, TIERS, type Scale, type Tier } from './defaults.js';
import { checkProfileAgainstLimits, loadProfile, readTierLimits } from './profile.js';
import { GENERATORS, SEEDED_TABLES } from './tables.js';
import { loadError } from './load-error.js';
import type { Plan } from './plan.js';
import type { Profile } from './profile.js';
import { Random } from './random.js';
import { NOT_SEEDED } from './registry.js';
import { keySources, schemaEstimate, schemaRows, withExtras, type Loaded } from './schema/generate.js';
import { layoutSeed, type SchemaTable, type SeedLayout } from './schema/layout.js';
import { REFERENCE_DATE } from './time.js';

export type SeedEvent =
  | { kind: 'plan'; tables: { table: string; estimate: number }[] }
  | { kind: 'rows'; table: string; rows: number; estimate: number }
  | { kind: 'table'; table: string; rows: number; ms: number }
  | { kind: 'step'; step: 'truncate' | 'password' | 'drop indexes' | 'restore indexes' | 'sequences' | 'analyze'; ms: number };

export interface SeedOptions {
  /** Same seed and scale, same bytes in every table, on either engine. */
  seed?: number | undefined;
  scale?: Scale | undefined;
  /** Overrides the scale's number of users (the rest follows per user). */
  users?: number | undefined;
  /** Only these tiers (default: the profile's mix of all three). */
  tiers?: readonly Tier[] | undefined;
  /** Empties every seeded table first, in the same transaction as the load. */
  truncate?: boolean | undefined;
  /** A profile name in seeds/ or a path to a JSON profile (default: "default"). */
  profile?: string | undefined;
  /**
   * 'defer' (default) takes secondary indexes and foreign keys off for the load and restores
   * them in the same transaction; 'keep' loads with them in place (for comparison in benches).
   */
  indexes?: 'defer' | 'keep' | undefined;
  /** Every seeded user's password (default: DEFAULT_SEED_PASSWORD, documented in the README). */
  password?: string | undefined;
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
  seed: number;
  scale: Scale;
  profile: string;
  users: Record<Tier, number>;
  truncated: boolean;
  tables: SeededTable[];
  totalRows: number;
  /** Wall time of the whole seed: hashing, load, index builds, analyze and commit. */
  elapsedMs: number;
  rowsPerSecond: number;
  /** A seeded account to sign in with (with the development password, see the README). */
  sampleLogin: string;
}

/** COPY chunks of about this many characters: small enough to sit in the socket buffer, so the server parses one while the next is generated. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Fills every table of the schema with realistic, tier-aware data, deterministically, in ONE
 * transaction: on any failure (or Ctrl-C) the database is left exactly as it was. Tables
 * with a hand-written generator get its rows (and the schema layer fills any column added
 * since); every other table is generated from the live catalog. A database that already
 * holds data is refused unless `truncate` is set (appending would break determinism and
 * collide with the explicit ids).
 */
export async function seed(db: Db, options: SeedOptions = {}): Promise<SeedResult> {
  const started = performance.now();
  const seedValue = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? DEFAULT_SCALE;
  validateOptions(seedValue, scale, options);
  const profile = loadProfile(options.profile ?? DEFAULT_PROFILE);
  const emit = options.onProgress ?? (() => {});

  await requireSchema(db);
  checkProfileAgainstLimits(profile, await readTierLimits(db));
  const layout = await readLayout(db, profile);
  const loaders = layout.order.map((entry) => loaderOf(entry, layout));
  const planOptions = { seed: seedValue, scale, users: options.users, tiers: options.tiers };
  // Sized on a sample of users first: a plan for a billion users would not fit in memory to be refused.
  const users = options.users ?? profile.scales[scale].users;
  const sample = Math.min(users, 1000);
  checkSize(profile.name, scale, (totalEstimate(loaders, makePlan(profile, { ...planOptions, users: sample })) * users) / sample);
  const plan = makePlan(profile, planOptions);
  const estimates = estimatesOf(loaders, plan);
  const tableNames = loaders.map((l) => l.table);
  emit({ kind: 'plan', tables: tableNames.map((table) => ({ table, estimate: estimates.get(table)! })) });

  const nonEmpty = await nonEmptyTables(db, tableNames);
  if (nonEmpty.length > 0 && !options.truncate) throw hasData(nonEmpty);
  // scrypt runs on libuv's thread pool: it overlaps with faker and the DDL below.
  let step = performance.now();
  const hashing = hashPassword(options.password ?? DEFAULT_SEED_PASSWORD, seedValue).then((hash) => {
    emit({ kind: 'step', step: 'password', ms: performance.now() - step });
    return hash;
  });
  hashing.catch(() => {});
  const ctx: GenContext = {
    plan,
    people: await makePeople(plan),
    passwordHash: '',
    pepper: options.pepper,
    taskCreatedAt: new Float64Array(plan.taskCount),
    workerIds: { cpu: [], gpu: [] },
    previewDone: [],
    docDone: [],
    audit: [],
  };
  const faker = await schemaFaker();

  const tables = await db.transaction(async (tx) => {
    await takeSeedLock(tx);
    // Checked again under the lock: another seed may have committed since the first look.
    const present = await nonEmptyTables(tx, tableNames);
    if (present.length > 0 && !options.truncate) throw hasData(present);
    if (present.length > 0) {
      step = performance.now();
      await tx.exec(`TRUNCATE ${tableNames.map(quoteIdent).join(', ')} RESTART IDENTITY;`);
      emit({ kind: 'step', step: 'truncate', ms: performance.now() - step });
    }
    // Index builds and the foreign-key validation joins are the parts that benefit.
    await tx.exec(`SET LOCAL maintenance_work_mem = '${db.capabilities.indexBuildMemory}'`);
    step = performance.now();
    const deferred = (options.indexes ?? 'defer') === 'defer' ? await dropDeferrable(tx, tableNames) : [];
    emit({ kind: 'step', step: 'drop indexes', ms: performance.now() - step });

    ctx.passwordHash = await hashing;
    const done: SeededTable[] = [];
    const loaded: Loaded = new Map();
    for (const loader of loaders) {
      const generator = await loader.prepare(tx, loaded, faker, seedValue);
      const result = await loadTable(tx, generator, ctx, estimates.get(loader.table)!, emit, layout);
      loaded.set(loader.table, { rows: result.rows, idColumn: loader.idColumn });
      done.push(result);
    }

    step = performance.now();
    await restoreDeferred(tx, deferred);
    emit({ kind: 'step', step: 'restore indexes', ms: performance.now() - step });
    step = performance.now();
    await resetSequences(tx, tableNames);
    emit({ kind: 'step', step: 'sequences', ms: performance.now() - step });
    step = performance.now();
    await tx.exec(`ANALYZE ${tableNames.map(quoteIdent).join(', ')};`);
    emit({ kind: 'step', step: 'analyze', ms: performance.now() - step });
    return done;
  });

  const elapsedMs = performance.now() - started;
  const totalRows = tables.reduce((n, t) => n + t.rows, 0);
  return {
    engine: db.engine,
    location: db.location,
    seed: seedValue,
    scale,
    profile: profile.name,
    users: plan.usersByTier,
    truncated: options.truncate === true,
    tables,
    totalRows,
    elapsedMs,
    rowsPerSecond: Math.round(totalRows / (elapsedMs / 1000)),
    sampleLogin: ctx.people.email[0] ?? '',
  };
}

/** Who fills which table of the live schema, refused in one line when some table cannot be filled. */
export async function readLayout(db: Queryable, profile: Profile): Promise<SeedLayout> {
  const layout = await readLayoutUnchecked(db, profile);
  if (layout.problems.length > 0) {
    const more = layout.problems.length > 1 ? ` (and ${layout.problems.length - 1} more: see devdb seed --json details)` : '';
    throw new DevdbError('E_INVALID', `The seed cannot fill this schema: ${layout.problems[0]}${more}`, {
      details: { problems: layout.problems },
    });
  }
  return layout;
}

export async function readLayoutUnchecked(db: Queryable, profile: Profile): Promise<SeedLayout> {
  return layoutSeed(await introspect(db), await columnFacts(db), profile, GENERATORS);
}

/** One table's way in: a hand-written generator (with any added columns) or the schema layer's rows. */
interface Loader {
  table: string;
  idColumn: string | null;
  estimate(plan: Plan, earlier: Map<string, number>): number;
  prepare(tx: Queryable, loaded: Loaded, faker: Faker, seed: number): Promise<TableGenerator>;
}

function loaderOf(entry: SeedLayout['order'][number], layout: SeedLayout): Loader {
  if ('rows' in entry && typeof entry.rows === 'function') {
    const generator = entry as TableGenerator;
    const extras = layout.extras.get(generator.table);
    return {
      table: generator.table,
      idColumn: generator.columns.includes('id') ? 'id' : null,
      estimate: (plan) => Math.round(generator.estimate(plan)),
      async prepare(tx, loaded, faker, seed) {
        if (!extras) return generator;
        reseed(faker, seed, generator.table);
        return withExtras(generator, extras, await keySources(tx, extras.foreignKeys, loaded), faker);
      },
    };
  }
  const table = entry as SchemaTable;
  return {
    table: table.table,
    idColumn: table.idColumn,
    estimate: (plan, earlier) => schemaEstimate(table, plan, earlier),
    async prepare(tx, loaded, faker, seed) {
      const sources = await keySources(tx, table.foreignKeys, loaded);
      reseed(faker, seed, table.table);
      return { table: table.table, columns: table.columns, estimate: () => 0, rows: (ctx) => schemaRows(table, ctx, sources, faker) };
    },
  };
}

/** The schema layer's faker, reseeded per table, so one table's values never depend on another's. */
async function schemaFaker(): Promise<Faker> {
  const { Faker: FakerClass, en, base } = await import('@faker-js/faker');
  const faker = new FakerClass({ locale: [en, base] });
  faker.setDefaultRefDate(REFERENCE_DATE);
  return faker;
}

function reseed(faker: Faker, seed: number, table: string): void {
  faker.seed([seed, new Random(seed, `faker:${table}`).nextUint32()]);
}

/** 'devdbsed' in ASCII: one seed at a time per database. */
const SEED_LOCK_KEY = 0x6465766462736564n;

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
    {
      details: { nonEmptyTables: tables },
    },
  );
}

function estimatesOf(loaders: readonly Loader[], plan: Plan): Map<string, number> {
  const estimates = new Map<string, number>();
  for (const l of loaders) estimates.set(l.table, l.estimate(plan, estimates));
  return estimates;
}

function totalEstimate(loaders: readonly Loader[], plan: Plan): number {
  return [...estimatesOf(loaders, plan).values()].reduce((a, b) => a + b, 0);
}

/** About the memory one planned row costs while it is generated (plan arrays, audit events, COPY chunks). */
const BYTES_PER_ROW = 160;

/** Refuses a run too big to finish (or to fit in memory) before anything starts. */
function checkSize(profile: string, scale: string, rows: number): void {
  const memory = Math.min(os.totalmem(), v8.getHeapStatistics().heap_size_limit * 4);
  if (rows > LIMITS.totalRows || rows * BYTES_PER_ROW > memory) {
    throw new DevdbError(
      'E_USAGE',
      `Seed profile ${profile} at scale ${scale} plans ~${Math.round(rows).toLocaleString('en-US')} rows, above what this run allows (${LIMITS.totalRows.toLocaleString('en-US')} rows, and about ${Math.round(memory / BYTES_PER_ROW).toLocaleString('en-US')} for this machine's memory); lower --users or the profile's ranges.`,
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

async function requireSchema(db: Queryable): Promise<void> {
  const rows = await db.query<{ table: string }>(
    `SELECT t AS "table" FROM unnest($1::text[]) AS t WHERE to_regclass(quote_ident(t)) IS NULL`,
    [[...SEEDED_TABLES, ...Object.keys(NOT_SEEDED)]],
  );
  if (rows.length > 0) {
    throw new DevdbError(
      'E_CONFLICT',
      `The database is missing devdb's tables (${rows
        .slice(0, 3)
        .map((r) => r.table)
        .join(', ')}${rows.length > 3 ? ', ...' : ''}): run devdb migrate (or devdb setup) first.`,
    );
  }
}

/** True when any table devdb's generators seed holds a row (setup seeds only an empty database). */
export async function hasSeedableData(db: Queryable): Promise<boolean> {
  return (await nonEmptyTables(db, SEEDED_TABLES)).length > 0;
}

async function nonEmptyTables(db: Queryable, tables: readonly string[]): Promise<string[]> {
  const sql = tables
    .map((t) => `SELECT '${t.replaceAll("'", "''")}' AS "table" WHERE EXISTS (SELECT 1 FROM ${quoteIdent(t)})`)
    .join(' UNION ALL ');
  return (await db.query<{ table: string }>(sql)).map((r) => r.table);
}

async function loadTable(
  tx: Queryable,
  generator: TableGenerator,
  ctx: GenContext,
  estimate: number,
  emit: (e: SeedEvent) => void,
  layout: SeedLayout,
): Promise<SeededTable> {
  const started = performance.now();
  let rows = 0;
  // The bar's clock starts with the table, not with its first chunk (rates were too high).
  emit({ kind: 'rows', table: generator.table, rows: 0, estimate });
  async function* chunks(): AsyncGenerator<string> {
    let buffer = '';
    let pending = 0;
    for (const line of generator.rows(ctx)) {
      buffer += line;
      pending++;
      if (buffer.length >= CHUNK_CHARS) {
        yield buffer;
        rows += pending;
        emit({ kind: 'rows', table: generator.table, rows, estimate });
        buffer = '';
        pending = 0;
      }
    }
    if (pending > 0) {
      yield buffer;
      rows += pending;
      emit({ kind: 'rows', table: generator.table, rows, estimate });
    }
  }
  try {
    await tx.copyFrom(generator.table, generator.columns, chunks());
  } catch (error) {
    throw loadError(error, generator.table, layout);
  }
  const ms = performance.now() - started;
  emit({ kind: 'table', table: generator.table, rows, ms });
  return { table: generator.table, rows, ms };
}

/** Explicit ids leave each identity sequence at 1: move it past the highest value so inserts work. */
async function resetSequences(tx: Queryable, tables: readonly string[]): Promise<void> {
  const identities = await tx.query<{ table: string; column: string }>(
    `SELECT c.relname AS "table", a.attname AS "column" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1::text[])
        AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity <> '' ORDER BY 1, 2`,
    [tables],
  );
  const statements = identities.map(({ table, column }) => {
    const [t, c] = [quoteIdent(table), quoteIdent(column)];
    return `SELECT setval(pg_get_serial_sequence('${t.replaceAll("'", "''")}', '${column.replaceAll("'", "''")}'), coalesce(max(${c}), 1), max(${c}) IS NOT NULL) FROM ${t}`;
  });
  if (statements.length > 0) await tx.query(statements.join(' UNION ALL '));
}
