/**
 * npm run bench:seed: `devdb seed` at each scale on each engine (the PostgreSQL 15 server, devdb's
 * native PostgreSQL 18, PGlite), and `--scale large` on the server against the server-side ceiling
 * of the very same rows, all in one run. Prints JSON.
 *
 * - tiny, small, medium: a fresh, migrated database per run (PGlite in a temp folder, as the
 *   CLI uses it; a new database on the server); wall time of `seed()`, as the CLI reports it.
 * - large (server only): the seed, then the ceiling: the server writes the same rows to files
 *   (`COPY TO`) and, in one transaction on the same schema with its secondary indexes and
 *   foreign keys off, reads them back with `COPY FROM` file (no client, no generation), then
 *   rebuilds the same indexes and keys and runs ANALYZE, exactly as the seed does; rolled back.
 * - trigram: on the medium rows, loading comments and tasks with their trigram GIN indexes kept
 *   (fastupdate on, a large pending list) against dropping them and building them after.
 *
 * - foreign schema (server): bench/foreign-schema.ts, devdb against drizzle-seed (and @snaplet/seed
 *   when $BENCH_SNAPLET_DIR names a folder it is installed in) on someone else's 22-table schema at
 *   medium scale, and `devdb seed` in fresh processes ($BENCH_FOREIGN=0 leaves it out;
 *   $BENCH_FOREIGN_VARIANTS picks variants by prefix; $BENCH_PROCESS_RUNS the processes;
 *   $BENCH_BASELINE_BIN another build's bin/run.js, its processes interleaved with this one's;
 *   $BENCH_GENERATION_RUNS the processes of the generation case, bench/seed-generation.ts).
 *
 * Server: $BENCH_DATABASE_URL or $TEST_DATABASE_URL (a superuser, for server-side files),
 * else a throwaway server started like the test suite's but with PostgreSQL's own durability
 * (fsync on), as devdb's native server keeps it. The native engine is a native folder served by
 * devdb, a new database per run. $BENCH_SCALES picks scales (default tiny,small,medium,large; none: the foreign schema alone);
 * $BENCH_ENGINES the engines (default postgres,native,pglite); $BENCH_RUNS repeats the small
 * scales (default 1).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../src/db/db.js';
import { openPglite } from '../src/db/pglite-adapter.js';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { migrateUp } from '../src/migrate/migrator.js';
import { dropDeferrable, restoreDeferred } from '../src/seed/deferred-indexes.js';
import { SCALES, seed, type Scale, type SeedEvent, type SeedResult } from '../src/seed/index.js';
import { GENERATORS, SEEDED_TABLES } from '../src/seed/tables.js';
import { quoteIdent } from '../src/util/sql-text.js';
import { foreignSchemaCase } from './foreign-schema.js';
import { withDatabase } from '../test/support/global-setup.js';
import { serveNative } from '../test/support/native.js';
import { findPostgresBin, startPostgres, type PostgresServer } from '../test/support/postgres-server.js';

// BENCH_SCALES=none runs no scale (the foreign-schema case alone).
const scales = (process.env.BENCH_SCALES ?? SCALES.join(','))
  .split(',')
  .filter((s): s is Scale => (SCALES as readonly string[]).includes(s));
type BenchEngine = 'postgres' | 'native' | 'pglite';
const engines = (process.env.BENCH_ENGINES ?? 'postgres,native,pglite').split(',') as BenchEngine[];
const runs = Number(process.env.BENCH_RUNS ?? 1);
const seconds = (ms: number) => Number((ms / 1000).toFixed(2));

class RollbackOnPurpose extends Error {}

async function timed(db: Db, scale: Scale): Promise<{ result: SeedResult; steps: Record<string, number>; loads: Record<string, number> }> {
  const steps: Record<string, number> = {};
  const loads: Record<string, number> = {};
  const result = await seed(db, {
    scale,
    onProgress: (e: SeedEvent) => {
      if (e.kind === 'step') steps[e.step] = e.ms;
      if (e.kind === 'table') loads[e.table] = e.ms;
    },
  });
  return { result, steps, loads };
}

async function main() {
  let server: PostgresServer | undefined;
  let url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || '';
  if (!url) {
    const bin = findPostgresBin();
    if (!bin) throw new Error('bench:seed needs PostgreSQL: install it or set BENCH_DATABASE_URL');
    server = await startPostgres(bin, { durable: true });
    url = server.url;
  }
  const admin = await openPostgres(url);
  const nativeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-native-'));
  // As root the native server runs as devdb's server user, which must reach the folder.
  fs.chmodSync(nativeRoot, 0o755);
  const native = engines.includes('native') ? await serveNative(path.join(nativeRoot, '.devdb')) : undefined;
  const nativeAdmin = native ? await openPostgres(native.url) : undefined;
  const [{ version } = { version: '' }] = await admin.query<{ version: string }>("SELECT current_setting('server_version') AS version");
  const made: string[] = [];
  const folders: string[] = [];

  async function fresh(engine: BenchEngine): Promise<Db> {
    let db: Db;
    if (engine === 'pglite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-'));
      folders.push(dir);
      db = await openPglite({ dataDir: dir });
    } else if (engine === 'native') {
      const name = `devdb_bench_${randomBytes(4).toString('hex')}`;
      await nativeAdmin!.exec(`CREATE DATABASE ${name}`);
      db = await openPostgres(withDatabase(native!.url, name));
    } else {
      const name = `devdb_bench_${randomBytes(4).toString('hex')}`;
      await admin.exec(`CREATE DATABASE ${name}`);
      made.push(name);
      db = await openPostgres(withDatabase(url, name));
    }
    await migrateUp(db);
    return db;
  }

  const report: Record<string, unknown> = {
    server: `PostgreSQL ${version}`,
    cpus: os.cpus().length,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  try {
    const byScale: Record<string, unknown> = {};
    for (const scale of scales.filter((s) => s !== 'large')) {
      const row: Record<string, unknown> = {};
      for (const engine of engines) {
        const times: number[] = [];
        let last: Awaited<ReturnType<typeof timed>> | undefined;
        for (let r = 0; r < runs; r++) {
          const db = await fresh(engine);
          try {
            last = await timed(db, scale);
            times.push(last.result.elapsedMs);
          } finally {
            await db.close();
          }
        }
        const load = Object.values(last!.loads).reduce((a, b) => a + b, 0);
        row[engine] = {
          rows: last!.result.totalRows,
          seconds: seconds(Math.min(...times)),
          allRuns: times.map(seconds),
          load: seconds(load),
          ...Object.fromEntries(Object.entries(last!.steps).map(([k, v]) => [k, seconds(v)])),
        };
      }
      const pg = row.postgres as { seconds: number } | undefined;
      const over = (engine: BenchEngine) => {
        const other = row[engine] as { seconds: number } | undefined;
        return pg && other ? Number((other.seconds / pg.seconds).toFixed(2)) : null;
      };
      row.pgliteOverServer = over('pglite');
      row.nativeOverServer = over('native');
      byScale[scale] = row;
      if (scale === 'medium') report.trigram = await trigramComparison(await fresh('postgres'));
    }
    report.scales = byScale;
    if (scales.includes('large')) report.large = await largeAgainstCeiling(await fresh('postgres'));
    if (process.env.BENCH_FOREIGN !== '0') report.foreignSchema = await foreignSchemaCase(admin, url);
    report.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
    console.log(JSON.stringify(report, null, 2));
  } finally {
    for (const name of made) await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.close();
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
    await nativeAdmin?.close();
    await native?.stop();
    fs.rmSync(nativeRoot, { recursive: true, force: true });
    server?.stop();
  }
}

/** The same rows written by the server to files readable by the server. */
async function dumpToFiles(db: Db): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-copy-'));
  fs.chmodSync(dir, 0o777);
  for (const g of GENERATORS)
    await db.exec(`COPY ${quoteIdent(g.table)} (${g.columns.map(quoteIdent).join(', ')}) TO '${path.join(dir, `${g.table}.copy`)}'`);
  return dir;
}

async function rolledBack(db: Db, fn: (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => Promise<void>): Promise<void> {
  await db
    .transaction(async (tx) => {
      await fn(tx);
      throw new RollbackOnPurpose();
    })
    .catch((e: unknown) => {
      if (!(e instanceof RollbackOnPurpose)) throw e;
    });
}

async function largeAgainstCeiling(db: Db) {
  try {
    const { result, steps, loads } = await timed(db, 'large');
    const dir = await dumpToFiles(db);
    const ceiling: Record<string, number> = {};
    try {
      await rolledBack(db, async (tx) => {
        await tx.exec(`TRUNCATE ${SEEDED_TABLES.map(quoteIdent).join(', ')} RESTART IDENTITY`);
        await tx.exec(`SET LOCAL maintenance_work_mem = '${db.capabilities.indexBuildMemory}'`);
        const deferred = await dropDeferrable(
          tx,
          SEEDED_TABLES.map((name) => ({ schema: 'public', name })),
        );
        let t = performance.now();
        for (const g of GENERATORS)
          await tx.exec(
            `COPY ${quoteIdent(g.table)} (${g.columns.map(quoteIdent).join(', ')}) FROM '${path.join(dir, `${g.table}.copy`)}'`,
          );
        ceiling.load = performance.now() - t;
        t = performance.now();
        await restoreDeferred(tx, deferred);
        ceiling['restore indexes'] = performance.now() - t;
        t = performance.now();
        await tx.exec(`ANALYZE ${SEEDED_TABLES.map(quoteIdent).join(', ')}`);
        ceiling.analyze = performance.now() - t;
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const ceilingMs = ceiling.load! + ceiling['restore indexes']! + ceiling.analyze!;
    const seedLoad = Object.values(loads).reduce((a, b) => a + b, 0);
    return {
      rows: result.totalRows,
      seed: {
        seconds: seconds(result.elapsedMs),
        load: seconds(seedLoad),
        ...Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, seconds(v)])),
      },
      ceiling: { seconds: seconds(ceilingMs), ...Object.fromEntries(Object.entries(ceiling).map(([k, v]) => [k, seconds(v)])) },
      // Ceiling time over seed time: 1.0 means the seed is as fast as the server reading files.
      ratio: Number((ceilingMs / result.elapsedMs).toFixed(3)),
      loadRatio: Number((ceiling.load! / seedLoad).toFixed(3)),
    };
  } finally {
    await db.close();
  }
}

/**
 * Trigram GIN indexes on tasks and comments: kept during COPY (fastupdate on, so rows go to
 * the pending list, merged in large batches) against dropped and built once after the load.
 */
async function trigramComparison(db: Db) {
  try {
    await seed(db, { scale: 'medium' });
    const dir = await dumpToFiles(db);
    const tables = ['tasks', 'comments'];
    const trigram = await db.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1::text[]) AND indexdef LIKE '%gin_trgm_ops%' ORDER BY 1`,
      [tables],
    );
    const copyIn = async (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => {
      for (const g of GENERATORS.filter((x) => tables.includes(x.table))) {
        await tx.exec(`COPY ${quoteIdent(g.table)} (${g.columns.map(quoteIdent).join(', ')}) FROM '${path.join(dir, `${g.table}.copy`)}'`);
      }
    };
    const out: Record<string, number> = {};
    try {
      for (const mode of ['rebuild after', 'keep with fastupdate'] as const) {
        await rolledBack(db, async (tx) => {
          await tx.exec(
            `SET LOCAL maintenance_work_mem = '${db.capabilities.indexBuildMemory}'; SET LOCAL gin_pending_list_limit = '64MB'`,
          );
          await tx.exec(`TRUNCATE ${SEEDED_TABLES.map(quoteIdent).join(', ')}`);
          // Everything but the trigram indexes is off in both modes, as in the seed.
          await dropDeferrable(
            tx,
            tables.map((name) => ({ schema: 'public', name })),
          );
          const t = performance.now();
          if (mode === 'rebuild after') {
            await copyIn(tx);
            for (const g of trigram) await tx.exec(`${g.def};`);
          } else {
            for (const g of trigram) await tx.exec(`${g.def.replace(/\)$/, ') WITH (fastupdate = on)')};`);
            await copyIn(tx);
          }
          out[mode] = seconds(performance.now() - t);
        });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return {
      rows: {
        ...Object.fromEntries(
          await Promise.all(tables.map(async (t) => [t, (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n])),
        ),
      },
      seconds: out,
    };
  } finally {
    await db.close();
  }
}

await main();
