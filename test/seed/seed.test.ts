import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../../src/db/db.js';
import { DevdbError } from '../../src/errors.js';
import { DEFAULT_SEED_PASSWORD, verifyPassword } from '../../src/seed/password.js';
import { SEED_LOCK_KEY, seed } from '../../src/seed/seed.js';
import { SEEDED_TABLES } from '../../src/seed/tables.js';
import { TOKEN_PATTERN } from '../../src/keys/token.js';
import { engines, openScratch, scratch, sqlEngines, useDatabase } from '../support/engines.js';
import { CONSISTENCY_VIOLATIONS, QUOTA_VIOLATIONS, digests, expectSameBytesOnEveryEngine, rowCount, schemaShape } from './checks.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts). Concurrent seeds (locks, sessions)
// and the comparison of the bytes below run on all four.
for (const engine of sqlEngines()) {
  describe(`seed on ${engine}`, () => {
    const t = useDatabase(engine);

    it('fills every table, keeps every constraint and index exactly as migrated, and respects every tier quota', async () => {
      const before = await schemaShape(t.db);
      const result = await seed(t.db, { scale: 'tiny' });
      expect(result.tables.map((x) => x.table)).toEqual(SEEDED_TABLES);
      for (const table of result.tables) expect(table.rows, table.table).toBeGreaterThan(0);
      expect(result.users).toEqual({ free: 8, pro: 3, premium: 1 });
      for (const table of SEEDED_TABLES)
        expect(await rowCount(t.db, `SELECT 1 FROM "${table}"`), table).toBe(result.tables.find((x) => x.table === table)!.rows);
      // Dropped for the load and restored: same definitions, every constraint validated.
      expect(await schemaShape(t.db)).toEqual(before);
      for (const [name, sql] of Object.entries(QUOTA_VIOLATIONS)) expect(await rowCount(t.db, sql), name).toBe(0);
      for (const [name, sql] of Object.entries(CONSISTENCY_VIOLATIONS)) expect(await rowCount(t.db, sql), name).toBe(0);
    });

    it('gives the same bytes for the same seed, different ones for another seed', async () => {
      await seed(t.db, { scale: 'tiny', seed: 7 });
      const first = await digests(t.db);
      await seed(t.db, { scale: 'tiny', seed: 7, truncate: true });
      expect(await digests(t.db)).toEqual(first);
      await seed(t.db, { scale: 'tiny', seed: 8, truncate: true });
      const other = await digests(t.db);
      for (const table of ['users', 'projects', 'tasks', 'comments', 'api_keys']) expect(other[table], table).not.toBe(first[table]);
    });

    it('writes real-looking text, no lorem ipsum, with believable proportions', async () => {
      await seed(t.db, { scale: 'tiny', users: 30 });
      const textColumns = await t.db.query<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND data_type IN ('text', 'jsonb') AND table_name = ANY($1::text[])`,
        [SEEDED_TABLES],
      );
      expect(textColumns.length).toBeGreaterThan(20);
      for (const c of textColumns) {
        expect(
          await rowCount(t.db, `SELECT 1 FROM "${c.table_name}" WHERE "${c.column_name}"::text ~* '(lorem|ipsum|dolor sit|consectetur)'`),
          `${c.table_name}.${c.column_name}`,
        ).toBe(0);
      }
      const [p] = await t.db.query<{
        unread: number;
        suspicious: number;
        failed_with_code: number;
        replies: number;
        project_comments: number;
        both_sources: number;
        distinct_titles: number;
        tasks: number;
      }>(`
        SELECT (SELECT avg((NOT is_read)::int)::float8 FROM notifications) AS unread,
               (SELECT count(*)::int FROM sessions WHERE suspicious) AS suspicious,
               (SELECT count(*)::int FROM preview_jobs WHERE status = 'failed' AND error_code ~ '^[A-Z]') AS failed_with_code,
               (SELECT count(*)::int FROM comments WHERE parent_id IS NOT NULL) AS replies,
               (SELECT count(*)::int FROM comments WHERE entity_type = 'project') AS project_comments,
               (SELECT count(*)::int FROM task_attachments WHERE (r2_key IS NULL) = (external_url IS NULL)) AS both_sources,
               (SELECT count(DISTINCT title)::int FROM tasks) AS distinct_titles,
               (SELECT count(*)::int FROM tasks) AS tasks`);
      expect(p!.unread).toBeGreaterThan(0.05);
      expect(p!.unread).toBeLessThan(0.6);
      expect(p!.failed_with_code).toBeGreaterThan(0);
      expect(p!.replies).toBeGreaterThan(0);
      expect(p!.project_comments).toBeGreaterThan(0);
      expect(p!.both_sources).toBe(0);
      expect(p!.distinct_titles / p!.tasks).toBeGreaterThan(0.3);
      expect(
        await rowCount(t.db, "SELECT 1 FROM users WHERE email !~ '@example\\.(com|org|net)$|@mail\\.example\\.com$|@acme\\.example$'"),
      ).toBe(0);
      const statuses = await t.db.query<{ status: string }>('SELECT DISTINCT status::text AS status FROM tasks ORDER BY 1');
      expect(statuses.map((s) => s.status)).toEqual(['cancelled', 'done', 'in_progress', 'in_review', 'todo']);
    });

    it('stores one scrypt hash that verifies the development password, and API keys as SHA-256 only', async () => {
      await seed(t.db, { scale: 'tiny' });
      const hashes = await t.db.query<{ password_hash: string }>('SELECT DISTINCT password_hash FROM users');
      expect(hashes).toHaveLength(1);
      expect(hashes[0]!.password_hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
      expect(await verifyPassword(DEFAULT_SEED_PASSWORD, hashes[0]!.password_hash)).toBe(true);
      expect(await verifyPassword('wrong password', hashes[0]!.password_hash)).toBe(false);
      const keys = await t.db.query<{ hashed_key: string; display_prefix: string }>('SELECT hashed_key, display_prefix FROM api_keys');
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) {
        expect(k.hashed_key).toMatch(/^[0-9a-f]{64}$/);
        expect(k.display_prefix).toMatch(/^devdb_[0-9A-Za-z]{8}$/);
      }
      const tokenLike = TOKEN_PATTERN.source.replace(/^\^|\$$/g, '');
      for (const table of SEEDED_TABLES)
        expect(await rowCount(t.db, `SELECT 1 FROM "${table}" t WHERE t::text ~ $1`, [tokenLike]), table).toBe(0);
      // A rotation chain: the new key names the old one, whose grace period is over.
      expect(await rowCount(t.db, 'SELECT 1 FROM api_keys WHERE replaced_key_id IS NOT NULL')).toBeGreaterThan(0);
      expect(
        await rowCount(
          t.db,
          "SELECT 1 FROM api_keys n JOIN api_keys o ON o.id = n.replaced_key_id WHERE o.revoked_at IS NULL AND (o.expires_at IS NULL OR o.expires_at > '2026-11-01')",
        ),
      ).toBe(0);
    });

    it('leaves identity sequences past the seeded ids, so the application can insert', async () => {
      await seed(t.db, { scale: 'tiny' });
      const [max] = await t.db.query<{ id: number }>('SELECT max(id)::int AS id FROM users');
      const [row] = await t.db.query<{ id: number }>(
        "INSERT INTO users (email, password_hash) VALUES ('new.user@example.com', 'x') RETURNING id",
      );
      expect(row!.id).toBe(max!.id + 1);
      const [comment] = await t.db.query<{ id: number }>(
        "INSERT INTO comments (project_id, entity_type, entity_id, author_id, body) VALUES (1, 'project', 1, 1, 'Looks good') RETURNING id",
      );
      expect(comment!.id).toBe(await rowCount(t.db, 'SELECT 1 FROM comments'));
    });

    it('refuses a database with data unless told to truncate, and changes nothing when it refuses', async () => {
      await seed(t.db, { scale: 'tiny' });
      const before = await digests(t.db);
      const error = await seed(t.db, { scale: 'tiny', seed: 9 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DevdbError);
      expect((error as DevdbError).code).toBe('E_CONFLICT');
      expect((error as DevdbError).message).toContain('--truncate');
      expect(await digests(t.db)).toEqual(before);
    });

    it('rolls everything back when the load fails midway: old rows, indexes and keys all intact', async () => {
      await seed(t.db, { scale: 'tiny', seed: 3 });
      const rows = await digests(t.db);
      const shape = await schemaShape(t.db);
      const boom = seed(t.db, {
        scale: 'tiny',
        seed: 4,
        truncate: true,
        onProgress: (e) => {
          if (e.kind === 'table' && e.table === 'comments') throw new Error('interrupted');
        },
      });
      await expect(boom).rejects.toThrow('interrupted');
      expect(await digests(t.db)).toEqual(rows);
      expect(await schemaShape(t.db)).toEqual(shape);
    });

    it('seeds only the tiers asked for, and refuses a profile above a tier limit before touching anything', async () => {
      const result = await seed(t.db, { scale: 'tiny', users: 5, tiers: ['pro'] });
      expect(result.users).toEqual({ free: 0, pro: 5, premium: 0 });
      expect(await rowCount(t.db, "SELECT 1 FROM users WHERE tier <> 'pro'")).toBe(0);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-profile-'));
      try {
        const profile = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../seeds/default.json'), 'utf8'));
        profile.tiers.free.projects = [1, 4];
        fs.writeFileSync(path.join(dir, 'greedy.json'), JSON.stringify(profile));
        const error = await seed(t.db, { profile: path.join(dir, 'greedy.json'), truncate: true }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'E_INVALID' });
        expect((error as Error).message).toContain('tiers.free.projects goes up to 4 but tier_limits.max_projects for free is 3');
        expect(await rowCount(t.db, 'SELECT 1 FROM users')).toBe(5);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

// Two connections to one database, each with its own locks: a server's (a PGlite folder admits one process, a served one shares one session).
for (const engine of engines.filter((e) => e === 'postgres' || e === 'native')) {
  describe(`a seed meeting another seed's locks on ${engine}`, () => {
    it('is refused in one line, never cancelled as a deadlock, whichever table the other seed took first', async () => {
      const s = await scratch(engine, { migrated: false });
      const db = await openScratch(s);
      const other = await openScratch(s);
      try {
        await db.exec('CREATE TABLE alpha (id int PRIMARY KEY, note text); CREATE TABLE beta (id int PRIMARY KEY, note text);');
        for (const [first, second] of [
          ['alpha', 'beta'],
          ['beta', 'alpha'],
        ] as const) {
          // What a seed that holds the seed lock does: it takes the tables one by one (dropping their indexes, truncating).
          const outcome = await other.transaction(async (tx) => {
            await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [SEED_LOCK_KEY.toString()]);
            await tx.exec(`LOCK TABLE ${first} IN ACCESS EXCLUSIVE MODE`);
            const seeding = seed(db, { scale: 'tiny' }).then(
              () => 'seeded',
              (error: unknown) => error,
            );
            await waitForLookAtTables(tx);
            await tx.exec(`LOCK TABLE ${second} IN ACCESS EXCLUSIVE MODE`);
            // The other seed commits only once this one has answered: a seed still waiting here would wait forever.
            const waited = new Promise((resolve) => setTimeout(() => resolve(new Error('the seed waited for the locks')), 10_000).unref());
            return Promise.race([seeding, waited]);
          });
          expect(outcome, `${first} taken first`).toMatchObject({ code: 'E_CONFLICT' });
          expect((outcome as Error).message).toMatch(/^Another devdb seed is loading this database \(server process \d+\)/);
        }
        expect(await rowCount(db, 'SELECT 1 FROM alpha UNION ALL SELECT 1 FROM beta')).toBe(0);
      } finally {
        await other.close();
        await db.close();
        await s.dispose();
      }
    });
  });
}

/** Until another backend waits for a lock in the seed's look at its tables (up to 10 s, then it fails and the caller's locks go). */
async function waitForLookAtTables(tx: Queryable): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    await tx.exec('SELECT pg_stat_clear_snapshot()');
    const [row] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE '%WHERE EXISTS (SELECT 1 FROM%'`,
    );
    if (row!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the seed never waited for the tables');
}

for (const engine of engines) {
  describe(`concurrent seeds on ${engine}`, () => {
    const t = useDatabase(engine);

    it('lets one of two concurrent seeds load an empty database and refuses the other in one clear line', async () => {
      let other: Db | undefined;
      try {
        other = await openScratch(t.scratch);
      } catch (error) {
        // The embedded engine admits one process per folder: the second is refused before it starts.
        expect(error).toMatchObject({ code: 'E_DATA_DIR_IN_USE' });
        return;
      }
      try {
        const outcomes = await Promise.allSettled([seed(t.db, { scale: 'tiny' }), seed(other, { scale: 'tiny' })]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect(refused.reason).toMatchObject({ code: 'E_CONFLICT' });
        expect((refused.reason as Error).message).toMatch(/^(Another devdb seed is loading this database|The database already has data)/);
      } finally {
        await other.close();
      }
      for (const [name, sql] of Object.entries(CONSISTENCY_VIOLATIONS)) expect(await rowCount(t.db, sql), name).toBe(0);
    });
  });
}

describe('seed across engines', () => {
  it('writes byte-identical tables on PGlite and on PostgreSQL for one seed', async () => {
    await expectSameBytesOnEveryEngine((db) => seed(db, { scale: 'tiny', seed: 7 }));
  });
});
