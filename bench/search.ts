/**
 * npm run bench:search [-- --engine postgres|pglite] [--scale large|medium|small] [--draw-seed N] [--verify N]
 *
 * devdb search over 275 terms drawn at random from the data with --draw-seed (default 24; the tests
 * draw with 1001-1003, so no test tuned the planner to these terms), in 17 categories: words of
 * 3-4, 5-7 and 8+ letters, neighbouring words, pairs of the most common words, a letter dropped,
 * added, swapped or replaced anywhere in a word and in one of the most common words, words under
 * three letters, words in one row, words in about half the rows of a table, nonsense, hostile
 * bytes, and words of rows inserted after the seed (exact and with a typo). Prints JSON:
 * p50/p95/p99/max per category and overall, the slowest 10 terms with their plans, and the naive
 * `UNION ALL … <% … ORDER BY word_similarity` baseline on every fourth term, in the same run, with
 * the ratio at p95 on those same terms. --verify N compares devdb's top 20 with the exhaustive SQL
 * order for N drawn terms (test/search/exhaustive.ts).
 *
 * BENCH_DATABASE_URL (postgres) or BENCH_DATA_DIR (pglite): use that database, seeded here when
 * it holds no tasks; otherwise postgres starts a throwaway server, pglite a temp folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Db } from '../src/db/db.js';
import { openPglite } from '../src/db/pglite-adapter.js';
import { openPostgres } from '../src/db/postgres-adapter.js';
import { migrateUp } from '../src/migrate/migrator.js';
import { ENTITIES, search, type SearchResult } from '../src/search/index.js';
import { seed } from '../src/seed/seed.js';
import type { Scale } from '../src/seed/profile.js';
import { exhaustive } from '../test/search/exhaustive.js';
import { findPostgresBin, startPostgres, type PostgresServer } from '../test/support/postgres-server.js';

const LIMIT = 20;
const NAIVE_EVERY = 4;
const NAIVE_TIMEOUT_MS = 60_000;

const NAIVE = `SELECT * FROM (
  SELECT 'project' AS kind, id, word_similarity($1, name) AS score FROM projects WHERE $1 <% name
  UNION ALL SELECT 'task', id, word_similarity($1, title) FROM tasks WHERE $1 <% title
  UNION ALL SELECT 'comment', id, word_similarity($1, body) FROM comments WHERE $1 <% body
) hits ORDER BY score DESC LIMIT ${LIMIT}`;

function rng(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const TYPOS = ['dropped', 'added', 'swapped', 'replaced'] as const;
type Typo = (typeof TYPOS)[number];

/** One letter dropped, added, swapped with the next or replaced, at `at`. */
function typo(word: string, kind: Typo, at: number, next: () => number): string {
  const letter = LETTERS[Math.floor(next() * 26)]!;
  if (kind === 'dropped') return word.slice(0, at) + word.slice(at + 1);
  if (kind === 'added') return word.slice(0, at) + letter + word.slice(at);
  if (kind === 'swapped') {
    const i = Math.min(at, word.length - 2);
    return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  }
  const changed = letter === word[at] ? LETTERS[(LETTERS.indexOf(letter) + 1) % 26]! : letter;
  return word.slice(0, at) + changed + word.slice(at + 1);
}

/** Input nobody should type, and people paste: SQL, markup, paths, wildcards, escapes, emoji, other scripts, invisible characters. */
const HOSTILE = [
  '%',
  '_',
  '\\',
  "'",
  '"',
  ';',
  '--',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '🚀',
  '🚀 launch',
  '../../etc/passwd',
  '\u0007bell',
  '%%%',
  '(((',
  '$1',
  '.*',
  '[a-z]+',
  '${1+1}',
  'שלום',
  'cafe\u0301',
  'zero\u200bwidth',
  'x'.repeat(2000),
  'SELECT * FROM tasks',
  'C:\\Windows\\System32',
];

interface Term {
  kind: string;
  term: string;
}

async function drawTerms(db: Db, next: () => number, inserted: string[]): Promise<Term[]> {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const [max] = await db.query<{ t: number; c: number; p: number }>(
    'SELECT (SELECT max(id) FROM tasks)::int AS t, (SELECT max(id) FROM comments)::int AS c, (SELECT max(id) FROM projects)::int AS p',
  );
  const ids = (top: number, n: number) => Array.from({ length: n }, () => 1 + Math.floor(next() * top));
  const texts = await db.query<{ text: string }>(
    `SELECT title AS text FROM tasks WHERE id = ANY($1::bigint[]) UNION ALL SELECT body FROM comments WHERE id = ANY($2::bigint[])
     UNION ALL SELECT name FROM projects WHERE id = ANY($3::bigint[])`,
    [ids(max!.t, 600), ids(max!.c, 600), ids(max!.p, 100)],
  );
  const rows = texts.map((t) => t.text.toLowerCase().match(/[a-z]+/g) ?? []).filter((w) => w.length >= 2);
  // The commonest words of each table: their typos share their trigrams, their pairs share their rows.
  const common = (
    await db.query<{ word: string }>(
      ENTITIES.map((e) => `(SELECT word FROM ${e.lexicon} WHERE word ~ '^[a-z]{2,}$' ORDER BY row_count DESC, word LIMIT 40)`).join(
        ' UNION ',
      ),
    )
  )
    .map((r) => r.word)
    .sort();
  const terms: Term[] = [];
  const add = (kind: string, count: number, make: () => string | undefined) => {
    for (let n = 0, tries = 0; n < count && tries < 20_000; tries++) {
      const term = make();
      if (!term) continue;
      terms.push({ kind, term });
      n++;
    }
  };
  const word = (min: number, max: number) => () => {
    const w = pick(pick(rows));
    return w.length >= min && w.length <= max ? w : undefined;
  };
  add('word 3-4 letters', 20, word(3, 4));
  add('word 5-7 letters', 20, word(5, 7));
  add('word 8+ letters', 20, word(8, 64));
  add('neighbouring words', 20, () => {
    const words = pick(rows);
    const at = Math.floor(next() * (words.length - 1));
    return words[at + 1] && words[at]!.length >= 2 && words[at + 1]!.length >= 3 ? `${words[at]} ${words[at + 1]}` : undefined;
  });
  add('pair of common words', 25, () => {
    const [a, b] = [pick(common), pick(common)];
    return a !== b ? `${a} ${b}` : undefined;
  });
  for (const kind of TYPOS) {
    add(`typo: ${kind} letter`, 15, () => {
      const w = word(4, 64)();
      return w ? typo(w, kind, Math.floor(next() * w.length), next) : undefined;
    });
  }
  add('typo of a common word', 25, () => {
    const w = pick(common.filter((c) => c.length >= 4));
    return typo(w, pick(TYPOS), Math.floor(next() * w.length), next);
  });
  add('word under 3 letters', 15, word(1, 2));
  const once = await db.query<{ word: string }>(
    `(SELECT word FROM task_title_words WHERE row_count = 1 AND word ~ '^[a-z]{4,}$' ORDER BY md5(word) LIMIT 200)
     UNION ALL (SELECT word FROM comment_body_words WHERE row_count = 1 AND word ~ '^[a-z]{4,}$' ORDER BY md5(word) LIMIT 200)`,
  );
  add('word in one row', 10, () => (once.length > 0 ? pick(once).word : undefined));
  const half = await db.query<{ word: string }>(
    `SELECT l.word FROM (${ENTITIES.map((e) => `SELECT word, row_count::float8 / greatest(1, (SELECT count(*) FROM ${e.table})) AS share FROM ${e.lexicon}`).join(' UNION ALL ')}) l
      WHERE l.word ~ '^[a-z]{3,}$' ORDER BY abs(l.share - 0.5), l.word LIMIT 15`,
  );
  add('word in about half the rows', 10, () => (half.length > 0 ? pick(half).word : undefined));
  add('nonsense', 15, () => Array.from({ length: 5 + Math.floor(next() * 5) }, () => LETTERS[Math.floor(next() * 26)]).join(''));
  const hostile = [...HOSTILE];
  add('hostile bytes', 15, () => hostile.splice(Math.floor(next() * hostile.length), 1)[0]);
  add('inserted after the seed', 10, () => pick(inserted));
  add('inserted after the seed, typo', 10, () => {
    const w = pick(inserted);
    return typo(w, pick(TYPOS), Math.floor(next() * w.length), next);
  });
  return terms;
}

/** Rows added after the seed, with invented words, so the triggers' lexicon upkeep is what finds them. */
async function insertRows(db: Db, next: () => number): Promise<{ words: string[]; ids: { tasks: number[]; comments: number[] } }> {
  const words = Array.from({ length: 20 }, () =>
    Array.from({ length: 6 + Math.floor(next() * 4) }, () => LETTERS[Math.floor(next() * 26)]).join(''),
  );
  const tasks = await db.query<{ id: number }>(
    "INSERT INTO tasks (project_id, title, created_by) SELECT 1, 'Bench ' || w || ' follow-up', 1 FROM unnest($1::text[]) AS w RETURNING id",
    [words.slice(0, 10)],
  );
  const comments = await db.query<{ id: number }>(
    "INSERT INTO comments (project_id, entity_type, entity_id, author_id, body) SELECT 1, 'project', 1, 1, 'Bench note about ' || w FROM unnest($1::text[]) AS w RETURNING id",
    [words.slice(10)],
  );
  return { words, ids: { tasks: tasks.map((r) => Number(r.id)), comments: comments.map((r) => Number(r.id)) } };
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(ms: number[]): Stats {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]!) };
}

/**
 * The CPU time a search costs the engine, which the machine's load does not inflate the way it does
 * wall time: the server backend's (/proc/<pid>/schedstat, a local server) or this process's (PGlite).
 */
async function cpuClock(db: Db, engine: string): Promise<{ cpu: () => Promise<number>; what: string }> {
  if (engine === 'pglite') {
    return { cpu: async () => process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000, what: 'this process (PGlite runs in it)' };
  }
  const [{ pid }] = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
  const file = `/proc/${pid}/schedstat`;
  if (!fs.existsSync(file)) return { cpu: async () => 0, what: 'unavailable (the server is not on this machine)' };
  return { cpu: async () => Number(fs.readFileSync(file, 'utf8').split(' ')[0]) / 1e6, what: 'the server backend (schedstat)' };
}

/** A term as the report shows it: long ones cut, invisible characters escaped. */
function shown(term: string): string {
  const cut = term.length > 60 ? `${term.slice(0, 20)}… (${term.length} characters)` : term;
  return JSON.stringify(cut).slice(1, -1);
}

/** Per table, the plan and how each class was read: `t:recency[0:index=3 …]`. */
function describePlan(result: SearchResult): string {
  return result.entities
    .map(
      (e) =>
        `${e.kind[0]}:${e.strategy}[${e.steps.map((s) => `${s.rank}:${s.read}${s.estimate !== null ? `~${s.estimate}` : ''}=${s.found}`).join(' ')}]`,
    )
    .join(' ');
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function open(engine: string): Promise<{ db: Db; close: () => Promise<void> }> {
  if (engine === 'pglite') {
    const dir = process.env.BENCH_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-bench-search-'));
    const db = await openPglite({ dataDir: dir });
    return { db, close: () => db.close() };
  }
  let server: PostgresServer | undefined;
  let url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    const bin = findPostgresBin();
    if (!bin) throw new Error('No PostgreSQL binaries found: install postgresql, or set BENCH_DATABASE_URL.');
    server = await startPostgres(bin);
    url = server.url;
  }
  const db = await openPostgres(url);
  return {
    db,
    close: async () => {
      await db.close();
      server?.stop();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'postgres' },
      scale: { type: 'string' },
      'draw-seed': { type: 'string', default: '24' },
      verify: { type: 'string', default: '0' },
    },
  });
  const engine = values.engine!;
  if (engine !== 'postgres' && engine !== 'pglite') throw new Error('--engine is postgres or pglite');
  const scale = (values.scale ?? (engine === 'pglite' ? 'medium' : 'large')) as Scale;
  const { db, close } = await open(engine);
  try {
    await migrateUp(db);
    const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks')) as [{ n: number }];
    let seededMs: number | undefined;
    if (n === 0) {
      process.stderr.write(`seeding --scale ${scale} (once)…\n`);
      seededMs = Math.round(await time(() => seed(db, { scale })));
    }
    const counts = await db.query<{ kind: string; n: number }>(
      "SELECT 'projects' AS kind, count(*)::int AS n FROM projects UNION ALL SELECT 'tasks', count(*)::int FROM tasks UNION ALL SELECT 'comments', count(*)::int FROM comments",
    );
    const drawSeed = Number(values['draw-seed']);
    const next = rng(drawSeed);
    const inserted = await insertRows(db, next);
    try {
      const terms = await drawTerms(db, next, inserted.words);
      for (const { term } of terms) await search(db, { term, limit: LIMIT }); // warm the cache: both designs are then timed warm
      const all: number[] = [];
      const byKind: Record<string, number[]> = {};
      const naiveMs: number[] = [];
      const devdbOnNaiveTerms: number[] = [];
      let withHits = 0;
      let naiveTimeouts = 0;
      const plans: Record<string, number> = {};
      const timed: { term: string; kind: string; ms: number; cpuMs: number; hits: number; plan: string }[] = [];
      const cpuAll: number[] = [];
      const { cpu, what: cpuWhat } = await cpuClock(db, engine);
      for (const [i, { kind, term }] of terms.entries()) {
        let result: SearchResult | undefined;
        const cpuBefore = await cpu();
        const ms = await time(async () => {
          result = await search(db, { term, limit: LIMIT });
        });
        for (const e of result!.entities) plans[e.strategy] = (plans[e.strategy] ?? 0) + 1;
        if (result!.hits.length > 0) withHits++;
        const cpuMs = (await cpu()) - cpuBefore;
        all.push(ms);
        cpuAll.push(cpuMs);
        timed.push({
          term: shown(term),
          kind,
          ms: Math.round(ms * 10) / 10,
          cpuMs: Math.round(cpuMs * 10) / 10,
          hits: result!.hits.length,
          plan: describePlan(result!),
        });
        (byKind[kind] ??= []).push(ms);
        if (i % NAIVE_EVERY === 0) {
          devdbOnNaiveTerms.push(ms);
          naiveMs.push(
            await time(async () => {
              try {
                await db.transaction(async (tx) => {
                  await tx.query(`SET LOCAL statement_timeout = ${NAIVE_TIMEOUT_MS}`);
                  await tx.query(NAIVE, [term]);
                });
              } catch {
                naiveTimeouts++;
              }
            }),
          );
        }
      }
      const verify = Number(values.verify);
      const mismatches: string[] = [];
      // Every kth term, so each category is checked.
      const checked = terms.filter((t) => !t.kind.startsWith('inserted'));
      for (const { term } of checked.filter((_, i) => i % Math.max(1, Math.floor(checked.length / verify)) === 0).slice(0, verify)) {
        const result = await search(db, { term, limit: LIMIT });
        const expected = await exhaustive(db, term, result);
        if (JSON.stringify(result.hits.map((h) => `${h.kind}:${h.id}:${h.rank}`)) !== JSON.stringify(expected))
          mismatches.push(shown(term));
      }
      const devdb = stats(devdbOnNaiveTerms);
      const naive = stats(naiveMs);
      const report = {
        bench: 'search',
        engine,
        server: (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]!.v,
        scale,
        drawSeed,
        drawSeedNote: 'the tests draw with seeds 1001-1003; these terms are tuned for by nobody',
        rows: Object.fromEntries(counts.map((c) => [c.kind, c.n])),
        ...(seededMs !== undefined ? { seededMs } : {}),
        load: os.loadavg().map((x) => Math.round(x * 10) / 10),
        terms: terms.length,
        termsWithHits: withHits,
        plans,
        limit: LIMIT,
        devdbMs: stats(all),
        devdbCpuMs: { what: cpuWhat, ...stats(cpuAll) },
        devdbMsByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, stats(v)])),
        naive: { everyNthTerm: NAIVE_EVERY, timeouts: naiveTimeouts, naiveMs: naive, devdbMsOnTheSameTerms: devdb },
        speedupAtP95: Math.round((naive.p95 / devdb.p95) * 10) / 10,
        ...(verify > 0 ? { rankingVerified: { terms: Math.min(verify, terms.length), mismatches } } : {}),
        slowest: [...timed].sort((a, b) => b.ms - a.ms).slice(0, 10),
        mostCpu: [...timed].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 10),
        sampleTerms: terms.filter((_, i) => i % 12 === 0).map((t) => shown(t.term)),
      };
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    } finally {
      await db.query('DELETE FROM comments WHERE id = ANY($1::bigint[])', [inserted.ids.comments]);
      await db.query('DELETE FROM tasks WHERE id = ANY($1::bigint[])', [inserted.ids.tasks]);
    }
  } finally {
    await close();
  }
}

await main();
