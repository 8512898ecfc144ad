import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PGLITE_EXTENSIONS, PGLITE_EXTENSIONS_LEFT_OUT } from '../../src/db/pglite-extensions.js';
import { engines, useDatabase } from '../support/engines.js';

// Issue 22 case 10: every extension the installed PGlite ships is there for CREATE EXTENSION, as on a server.

const contrib = new URL('../../node_modules/@electric-sql/pglite/dist/contrib/', import.meta.url);

/** The extensions each bundle holds (its .control files): what CREATE EXTENSION names. auto_explain is a module, LOADed. */
const CONTROL_NAMES = [
  'amcheck', 'autoinc', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dict_int', 'dict_xsyn', 'earthdistance', 'file_fdw',
  'fuzzystrmatch', 'hstore', 'insert_username', 'intarray', 'isn', 'lo', 'ltree', 'moddatetime', 'pageinspect', 'pg_buffercache',
  'pg_freespacemap', 'pg_surgery', 'pg_trgm', 'pg_visibility', 'pg_walinspect', 'pgcrypto', 'refint', 'seg', 'tablefunc', 'tcn',
  'tsm_system_rows', 'tsm_system_time', 'unaccent', 'uuid-ossp',
]; // prettier-ignore

class RolledBack extends Error {}

const readmeRow = fs
  .readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  .split('\n')
  .find((line) => line.startsWith('| embedded (PGlite'))!;

describe('the PGlite extension list', () => {
  it("is the README's, name for name", () => {
    const listed = /every contrib bundle PGlite ships: ([^.(]+)/
      .exec(readmeRow)![1]!
      .split(', ')
      .map((name) => name.trim());
    expect(listed).toEqual(CONTROL_NAMES);
  });

  it('is every contrib bundle the installed package exports, but the one it cannot load safely', () => {
    const exported = fs
      .readdirSync(contrib)
      .filter((f) => f.endsWith('.js'))
      .map((f) => f.slice(0, -3))
      .sort();
    expect([...Object.keys(PGLITE_EXTENSIONS), ...Object.keys(PGLITE_EXTENSIONS_LEFT_OUT)].sort()).toEqual(exported);
  });
});

for (const engine of engines.filter((e) => e === 'pglite' || e === 'served')) {
  describe(`PGlite extensions on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });

    it('is the PostgreSQL version the README names', async () => {
      const [row] = await t.db.query<{ version: string }>("SELECT current_setting('server_version') AS version");
      expect(readmeRow).toContain(`| ${row!.version} |`);
    });

    it('every extension can be created, and its functions answer (compiled on first use)', async () => {
      const available = await t.db.query<{ name: string }>('SELECT name FROM pg_available_extensions ORDER BY 1');
      expect(available.map((a) => a.name)).toEqual(expect.arrayContaining(CONTROL_NAMES));
      const answers = await t.db
        .transaction(async (tx) => {
          for (const name of CONTROL_NAMES) await tx.exec(`CREATE EXTENSION IF NOT EXISTS "${name}" CASCADE`);
          await tx.exec("LOAD 'auto_explain'");
          const [row] = await tx.query<Record<string, unknown>>(
            `SELECT encode(digest('x'::text, 'sha256'), 'hex') AS sha,
                    length(uuid_generate_v4()::text) AS uuid,
                    'Ann'::citext = 'ANN' AS citext,
                    'a=>1'::hstore -> 'a' AS hstore,
                    nlevel('top.mid.leaf'::ltree) AS ltree,
                    levenshtein('kitten', 'sitting') AS levenshtein,
                    unaccent('Hôtel') AS unaccent,
                    similarity('devdb', 'devbd') > 0 AS trigram`,
          );
          throw new RolledBack(JSON.stringify(row));
        })
        .catch((error: unknown) => {
          if (error instanceof RolledBack) return JSON.parse(error.message) as Record<string, unknown>;
          throw error;
        });
      expect(answers).toEqual({
        sha: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881',
        uuid: 36,
        citext: true,
        hstore: '1',
        ltree: 3,
        levenshtein: 3,
        unaccent: 'Hotel',
        trigram: true,
      });
      expect(await t.db.query("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")).toEqual([]);
    });
  });
}
