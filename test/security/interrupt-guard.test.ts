import { afterEach, describe, expect, it } from 'vitest';
import { InterruptGuard, mayWrite } from '../../src/cli/interrupt.js';
import type { DevdbError } from '../../src/errors.js';
import { engines, useDatabase } from '../support/engines.js';

describe('mayWrite', () => {
  it.each([
    ['SELECT 1', false],
    // sql-case: lower and mixed case on purpose, mayWrite reads keywords whatever their case
    ['  select id FROM api_keys WHERE id = $1 FOR UPDATE', false],
    ['SELECT col_description(c.oid, 1) AS comment FROM pg_class c', false],
    ['WITH t AS (SELECT 1) SELECT * FROM t', false],
    ['WITH gone AS (DELETE FROM x RETURNING *) SELECT count(*) FROM gone', true],
    ['UPDATE api_keys SET last_used_at = now() WHERE id = 1', true],
    ['INSERT INTO audit_logs DEFAULT VALUES', true],
    ['CREATE INDEX CONCURRENTLY i ON t (c)', true],
    ['-- a comment first\nSELECT 1', true],
    ["SET LOCAL lock_timeout = '100ms'", false],
    ["SET lock_timeout = '100ms'", true],
    ["SELECT setval('users_id_seq', 10)", true],
    ["SELECT nextval('users_id_seq')", true],
  ])('%s: %s', (text, expected) => {
    expect(mayWrite(text)).toBe(expected);
  });
});

for (const engine of engines) {
  describe(`InterruptGuard over ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });
    const reported: DevdbError[] = [];
    let guard: InterruptGuard;
    const fresh = () => {
      guard = new InterruptGuard(
        (error) => reported.push(error),
        () => {},
      );
      return guard;
    };
    afterEach(() => guard.uninstall());

    it('after a signal the next call throws; a transaction in progress rolls back; nothing was changed', async () => {
      await t.db.exec('CREATE TABLE IF NOT EXISTS guard_probe (n int); TRUNCATE guard_probe');
      const g = fresh();
      const outcome = await g
        .around(async () => {
          const db = g.wrap(t.db);
          expect(db.engine).toBe(t.db.engine);
          expect(db.location).toBe(t.db.location);
          await db.query('SELECT 1');
          await db.transaction(async (tx) => {
            await tx.query('INSERT INTO guard_probe VALUES (1)');
            g.receive('SIGTERM');
            await tx.query('INSERT INTO guard_probe VALUES (2)');
          });
        })
        .catch((error: DevdbError) => error);
      expect(outcome).toMatchObject({
        code: 'E_INTERRUPTED',
        exitCode: 143,
        message: 'interrupted: nothing was changed',
        details: { signal: 'SIGTERM' },
      });
      expect(await t.db.query('SELECT n FROM guard_probe')).toEqual([]);
      expect(reported).toEqual([]);
    });

    it('still says nothing was changed after a transaction that only read (the seed looks at its tables in one)', async () => {
      await t.db.exec('TRUNCATE guard_probe');
      const g = fresh();
      const outcome = await g
        .around(async () => {
          const db = g.wrap(t.db);
          await db.transaction(async (tx) => {
            await tx.exec("SET LOCAL lock_timeout = '100ms'");
            await tx.query('SELECT n FROM guard_probe');
          });
          g.receive('SIGINT');
          await db.query('SELECT 1');
        })
        .catch((error: DevdbError) => error);
      expect(outcome).toMatchObject({ code: 'E_INTERRUPTED', exitCode: 130, message: 'interrupted: nothing was changed' });
    });

    it('says what was kept once a write had been committed', async () => {
      await t.db.exec('TRUNCATE guard_probe');
      const g = fresh();
      const outcome = await g
        .around(async () => {
          const db = g.wrap(t.db);
          await db.transaction((tx) => tx.query('INSERT INTO guard_probe VALUES (1)'));
          g.receive('SIGINT');
          await db.query('SELECT 1');
        })
        .catch((error: DevdbError) => error);
      expect(outcome).toMatchObject({
        code: 'E_INTERRUPTED',
        exitCode: 130,
        message: 'interrupted: the transaction in progress was rolled back; steps committed before it were kept',
      });
      expect(await t.db.query('SELECT n FROM guard_probe')).toEqual([{ n: 1 }]);
    });

    it('a COPY stops between chunks of its source', async () => {
      await t.db.exec('TRUNCATE guard_probe');
      const g = fresh();
      async function* rows() {
        for (let n = 0; n < 1000; n++) {
          if (n === 500) g.receive('SIGINT');
          yield `${n}\n`;
        }
      }
      const outcome = await g
        .around(() => g.wrap(t.db).transaction((tx) => tx.copyFrom('guard_probe', ['n'], rows())))
        .catch((error: DevdbError) => error);
      expect(outcome).toMatchObject({ code: 'E_INTERRUPTED', message: 'interrupted: nothing was changed' });
      expect(await t.db.query('SELECT count(*)::int AS n FROM guard_probe')).toEqual([{ n: 0 }]);
    });
  });
}
