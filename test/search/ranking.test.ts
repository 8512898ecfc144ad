import { beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../../src/db/db.js';
import { ENTITIES, search } from '../../src/search/index.js';
import { seed } from '../../src/seed/seed.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { exhaustive } from './exhaustive.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/**
 * devdb's page against the exhaustive order (exhaustive.ts). The default seed is small, so walks are cut short and windows made small to make
 * every plan run here (index, newest-first walks, walks that fall back to the index); the
 * benchmark checks the same on the large seed with the real thresholds.
 */
const TUNING = { indexRowCost: 6, walkSlack: 1, window: 200 };
const TERMS = 30;
/** Common words, a rare phrase of common words, a repeated word, symbols: the walks and their fallback, whatever is drawn. */
const FIXED = ['for', 'login page', 'fix on', 'login login', '%', 'c++', 'n+1'];

/** A small deterministic generator (seed 1001: the benchmark uses another). */
function rng(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One letter dropped, added, swapped with the next or replaced, at any place. */
function typo(word: string, next: () => number): string {
  const at = Math.floor(next() * word.length);
  const letter = LETTERS[Math.floor(next() * 26)]!;
  switch (Math.floor(next() * 4)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + letter + word.slice(at);
    case 2:
      return at + 1 < word.length ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : word.slice(0, at) + letter;
    default:
      return word.slice(0, at) + (letter === word[at] ? 'q' : letter) + word.slice(at + 1);
  }
}

/** Words, pairs of neighbouring words, and typos of words, from the seeded text and from the commonest words. */
async function drawTerms(db: Db): Promise<string[]> {
  const next = rng(1001);
  const texts = await db.query<{ text: string }>(
    'SELECT title AS text FROM tasks WHERE id % 37 = 0 UNION ALL SELECT body FROM comments WHERE id % 41 = 0 UNION ALL SELECT name FROM projects ORDER BY 1',
  );
  const common = (
    await db.query<{ word: string }>("SELECT word FROM task_title_words WHERE word ~ '^[a-z]{4,}$' ORDER BY row_count DESC, word LIMIT 30")
  ).map((r) => r.word);
  const phrases = texts.map((t) => t.text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length >= 2);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const terms: string[] = [];
  while (terms.length < TERMS) {
    const words = pick(phrases);
    const at = Math.floor(next() * (words.length - 1));
    const word = words[at]!;
    const kind = terms.length % 5;
    if (kind === 0 && word.length >= 3) terms.push(word);
    else if (kind === 1 && word.length >= 2 && words[at + 1]!.length >= 2) terms.push(`${word} ${words[at + 1]}`);
    else if (kind === 2 && word.length >= 4) terms.push(typo(word, next));
    else if (kind === 3) terms.push(typo(pick(common), next));
    else if (kind === 4) terms.push(`${pick(common)} ${pick(common)}`);
  }
  return terms;
}

/**
 * The searched tables' reads in the last transaction: pg_stat_xact_user_tables read as it starts and
 * before it commits (the view also holds counts of earlier transactions the session has not yet reported).
 */
function counting(db: Db): { db: Db; reads: () => { table: string; scans: number; rows: number }[] } {
  let last: { table: string; scans: number; rows: number }[] = [];
  const read = async (tx: Queryable) =>
    (
      await tx.query<{ table: string; scans: string; rows: string }>(
        `SELECT relname AS table, seq_scan + coalesce(idx_scan, 0) AS scans, seq_tup_read + coalesce(idx_tup_fetch, 0) AS rows
           FROM pg_stat_xact_user_tables WHERE relname = ANY($1::text[]) ORDER BY relname`,
        [ENTITIES.map((e) => e.table)],
      )
    ).map((r) => ({ table: r.table, scans: Number(r.scans), rows: Number(r.rows) }));
  const counted = Object.create(db) as Db;
  counted.transaction = (fn) =>
    db.transaction(async (tx) => {
      const before = await read(tx);
      const out = await fn(tx);
      last = (await read(tx)).map((r, i) => ({ table: r.table, scans: r.scans - before[i]!.scans, rows: r.rows - before[i]!.rows }));
      return out;
    });
  return { db: counted, reads: () => last };
}

/** Three letters in no key of any lexicon (so no word holds them), from a generator the other tests do not use. */
async function absentTriples(db: Db, count: number): Promise<string[]> {
  const next = rng(1002);
  const found: string[] = [];
  while (found.length < count) {
    const triple = Array.from({ length: 3 }, () => LETTERS[Math.floor(next() * 26)]).join('');
    const [hit] = await db.query(
      ENTITIES.map((e) => `SELECT 1 FROM ${e.lexicon} WHERE strpos(word, $1) > 0`).join(' UNION ALL ') + ' LIMIT 1',
      [triple],
    );
    if (!hit) found.push(triple);
  }
  return found;
}

for (const engine of engines) {
  describe(`search ranking on the default seed, on ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });
    let terms: string[] = [];
    beforeAll(async () => {
      await seed(t.db);
      terms = await drawTerms(t.db);
    }, 180_000);

    it('gives the top 20 of the exhaustive order for 30 drawn terms and the fixed ones, through every plan', async () => {
      const reads = new Set<string>();
      for (const term of [...terms, ...FIXED]) {
        const result = await search(t.db, { term, tuning: TUNING });
        for (const e of result.entities) for (const s of e.steps) reads.add(s.read);
        for (const e of result.entities) reads.add(e.strategy);
        expect(
          result.hits.map((h) => `${h.kind}:${h.id}:${h.rank}`),
          term,
        ).toEqual(await exhaustive(t.db, term, result));
      }
      expect([...reads].sort(), [...reads].sort().join(' | ')).toEqual(
        expect.arrayContaining([
          'index',
          'none',
          'recency',
          'recency-budget',
          'recency-budget ×2',
          'skip',
          'window',
          'window, then index',
          'window, then recency-budget',
          'window, then recency-budget, then index',
        ]),
      );
    });

    it('reads no row of the searched tables for a term the lexicons prove absent', async () => {
      const counted = counting(t.db);
      // The counts count: a word in the data is read for real.
      await search(counted.db, { term: 'login' });
      expect(counted.reads().some((r) => r.rows > 0)).toBe(true);
      const triples = await absentTriples(t.db, 6);
      const absent = [...triples, `login ${triples[0]}`, `${triples[1]} page`, '🚀', '<§>', `${triples[2]}-${triples[3]}`];
      for (const term of absent) {
        const result = await search(counted.db, { term });
        expect(result.hits, term).toEqual([]);
        expect(
          result.entities.map((e) => e.strategy),
          term,
        ).toEqual(['none', 'none', 'none']);
        expect(counted.reads(), term).toEqual(
          ENTITIES.map((e) => ({ table: e.table, scans: 0, rows: 0 })).sort((a, b) => a.table.localeCompare(b.table)),
        );
      }
    });

    it('reads only the corrections of a typo the lexicons prove absent, none of its exact classes', async () => {
      const next = rng(1003);
      const common = (
        await t.db.query<{ word: string }>("SELECT word FROM task_title_words WHERE word ~ '^[a-z]{6,}$' ORDER BY row_count DESC LIMIT 10")
      ).map((r) => r.word);
      let checked = 0;
      for (const word of common) {
        const term = typo(word, next);
        const result = await search(t.db, { term, explain: true });
        if (result.entities.some((e) => e.strategy !== 'none')) continue; // the typo is another word of the data
        checked++;
        expect(
          result.plans!.map((p) => p.ranks),
          term,
        ).toEqual(result.plans!.map(() => [4]));
        expect(result.hits.length, term).toBeGreaterThan(0);
        expect(result.hits.every((h) => h.match === 'typo')).toBe(true);
      }
      expect(checked).toBeGreaterThanOrEqual(5);
    });

    it('finds a row inserted or updated after the seed, exactly and with a one-letter typo, first when it is the best match', async () => {
      const [task] = await t.db.query<{ id: number }>(
        "INSERT INTO tasks (project_id, title, created_by) VALUES (1, 'Quokka rollout checklist', 1) RETURNING id",
      );
      for (const term of ['quokka rollout', 'quokka', 'qokka', 'quokkz rollout']) {
        expect((await search(t.db, { term })).hits[0], term).toMatchObject({ kind: 'task', id: task!.id });
      }
      const [old] = await t.db.query<{ id: number }>('SELECT min(id) AS id FROM comments');
      await t.db.query("UPDATE comments SET body = 'The walrus deployment is postponed' WHERE id = $1", [old!.id]);
      for (const term of ['walrus deployment', 'walrus', 'walrsu']) {
        expect((await search(t.db, { term })).hits[0], term).toMatchObject({ kind: 'comment', id: old!.id });
      }
    });
  });
}
