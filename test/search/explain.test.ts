import { beforeAll, describe, expect, it } from 'vitest';
import { search } from '../../src/search/search.js';
import { sqlEngines, useDatabase } from '../support/engines.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/**
 * Rows of varied words (md5 pieces, each in about one row) and one common word per table. The planner settings of each
 * read (plannerSettings in src/search/queries.ts) decide which index it uses, so no bulk is needed for that; what sizes
 * the data is the plan: "task" sits in every task title, more than DEFAULT_TUNING.rareRows (3000) rows, so it is walked
 * newest first rather than served from the trigram index.
 */
async function fillMany(db: Parameters<typeof search>[0]): Promise<void> {
  await db.exec(`
    INSERT INTO users (id, email, password_hash) VALUES (1, 'bulk@example.com', 'x');
    INSERT INTO projects (id, owner_id, name)
      SELECT g, 1, 'project ' || substr(md5('p' || g), 1, 10) || CASE WHEN g % 50 = 0 THEN ' shared' ELSE '' END FROM generate_series(1, 500) g;
    INSERT INTO tasks (project_id, title, created_by)
      SELECT 1 + g % 500, 'task ' || substr(md5('t' || g), 1, 10) || ' ' || substr(md5('u' || g), 1, 8) || CASE WHEN g % 50 = 0 THEN ' shared' ELSE '' END, 1
        FROM generate_series(1, 5000) g;
    INSERT INTO comments (project_id, entity_type, entity_id, author_id, body)
      SELECT 1 + g % 500, 'project', 1 + g % 500, 1, 'note ' || substr(md5('c' || g), 1, 10) || ' then ' || substr(md5('d' || g), 1, 12) || CASE WHEN g % 50 = 0 THEN ' shared' ELSE '' END
        FROM generate_series(1, 1000) g;
    ANALYZE projects; ANALYZE tasks; ANALYZE comments;
  `);
}

for (const engine of engines) {
  describe(`search plans on ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });
    beforeAll(() => fillMany(t.db));

    it('serves a rare word from the keys indexes, ranking every match', async () => {
      const [row] = await t.db.query<{ word: string }>("SELECT split_part(title, ' ', 2) AS word FROM tasks WHERE id = 4242");
      const result = await search(t.db, { term: row!.word, explain: true });
      expect(result.hits.map((h) => h.id)).toContain(4242);
      // Only tasks hold the word: the other lexicons prove it absent, so their tables are not read.
      expect(result.entities.map((e) => e.strategy)).toEqual(['none', 'index', 'none']);
      expect(result.plans!.map((p) => [p.kind, p.read, p.index, p.indexUsed])).toEqual([['task', 'index', 'tasks_title_keys_idx', true]]);
      expect(result.plans![0]!.plan).toContain('Bitmap Index Scan on tasks_title_keys_idx');
      // A word every table holds, in few rows: each table's keys index.
      const shared = await search(t.db, { term: 'shared', limit: 1000, explain: true });
      expect(shared.entities.map((e) => e.strategy)).toEqual(['index', 'index', 'index']);
      expect(shared.plans!.map((p) => [p.kind, p.read, p.index, p.indexUsed])).toEqual([
        ['project', 'index', 'projects_name_keys_idx', true],
        ['task', 'index', 'tasks_title_keys_idx', true],
        ['comment', 'index', 'comments_body_keys_idx', true],
      ]);
    });

    it('walks the primary key newest first for a common word, and stops when the page is full', async () => {
      const result = await search(t.db, { term: 'task', in: ['tasks'], explain: true });
      expect(result.entities[0]).toMatchObject({ strategy: 'recency', drive: { word: 'task', rows: 5000 } });
      expect(result.plans!.map((p) => [p.read, p.index, p.indexUsed])).toEqual([['recency-budget', 'tasks_pkey', true]]);
      expect(result.hits.map((h) => h.id)).toEqual(Array.from({ length: 20 }, (_, i) => 5000 - i));
    });

    it('serves the typo pass from the lexicon and then the keys index', async () => {
      const [row] = await t.db.query<{ word: string }>("SELECT split_part(body, ' ', 2) AS word FROM comments WHERE id = 777");
      const word = row!.word;
      const typo = word.slice(0, 7) + (word[7] === 'z' ? 'y' : 'z') + word.slice(8);
      const result = await search(t.db, { term: typo, explain: true });
      expect(result.hits.map((h) => [h.kind, h.id, h.match])).toContainEqual(['comment', 777, 'typo']);
      expect(result.entities[2]!.words[0]!.corrections!.map((c) => c.word)).toContain(word);
      expect(result.plans!.filter((p) => p.ranks[0] === 4).map((p) => [p.kind, p.read, p.indexUsed])).toContainEqual([
        'comment',
        'index',
        true,
      ]);
    });
  });
}
