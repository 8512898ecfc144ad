import { beforeEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/db.js';
import { copyRow } from '../../src/db/copy.js';
import { ENTITIES, rebuildLexicons } from '../../src/search/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { insertFixture } from './fixture.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

/** Every lexicon as the triggers left it, and as a recount from the tables says it must be. */
async function lexicons(db: Queryable): Promise<{ kept: unknown[]; recounted: unknown[] }> {
  const kept = [];
  const recounted = [];
  for (const e of ENTITIES) {
    kept.push(await db.query(`SELECT '${e.kind}' AS kind, word, row_count::int AS n FROM ${e.lexicon} ORDER BY word`));
    recounted.push(
      await db.query(
        `SELECT '${e.kind}' AS kind, w AS word, count(*)::int AS n FROM ${e.table}, search_words(${e.column}) AS w GROUP BY w ORDER BY w`,
      ),
    );
  }
  return { kept, recounted };
}

async function expectExact(db: Queryable): Promise<void> {
  const { kept, recounted } = await lexicons(db);
  expect(kept).toEqual(recounted);
}

for (const engine of engines) {
  describe(`search lexicons on ${engine}`, () => {
    const t = useDatabase(engine);
    beforeEach(() => insertFixture(t.db));

    it('counts each word once per row, lower-cased, after inserts', async () => {
      await t.db.query(
        "INSERT INTO tasks (id, project_id, title, created_by) VALUES (900, 1, 'Quokka QUOKKA zebrafish', 1), (901, 1, 'zebrafish-tank', 1)",
      );
      const rows = await t.db.query<{ word: string; n: number }>(
        "SELECT word, row_count::int AS n FROM task_title_words WHERE word IN ('quokka', 'zebrafish', 'tank') ORDER BY word",
      );
      expect(rows).toEqual([
        { word: 'quokka', n: 1 },
        { word: 'tank', n: 1 },
        { word: 'zebrafish', n: 2 },
      ]);
      await expectExact(t.db);
    });

    it('keeps runs of other characters as keys, and one key for the rows holding a run over 64 characters', async () => {
      const long = 'f'.repeat(65);
      await t.db.query(
        "INSERT INTO tasks (id, project_id, title, created_by) VALUES (900, 1, $1, 1), (901, 1, '100% (C++)', 1), (902, 1, $2, 1)",
        [`hash ${long} again ${long}`, `${'e'.repeat(64)} kept`],
      );
      const rows = await t.db.query<{ word: string; n: number }>(
        "SELECT word, row_count::int AS n FROM task_title_words WHERE word IN ('%', '(', '++)', ' ', 'hash', $1, $2) ORDER BY word",
        [long, 'e'.repeat(64)],
      );
      expect(rows).toEqual([
        { word: ' ', n: 1 },
        { word: '%', n: 2 }, // the fixture's "Discount 100% off_code" and "100% (C++)"
        { word: '(', n: 1 },
        { word: '++)', n: 1 },
        { word: 'e'.repeat(64), n: 1 },
        { word: 'hash', n: 1 },
      ]);
      await expectExact(t.db);
    });

    it('stays exact under updates (text and other columns), deletes, cascades and truncation', async () => {
      await t.db.query("UPDATE tasks SET title = 'Login page redesign' WHERE id = 10");
      await t.db.query("UPDATE tasks SET status = 'done' WHERE id = 11");
      await t.db.query("UPDATE projects SET name = name || ' v2'");
      await t.db.query("UPDATE comments SET body = 'Rewritten: ' || body WHERE id = 101");
      await expectExact(t.db);
      await t.db.query('DELETE FROM tasks WHERE id = 13'); // its comment goes too, through the cascade trigger
      await t.db.query("DELETE FROM comments WHERE body LIKE 'Someone%'");
      await expectExact(t.db);
      expect(await t.db.query("SELECT 1 FROM task_title_words WHERE word = 'pipeline'")).toEqual([]);
      await t.db.query('TRUNCATE comments');
      await expectExact(t.db);
      expect(await t.db.query('SELECT 1 FROM comment_body_words')).toEqual([]);
    });

    it('stays exact under COPY, in one transaction with later changes, and after a rollback', async () => {
      await t.db.transaction(async (tx) => {
        async function* rows() {
          for (let i = 0; i < 500; i++) yield copyRow([2000 + i, 2, `Copied task ${i % 7 === 0 ? 'walrus' : 'otter'} ${i}`, 1]);
        }
        await tx.copyFrom('tasks', ['id', 'project_id', 'title', 'created_by'], rows());
        await tx.query("UPDATE tasks SET title = 'walrus again' WHERE id BETWEEN 2001 AND 2010");
      });
      const [walrus] = await t.db.query<{ n: number }>("SELECT row_count::int AS n FROM task_title_words WHERE word = 'walrus'");
      expect(walrus!.n).toBe(72 + 10 - 1); // 72 multiples of 7 below 500, then ten titles rewritten (2007 already had it)
      await expectExact(t.db);
      await expect(
        t.db.transaction(async (tx) => {
          await tx.query("INSERT INTO tasks (project_id, title, created_by) VALUES (1, 'Rolled back narwhal', 1)");
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await t.db.query("SELECT 1 FROM task_title_words WHERE word = 'narwhal'")).toEqual([]);
    });

    it('can be rebuilt from the tables (a repair), giving the same counts', async () => {
      const before = await lexicons(t.db);
      await t.db.query('DELETE FROM task_title_words');
      await rebuildLexicons(t.db);
      expect((await lexicons(t.db)).kept).toEqual(before.kept);
    });
  });
}
