import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DevdbError } from '../../src/errors.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { MIGRATION_LOCK_KEY, migrateUp } from '../../src/migrate/index.js';
import { parseJson, runCli } from '../support/cli.js';
import { postgresUrl, scratch, type Scratch } from '../support/engines.js';

// Only a server has other sessions to race with; the embedded engine is guarded by its
// data-directory lock instead (test/db/adapters.test.ts).
describe.runIf(postgresUrl)('concurrent migrations on the real server', () => {
  let s: Scratch;
  beforeEach(async () => {
    s = await scratch('postgres', { migrated: false });
  });
  afterEach(() => s.dispose());

  it('two devdb migrate processes at once apply each migration exactly once', async () => {
    const [a, b] = await Promise.all([runCli(['migrate', '--json', ...s.args]), runCli(['migrate', '--json', ...s.args])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const applied = [
      ...parseJson<{ applied: { version: string }[] }>(a).applied,
      ...parseJson<{ applied: { version: string }[] }>(b).applied,
    ].map((m) => m.version);
    const db = await openPostgres(s.url!);
    try {
      const history = await db.query<{ version: string }>('SELECT version FROM devdb_migrations ORDER BY version');
      expect(applied.sort()).toEqual(history.map((h) => h.version));
      expect(new Set(applied).size).toBe(applied.length);
    } finally {
      await db.close();
    }
  });

  it('waits for the lock holder, and gives up naming the session that holds the lock and how to end it', async () => {
    const holder = await openPostgres(s.url!);
    const waiter = await openPostgres(s.url!);
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
      const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      const error = (await migrateUp(waiter, { lockTimeoutMs: 300 }).catch((e: unknown) => e)) as DevdbError;
      expect(error.code).toBe('E_LOCK_TIMEOUT');
      expect(error.message).toMatch(
        new RegExp(
          `^Another session has been migrating this database for over 0 s: server process ${pid} \\(application devdb, user \\w+, from [\\d.:a-f]+, state "idle" since \\d{4}-\\d\\d-\\d\\dT[^,]+, last query: SELECT pg_backend_pid\\(\\) AS pid\\)\\.`,
        ),
      );
      expect(error.message).toContain(
        `raise --lock-timeout, or, if that process is dead or stuck, end it with SELECT pg_terminate_backend(${pid});`,
      );
      expect(error.details).toMatchObject({ holder: { pid, state: 'idle' } });
      const cli = await runCli(['migrate', '--lock-timeout', '0', ...s.args]);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`Error: Another session has been migrating this database for over 0 s: server process ${pid} (`);

      const waiting = migrateUp(waiter, { lockTimeoutMs: 30_000 });
      setTimeout(() => void holder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]), 300);
      expect((await waiting).applied.length).toBeGreaterThan(0);
    } finally {
      await holder.close();
      await waiter.close();
    }
  });
});
