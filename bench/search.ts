/**
 * npm run bench:search: devdb search against the naive three-table `UNION ALL ... <% ...
 * ORDER BY score`, on a real PostgreSQL server holding `devdb seed --scale large`, with the
 * same terms in the same run. Prints JSON (p50/p95/max per design and their ratio).
 *
 * BENCH_DATABASE_URL: use that database (seeded here when it holds no tasks yet); otherwise a
 * throwaway server is started and seeded (minutes), and stopped at the end.
 */
import type { Db } from '../src/db/db.js';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { migrateUp } from '../src/migrate/migrator.js';
import { search } from '../src/search/search.js';
import { seed } from '../src/seed/seed.js';
import { findPostgresBin, startPostgres, type PostgresServer } from '../test/support/postgres-server.js';

const TERMS_PER_KIND = 30;
const LIMIT = 20;

const NAIVE = `SELECT * FROM (
  SELECT 'project' AS kind, id, word_similarity($1, name) AS score FROM projects WHERE $1 <% name
  UNION ALL SELECT 'task', id, word_similarity($1, title) FROM tasks WHERE $1 <% title
  UNION ALL SELECT 'comment', id, word_similarity($1, body) FROM comments WHERE $1 <% body
) hits ORDER BY score DESC LIMIT ${LIMIT}`;

/** A small deterministic generator, so every run benches the same terms. */
function rng(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** One missing, extra or changed letter, away from the first letter. */
function typo(word: string, next: () => number): string {
  const at = 1 + Math.floor(next() * (word.length - 1));
  const letter = 'abcdefghijklmnopqrstuvwxyz'[Math.floor(next() * 26)]!;
  const kind = Math.floor(next() * 3);
  if (kind === 0) return word.slice(0, at) + word.slice(at + 1);
  if (kind === 1) return word.slice(0, at) + letter + word.slice(at);
  const changed = letter === word[at] ? (letter === 'z' ? 'a' : String.fromCharCode(letter.charCodeAt(0) + 1)) : letter;
  return word.slice(0, at) + changed + word.slice(at + 1);
}

async function pickTerms(db: Db): Promise<{ kind: string; term: string }[]> {
  const next = rng(7);
  const texts = await db.query<{ text: string }>(
    `(SELECT title AS text FROM tasks TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT 400)
     UNION ALL (SELECT body FROM comments TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT 400)
     UNION ALL (SELECT name FROM projects TABLESAMPLE SYSTEM (5) REPEATABLE (7) LIMIT 100)`,
  );
  const phrases = texts.map((t) => t.text.toLowerCase().match(/[a-z]+/g) ?? []).filter((words) => words.length >= 2);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const longWord = (words: string[]) => words.filter((w) => w.length >= 6);
  const terms: { kind: string; term: string }[] = [];
  const add = (kind: string, make: () => string | undefined) => {
    for (let n = 0, tries = 0; n < TERMS_PER_KIND && tries < 10_000; tries++) {
      const term = make();
      if (term) terms.push({ kind, term }), n++;
    }
  };
  add('one word', () => pick(longWord(pick(phrases))));
  add('two words', () => {
    const words = pick(phrases);
    const at = Math.floor(next() * (words.length - 1));
    return words[at]!.length >= 3 && words[at + 1]!.length >= 3 ? `${words[at]} ${words[at + 1]}` : undefined;
  });
  add('one word, typo', () => {
    const word = pick(longWord(pick(phrases)));
    return word ? typo(word, next) : undefined;
  });
  add('two words, typo', () => {
    const words = pick(phrases);
    const at = Math.floor(next() * (words.length - 1));
    const [a, b] = [words[at]!, words[at + 1]!];
    if (a.length < 3 || b.length < 6) return undefined;
    return `${a} ${typo(b, next)}`;
  });
  return terms;
}

function stats(ms: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const round = (x: number) => Math.round(x * 10) / 10;
  return { p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted[sorted.length - 1]!) };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function main(): Promise<void> {
  let server: PostgresServer | undefined;
  let url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    const bin = findPostgresBin();
    if (!bin) throw new Error('No PostgreSQL binaries found: install postgresql, or set BENCH_DATABASE_URL.');
    server = await startPostgres(bin);
    url = server.url;
  }
  const db = await openPostgres(url);
  try {
    await migrateUp(db);
    const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks')) as [{ n: number }];
    let seeded: { ms: number } | undefined;
    if (n === 0) {
      process.stderr.write('seeding --scale large (once)…\n');
      seeded = { ms: Math.round(await time(() => seed(db, { scale: 'large' }))) };
    }
    const counts = await db.query<{ kind: string; n: number }>(
      "SELECT 'projects' AS kind, count(*)::int AS n FROM projects UNION ALL SELECT 'tasks', count(*)::int FROM tasks UNION ALL SELECT 'comments', count(*)::int FROM comments",
    );
    const terms = await pickTerms(db);

    // One untimed pass of both designs first: both are then measured on a warm cache.
    for (const { term } of terms) {
      await search(db, { term, limit: LIMIT });
      await db.query(NAIVE, [term]);
    }
    const searchMs: number[] = [];
    const naiveMs: number[] = [];
    const byKind: Record<string, number[]> = {};
    let fuzzyRuns = 0;
    let withHits = 0;
    for (const { kind, term } of terms) {
      let hits = 0;
      const ms = await time(async () => {
        const result = await search(db, { term, limit: LIMIT });
        hits = result.hits.length;
        if (result.fuzzyRan) fuzzyRuns++;
      });
      if (hits > 0) withHits++;
      searchMs.push(ms);
      (byKind[kind] ??= []).push(ms);
      naiveMs.push(await time(() => db.query(NAIVE, [term])));
    }
    const devdb = stats(searchMs);
    const naive = stats(naiveMs);
    const report = {
      bench: 'search',
      engine: 'postgres',
      server: (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]!.v,
      rows: Object.fromEntries(counts.map((c) => [c.kind, c.n])),
      ...(seeded ? { seededMs: seeded.ms } : {}),
      terms: terms.length,
      termsWithHits: withHits,
      fuzzyPasses: fuzzyRuns,
      limit: LIMIT,
      devdbSearchMs: devdb,
      devdbSearchMsByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, stats(v)])),
      naiveUnionAllMs: naive,
      speedup: { p50: Math.round((naive.p50 / devdb.p50) * 10) / 10, p95: Math.round((naive.p95 / devdb.p95) * 10) / 10 },
      sampleTerms: terms.filter((_, i) => i % 10 === 0).map((t) => t.term),
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } finally {
    await db.close();
    server?.stop();
  }
}

await main();
