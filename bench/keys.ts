/**
 * The keys benchmark: `npm run bench:keys` (JSON on stdout).
 *
 * What a `devdb keys verify` costs against the least any verifier must do (one indexed lookup
 * by display prefix), on PGlite and, when one can be had, a real server; and what SHA-256
 * storage costs against a slow password KDF (scrypt), the choice docs/decisions.md explains.
 * BENCH_DATABASE_URL points at an existing empty database; otherwise a throwaway server is
 * started when PostgreSQL binaries are installed.
 */
import { scryptSync } from 'node:crypto';
import type { Db } from '../src/db/db.js';
import { openPglite } from '../src/db/pglite-adapter.js';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { createKey, hashToken, verifyKey } from '../src/keys/index.js';
import { migrateUp } from '../src/migrate/migrator.js';
import { findPostgresBin, startPostgres } from '../test/support/postgres-server.js';

const USERS = 50;
const KEYS_PER_USER = 20;
const ROUNDS = 2_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function timeEach(
  tokens: string[],
  run: (token: string) => Promise<unknown>,
): Promise<{ p50Ms: number; p95Ms: number; perSecond: number }> {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await run(tokens[i % tokens.length]!);
    times.push(performance.now() - t0);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { p50Ms: round(percentile(times, 0.5)), p95Ms: round(percentile(times, 0.95)), perSecond: Math.round((ROUNDS / total) * 1000) };
}

async function benchEngine(db: Db) {
  await migrateUp(db);
  const tokens: string[] = [];
  for (let u = 0; u < USERS; u++) {
    await db.query("INSERT INTO users (email, password_hash, tier) VALUES ($1, 'x', 'premium')", [`bench${u}@example.com`]);
    for (let k = 0; k < KEYS_PER_USER; k++) tokens.push((await createKey(db, { user: `bench${u}@example.com`, name: `key ${k}` })).token);
  }
  const baseline = await timeEach(tokens, (token) =>
    db.query('SELECT id, hashed_key FROM api_keys WHERE display_prefix = $1', [token.slice(0, 14)]),
  );
  const valid = await timeEach(tokens, (token) => verifyKey(db, token));
  const badChecksum = await timeEach(tokens, (token) => verifyKey(db, token.slice(0, -1) + (token.endsWith('0') ? '1' : '0')));
  return {
    keys: tokens.length,
    rounds: ROUNDS,
    baselineLookup: baseline,
    verifyValid: valid,
    verifyBadChecksum: badChecksum,
    verifyToBaselineP50: Math.round((valid.p50Ms / baseline.p50Ms) * 100) / 100,
  };
}

function benchHashes() {
  const token = 'devdb_' + 'A'.repeat(36);
  const sha = (() => {
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) hashToken(token + i, undefined);
    return ((performance.now() - t0) / n) * 1000;
  })();
  const scrypt = (() => {
    const n = 10;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) scryptSync(token + i, 'salt', 32, { N: 16_384, r: 8, p: 1 });
    return ((performance.now() - t0) / n) * 1000;
  })();
  return { sha256Us: Math.round(sha * 100) / 100, scryptN16384Us: Math.round(scrypt), scryptToSha256: Math.round(scrypt / sha) };
}

const result: Record<string, unknown> = { hash: benchHashes() };
const pglite = await openPglite();
try {
  result.pglite = await benchEngine(pglite);
} finally {
  await pglite.close();
}
let url = process.env.BENCH_DATABASE_URL;
const bin = url ? undefined : findPostgresBin();
const server = bin ? await startPostgres(bin) : undefined;
url ??= server?.url;
if (url) {
  const db = await openPostgres(url);
  try {
    result.postgres = await benchEngine(db);
  } finally {
    await db.close();
    server?.stop();
  }
} else {
  result.postgres = 'skipped: no PostgreSQL binaries and no BENCH_DATABASE_URL';
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
