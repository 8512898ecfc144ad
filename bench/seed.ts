/**
 * npm run bench:seed: seeds --scale large (or $BENCH_SCALE) into a real PostgreSQL server,
 * then, in the same run and on the same server, loads the very same rows with server-side
 * `COPY ... FROM '<file>'` (no client, no generation: the machine's ceiling) into the same
 * tables in the same state (secondary indexes and foreign keys deferred). Prints JSON.
 *
 * Server: $BENCH_DATABASE_URL, $TEST_DATABASE_URL or $DATABASE_URL (a superuser, for
 * server-side files), else a throwaway server started like the test suite's.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quoteIdent } from '../src/db/copy.js';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { migrateUp } from '../src/migrate/migrator.js';
import { dropDeferrable } from '../src/seed/deferred-indexes.js';
import { seed, type SeedEvent } from '../src/seed/seed.js';
import { GENERATORS, SEEDED_TABLES } from '../src/seed/tables.js';
import { findPostgresBin, startPostgres, type PostgresServer } from '../test/support/postgres-server.js';
import { withDatabase } from '../test/support/global-setup.js';

const scale = (process.env.BENCH_SCALE ?? 'large') as 'tiny' | 'small' | 'medium' | 'large';

async function main() {
  let server: PostgresServer | undefined;
  let url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || '';
  if (!url) {
    const bin = findPostgresBin();
    if (!bin) throw new Error('bench:seed needs PostgreSQL: install it or set BENCH_DATABASE_URL');
    server = await startPostgres(bin);
    url = server.url;
  }
  const name = `devdb_bench_${randomBytes(4).toString('hex')}`;
  const admin = await openPostgres(url);
  await admin.exec(`CREATE DATABASE ${name}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-'));
  fs.chmodSync(dir, 0o777);
  const db = await openPostgres(withDatabase(url, name));
  try {
    await migrateUp(db);
    const steps: Record<string, number> = {};
    const loads: Record<string, number> = {};
    const result = await seed(db, {
      scale,
      onProgress: (e: SeedEvent) => {
        if (e.kind === 'step') steps[e.step] = e.ms;
        if (e.kind === 'table') loads[e.table] = e.ms;
      },
    });
    const rows = Object.fromEntries(result.tables.map((t) => [t.table, t.rows]));
    const seedLoadMs = Object.values(loads).reduce((a, b) => a + b, 0);

    // The ceiling: the same rows, dumped by the server and read back by the server.
    for (const table of SEEDED_TABLES) {
      const file = path.join(dir, `${table}.copy`);
      const columns = GENERATORS.find((g) => g.table === table)!.columns;
      await db.exec(`COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) TO '${file}'`);
    }
    const ceiling: Record<string, number> = {};
    await db
      .transaction(async (tx) => {
        await tx.exec(`TRUNCATE ${SEEDED_TABLES.map(quoteIdent).join(', ')} RESTART IDENTITY`);
        await dropDeferrable(tx, SEEDED_TABLES);
        for (const g of GENERATORS) {
          const started = performance.now();
          await tx.exec(`COPY ${quoteIdent(g.table)} (${g.columns.map(quoteIdent).join(', ')}) FROM '${path.join(dir, `${g.table}.copy`)}'`);
          ceiling[g.table] = performance.now() - started;
        }
        throw new RollbackOnPurpose();
      })
      .catch((e: unknown) => {
        if (!(e instanceof RollbackOnPurpose)) throw e;
      });
    const ceilingLoadMs = Object.values(ceiling).reduce((a, b) => a + b, 0);
    // Index builds, key validation and ANALYZE are the same server work on the same rows in
    // both runs, so the end-to-end ceiling reuses the seed's measured time for them.
    const sharedMs = (steps['restore indexes'] ?? 0) + (steps['analyze'] ?? 0) + (steps['sequences'] ?? 0);
    const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));
    const big = ['tasks', 'comments', 'task_label_links', 'preview_jobs'];
    console.log(
      JSON.stringify(
        {
          scale,
          cpus: os.cpus().length,
          loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
          totalRows: result.totalRows,
          tasks: rows.tasks,
          comments: rows.comments,
          load: {
            seedRowsPerSecond: perSecond(result.totalRows, seedLoadMs),
            ceilingRowsPerSecond: perSecond(result.totalRows, ceilingLoadMs),
            ratio: Number((ceilingLoadMs / seedLoadMs).toFixed(3)),
          },
          endToEnd: {
            seedRowsPerSecond: result.rowsPerSecond,
            ceilingRowsPerSecond: perSecond(result.totalRows, ceilingLoadMs + sharedMs),
            ratio: Number(((ceilingLoadMs + sharedMs) / result.elapsedMs).toFixed(3)),
          },
          seconds: {
            seedTotal: Number((result.elapsedMs / 1000).toFixed(2)),
            seedLoad: Number((seedLoadMs / 1000).toFixed(2)),
            ceilingLoad: Number((ceilingLoadMs / 1000).toFixed(2)),
            ...Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Number((v / 1000).toFixed(2))])),
          },
          perTable: Object.fromEntries(
            big.map((t) => [t, { rows: rows[t], seedRowsPerSecond: perSecond(rows[t]!, loads[t]!), ceilingRowsPerSecond: perSecond(rows[t]!, ceiling[t]!) }]),
          ),
        },
        null,
        2,
      ),
    );
  } finally {
    await db.close();
    await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.close();
    fs.rmSync(dir, { recursive: true, force: true });
    server?.stop();
  }
}

class RollbackOnPurpose extends Error {}

await main();
