import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { search } from '../../src/search/index.js';
import { seed } from '../../src/seed/seed.js';
import { engines, useDatabase } from '../support/engines.js';
import { exhaustive } from './exhaustive.js';

/**
 * devdb's page against the exhaustive order (exhaustive.ts). The default seed is small, so the planner's thresholds are lowered to make
 * every plan run here (index, newest-first walks, walks that fall back to the index); the
 * benchmark checks the same on the large seed with the real thresholds.
 */
const TUNING = { rareRows: 40, scanBudget: 150 };
const TERMS = 30;
/** Common words and a rare phrase of common words: the walks and their fallback, whatever is drawn. */
const FIXED = ['for', 'login page', 'fix on'];

/** A small deterministic generator (seed 1001: the benchmark uses another). */
function rng(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

async function drawTerms(db: Db): Promise<string[]> {
  const next = rng(1001);
  const texts = await db.query<{ text: string }>(
    'SELECT title AS text FROM tasks WHERE id % 37 = 0 UNION ALL SELECT body FROM comments WHERE id % 41 = 0 UNION ALL SELECT name FROM projects ORDER BY 1',
  );
  const phrases = texts.map((t) => t.text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length >= 2);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const terms: string[] = [];
  while (terms.length < TERMS) {
    const words = pick(phrases);
    const at = Math.floor(next() * (words.length - 1));
    const word = words[at]!;
    const kind = terms.length % 3;
    if (kind === 0 && word.length >= 3) terms.push(word);
    else if (kind === 1 && word.length >= 2 && words[at + 1]!.length >= 2) terms.push(`${word} ${words[at + 1]}`);
    else if (kind === 2 && word.length >= 4) {
      const i = Math.floor(next() * word.length);
      terms.push(word.slice(0, i) + 'q' + word.slice(i + 1));
    }
  }
  return terms;
}

for (const engine of engines) {
  describe(`search ranking on the default seed, on ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });
    let terms: string[] = [];
    beforeAll(async () => {
      await seed(t.db);
      terms = await drawTerms(t.db);
    }, 180_000);

    it('gives the top 20 of the exhaustive order for 30 drawn terms and 3 common ones, through every plan', async () => {
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
      expect([...reads].sort()).toEqual(expect.arrayContaining(['index', 'recency', 'recency-budget', 'recency-budget, then index']));
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
