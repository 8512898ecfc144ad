import { createHash, createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DevdbError } from '../../src/errors.js';
import { createKey } from '../../src/keys/create-key.js';
import { listKeys } from '../../src/keys/list-keys.js';
import { revokeKey } from '../../src/keys/revoke-key.js';
import { rotateKey } from '../../src/keys/rotate-key.js';
import { checksumOf, randomPartOf, TOKEN_PATTERN } from '../../src/keys/token.js';
import { verifyKey } from '../../src/keys/verify-key.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { addUser, auditRows, counts, DAY, dumpEverything, HOUR, later, rejection } from './fixtures.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

const T0 = new Date('2026-03-01T12:00:00Z');

for (const engine of engines) {
  describe(`API keys on ${engine}`, () => {
    const t = useDatabase(engine, { resetEach: false });
    let alice: number;
    beforeEach(async () => {
      await t.db.exec('TRUNCATE users, api_keys, audit_logs RESTART IDENTITY CASCADE');
      await t.db.exec("UPDATE tier_limits SET max_active_api_keys = CASE tier WHEN 'free' THEN 2 WHEN 'pro' THEN 10 ELSE 50 END");
      alice = await addUser(t.db, 'alice@example.com', 'free');
    });

    it('creates a key whose token is shown once and stored only as its SHA-256', async () => {
      const { key, token } = await createKey(t.db, { user: 'Alice@Example.com', name: '  ci  ', expiresInMs: 90 * DAY, now: T0 });
      expect(token).toMatch(TOKEN_PATTERN);
      expect(checksumOf(token.slice(0, -6))).toBe(token.slice(-6));
      expect(key).toMatchObject({
        userId: alice,
        userEmail: 'alice@example.com',
        name: 'ci',
        displayPrefix: token.slice(0, 14),
        state: 'active',
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(key.createdAt).toEqual(T0);
      expect(key.expiresAt).toEqual(later(T0, 90 * DAY));
      const [row] = await t.db.query<{ hashed_key: string }>('SELECT hashed_key FROM api_keys WHERE id = $1', [key.id]);
      expect(row!.hashed_key).toBe(createHash('sha256').update(token).digest('hex'));
      expect(await auditRows(t.db)).toEqual([
        {
          event_type: 'api_key.created',
          user_id: alice,
          entity_type: 'api_key',
          entity_id: key.id,
          data_json: { name: 'ci', display_prefix: key.displayPrefix, expires_at: later(T0, 90 * DAY).toISOString() },
        },
      ]);
    });

    it('stores HMAC-SHA-256 with a pepper, and a token checked without the pepper is unknown', async () => {
      const { key, token } = await createKey(t.db, { user: String(alice), name: 'peppered', now: T0, pepper: 'kitchen-secret' });
      const [row] = await t.db.query<{ hashed_key: string }>('SELECT hashed_key FROM api_keys WHERE id = $1', [key.id]);
      expect(row!.hashed_key).toBe(createHmac('sha256', 'kitchen-secret').update(token).digest('hex'));
      expect(await verifyKey(t.db, token, { now: T0, pepper: 'kitchen-secret' })).toMatchObject({ valid: true });
      expect(await verifyKey(t.db, token, { now: T0, pepper: 'another' })).toMatchObject({ valid: false, reason: 'unknown' });
    });

    it('refuses an unknown user, a bad name and a zero lifetime, and writes nothing', async () => {
      await expect(createKey(t.db, { user: 'nobody@example.com', name: 'x', now: T0 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
      await expect(createKey(t.db, { user: '999', name: 'x', now: T0 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
      await expect(createKey(t.db, { user: String(alice), name: '   ', now: T0 })).rejects.toMatchObject({ code: 'E_USAGE', exitCode: 2 });
      await expect(createKey(t.db, { user: String(alice), name: 'x'.repeat(101), now: T0 })).rejects.toMatchObject({ code: 'E_USAGE' });
      await expect(createKey(t.db, { user: String(alice), name: 'x', expiresInMs: 0, now: T0 })).rejects.toMatchObject({ code: 'E_USAGE' });
      expect(await counts(t.db)).toEqual({ keys: 0, audit: 0 });
    });

    it("enforces the tier's active-key quota; revoked, expired and rotated-out keys do not count", async () => {
      const first = await createKey(t.db, { user: String(alice), name: 'one', now: T0 });
      const second = await createKey(t.db, { user: String(alice), name: 'two', expiresInMs: DAY, now: T0 });
      const before = await counts(t.db);
      const error = await rejection(createKey(t.db, { user: String(alice), name: 'three', now: T0 }));
      expect(error).toBeInstanceOf(DevdbError);
      expect(error).toMatchObject({ code: 'E_QUOTA', exitCode: 1, details: { tier: 'free', limit: 2, active: 2 } });
      expect(error.message).toContain('alice@example.com');
      expect(error.message).toContain('free tier allows 2');
      expect(await counts(t.db)).toEqual(before);

      // Rotating at the quota works: the rotated-out key no longer counts.
      await rotateKey(t.db, { key: String(first.key.id), now: T0 });
      await expect(createKey(t.db, { user: String(alice), name: 'three', now: T0 })).rejects.toMatchObject({ code: 'E_QUOTA' });
      // Once 'two' expires there is room again.
      await createKey(t.db, { user: String(alice), name: 'three', now: later(T0, 2 * DAY) });
      await expect(createKey(t.db, { user: String(alice), name: 'four', now: later(T0, 2 * DAY) })).rejects.toMatchObject({
        code: 'E_QUOTA',
      });
      const third = (await listKeys(t.db, { user: String(alice), states: ['active'], now: later(T0, 2 * DAY) })).keys.find(
        (k) => k.name === 'three',
      )!;
      await revokeKey(t.db, { key: String(third.id), now: later(T0, 2 * DAY) });
      await createKey(t.db, { user: String(alice), name: 'four', now: later(T0, 2 * DAY) });
      const states = Object.fromEntries(
        (await listKeys(t.db, { user: String(alice), now: later(T0, 2 * DAY) })).keys.map((k) => [k.id, k.state]),
      );
      expect(states[second.key.id]).toBe('expired');
      expect(states[first.key.id]).toBe('expired');

      await t.db.exec("UPDATE tier_limits SET max_active_api_keys = 0 WHERE tier = 'pro'");
      await addUser(t.db, 'bob@example.com', 'pro');
      await expect(createKey(t.db, { user: 'bob@example.com', name: 'x', now: T0 })).rejects.toMatchObject({
        code: 'E_QUOTA',
        details: { tier: 'pro', limit: 0 },
      });
    });

    it('lists keys with their state and never their hash, filtered by user and state, with a limit', async () => {
      const bob = await addUser(t.db, 'bob@example.com', 'premium');
      const active = await createKey(t.db, { user: 'bob@example.com', name: 'active', now: T0 });
      const expiring = await createKey(t.db, { user: 'bob@example.com', name: 'expiring', expiresInMs: 10 * DAY, now: T0 });
      const expired = await createKey(t.db, { user: 'bob@example.com', name: 'expired', expiresInMs: HOUR, now: T0 });
      const revoked = await createKey(t.db, { user: 'bob@example.com', name: 'revoked', now: T0 });
      await revokeKey(t.db, { key: revoked.key.displayPrefix, now: T0 });
      await createKey(t.db, { user: 'alice@example.com', name: 'alice', now: T0 });
      const now = later(T0, 4 * DAY);

      const all = await listKeys(t.db, { now });
      expect(all.total).toBe(5);
      expect(all.keys.map((k) => k.userEmail)).toEqual(['alice@example.com', ...Array(4).fill('bob@example.com')]);
      const states = Object.fromEntries((await listKeys(t.db, { user: String(bob), now })).keys.map((k) => [k.name, k.state]));
      expect(states).toEqual({ active: 'active', expiring: 'expiring', expired: 'expired', revoked: 'revoked' });
      for (const key of all.keys) expect(Object.keys(key).some((k) => /hash/i.test(k))).toBe(false);

      const live = await listKeys(t.db, { user: 'bob@example.com', states: ['active', 'expiring'], now });
      expect(live.keys.map((k) => k.id).sort()).toEqual([active.key.id, expiring.key.id].sort());
      const limited = await listKeys(t.db, { limit: 2, now });
      expect(limited.keys).toHaveLength(2);
      expect(limited.total).toBe(5);
      expect((await listKeys(t.db, { states: ['expired'], now })).keys.map((k) => k.id)).toEqual([expired.key.id]);
      await expect(listKeys(t.db, { user: 'nobody@example.com', now })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    });

    it('rotates with a grace period: both keys work inside it, only the new one after it', async () => {
      const old = await createKey(t.db, { user: String(alice), name: 'deploy', expiresInMs: 30 * DAY, now: T0 });
      const rotatedAt = later(T0, 5 * DAY);
      const rotated = await rotateKey(t.db, { key: String(old.key.id), graceMs: 24 * HOUR, now: rotatedAt });
      expect(rotated.token).toMatch(TOKEN_PATTERN);
      expect(rotated.token).not.toBe(old.token);
      expect(rotated.key).toMatchObject({ userId: alice, name: 'deploy', replacesKeyId: old.key.id, state: 'active' });
      // The new key gets the old key's lifetime, counted from the rotation.
      expect(rotated.key.expiresAt).toEqual(later(rotatedAt, 30 * DAY));
      expect(rotated.previous).toMatchObject({ id: old.key.id, state: 'expiring', replacedByKeyId: rotated.key.id });
      expect(rotated.previous.expiresAt).toEqual(later(rotatedAt, 24 * HOUR));

      const inside = later(rotatedAt, 24 * HOUR - 1);
      expect(await verifyKey(t.db, old.token, { now: inside })).toMatchObject({ valid: true });
      expect(await verifyKey(t.db, rotated.token, { now: inside })).toMatchObject({ valid: true });
      const after = later(rotatedAt, 24 * HOUR);
      expect(await verifyKey(t.db, old.token, { now: after })).toMatchObject({ valid: false, reason: 'expired', key: { id: old.key.id } });
      expect(await verifyKey(t.db, rotated.token, { now: after })).toMatchObject({ valid: true });

      const events = (await auditRows(t.db)).map((r) => [
        r.event_type,
        r.entity_id,
        r.data_json.reason ?? r.data_json.replaced_by_key_id ?? r.data_json.replaced_key_id ?? null,
      ]);
      expect(events).toEqual([
        ['api_key.created', old.key.id, null],
        ['api_key.rotated', old.key.id, rotated.key.id],
        ['api_key.created', rotated.key.id, old.key.id],
        ['api_key.verify_failed', old.key.id, 'expired'],
      ]);
    });

    it('ends the old key at once with grace 0, and never extends a key that was due sooner', async () => {
      const a = await createKey(t.db, { user: String(alice), name: 'a', now: T0 });
      const now = later(T0, 60_000);
      const rotated = await rotateKey(t.db, { key: a.key.displayPrefix, graceMs: 0, now });
      expect(rotated.previous.state).toBe('expired');
      expect(rotated.previous.expiresAt).toEqual(now);
      expect(rotated.key.expiresAt).toBeNull();
      expect(await verifyKey(t.db, a.token, { now })).toMatchObject({ valid: false, reason: 'expired' });
      expect(await verifyKey(t.db, rotated.token, { now })).toMatchObject({ valid: true });

      const b = await createKey(t.db, { user: String(alice), name: 'b', expiresInMs: HOUR, now: T0 });
      const again = await rotateKey(t.db, { key: String(b.key.id), graceMs: 7 * DAY, expiresInMs: null, now: T0 });
      expect(again.previous.expiresAt).toEqual(later(T0, HOUR));
      expect(again.key.expiresAt).toBeNull();
    });

    it('refuses to rotate a revoked, an expired or an already rotated key, and changes nothing', async () => {
      const revoked = await createKey(t.db, { user: String(alice), name: 'r', now: T0 });
      await revokeKey(t.db, { key: String(revoked.key.id), now: T0 });
      const expired = await createKey(t.db, { user: String(alice), name: 'e', expiresInMs: HOUR, now: T0 });
      const now = later(T0, 2 * HOUR);
      const before = await counts(t.db);
      await expect(rotateKey(t.db, { key: String(revoked.key.id), now })).rejects.toMatchObject({
        code: 'E_CONFLICT',
        details: { state: 'revoked' },
      });
      await expect(rotateKey(t.db, { key: String(expired.key.id), now })).rejects.toMatchObject({
        code: 'E_CONFLICT',
        details: { state: 'expired' },
      });
      expect(await counts(t.db)).toEqual(before);

      const live = await createKey(t.db, { user: String(alice), name: 'l', now });
      const rotated = await rotateKey(t.db, { key: String(live.key.id), now });
      const error = await rejection(rotateKey(t.db, { key: String(live.key.id), now }));
      expect(error).toMatchObject({ code: 'E_CONFLICT', details: { replacedByKeyId: rotated.key.id } });
      expect(error.message).toContain(`rotate key ${rotated.key.id} instead`);
      await expect(rotateKey(t.db, { key: '12345', now })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    });

    it('takes a key id or display prefix, and refuses a whole token without echoing it', async () => {
      const { token } = await createKey(t.db, { user: String(alice), name: 'x', now: T0 });
      const error = await rejection(revokeKey(t.db, { key: token, now: T0 }));
      expect(error).toMatchObject({ code: 'E_USAGE' });
      expect(error.message).not.toContain(randomPartOf(token).slice(8));
      await expect(revokeKey(t.db, { key: 'devdb_nope', now: T0 })).rejects.toMatchObject({ code: 'E_USAGE' });
      await expect(revokeKey(t.db, { key: 'devdb_AAAAAAAA', now: T0 })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
      expect((await listKeys(t.db, { now: T0 })).keys[0]!.state).toBe('active');
    });

    it('revokes at once, even inside a grace period, and only once', async () => {
      const old = await createKey(t.db, { user: String(alice), name: 'svc', now: T0 });
      const rotated = await rotateKey(t.db, { key: String(old.key.id), graceMs: DAY, now: T0 });
      const revoked = await revokeKey(t.db, { key: String(old.key.id), now: later(T0, HOUR) });
      expect(revoked).toMatchObject({ state: 'revoked', revokedAt: later(T0, HOUR) });
      expect(await verifyKey(t.db, old.token, { now: later(T0, HOUR) })).toMatchObject({ valid: false, reason: 'revoked' });
      expect(await verifyKey(t.db, rotated.token, { now: later(T0, HOUR) })).toMatchObject({ valid: true });
      await expect(revokeKey(t.db, { key: String(old.key.id), now: later(T0, 2 * HOUR) })).rejects.toMatchObject({ code: 'E_CONFLICT' });
      const revokes = (await auditRows(t.db)).filter((r) => r.event_type === 'api_key.revoked');
      expect(revokes).toEqual([
        {
          event_type: 'api_key.revoked',
          user_id: alice,
          entity_type: 'api_key',
          entity_id: old.key.id,
          data_json: { name: 'svc', display_prefix: old.key.displayPrefix, state_before: 'expiring' },
        },
      ]);
    });

    it('tells each reason a token is invalid, audits each failure, and moves last_used_at on success', async () => {
      const { key, token } = await createKey(t.db, { user: String(alice), name: 'v', now: T0 });
      const flipped = token.slice(0, 20) + (token[20] === 'a' ? 'b' : 'a') + token.slice(21);
      const body = 'devdb_' + 'Z'.repeat(30);
      const stranger = body + checksumOf(body);
      expect(await verifyKey(t.db, 'ghp_notours', { now: T0 })).toEqual({ valid: false, reason: 'malformed', key: null });
      expect(await verifyKey(t.db, token.slice(0, -1), { now: T0 })).toEqual({ valid: false, reason: 'malformed', key: null });
      expect(await verifyKey(t.db, flipped, { now: T0 })).toEqual({ valid: false, reason: 'bad_checksum', key: null });
      expect(await verifyKey(t.db, stranger, { now: T0 })).toEqual({ valid: false, reason: 'unknown', key: null });
      // Same display prefix, different secret: still unknown.
      const twinBody = token.slice(0, 14) + 'Q'.repeat(22);
      expect(await verifyKey(t.db, twinBody + checksumOf(twinBody), { now: T0 })).toMatchObject({ valid: false, reason: 'unknown' });

      const used = later(T0, 3 * HOUR);
      expect(await verifyKey(t.db, token, { now: used })).toMatchObject({ valid: true, key: { id: key.id, lastUsedAt: used } });
      // A check stamped earlier (a slow client) never moves last_used_at backwards.
      expect(await verifyKey(t.db, token, { now: later(T0, HOUR) })).toMatchObject({ valid: true, key: { lastUsedAt: used } });

      const failures = (await auditRows(t.db)).filter((r) => r.event_type === 'api_key.verify_failed');
      expect(failures.map((f) => [f.data_json.reason, f.user_id, f.entity_id])).toEqual([
        ['malformed', null, null],
        ['malformed', null, null],
        ['bad_checksum', null, null],
        ['unknown', null, null],
        ['unknown', null, null],
      ]);
      expect((await auditRows(t.db)).some((r) => r.event_type === 'api_key.verify_failed' && r.data_json.reason === 'valid')).toBe(false);
    });

    it('leaves neither a token nor its random part anywhere in the database', async () => {
      const bob = await addUser(t.db, 'bob@example.com', 'pro');
      const tokens: string[] = [];
      const first = await createKey(t.db, { user: String(bob), name: 'one', expiresInMs: 30 * DAY, now: T0 });
      const second = await createKey(t.db, { user: 'alice@example.com', name: 'two', now: T0 });
      tokens.push(first.token, second.token);
      const rotated = await rotateKey(t.db, { key: String(first.key.id), now: later(T0, DAY) });
      const rotatedAgain = await rotateKey(t.db, { key: rotated.key.displayPrefix, graceMs: 0, now: later(T0, 2 * DAY) });
      tokens.push(rotated.token, rotatedAgain.token);
      for (const token of tokens) await verifyKey(t.db, token, { now: later(T0, 2 * DAY) });
      await verifyKey(t.db, second.token.slice(0, -1) + 'x', { now: T0 });
      await revokeKey(t.db, { key: String(second.key.id), now: later(T0, 3 * DAY) });
      await verifyKey(t.db, second.token, { now: later(T0, 3 * DAY) });

      const dump = await dumpEverything(t.db);
      expect(dump).toContain(first.key.displayPrefix);
      expect(dump).toContain('api_key.rotated');
      for (const token of tokens) {
        expect(dump).not.toContain(token);
        expect(dump).not.toContain(randomPartOf(token));
        expect(dump).not.toContain(token.slice(14, 36));
      }
    });
  });
}
