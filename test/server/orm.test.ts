import { and, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, scratch, type Scratch } from '../support/engines.js';

/**
 * An ORM and the other common Node client, as an app uses them: Drizzle over node-postgres (`pg`),
 * whose wire traffic differs from postgres.js's (an unnamed Parse/Bind/Describe/Execute/Sync per
 * query, named statements cached per connection, its own type parsers). On every server engine:
 * the served PGlite (one shared session, which must keep each client's statements and transaction
 * apart), the native PostgreSQL 18 and the PostgreSQL 15 server.
 */
const users = pgTable('users', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  tier: text('tier').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
const projects = pgTable('projects', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  ownerId: bigint('owner_id', { mode: 'number' }).notNull(),
  name: text('name').notNull(),
});

for (const engine of engines.filter((e) => e !== 'pglite')) {
  describe(`Drizzle over node-postgres on ${engine}`, () => {
    let s: Scratch;
    let pool: pg.Pool;
    const idleErrors: Error[] = [];
    beforeAll(async () => {
      s = await scratch(engine);
      pool = new pg.Pool({ connectionString: s.url, max: 5 });
      // Errors of idle clients, which node-postgres emits on the pool (an app listens too, as its docs say). pool.end()
      // resolves before every Terminate has reached the server, so shutting the server down just after may still
      // tell a leaving client 57P01: only errors before the end are held against the engine.
      pool.on('error', (error) => idleErrors.push(error));
    });
    afterAll(async () => {
      await pool?.end();
      await s?.dispose();
    });

    it('inserts with RETURNING, joins, updates and deletes through the ORM', async () => {
      const db = drizzle(pool);
      const [ada] = await db.insert(users).values({ email: 'ada@example.com', passwordHash: 'x', tier: 'pro' }).returning();
      expect(ada).toMatchObject({ email: 'ada@example.com', tier: 'pro' });
      expect(ada!.createdAt).toBeInstanceOf(Date);
      await db.insert(projects).values([
        { ownerId: ada!.id, name: 'Engine' },
        { ownerId: ada!.id, name: 'Wings' },
      ]);
      const rows = await db
        .select({ email: users.email, project: projects.name })
        .from(projects)
        .innerJoin(users, eq(users.id, projects.ownerId))
        .where(eq(users.email, 'ada@example.com'))
        .orderBy(projects.name);
      expect(rows).toEqual([
        { email: 'ada@example.com', project: 'Engine' },
        { email: 'ada@example.com', project: 'Wings' },
      ]);
      await db
        .update(projects)
        .set({ name: 'Jet engine' })
        .where(and(eq(projects.ownerId, ada!.id), eq(projects.name, 'Engine')));
      await db.delete(projects).where(eq(projects.name, 'Wings'));
      expect((await db.select({ name: projects.name }).from(projects)).map((p) => p.name)).toEqual(['Jet engine']);
    });

    it('rolls a failed transaction back, reports the SQLSTATE, and the pool goes on', async () => {
      const db = drizzle(pool);
      const failed = db.transaction(async (tx) => {
        await tx.insert(users).values({ email: 'grace@example.com', passwordHash: 'x', tier: 'free' });
        await tx.insert(users).values({ email: 'grace@example.com', passwordHash: 'y', tier: 'free' });
      });
      await expect(failed).rejects.toMatchObject({ cause: { code: '23505', constraint: 'users_email_key' } });
      expect(await db.select().from(users).where(eq(users.email, 'grace@example.com'))).toEqual([]);
      const [{ n }] = (await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM users`)).rows as [{ n: number }];
      expect(n).toBeGreaterThanOrEqual(1);
    });

    it("keeps each client's named statements and transactions its own, across concurrent clients", async () => {
      const workers = Array.from({ length: 5 }, async (_, w) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          for (let i = 0; i < 4; i++) {
            // A named statement: node-postgres parses it once per connection and then only binds it.
            await client.query({
              name: 'add-user',
              text: "INSERT INTO users (email, password_hash, tier) VALUES ($1, 'x', 'free')",
              values: [`w${w}-${i}@example.com`],
            });
          }
          const mine = await client.query<{ n: number }>({
            name: 'count-mine',
            text: 'SELECT count(*)::int AS n FROM users WHERE email LIKE $1',
            values: [`w${w}-%`],
          });
          expect(mine.rows[0]!.n).toBe(4);
          await client.query(w % 2 === 0 ? 'COMMIT' : 'ROLLBACK');
        } finally {
          client.release();
        }
      });
      await Promise.all(workers);
      const kept = await pool.query<{ email: string }>("SELECT email FROM users WHERE email LIKE 'w%' ORDER BY email");
      expect(new Set(kept.rows.map((r) => r.email.slice(0, 2)))).toEqual(new Set(['w0', 'w2', 'w4']));
      expect(kept.rowCount).toBe(12);
    });

    it("reads PostgreSQL's types as node-postgres parses them", async () => {
      const { rows } = await pool.query(
        'SELECT $1::int8 AS big, $2::jsonb AS doc, $3::text[] AS tags, $4::timestamptz AS at, $5::bytea AS bin, $6::numeric AS amount, NULL::int AS nothing',
        [
          '9007199254740993',
          JSON.stringify({ a: [1, 'x'] }),
          ['a', 'b c', 'd"e'],
          '2026-01-02T03:04:05.678Z',
          Buffer.from([0, 255, 7]),
          '12.50',
        ],
      );
      expect(rows[0]).toEqual({
        big: '9007199254740993',
        doc: { a: [1, 'x'] },
        tags: ['a', 'b c', 'd"e'],
        at: new Date('2026-01-02T03:04:05.678Z'),
        bin: Buffer.from([0, 255, 7]),
        amount: '12.50',
        nothing: null,
      });
      // The simple protocol too: several statements in one query, the last result of each kept.
      const results = (await pool.query('SELECT 1 AS one; SELECT 2 AS two')) as unknown as pg.QueryResult[];
      expect(results.map((r) => r.rows[0])).toEqual([{ one: 1 }, { two: 2 }]);
      expect(idleErrors).toEqual([]);
    });
  });
}
