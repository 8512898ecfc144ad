import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { createKey } from '../../src/keys/create-key.js';
import { revokeKey } from '../../src/keys/revoke-key.js';
import { rotateKey } from '../../src/keys/rotate-key.js';
import { verifyKey } from '../../src/keys/verify-key.js';
import { engines, isServer, openScratch, scratch, type Scratch } from '../support/engines.js';
import { addUser } from './fixtures.js';

/**
 * Holds `lockSql` in a transaction on a third connection while both `racers` start, waits
 * until the server reports both of them blocked on a lock, then lets go: the two really run
 * at the same moment, whatever the scheduler does.
 */
async function raceBehindLock<T>(
  gate: Db,
  lockSql: string,
  params: unknown[],
  racers: (() => Promise<T>)[],
): Promise<{ settled: PromiseSettledResult<T>[]; blocked: number }> {
  let running: Promise<PromiseSettledResult<T>[]> | undefined;
  let blocked = 0;
  await gate.transaction(async (tx) => {
    await tx.query(lockSql, params);
    running = Promise.allSettled(racers.map((run) => run()));
    for (let attempt = 0; attempt < 500 && blocked < racers.length; attempt++) {
      await sleep(10);
      const [row] = await tx.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
      );
      blocked = row!.n;
    }
  });
  return { settled: await running!, blocked };
}

for (const engine of engines) {
  describe(`concurrent key changes on ${engine}`, () => {
    let s: Scratch;
    const open: Db[] = [];
    let a: Db;
    let b: Db;
    beforeEach(async () => {
      s = await scratch(engine);
      // PGlite is one connection per data folder: both "clients" share it and it serializes them.
      a = await openScratch(s);
      b = isServer(engine) ? await openScratch(s) : a;
      open.push(a, ...(b === a ? [] : [b]));
      await addUser(a, 'alice@example.com', 'free');
    });
    afterEach(async () => {
      for (const db of open.splice(0)) await db.close();
      await s.dispose();
    });

    it('two rotations of one key at the same moment make exactly one new key', async () => {
      const { key } = await createKey(a, { user: 'alice@example.com', name: 'ci' });
      const rotate = (db: Db) => () => rotateKey(db, { key: String(key.id) });
      let settled: PromiseSettledResult<Awaited<ReturnType<typeof rotateKey>>>[];
      if (isServer(engine)) {
        const gate = await openScratch(s);
        open.push(gate);
        const race = await raceBehindLock(gate, 'SELECT 1 FROM api_keys WHERE id = $1 FOR UPDATE', [key.id], [rotate(a), rotate(b)]);
        expect(race.blocked).toBe(2);
        settled = race.settled;
      } else {
        settled = await Promise.allSettled([rotate(a)(), rotate(b)()]);
      }
      expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failure = settled.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(failure.reason).toMatchObject({ code: 'E_CONFLICT' });
      const successors = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys WHERE replaced_key_id = $1', [key.id]);
      expect(successors[0]!.n).toBe(1);
      const audit = await a.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_logs WHERE event_type = 'api_key.rotated'");
      expect(audit[0]!.n).toBe(1);
    });

    it('two creates racing for the last quota slot make exactly one key', async () => {
      await createKey(a, { user: 'alice@example.com', name: 'first' });
      const create = (db: Db, name: string) => () => createKey(db, { user: 'alice@example.com', name });
      let settled: PromiseSettledResult<Awaited<ReturnType<typeof createKey>>>[];
      if (isServer(engine)) {
        const gate = await openScratch(s);
        open.push(gate);
        const race = await raceBehindLock(
          gate,
          "SELECT 1 FROM users WHERE email = 'alice@example.com' FOR NO KEY UPDATE",
          [],
          [create(a, 'x'), create(b, 'y')],
        );
        expect(race.blocked).toBe(2);
        settled = race.settled;
      } else {
        settled = await Promise.allSettled([create(a, 'x')(), create(b, 'y')()]);
      }
      expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((settled.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'E_QUOTA' });
      const [row] = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys');
      expect(row!.n).toBe(2);
    });

    it('a key revoked while it is being verified is reported revoked, not valid', async () => {
      const { key, token } = await createKey(a, { user: 'alice@example.com', name: 'ci' });
      let result: Awaited<ReturnType<typeof verifyKey>>;
      if (isServer(engine)) {
        const gate = await openScratch(s);
        open.push(gate);
        // The revocation holds the row while the verification reads the old, live row and then waits to stamp it.
        const race = await raceBehindLock(
          gate,
          'UPDATE api_keys SET revoked_at = created_at WHERE id = $1',
          [key.id],
          [() => verifyKey(b, token)],
        );
        expect(race.blocked).toBe(1);
        result = (race.settled[0] as PromiseFulfilledResult<typeof result>).value;
      } else {
        await revokeKey(a, { key: String(key.id) });
        result = await verifyKey(b, token);
      }
      expect(result).toMatchObject({ valid: false, reason: 'revoked', key: { id: key.id, state: 'revoked' } });
      const [row] = await a.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [key.id]);
      expect(row!.last_used_at).toBeNull();
    });
  });
}
