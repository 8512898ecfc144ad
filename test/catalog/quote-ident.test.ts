import { describe, expect, it } from 'vitest';
import { qualifiedName, quoteIdent, quoteLiteral } from '../../src/catalog/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

const NAMES = [
  'users',
  'Album',
  'end',
  'to',
  'class',
  'user profile',
  'a"b',
  'ça',
  '_x1',
  '1abc',
  'a$b',
  'select',
  'json_table',
  'trim',
  'x-y',
  '',
];

for (const engine of engines) {
  describe(`quoteIdent agrees with the server's quote_ident on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false, resetEach: false });

    it("quotes every keyword of the server's grammar and every awkward name exactly as quote_ident does", async () => {
      const keywords = (await t.db.query<{ word: string }>('SELECT word FROM pg_get_keywords()')).map((r) => r.word);
      const names = [...keywords, ...NAMES.filter(Boolean)];
      const rows = await t.db.query<{ name: string; quoted: string }>(
        'SELECT name, quote_ident(name) AS quoted FROM unnest(string_to_array($1, chr(1))) AS name',
        [names.join('\u0001')],
      );
      // A keyword newer than this server is quoted by devdb and not by it: still valid SQL (checked below).
      const mismatches = rows.filter((r) => quoteIdent(r.name) !== r.quoted && quoteIdent(r.name) !== `"${r.name}"`);
      expect(mismatches).toEqual([]);
      expect(rows).toHaveLength(names.length);
    });

    it('names that then work as identifiers and literals, whatever they hold', async () => {
      const tricky = ['end', 'Album', 'a"b', "it's", 'user profile'];
      await t.db.exec(`CREATE SCHEMA ${quoteIdent('My Schema')}`);
      for (const name of tricky) {
        await t.db.exec(
          `CREATE TABLE ${qualifiedName({ schema: 'My Schema', name })} (${quoteIdent(name)} int); COMMENT ON TABLE ${qualifiedName({ schema: 'My Schema', name })} IS ${quoteLiteral(name)};`,
        );
      }
      const rows = await t.db.query<{ relname: string; comment: string }>(
        "SELECT c.relname::text, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'My Schema' ORDER BY 1",
      );
      expect(rows.map((r) => [r.relname, r.comment])).toEqual([...tricky].sort().map((n) => [n, n]));
    });
  });
}
