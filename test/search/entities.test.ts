import { describe, expect, it } from 'vitest';
import { TRIGRAM_INDEXES } from '../../src/doctor/plan.js';
import { ENTITIES } from '../../src/search/index.js';
import { useDatabase } from '../support/engines.js';

/**
 * The search registry is one list (src/search/entities.ts). Adding an entity means a table
 * column with its trigram index, a lexicon with its four triggers, and nothing else: these
 * tests fail when any of it is missing, or when the schema maintains a lexicon the registry
 * does not know.
 */
describe('the search entity registry', () => {
  const t = useDatabase('pglite', { resetEach: false });

  it('is what doctor requires as trigram indexes', () => {
    expect(TRIGRAM_INDEXES.map((i) => [i.table, i.columns])).toEqual(ENTITIES.map((e) => [e.table, [e.column]]));
  });

  it('names, for each entity, a column, its trigram index, its keys index, its recency index and its lexicon', async () => {
    for (const e of ENTITIES) {
      const [column] = await t.db.query('SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2', [
        e.table,
        e.column,
      ]);
      expect(column, `${e.table}.${e.column}`).toBeDefined();
      const indexes = await t.db.query<{ indexname: string; indexdef: string }>(
        'SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1',
        [e.table],
      );
      expect(indexes.find((i) => i.indexname === e.index)?.indexdef, e.index).toMatch(new RegExp(`gin \\(${e.column} gin_trgm_ops\\)`));
      expect(indexes.find((i) => i.indexname === e.keysIndex)?.indexdef, e.keysIndex).toMatch(
        new RegExp(`gin \\(search_keys\\(${e.column}, true\\)\\)`),
      );
      expect(indexes.find((i) => i.indexname === e.recencyIndex)?.indexdef, e.recencyIndex).toMatch(/btree \(id\)/);
      const [lexicon] = await t.db.query('SELECT 1 FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE $2', [
        e.lexicon,
        '%gin (word gin_trgm_ops)%',
      ]);
      expect(lexicon, `${e.lexicon} and its trigram index`).toBeDefined();
    }
  });

  it('matches the lexicon triggers of the schema, both ways', async () => {
    const triggers = await t.db.query<{ table: string; definition: string }>(
      `SELECT c.relname AS table, pg_get_triggerdef(g.oid) AS definition FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
        JOIN pg_proc p ON p.oid = g.tgfoid WHERE p.proname IN ('search_words_count', 'search_words_clear') ORDER BY 1, 2`,
    );
    const expected = ENTITIES.flatMap((e) =>
      ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'].map((event) => ({
        table: e.table,
        event,
        args: event === 'TRUNCATE' ? `search_words_clear('${e.lexicon}')` : `search_words_count('${e.lexicon}', '${e.column}')`,
      })),
    );
    const found = triggers.map((g) => ({
      table: g.table,
      event: /AFTER (\w+) ON/.exec(g.definition)![1]!,
      args: /EXECUTE FUNCTION (.*)$/.exec(g.definition)![1]!,
    }));
    const key = (x: { table: string; event: string }) => `${x.table} ${x.event}`;
    expect([...found].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...expected].sort((a, b) => key(a).localeCompare(key(b))));
  });
});
