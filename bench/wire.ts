/**
 * What running the served PGlite on its own thread costs: `npm run bench:wire` (JSON on stdout).
 *
 * The same protocol requests, in one run, (1) on PGlite in this thread (the baseline: how the
 * wire server drove it before) and (2) through PgliteThread (a worker; every request and its
 * output cross threads). Then end to end: postgres.js against `serve()` (the worker) for one
 * client and for 8 at once, beside the same client against a throwaway PostgreSQL when one can
 * be started. Latencies in ms: p50/p95/p99/max per request, and ratios of p50s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { createPglite } from '../src/db/pglite-adapter.js';
import { PgliteThread } from '../src/db/pglite-thread.js';
import { serve } from '../src/server/serve.js';
import { querySimple } from '../src/server/protocol.js';
import { findPostgresBin, startPostgres } from '../test/support/postgres-server.js';

const N = Number(process.env.BENCH_REQUESTS ?? 2000);
const QUERIES: Record<string, string> = {
  'SELECT 1': 'SELECT 1',
  '100 rows': 'SELECT g, md5(g::text) AS h FROM generate_series(1, 100) g',
  '10k rows': "SELECT g, repeat('x', 40) AS pad FROM generate_series(1, 10000) g",
};

interface Summary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function summary(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3));
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Number(sorted.at(-1)!.toFixed(3)) };
}

async function timed(count: number, run: () => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < Math.min(200, count); i++) await run(); // warm up
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return summary(times);
}

const ratio = (a: Summary, b: Summary) => Number((a.p50 / b.p50).toFixed(2));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-wire-'));
const dataDir = path.join(root, '.devdb');
try {
  const engine: Record<string, { inThread: Summary; worker: Summary; ratio: number }> = {};
  const pg = await createPglite(dataDir);
  const inThread: Record<string, Summary> = {};
  for (const [name, sql] of Object.entries(QUERIES)) {
    const count = name === '10k rows' ? N / 10 : N;
    inThread[name] = await timed(count, () => pg.execProtocolRawStream(querySimple(sql), { onRawData: () => {} }));
  }
  await pg.close();
  const thread = await PgliteThread.start(dataDir);
  for (const [name, sql] of Object.entries(QUERIES)) {
    const count = name === '10k rows' ? N / 10 : N;
    const worker = await timed(count, () => thread.exec(querySimple(sql), (_chunk, sent) => sent()));
    engine[name] = { inThread: inThread[name]!, worker, ratio: ratio(worker, inThread[name]!) };
  }
  await thread.close();

  const server = await serve({ dataDir, port: 0, host: '127.0.0.1' });
  const endToEnd: Record<string, unknown> = {};
  try {
    const one = postgres(server.info.url, { max: 1, onnotice: () => {} });
    const eight = postgres(server.info.url, { max: 8, onnotice: () => {} });
    for (const [name, sql] of Object.entries(QUERIES)) {
      const count = name === '10k rows' ? N / 10 : N;
      endToEnd[name] = {
        oneClient: await timed(count, () => one.unsafe(sql)),
        eightClients: await timed(count / 8, () => Promise.all(Array.from({ length: 8 }, () => eight.unsafe(sql)))),
      };
    }
    await one.end();
    await eight.end();
  } finally {
    await server.stop();
  }

  const bin = findPostgresBin();
  let postgresServer: Record<string, unknown> | null = null;
  if (bin) {
    const real = await startPostgres(bin);
    try {
      const one = postgres(real.url, { max: 1, onnotice: () => {} });
      postgresServer = {};
      for (const [name, sql] of Object.entries(QUERIES))
        postgresServer[name] = await timed(name === '10k rows' ? N / 10 : N, () => one.unsafe(sql));
      await one.end();
    } finally {
      real.stop();
    }
  }
  process.stdout.write(
    JSON.stringify(
      { requests: N, loadavg: os.loadavg().map((l) => Number(l.toFixed(2))), cpus: os.cpus().length, engine, endToEnd, postgresServer },
      null,
      2,
    ) + '\n',
  );
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
