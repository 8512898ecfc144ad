/**
 * The foreign-schema case of `npm run bench:seed`: someone else's 22-table schema in two schemas
 * (test/seed/fixtures/shop.sql: cycles, partitions, composite keys, domains, enums, ranges) on the
 * PostgreSQL server, seeded by devdb at medium scale and, in the same run on a fresh copy of the
 * same schema, by drizzle-seed (its Drizzle schema generated from the database by `drizzle-kit
 * pull`, as a user of it would). Rows/s is rows loaded over wall time, each run's own count; every
 * table's row count is reported, so an empty table shows. @snaplet/seed runs too when
 * $BENCH_SNAPLET_DIR names a folder outside the repository where it is installed
 * (`npm install @snaplet/seed@0.98.0 postgres`): its `sync` introspects each fresh database and
 * writes its client into that folder's node_modules, then a child process seeds every table in
 * devdb's load order with devdb's count for it (`connect: true`, so keys point at rows already
 * made). Why it is not a devDependency: docs/decisions.md (Seeding someone else's schema).
 * The last variant drops what stops both peers, so the goal's ratio (devdbOverFastestPeer) is scored
 * there. Before the variants, `devdb seed` runs as a user runs it: the built CLI in fresh processes
 * ($BENCH_PROCESS_RUNS, default 5; 0 leaves them out), rows over each process's wall time, interleaved
 * with another build's ($BENCH_BASELINE_BIN: its bin/run.js) when one is named; then the process's
 * own work with the server's left out (bench/seed-generation.ts, $BENCH_GENERATION_RUNS).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Db } from '../src/db/db.js';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { seed } from '../src/seed/index.js';
import { qualifiedName } from '../src/util/sql-text.js';
import { withDatabase } from '../test/support/global-setup.js';
import { generationCase } from './seed-generation.js';

const SHOP = fs.readFileSync(path.join(import.meta.dirname, '../test/seed/fixtures/shop.sql'), 'utf8');
const SCHEMAS = ['public', 'sales'];
/** The same schema with its domains, its range and its inet spelled as base types: what drizzle-kit pulls and drizzle-seed takes. */
const PLAIN = SHOP.replace(/^CREATE DOMAIN .*\n/gm, '')
  .replaceAll(' email_address ', ' text ')
  .replaceAll(' money_amount ', ' numeric(12, 2) ')
  .replace('valid_during tstzrange', 'valid_during text')
  .replace('ip inet', 'ip text');
/**
 * What drizzle-seed 0.3.1 needs besides: no cycle (it generates tables in key order and reads the
 * rows of a table it has not made yet: "Cannot read properties of undefined (reading 'rows')"), no
 * CHECKs (it does not read them, so `sku ~ '^[A-Z]{3}-[0-9]{4}$'` fails the insert), and no
 * partitioned table (the pull leaves out the parent and lists each partition as a table).
 */
const DRIZZLE_SUBSET =
  PLAIN.replace(/^ALTER TABLE teams ADD FOREIGN KEY .*\n/m, '')
    .replace(') PARTITION BY RANGE (occurred_at);', ');')
    .replace(/^CREATE TABLE sales\.events_\w+ PARTITION OF .*\n/gm, '') +
  `DO $$ DECLARE c record; BEGIN
     FOR c IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
               WHERE contype = 'c' AND connamespace IN ('public'::regnamespace, 'sales'::regnamespace) LOOP
       EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.t, c.conname);
     END LOOP;
   END $$;`;
/** The subset with the two-letter country codes as text: the peers draw unique values without a length to respect. */
const PEER_SUBSET = DRIZZLE_SUBSET.replaceAll('char(2)', 'text');
/**
 * The subset without what stops a peer before the last table, so that the goal's ratio has a peer
 * that fills every table (both do here). Dropped: the one-to-one keys (`customer_profiles.customer_id`
 * as its primary key, now a serial `id` beside it; `sales.payments.order_id` UNIQUE) and the keys
 * made of two foreign keys (`stock` and `wishlists` primary keys, `reviews` UNIQUE (product_id,
 * customer_id)): drizzle-seed draws each key column at random from its parent, so it repeats them.
 * Spelled otherwise: the identities of `sales` as bigserial (@snaplet/seed looks an identity's
 * sequence up under a name it never lists outside the search path, and numbers the rows NaN).
 */
const PEERS_FILL = PEER_SUBSET.replace(
  'customer_id bigint PRIMARY KEY REFERENCES customers (id)',
  'id serial PRIMARY KEY, customer_id bigint REFERENCES customers (id)',
)
  .replace('order_id bigint NOT NULL UNIQUE REFERENCES sales.orders (id)', 'order_id bigint NOT NULL REFERENCES sales.orders (id)')
  .replace(/(CREATE TABLE sales\.\w+ \(\n {2}id) bigint GENERATED ALWAYS AS IDENTITY/g, '$1 bigserial')
  .replace(',\n  PRIMARY KEY (warehouse_id, product_id)', '')
  .replace(',\n  UNIQUE (product_id, customer_id)', '')
  .replace(', PRIMARY KEY (customer_id, product_id)', '');
/** drizzle-seed's rows per table: devdb's medium count for a table without a parent. */
const DRIZZLE_COUNT = 4000;

interface Outcome {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  emptyTables: string[];
  tables: Record<string, number>;
}

async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = await db.query<{ s: string; t: string }>(
    `SELECT n.nspname::text AS s, c.relname::text AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1, 2`,
    [SCHEMAS],
  );
  const out: Record<string, number> = {};
  for (const { s, t } of tables) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qualifiedName({ schema: s, name: t })}`);
    out[`${s}.${t}`] = row!.n;
  }
  return out;
}

/**
 * CPU the seed cost, which a busy machine stretches less than wall time: the devdb process's (all
 * its threads: scrypt for a password column runs on the thread pool) and the server backend's that
 * loaded the rows (from /proc; null when the server is not on this machine).
 */
interface CpuSeconds {
  devdbProcess: number;
  serverBackend: number | null;
}

function backendCpuMs(pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function outcome(tables: Record<string, number>, ms: number): Outcome {
  const rows = Object.values(tables).reduce((a, b) => a + b, 0);
  return {
    rows,
    seconds: Number((ms / 1000).toFixed(2)),
    rowsPerSecond: Math.round(rows / (ms / 1000)),
    emptyTables: Object.entries(tables)
      .filter(([, n]) => n === 0)
      .map(([t]) => t),
    tables,
  };
}

export async function foreignSchemaCase(admin: Db, url: string): Promise<Record<string, unknown>> {
  const made: string[] = [];
  const fresh = async (sql: string): Promise<{ db: Db; url: string }> => {
    const name = `devdb_bench_shop_${randomBytes(4).toString('hex')}`;
    await admin.exec(`CREATE DATABASE ${name}`);
    made.push(name);
    const dbUrl = withDatabase(url, name);
    const db = await openPostgres(dbUrl);
    await db.exec(sql);
    return { db, url: dbUrl };
  };
  const devdbSeed = async (
    sql: string,
  ): Promise<{ outcome: Outcome & { cpuSeconds: CpuSeconds; firstSeedOfProcess: boolean }; loadOrder: Record<string, number> }> => {
    const target = await fresh(sql);
    const firstSeedOfProcess = seedsInProcess++ === 0;
    try {
      const [{ pid }] = (await target.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      const server = backendCpuMs(pid);
      const client = process.cpuUsage();
      const result = await seed(target.db, { scale: 'medium', schemas: SCHEMAS });
      const used = process.cpuUsage(client);
      const serverAfter = backendCpuMs(pid);
      const cpuSeconds = {
        devdbProcess: Number(((used.user + used.system) / 1e6).toFixed(2)),
        serverBackend: server === null || serverAfter === null ? null : Number(((serverAfter - server) / 1000).toFixed(2)),
      };
      return {
        outcome: { ...outcome(await tableCounts(target.db), result.elapsedMs), cpuSeconds, firstSeedOfProcess },
        loadOrder: Object.fromEntries(result.tables.map((t) => [t.table, t.rows])),
      };
    } finally {
      await target.db.close();
    }
  };
  try {
    const report: Record<string, unknown> = { schema: `test/seed/fixtures/shop.sql: 22 tables in ${SCHEMAS.join(', ')}` };
    if (PROCESS_RUNS > 0) report['devdb seed as a user runs it (whole process, as written)'] = await wholeProcess(await fresh(SHOP));
    const generation = await generationCase(admin, url, BASELINE_BIN);
    if (generation) report["the devdb process's work alone (generation case)"] = generation;
    for (const [variant, sql] of [
      ['as written', SHOP],
      ['domains, the range and inet written as base types', PLAIN],
      ['the same without the cycle, the CHECKs and the partitions (what drizzle-seed needs)', DRIZZLE_SUBSET],
      ['the same with country codes as text instead of char(2)', PEER_SUBSET],
      ['the same without one-to-one keys, identities in sales as bigserial (what both peers fill)', PEERS_FILL],
    ] as const) {
      if (process.env.BENCH_FOREIGN_VARIANTS && !process.env.BENCH_FOREIGN_VARIANTS.split(',').some((v) => variant.startsWith(v))) continue;
      const { outcome: devdb, loadOrder } = await devdbSeed(sql);
      const drizzle = await drizzleSeed(fresh, sql);
      const snaplet = await snapletSeed(fresh, sql, loadOrder);
      const peers = [drizzle, snaplet]
        .filter((p) => typeof p.rowsPerSecond === 'number' && !p.failed && (p.emptyTables as string[]).length === 0)
        .map((p) => p.rowsPerSecond as number);
      const peer = peers.length > 0 ? Math.max(...peers) : null;
      report[variant] = {
        devdb,
        'drizzle-seed': drizzle,
        '@snaplet/seed': snaplet,
        // Against a peer that filled every table without failing; null when none did.
        devdbOverFastestPeer: peer ? Number((devdb.rowsPerSecond / peer).toFixed(2)) : null,
        // Against each peer's rate on the rows it did load before it stopped (not the goal's ratio: a partial fill).
        devdbOverPeerUntilItStopped: Object.fromEntries(
          Object.entries({ 'drizzle-seed': drizzle, '@snaplet/seed': snaplet })
            .filter(([, p]) => typeof p.rowsPerSecond === 'number' && p.rowsPerSecond > 0)
            .map(([name, p]) => [name, Number((devdb.rowsPerSecond / (p.rowsPerSecond as number)).toFixed(1))]),
        ),
      };
    }
    return report;
  } finally {
    for (const name of made) await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

/** Seeds run in this process so far: the first pays V8's warm-up, as every `devdb seed` does. */
let seedsInProcess = 0;

/** Whole-process runs of `devdb seed` ($BENCH_PROCESS_RUNS, default 5; 0 leaves them out). */
const PROCESS_RUNS = Number(process.env.BENCH_PROCESS_RUNS ?? 5);

/**
 * Another build's `bin/run.js` (`$BENCH_BASELINE_BIN`, e.g. main's checkout, built): its processes
 * run interleaved with this build's, one of each per round, on the same database, so both see the
 * same machine.
 */
const BASELINE_BIN = process.env.BENCH_BASELINE_BIN;

/**
 * `devdb seed --truncate --scale medium` as a user runs it: the built CLI in a fresh process, in a
 * project folder whose one migration is the fixture (so the seed finds `sales` as a user's would),
 * DATABASE_URL at the fixture's database. Rows over the process's wall time, spawn to exit: Node's
 * start, oclif, the catalog read and plan, the load, the index rebuild, ANALYZE and the commit.
 */
async function wholeProcess(target: { db: Db; url: string }): Promise<Record<string, unknown>> {
  await target.db.close();
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-project-'));
  const builds: Record<string, string> = { 'this build': path.join(import.meta.dirname, '../bin/run.js') };
  if (BASELINE_BIN) builds[`baseline (${BASELINE_BIN})`] = path.resolve(BASELINE_BIN);
  try {
    fs.mkdirSync(path.join(project, 'sql/migrations'), { recursive: true });
    fs.writeFileSync(path.join(project, 'sql/migrations/20260101000000_shop.sql'), `-- migrate:up\n${SHOP}\n-- migrate:down\n`);
    const runs: Record<string, { wallMs: number; rows: number; seedMs: number; load1: number }[]> = {};
    for (let i = 0; i < PROCESS_RUNS; i++) {
      for (const [build, bin] of Object.entries(builds)) {
        const started = performance.now();
        const child = spawnSync(process.execPath, [bin, 'seed', '--truncate', '--scale', 'medium', '--json'], {
          cwd: project,
          env: { ...process.env, DATABASE_URL: target.url },
          encoding: 'utf8',
        });
        const wallMs = performance.now() - started;
        if (child.status !== 0) throw new Error(`${build}: devdb seed exited ${child.status}: ${child.stderr.trim().split('\n')[0]}`);
        const result = JSON.parse(child.stdout) as { totalRows: number; elapsedMs: number };
        (runs[build] ??= []).push({ wallMs, rows: result.totalRows, seedMs: result.elapsedMs, load1: os.loadavg()[0]! });
      }
    }
    const p = (values: number[], q: number) =>
      [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
    const report = (build: string) => {
      const mine = runs[build]!;
      const walls = mine.map((r) => r.wallMs);
      const rows = mine[0]!.rows;
      return {
        rows,
        wallSeconds: { p50: seconds(p(walls, 0.5)), p95: seconds(p(walls, 0.95)), max: seconds(Math.max(...walls)) },
        // The goal's figure: rows over the median process's wall time.
        rowsPerSecondOfWallP50: Math.round(rows / (p(walls, 0.5) / 1000)),
        // What seed() reports in the JSON (no start-up, no connection; the text output's total line has the command's).
        seedReportedSecondsP50: seconds(
          p(
            mine.map((r) => r.seedMs),
            0.5,
          ),
        ),
        loadAverage1m: mine.map((r) => Number(r.load1.toFixed(2))),
      };
    };
    const command = `devdb seed --truncate --scale medium (${PROCESS_RUNS} processes${BASELINE_BIN ? ' per build, interleaved' : ', one after another'})`;
    if (!BASELINE_BIN) return { command, ...report('this build') };
    return { command, ...Object.fromEntries(Object.keys(builds).map((build) => [build, report(build)])) };
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(2));

/** drizzle-seed as its users run it: a schema pulled from the database by drizzle-kit, then seed(db, schema, { count }). */
async function drizzleSeed(fresh: (sql: string) => Promise<{ db: Db; url: string }>, sql: string): Promise<Record<string, unknown>> {
  const target = await fresh(sql);
  // Inside the repository, so the generated schema.ts resolves drizzle-orm from its node_modules.
  const cache = path.join(import.meta.dirname, '../node_modules/.cache');
  fs.mkdirSync(cache, { recursive: true });
  const out = fs.mkdtempSync(path.join(cache, 'devdb-bench-drizzle-'));
  try {
    // A config file: drizzle-kit pull reads one schema from its flags, several from schemaFilter.
    const config = { dialect: 'postgresql', out, dbCredentials: { url: target.url }, schemaFilter: SCHEMAS };
    fs.writeFileSync(path.join(out, 'drizzle.config.mjs'), `export default ${JSON.stringify(config)};`);
    execFileSync(
      process.execPath,
      [path.join(import.meta.dirname, '../node_modules/drizzle-kit/bin.cjs'), 'pull', '--config=drizzle.config.mjs'],
      {
        stdio: 'pipe',
        cwd: out,
      },
    );
    const pulled = fs.readFileSync(path.join(out, 'schema.ts'), 'utf8');
    const unknown = pulled.match(/unknown\("[^"]*"\)/g) ?? [];
    if (unknown.length > 0)
      return {
        ran: false,
        why: `drizzle-kit pull types ${unknown.length} columns as unknown (domains and ranges: ${[...new Set(unknown)].join(', ')}), and the pulled schema does not load`,
      };
    const schema = (await import(pathToFileURL(path.join(out, 'schema.ts')).href)) as Record<string, unknown>;
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const postgres = (await import('postgres')).default;
    const { seed: drizzleSeedFn } = await import('drizzle-seed');
    await markUniqueColumns(schema);
    const client = postgres(target.url, { max: 1, onnotice: () => {} });
    try {
      const started = performance.now();
      try {
        await drizzleSeedFn(drizzle(client), schema, { count: DRIZZLE_COUNT, seed: 42 });
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause?.message;
        return {
          ran: true,
          failed: `${(error as Error).message.split('\n')[0]!.slice(0, 120)}${cause ? `: ${cause}` : ''}`,
          ...outcome(await tableCounts(target.db), performance.now() - started),
        };
      }
      return { ran: true, count: DRIZZLE_COUNT, ...outcome(await tableCounts(target.db), performance.now() - started) };
    } finally {
      await client.end();
    }
  } finally {
    await target.db.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/**
 * @snaplet/seed 0.98 as its users run it: `sync` (introspection into .snaplet/dataModel.json and a
 * client generated into node_modules; no AI key, so no AI-made examples), then one plan per table in
 * devdb's load order with devdb's count for it, in a child process of the folder it is installed in.
 */
async function snapletSeed(
  fresh: (sql: string) => Promise<{ db: Db; url: string }>,
  sql: string,
  counts: Record<string, number>,
): Promise<Record<string, unknown>> {
  const dir = process.env.BENCH_SNAPLET_DIR;
  const cli = dir ? path.join(dir, 'node_modules/@snaplet/seed/bin/cli.js') : '';
  if (!dir || !fs.existsSync(cli))
    return { ran: false, why: "not installed: set BENCH_SNAPLET_DIR (see docs/decisions.md, Seeding someone else's schema)" };
  const target = await fresh(sql);
  try {
    fs.mkdirSync(path.join(dir, '.snaplet'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.snaplet/config.json'), JSON.stringify({ adapter: 'postgres' }));
    fs.writeFileSync(
      path.join(dir, 'seed.config.ts'),
      `import { SeedPostgres } from '@snaplet/seed/adapter-postgres';
import { defineConfig } from '@snaplet/seed/config';
import postgres from 'postgres';
export default defineConfig({ adapter: () => new SeedPostgres(postgres(process.env.SNAPLET_URL!, { onnotice: () => {} })) });\n`,
    );
    fs.writeFileSync(path.join(dir, 'devdb-bench-seed.mjs'), SNAPLET_RUNNER);
    const env = { ...process.env, SNAPLET_URL: target.url };
    try {
      execFileSync(process.execPath, [cli, 'sync'], { cwd: dir, env, stdio: 'pipe' });
    } catch (error) {
      return { ran: false, why: `sync failed: ${firstLine(error)}` };
    }
    // devdb's tables by their unqualified names (snaplet's model names), in devdb's load order.
    const plan = Object.entries(counts).map(([table, rows]) => [table.replace(/^\w+\./, ''), rows]);
    let result: { ms: number; error?: string };
    try {
      const out = execFileSync(process.execPath, ['devdb-bench-seed.mjs', JSON.stringify(plan)], { cwd: dir, env, stdio: 'pipe' });
      result = JSON.parse(out.toString()) as { ms: number; error?: string };
    } catch (error) {
      result = { ms: NaN, error: firstLine(error) };
    }
    const tables = await tableCounts(target.db);
    return { ran: true, ...(result.error ? { failed: result.error } : {}), ...outcome(tables, result.ms) };
  } finally {
    await target.db.close();
  }
}

const firstLine = (error: unknown) => {
  const e = error as Error & { stderr?: Buffer };
  const text = e.stderr?.toString().trim() || e.message;
  return text
    .split('\n')
    .find((l) => l.trim() !== '')!
    .slice(0, 200);
};

/** The child process: one plan per table, timed from the client's creation to the last insert. */
const SNAPLET_RUNNER = `import { createSeedClient } from '@snaplet/seed';
import { SeedPostgres } from '@snaplet/seed/adapter-postgres';
import postgres from 'postgres';
const plan = JSON.parse(process.argv[2]);
const sql = postgres(process.env.SNAPLET_URL, { onnotice: () => {}, max: 1 });
const started = performance.now();
let error;
try {
  const seed = await createSeedClient({ adapter: new SeedPostgres(sql), connect: true });
  for (const [table, rows] of plan) await seed[table]((x) => x(rows));
} catch (e) {
  error = String(e.message).split('\\n')[0].slice(0, 200);
}
console.log(JSON.stringify({ ms: performance.now() - started, error }));
await sql.end();
`;

/**
 * drizzle-seed reads a column's `isUnique` (set by `.unique()`), while `drizzle-kit pull` writes
 * UNIQUE as a table-level `unique().on(column)`: without this it repeats values of a unique column
 * (countries.name) and the insert fails. Marking the pulled single-column constraints on their
 * columns is what a user would do by hand.
 */
async function markUniqueColumns(schema: Record<string, unknown>): Promise<void> {
  const orm = await import('drizzle-orm');
  const pg = await import('drizzle-orm/pg-core');
  for (const table of Object.values(schema)) {
    if (!orm.is(table, pg.PgTable)) continue;
    const config = pg.getTableConfig(table);
    for (const unique of config.uniqueConstraints) {
      if (unique.columns.length !== 1) continue;
      const column = config.columns.find((c) => c.name === unique.columns[0]!.name);
      if (column) (column as { isUnique: boolean }).isUnique = true;
    }
  }
}
