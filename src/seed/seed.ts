import type { Db, Queryable } from '../db/db.js';
import { quoteIdent } from '../db/copy.js';
import { DevdbError } from '../errors.js';
import type { GenContext, TableGenerator } from './context.js';
import { dropDeferrable, restoreDeferred } from './deferred-indexes.js';
import { DEFAULT_SEED_PASSWORD, hashPassword } from './password.js';
import { makePeople } from './people.js';
import { makePlan } from './plan.js';
import { DEFAULT_PROFILE, SCALES, TIERS, checkProfileAgainstLimits, loadProfile, readTierLimits, type Scale, type Tier } from './profile.js';
import { GENERATORS, SEEDED_TABLES } from './tables.js';

export const DEFAULT_SEED = 42;
export const DEFAULT_SCALE: Scale = 'small';

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
 * Fills every table of devdb's schema with realistic, tier-aware data, deterministically,
 * in ONE transaction: on any failure (or Ctrl-C) the database is left exactly as it was.
 * A database that already holds data is refused unless `truncate` is set (appending would
 * break determinism and collide with the explicit ids).
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
  const plan = makePlan(profile, { seed: seedValue, scale, users: options.users, tiers: options.tiers });
  emit({ kind: 'plan', tables: GENERATORS.map((g) => ({ table: g.table, estimate: Math.round(g.estimate(plan)) })) });

  const nonEmpty = await nonEmptyTables(db);
  if (nonEmpty.length > 0 && !options.truncate) {
    throw new DevdbError('E_CONFLICT', `The database already has data (${nonEmpty.slice(0, 3).join(', ')}${nonEmpty.length > 3 ? ', ...' : ''}): pass --truncate to replace it, or devdb reset for a clean schema.`, {
      details: { nonEmptyTables: nonEmpty },
    });
  }
  // scrypt runs on libuv's thread pool: it overlaps with faker and the DDL below.
  let step = performance.now();
  const hashing = hashPassword(process.env.DEVDB_SEED_PASSWORD || DEFAULT_SEED_PASSWORD, seedValue).then((hash) => {
    emit({ kind: 'step', step: 'password', ms: performance.now() - step });
    return hash;
  });
  hashing.catch(() => {});
  const ctx: GenContext = {
    plan,
    people: await makePeople(plan),
    passwordHash: '',
    taskCreatedAt: new Float64Array(plan.taskCount),
    workerIds: { cpu: [], gpu: [] },
    previewDone: [],
    docDone: [],
    audit: [],
  };

  const tables = await db.transaction(async (tx) => {
    if (nonEmpty.length > 0) {
      step = performance.now();
      await tx.exec(`TRUNCATE ${SEEDED_TABLES.map(quoteIdent).join(', ')} RESTART IDENTITY;`);
      emit({ kind: 'step', step: 'truncate', ms: performance.now() - step });
    }
    // Index builds and the foreign-key validation joins are the parts that benefit.
    await tx.exec(`SET LOCAL maintenance_work_mem = '${db.engine === 'pglite' ? '64MB' : '256MB'}'`);
    step = performance.now();
    const deferred = (options.indexes ?? 'defer') === 'defer' ? await dropDeferrable(tx, SEEDED_TABLES) : [];
    emit({ kind: 'step', step: 'drop indexes', ms: performance.now() - step });

    ctx.passwordHash = await hashing;
    const loaded: SeededTable[] = [];
    for (const generator of GENERATORS) loaded.push(await loadTable(tx, generator, ctx, plan, emit));

    step = performance.now();
    await restoreDeferred(tx, deferred);
    emit({ kind: 'step', step: 'restore indexes', ms: performance.now() - step });
    step = performance.now();
    await resetSequences(tx);
    emit({ kind: 'step', step: 'sequences', ms: performance.now() - step });
    step = performance.now();
    await tx.exec(`ANALYZE ${SEEDED_TABLES.map(quoteIdent).join(', ')};`);
    emit({ kind: 'step', step: 'analyze', ms: performance.now() - step });
    return loaded;
  });

  const elapsedMs = performance.now() - started;
  const totalRows = tables.reduce((n, t) => n + t.rows, 0);
  const users = Object.fromEntries(TIERS.map((t) => [t, plan.userTier.filter((x) => x === t).length])) as Record<Tier, number>;
  return {
    engine: db.engine,
    location: db.location,
    seed: seedValue,
    scale,
    profile: profile.name,
    users,
    truncated: options.truncate === true,
    tables,
    totalRows,
    elapsedMs,
    rowsPerSecond: Math.round(totalRows / (elapsedMs / 1000)),
    sampleLogin: ctx.people.email[0] ?? '',
  };
}

function validateOptions(seedValue: number, scale: string, options: SeedOptions): void {
  if (!Number.isSafeInteger(seedValue) || seedValue < 0) throw new DevdbError('E_USAGE', `--seed must be a whole number >= 0 (got ${seedValue}).`);
  if (!(SCALES as readonly string[]).includes(scale)) throw new DevdbError('E_USAGE', `--scale must be one of ${SCALES.join(', ')} (got ${scale}).`);
  if (options.users !== undefined && (!Number.isSafeInteger(options.users) || options.users < 1 || options.users > 1_000_000)) {
    throw new DevdbError('E_USAGE', `--users must be a whole number from 1 to 1000000 (got ${options.users}).`);
  }
  for (const tier of options.tiers ?? []) {
    if (!(TIERS as readonly string[]).includes(tier)) throw new DevdbError('E_USAGE', `--tier must be one of ${TIERS.join(', ')} (got ${tier}).`);
  }
}

async function requireSchema(db: Queryable): Promise<void> {
  const rows = await db.query<{ table: string }>(
    `select t as "table" from unnest($1::text[]) as t where to_regclass(quote_ident(t)) is null`,
    [[...SEEDED_TABLES, 'tier_limits']],
  );
  if (rows.length > 0) {
    throw new DevdbError('E_CONFLICT', `The database is missing devdb's tables (${rows.slice(0, 3).map((r) => r.table).join(', ')}${rows.length > 3 ? ', ...' : ''}): run devdb migrate (or devdb setup) first.`);
  }
}

/** True when any table devdb seeds holds a row (setup seeds only an empty database). */
export async function hasSeedableData(db: Queryable): Promise<boolean> {
  return (await nonEmptyTables(db)).length > 0;
}

async function nonEmptyTables(db: Queryable): Promise<string[]> {
  const sql = SEEDED_TABLES.map((t) => `select '${t}' as "table" where exists (select 1 from ${quoteIdent(t)})`).join(' union all ');
  return (await db.query<{ table: string }>(sql)).map((r) => r.table);
}

async function loadTable(tx: Queryable, generator: TableGenerator, ctx: GenContext, plan: GenContext['plan'], emit: (e: SeedEvent) => void): Promise<SeededTable> {
  const started = performance.now();
  const estimate = Math.round(generator.estimate(plan));
  let rows = 0;
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
  await tx.copyFrom(generator.table, generator.columns, chunks());
  const ms = performance.now() - started;
  emit({ kind: 'table', table: generator.table, rows, ms });
  return { table: generator.table, rows, ms };
}

/** Explicit ids leave each identity sequence at 1: move it past the highest id so inserts work. */
async function resetSequences(tx: Queryable): Promise<void> {
  const withIdentity = await tx.query<{ table: string }>(
    `select c.relname as "table" from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace = current_schema()::regnamespace and c.relname = any($1::text[])
        and a.attname = 'id' and a.attidentity <> '' order by 1`,
    [SEEDED_TABLES],
  );
  const statements = withIdentity.map(
    ({ table }) => `select setval(pg_get_serial_sequence('${quoteIdent(table)}', 'id'), coalesce(max(id), 1), max(id) is not null) from ${quoteIdent(table)}`,
  );
  if (statements.length > 0) await tx.query(statements.join(' union all '));
}
