import { beforeEach, describe, expect, it } from 'vitest';
import { countActiveKeys } from '../../src/keys/insert-key.js';
import { createKey, isLive, listKeys, revokeKey, rotateKey, verifyKey, type KeyState } from '../../src/keys/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { addUser, DAY, HOUR, later } from './fixtures.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

const T0 = new Date('2026-05-01T08:00:00Z');

/**
 * One definition of liveness (src/keys/key-state.ts), four readers: the state list shows, the
 * quota count, verify, and rotate. At every clock below they must agree key by key.
 */
for (const engine of engines) {
  describe(`key liveness on ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });
    beforeEach(async () => {
      await t.db.exec('TRUNCATE users, api_keys, audit_logs RESTART IDENTITY CASCADE');
      await t.db.exec("UPDATE tier_limits SET max_active_api_keys = 50 WHERE tier = 'premium'");
    });

    it('list, the quota count, verify and rotate agree on every key at every clock, boundaries included', async () => {
      const user = await addUser(t.db, 'lena@example.com', 'premium');
      const make = (name: string, expiresInMs?: number) =>
        createKey(t.db, { user: String(user), name, now: T0, ...(expiresInMs ? { expiresInMs } : {}) });
      const forever = await make('forever');
      const hour = await make('one hour', HOUR);
      const week = await make('ten days', 10 * DAY);
      const revoked = await make('revoked');
      await revokeKey(t.db, { key: String(revoked.key.id), now: later(T0, 1) });
      const rotated = await make('rotated');
      const successor = await rotateKey(t.db, { key: String(rotated.key.id), graceMs: 2 * HOUR, now: later(T0, 1) });
      const tokens = new Map(
        [forever, hour, week, revoked, rotated, { key: successor.key, token: successor.token }].map((k) => [k.key.id, k.token]),
      );

      const clocks = [
        later(T0, 2),
        later(T0, HOUR - 1),
        later(T0, HOUR),
        later(T0, 2 * HOUR + 1),
        later(T0, 3 * DAY + 1),
        later(T0, 10 * DAY),
        later(T0, 11 * DAY),
      ];
      const expected: Record<string, KeyState[]> = {
        forever: ['active', 'active', 'active', 'active', 'active', 'active', 'active'],
        'one hour': ['expiring', 'expiring', 'expired', 'expired', 'expired', 'expired', 'expired'],
        'ten days': ['active', 'active', 'active', 'active', 'expiring', 'expired', 'expired'],
        revoked: ['revoked', 'revoked', 'revoked', 'revoked', 'revoked', 'revoked', 'revoked'],
      };
      for (const [i, now] of clocks.entries()) {
        const { keys } = await listKeys(t.db, { user: String(user), now });
        for (const [name, states] of Object.entries(expected))
          expect(keys.find((k) => k.name === name)?.state, `${name} at clock ${i}`).toBe(states[i]);
        const live = keys.filter((k) => isLive(k.state));
        // The quota counts live keys that no rotation replaced.
        expect(await countActiveKeys(t.db, user, now), `count at clock ${i}`).toBe(live.filter((k) => k.replacedByKeyId === null).length);
        for (const key of keys) {
          const result = await verifyKey(t.db, tokens.get(key.id)!, { now });
          expect(result.valid, `verify ${key.name} #${key.id} (${key.state}) at clock ${i}`).toBe(isLive(key.state));
          if (!result.valid) expect(result.reason).toBe(key.state === 'revoked' ? 'revoked' : 'expired');
        }
      }
      // Rotate refuses exactly the keys that are not live (and the one already rotated).
      const end = later(T0, HOUR);
      for (const key of (await listKeys(t.db, { user: String(user), now: end })).keys) {
        const rotation = rotateKey(t.db, { key: String(key.id), now: end, graceMs: 0 });
        if (isLive(key.state) && key.replacedByKeyId === null)
          await expect(rotation).resolves.toMatchObject({ previous: { id: key.id }, token: expect.stringMatching(/^devdb_/) });
        else await expect(rotation, `${key.name} (${key.state})`).rejects.toMatchObject({ code: 'E_CONFLICT' });
      }
    });
  });
}
