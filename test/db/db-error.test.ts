import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/describe-error.js';
import { DbError, sqlState } from '../../src/db/db-error.js';
import { engines, useDatabase } from '../support/engines.js';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );

for (const engine of engines) {
  describe(`DbError from ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });

    it('every entry point (query, exec, transaction, copyFrom) throws DbError with the same fields on every engine', async () => {
      await t.db.exec('CREATE TABLE things (id int CONSTRAINT things_pk PRIMARY KEY); INSERT INTO things VALUES (1);');
      const errors = [
        await failure(t.db.query('INSERT INTO things VALUES ($1)', [1])),
        await failure(t.db.exec('INSERT INTO things VALUES (1)')),
        await failure(t.db.transaction((tx) => tx.query('INSERT INTO things VALUES (1)'))),
        await failure(t.db.copyFrom('things', ['id'], ['1\n'])),
      ];
      for (const error of errors) {
        expect(error).toBeInstanceOf(DbError);
        expect(error).toMatchObject({
          code: '23505',
          message: 'duplicate key value violates unique constraint "things_pk"',
          detail: 'Key (id)=(1) already exists.',
          schema: 'public',
          table: 'things',
          constraint: 'things_pk',
          severity: 'ERROR',
          position: undefined,
        });
        expect(sqlState(error)).toBe('23505');
      }
    });

    it('a COPY the server rejects after its last row fails (no hang) and rolls its transaction back', async () => {
      await t.db.exec('CREATE TABLE things (id int PRIMARY KEY); INSERT INTO things VALUES (1);');
      const error = await failure(
        t.db.transaction(async (tx) => {
          await tx.query('INSERT INTO things VALUES (2)');
          await tx.copyFrom('things', ['id'], ['3\n1\n']);
        }),
      );
      expect(error).toMatchObject({ code: '23505' });
      expect(await t.db.query('SELECT id FROM things ORDER BY id')).toEqual([{ id: 1 }]);
    });

    it('carries the position (a number, 1-based in characters) and the hint', async () => {
      const error = (await failure(t.db.query("SELECT 'é', nope(1)"))) as DbError;
      expect(error).toMatchObject({ code: '42883', position: 13, hint: expect.stringMatching(/^No function matches/) });
      const syntax = (await failure(t.db.exec('SELECT 1;\nSELEC 2;'))) as DbError;
      expect(syntax).toMatchObject({ code: '42601', position: 11 });
    });

    it('carries the context of an error raised inside a function', async () => {
      const error = (await failure(t.db.exec("DO $$ BEGIN RAISE EXCEPTION 'stop' USING HINT = 'h', DETAIL = 'd'; END $$"))) as DbError;
      expect(error).toMatchObject({
        code: 'P0001',
        message: 'stop',
        detail: 'd',
        hint: 'h',
        where: expect.stringMatching(/PL\/pgSQL function inline_code_block line 1/),
      });
    });

    it('is reported by the CLI as E_SQL with its SQLSTATE', async () => {
      const error = await failure(t.db.query('SELECT 1/0'));
      expect(describeError(error)).toMatchObject({
        code: 'E_SQL',
        message: 'The database refused the statement: division by zero (SQLSTATE 22012); a value is out of range or malformed: fix it.',
        details: { sqlState: '22012' },
      });
    });
  });
}
