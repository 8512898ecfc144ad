import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/db.js';
import { planSeed, seed, type SeedResult } from '../../src/seed/index.js';
import { verifyPassword } from '../../src/seed/password.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { digests, expectSameBytesOnEveryEngine, rowCount } from './checks.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts); the comparison across engines runs on all.
const engines = sqlEngines();

// The reset between tests rebuilds public only: the fixture's other schema goes first.
const SHOP = `DROP SCHEMA IF EXISTS sales CASCADE;\n${fs.readFileSync(path.join(import.meta.dirname, 'fixtures/shop.sql'), 'utf8')}`;
const SCHEMAS = ['public', 'sales'];
const TABLES = [
  'addresses',
  'audit_trail',
  'categories',
  'countries',
  'coupons',
  'customer_profiles',
  'customers',
  'product_tags',
  'products',
  'reviews',
  'sales.events',
  'sales.invoice_notes',
  'sales.invoices',
  'sales.order_items',
  'sales.orders',
  'sales.payments',
  'sales.refunds',
  'staff',
  'stock',
  'teams',
  'warehouses',
  'wishlists',
];

/** What the shop's rows must mean beyond what its constraints check; each query returns offenders. */
const SHOP_VIOLATIONS: Record<string, string> = {
  orderBeforeCustomer: 'SELECT o.id FROM sales.orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at < c.created_at',
  refundBeforePayment: 'SELECT r.id FROM sales.refunds r JOIN sales.payments p ON p.id = r.payment_id WHERE r.created_at < p.created_at',
  updatedBeforeCreated: 'SELECT id FROM customers WHERE updated_at < created_at',
  futureCreation:
    "SELECT id FROM customers WHERE created_at > '2026-11-01' UNION ALL SELECT id FROM sales.orders WHERE created_at > '2026-11-01'",
  twoProfiles: 'SELECT customer_id FROM customer_profiles GROUP BY 1 HAVING count(*) > 1',
  twoPayments: 'SELECT order_id FROM sales.payments GROUP BY 1 HAVING count(*) > 1',
  teamWithoutLead: 'SELECT id FROM teams WHERE lead_id IS NULL OR NOT EXISTS (SELECT 1 FROM staff s WHERE s.id = lead_id)',
  realEmails: "SELECT id FROM customers WHERE email !~ '@example\\.(com|org|net)$'",
  clockedStaff: "SELECT id FROM staff WHERE updated_at > '2026-11-01'",
  unsortedRange: 'SELECT code FROM coupons WHERE isempty(valid_during) OR lower(valid_during) IS NULL',
};

async function withSeedFile(content: object, fn: (file: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-seedfile-'));
  try {
    const file = path.join(dir, 'devdb.seed.json');
    fs.writeFileSync(file, JSON.stringify(content));
    await fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every foreign key of both schemas, as declared and validated. */
async function foreignKeys(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ d: string }>(
    `SELECT conrelid::regclass::text || ' ' || conname || ' ' || convalidated::text || ' ' || pg_get_constraintdef(oid) AS d
       FROM pg_constraint WHERE contype = 'f' AND connamespace IN ('public'::regnamespace, 'sales'::regnamespace) ORDER BY 1`,
  );
  return rows.map((r) => r.d);
}

const rows = (result: SeedResult) => Object.fromEntries(result.tables.map((t) => [t.table, t.rows]));

for (const engine of engines) {
  describe(`seeding someone else's schema on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });

    it('fills all 22 tables of both schemas in key order, with every key, CHECK, cycle and partition kept', async () => {
      await t.db.exec(SHOP);
      const keysBefore = await foreignKeys(t.db);
      const result = await seed(t.db, { scale: 'tiny', schemas: SCHEMAS });
      expect(result.mode).toBe('schema');
      expect(result.users).toBeNull();
      expect(result.tables.map((x) => x.table).sort()).toEqual(TABLES);
      for (const table of result.tables) expect(table.rows, table.table).toBeGreaterThan(0);
      const order = result.tables.map((x) => x.table);
      for (const [parent, child] of <[string, string][]>[
        ['customers', 'sales.orders'],
        ['sales.orders', 'sales.order_items'],
        ['sales.payments', 'sales.refunds'],
        ['sales.invoices', 'sales.invoice_notes'],
        ['categories', 'products'],
      ])
        expect(order.indexOf(child), `${child} after ${parent}`).toBeGreaterThan(order.indexOf(parent));
      // The foreign keys were off for the load and came back validated: every reference resolves.
      expect(await foreignKeys(t.db)).toEqual(keysBefore);
      expect(keysBefore.length).toBeGreaterThan(25);
      for (const [name, sql] of Object.entries(SHOP_VIOLATIONS)) expect(await rowCount(t.db, sql), name).toBe(0);
      // The cycle: staff.team_id (nullable) was set after teams loaded, for most staff.
      expect(await rowCount(t.db, 'SELECT 1 FROM staff WHERE team_id IS NOT NULL')).toBeGreaterThan(
        result.tables.find((x) => x.table === 'staff')!.rows / 2,
      );
      // Both partitions took rows; a self-reference points at an earlier row.
      expect(await rowCount(t.db, 'SELECT DISTINCT tableoid FROM sales.events')).toBe(2);
      expect(await rowCount(t.db, 'SELECT 1 FROM categories WHERE parent_id >= id')).toBe(0);
      // Generated columns are PostgreSQL's; serial and identity sequences move past the seeded ids.
      expect(await rowCount(t.db, 'SELECT 1 FROM products WHERE search_name IS DISTINCT FROM lower(name)')).toBe(0);
      await t.db.exec(
        "INSERT INTO categories (name, slug) VALUES ('New', 'new-one'); INSERT INTO sales.refunds (payment_id, amount) SELECT id, 1 FROM sales.payments LIMIT 1",
      );
      const [staff] = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM staff LIMIT 1');
      // Someone else's schema gets the seed-data cost (devdb's product keeps OWASP's, seed.test); it still verifies.
      expect(staff!.password_hash).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$/);
      expect(await verifyPassword('devdb-dev-password', staff!.password_hash)).toBe(true);
      expect(await verifyPassword('wrong password', staff!.password_hash)).toBe(false);
      // Every table has its statistics, whether it was analyzed along the load or at the end (a cycle's tables).
      const unanalyzed = await t.db.query<{ t: string }>(
        `SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            AND NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname)`,
        [SCHEMAS],
      );
      expect(unanalyzed).toEqual([]);
    });

    it('gives the same bytes for the same seed, and other bytes for another seed', async () => {
      await t.db.exec(SHOP);
      await seed(t.db, { scale: 'tiny', seed: 3, schemas: SCHEMAS });
      const first = await digests(t.db, SCHEMAS);
      await seed(t.db, { scale: 'tiny', seed: 3, schemas: SCHEMAS, truncate: true });
      expect(await digests(t.db, SCHEMAS)).toEqual(first);
      await seed(t.db, { scale: 'tiny', seed: 4, schemas: SCHEMAS, truncate: true });
      expect((await digests(t.db, SCHEMAS))['public.customers']).not.toBe(first['public.customers']);
    });

    it('follows a seed file: counts per table and per parent, fixed values, named generators, tables left empty', async () => {
      await t.db.exec(SHOP);
      await withSeedFile(
        {
          tables: {
            countries: { rows: 5, values: { name: ['France', 'Japan', 'Chile', 'Kenya', 'Canada'] } },
            customers: { rows: 7 },
            'sales.orders': { rowsPerParent: [2, 2], values: { status: ['paid'] } },
            staff: { generators: { last_name: 'company' } },
            audit_trail: { empty: true },
            wishlists: { empty: true },
          },
        },
        async (file) => {
          const result = await seed(t.db, { scale: 'tiny', schemas: SCHEMAS, profile: file });
          expect(rows(result).countries).toBe(5);
          expect(rows(result).customers).toBe(7);
          expect(rows(result)['sales.orders']).toBe(14);
          expect(result.emptied.map((e) => e.table).sort()).toEqual(['audit_trail', 'wishlists']);
        },
      );
      expect(await rowCount(t.db, "SELECT 1 FROM sales.orders WHERE status <> 'paid'")).toBe(0);
      expect(await rowCount(t.db, 'SELECT 1 FROM audit_trail UNION ALL SELECT 1 FROM wishlists')).toBe(0);
      expect(await rowCount(t.db, "SELECT 1 FROM countries WHERE name NOT IN ('France', 'Japan', 'Chile', 'Kenya', 'Canada')")).toBe(0);
      expect(await rowCount(t.db, "SELECT 1 FROM staff WHERE last_name ~ ' (Inc|LLC|Group|and|-)'")).toBeGreaterThan(0);
    });

    it('refuses a seed file that names what the schema does not have, before anything is written', async () => {
      await t.db.exec(SHOP);
      await withSeedFile({ tables: { customer: { rows: 3 }, customers: { values: { nickname: ['x'] } } } }, async (file) => {
        const error = await seed(t.db, { scale: 'tiny', schemas: SCHEMAS, profile: file }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'E_INVALID' });
        expect((error as Error).message).toMatch(
          /^The seed cannot fill this schema: the seed file's tables\.customer names no table of the schema/,
        );
        expect((error as { details: { problems: string[] } }).details.problems).toContain(
          "the seed file's tables.customers names column nickname, which customers does not have.",
        );
      });
      expect(await rowCount(t.db, 'SELECT 1 FROM customers')).toBe(0);
    });

    it('names an impossible CHECK and an unknown type with their table and column, and writes nothing', async () => {
      await t.db.exec(SHOP);
      await t.db.exec("ALTER TABLE sales.orders ADD COLUMN channel text NOT NULL CHECK (channel ~ '^[a-z]{3}$' AND length(channel) > 5)");
      const impossible = await seed(t.db, { scale: 'tiny', schemas: SCHEMAS }).catch((e: unknown) => e);
      expect((impossible as Error).message).toMatch(
        /^The seed cannot fill this schema: Cannot seed sales\.orders\.channel: no generated value satisfies orders_channel_check .*Nothing was written\.$/,
      );
      await t.db.exec('ALTER TABLE sales.orders DROP COLUMN channel; ALTER TABLE warehouses ADD COLUMN spot point NOT NULL');
      const unknown = await seed(t.db, { scale: 'tiny', schemas: SCHEMAS }).catch((e: unknown) => e);
      expect((unknown as Error).message).toMatch(
        /^The seed cannot fill this schema: warehouses\.spot \(point, NOT NULL, no default\) has no generator/,
      );
      expect(await digests(t.db, SCHEMAS)).toEqual(Object.fromEntries(TABLES.map((x) => [x.includes('.') ? x : `public.${x}`, 'empty'])));
    });

    it('reports a TRUNCATE the server refuses with its own error, not the COPY queued behind it, and changes nothing', async () => {
      await t.db.exec(SHOP);
      await seed(t.db, { scale: 'tiny', schemas: SCHEMAS });
      const before = { rows: await digests(t.db, SCHEMAS), keys: await foreignKeys(t.db) };
      // A table of a schema the seed does not fill keeps a key into one it does: TRUNCATE must refuse.
      await t.db.exec('CREATE SCHEMA outside; CREATE TABLE outside.notes (customer_id bigint REFERENCES customers (id))');
      try {
        const error = await seed(t.db, { scale: 'tiny', schemas: SCHEMAS, truncate: true, seed: 7 }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: '0A000' });
        expect((error as Error).message).toMatch(/cannot truncate a table referenced in a foreign key constraint/);
      } finally {
        await t.db.exec('DROP SCHEMA outside CASCADE');
      }
      expect({ rows: await digests(t.db, SCHEMAS), keys: await foreignKeys(t.db) }).toEqual(before);
    });

    it('prints the plan with --dry-run: tables, counts, parents and generators, and writes nothing', async () => {
      await t.db.exec(SHOP);
      const plan = await planSeed(t.db, { scale: 'small', schemas: SCHEMAS });
      expect(plan.mode).toBe('schema');
      expect(plan.tables).toHaveLength(22);
      const customers = plan.tables.find((x) => x.table === 'customers')!;
      expect(customers.rows).toBe(100);
      expect(customers.columns).toEqual(
        expect.arrayContaining([
          { column: 'id', generator: 'numbered 1..n' },
          { column: 'email', generator: 'email' },
          { column: 'full_name', generator: 'fullName' },
          { column: 'referred_by', generator: 'key → customers' },
        ]),
      );
      const staff = plan.tables.find((x) => x.table === 'staff')!;
      expect(staff.columns).toContainEqual({ column: 'team_id', generator: 'key → teams (set after the load: a cycle)' });
      expect(plan.tables.find((x) => x.table === 'sales.orders')!.parent).toBe('customers');
      expect(await rowCount(t.db, 'SELECT 1 FROM customers')).toBe(0);
    });
  });
}

describe("seeding someone else's schema across engines", () => {
  it('writes byte-identical tables on PGlite and PostgreSQL for one seed', async () => {
    const digest = await expectSameBytesOnEveryEngine(
      async (db) => {
        await db.exec(SHOP);
        await seed(db, { scale: 'tiny', seed: 9, schemas: SCHEMAS });
      },
      { migrated: false, schemas: SCHEMAS },
    );
    expect(Object.keys(digest)).toHaveLength(22);
  });
});

/** Names read from the catalog that SQL must quote: a dot, a quote, reserved words, mixed case, a space. */
const AWKWARD = `
  DROP SCHEMA IF EXISTS "My App" CASCADE;
  CREATE SCHEMA "My App";
  CREATE TABLE "My App"."a.b" (id serial PRIMARY KEY, "Select" text NOT NULL, "end" int NOT NULL CHECK ("end" BETWEEN 1 AND 9));
  CREATE TABLE "My App"."Order" (
    "Id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "a.b id" int NOT NULL REFERENCES "My App"."a.b" (id),
    "user" text NOT NULL,
    "say ""hi""" text,
    "CreatedAt" timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX ON "My App"."Order" ("a.b id");
  CREATE TABLE a (id int PRIMARY KEY);
`;

for (const engine of engines) {
  describe(`seeding tables whose names need quoting (${engine})`, () => {
    const t = useDatabase(engine, { migrated: false });

    it('fills "a.b" (one name, not a schema and a table), "Order" and reserved or quoted columns, with sequences moved', async () => {
      await t.db.exec(AWKWARD);
      const result = await seed(t.db, { scale: 'tiny', schemas: ['My App'] });
      expect(result.tables.map((x) => [x.table, x.rows > 0])).toEqual([
        ['a.b', true],
        ['Order', true],
      ]);
      expect(await rowCount(t.db, 'SELECT 1 FROM a')).toBe(0);
      expect(await rowCount(t.db, 'SELECT 1 FROM "My App"."Order" o JOIN "My App"."a.b" x ON x.id = o."a.b id"')).toBe(
        result.tables[1]!.rows,
      );
      await t.db.exec(`INSERT INTO "My App"."a.b" ("Select", "end") VALUES ('x', 1)`);
      const again = await seed(t.db, { scale: 'tiny', schemas: ['My App'], truncate: true });
      expect(again.totalRows).toBe(result.totalRows);
    });
  });
}

/**
 * Constraints people write between two columns or around NULLs: an optional column checked
 * `x IS NULL OR x >= y` (pagila's rentals), a self-follow ban `a <> b`, and a nullable UNIQUE
 * with five possible values, which runs out long before the table does.
 */
const PAIRS = `
CREATE TABLE members (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rating smallint UNIQUE CHECK (rating BETWEEN 1 AND 5),
  joined date NOT NULL,
  left_on date,
  CHECK (left_on IS NULL OR left_on >= joined)
);
CREATE TABLE follows (
  follower int NOT NULL REFERENCES members,
  followed int NOT NULL REFERENCES members,
  UNIQUE (follower, followed),
  CHECK (follower <> followed)
);`;

for (const engine of engines) {
  describe(`seeding CHECKs between two columns and nullable UNIQUEs (${engine})`, () => {
    const t = useDatabase(engine, { migrated: false });

    it('fills every planned row: NULL once a nullable UNIQUE runs out, rows drawn again until a <> b holds', async () => {
      await t.db.exec(PAIRS);
      const plan = await planSeed(t.db, { scale: 'tiny' });
      const result = await seed(t.db, { scale: 'tiny' });
      const members = plan.tables.find((x) => x.table === 'members')!.rows;
      expect(rows(result).members).toBe(members);
      expect(await rowCount(t.db, 'SELECT 1 FROM members WHERE rating IS NOT NULL')).toBe(5);
      expect(await rowCount(t.db, 'SELECT 1 FROM members WHERE left_on IS NOT NULL')).toBeGreaterThan(0);
      expect(rows(result).follows).toBeGreaterThan(0);
    });
  });
}

/** Columns of a few values with a constant default, beside constant defaults of other kinds. */
const DEFAULTS = `
  CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
  CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    status order_status NOT NULL DEFAULT 'pending',
    gift boolean NOT NULL DEFAULT false,
    plan text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'premium')),
    retries int NOT NULL DEFAULT 0,
    notes jsonb NOT NULL DEFAULT '{}',
    cancelled_at timestamptz
  );
  CREATE TABLE auth_user (id serial PRIMARY KEY, username varchar(150) NOT NULL UNIQUE, password varchar(128) NOT NULL);
`;

/** Uniqueness and exclusion that are not UNIQUE constraints: a partial and an expression index, an EXCLUDE on a range. */
const INDEXED = `
  CREATE TABLE sites (id int PRIMARY KEY, hostname text NOT NULL, handle text NOT NULL, deleted_at timestamptz);
  CREATE UNIQUE INDEX sites_hostname_lower ON sites (lower(hostname));
  CREATE UNIQUE INDEX sites_handle_live ON sites (handle) WHERE deleted_at IS NULL;
  CREATE TABLE maintenance (
    id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id int NOT NULL REFERENCES sites (id),
    during tstzrange NOT NULL,
    slots int4range,
    EXCLUDE USING gist (during WITH &&),
    EXCLUDE USING gist (slots WITH &&)
  );
`;

for (const engine of engines) {
  describe(`seeding defaults of a few values, password columns, unique indexes and EXCLUDE constraints (${engine})`, () => {
    const t = useDatabase(engine, { migrated: false });

    it('fills enums, booleans and CHECK lists with all their values, leaves other constant defaults to the database, hashes password', async () => {
      await t.db.exec(DEFAULTS);
      await seed(t.db, { scale: 'small' });
      const [row] = await t.db.query<{ statuses: number; gifts: number; plans: number; retries: number; notes: number }>(
        `SELECT count(DISTINCT status)::int AS statuses, count(DISTINCT gift)::int AS gifts, count(DISTINCT plan)::int AS plans,
                count(DISTINCT retries)::int AS retries, count(DISTINCT notes)::int AS notes FROM orders`,
      );
      expect(row).toEqual({ statuses: 4, gifts: 2, plans: 3, retries: 1, notes: 1 });
      // Most orders are never cancelled.
      const [cancelled] = await t.db.query<{ share: number }>('SELECT avg((cancelled_at IS NOT NULL)::int)::float8 AS share FROM orders');
      expect(cancelled!.share).toBeLessThan(0.3);
      // A column named just password holds a hash in Django's and Laravel's users: the development password's.
      const [user] = await t.db.query<{ password: string }>('SELECT password FROM auth_user LIMIT 1');
      expect(await verifyPassword('devdb-dev-password', user!.password)).toBe(true);
    });

    it('meets unique partial and expression indexes, and EXCLUDE ... WITH && on ranges, at medium scale', async () => {
      await t.db.exec(INDEXED);
      const result = await seed(t.db, { scale: 'medium' });
      expect(rows(result).sites).toBe(4000);
      expect(rows(result).maintenance).toBeGreaterThan(4000);
      const plan = await planSeed(t.db, { scale: 'tiny' });
      expect(plan.tables.find((x) => x.table === 'maintenance')?.columns).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ column: 'during', generator: 'tstzrange (ordered bounds, no two overlapping)' }),
        ]),
      );
    });
  });
}

/**
 * Insert triggers that write other seeded tables, as status histories and audit logs are kept:
 * one into a table loaded before (the audit log, no key to orders), one into a table loaded
 * after (order_events points at orders), whose own numbered ids must start past the trigger's.
 */
const TRIGGERS = `
CREATE TABLE audit_log (id serial PRIMARY KEY, note text NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, status text NOT NULL DEFAULT 'new', total_cents int NOT NULL);
CREATE TABLE order_events (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders(id),
  previous_id bigint REFERENCES order_events(id),
  status text NOT NULL
);
CREATE TABLE event_notes (id serial PRIMARY KEY, event_id bigint NOT NULL REFERENCES order_events(id), body text NOT NULL);
CREATE FUNCTION order_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO order_events (order_id, status) VALUES (NEW.id, NEW.status);
  INSERT INTO audit_log (note) VALUES ('order ' || NEW.id);
  RETURN NEW;
END $$;
CREATE TRIGGER orders_history AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION order_history();`;

/** A schema as Prisma writes it: quoted camelCase names, text ids the client fills, no defaults for them. */
const PRISMA = `
CREATE TABLE "User" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL UNIQUE, "passwordHash" TEXT NOT NULL,
  "firstName" TEXT, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL);
CREATE TABLE "Post" ("id" TEXT NOT NULL PRIMARY KEY, "authorId" TEXT NOT NULL REFERENCES "User"("id"), "title" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP);`;

/** CHECKs past a constant, multiples and an exclusive arc, and a span of time no CHECK orders. */
const ARCS = `
CREATE TABLE accounts (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  price_cents int NOT NULL CHECK (price_cents % 5 = 0 AND price_cents >= 0),
  fee numeric(6,2) NOT NULL CHECK (fee % 0.25 = 0),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  CHECK (ends_at > starts_at + interval '1 hour'),
  start_date date NOT NULL,
  end_date date NOT NULL
);
CREATE TABLE devices (id serial PRIMARY KEY);
CREATE TABLE attachments (
  id serial PRIMARY KEY,
  account_id int REFERENCES accounts(id),
  device_id int REFERENCES devices(id),
  CHECK (num_nonnulls(account_id, device_id) = 1)
);`;

for (const engine of engines) {
  describe(`seeding schemas with insert triggers, Prisma's names and arcs (${engine})`, () => {
    const t = useDatabase(engine, { migrated: false });

    it('meets CHECKs past a constant, multiples and exclusive arcs, and ends a span after its start', async () => {
      await t.db.exec(ARCS);
      const result = await seed(t.db, { scale: 'small' });
      expect(rows(result).attachments).toBeGreaterThan(0);
      const [row] = await t.db.query<{ spans: number; accounts: boolean; devices: boolean }>(
        `SELECT (SELECT count(*) FROM accounts WHERE end_date <= start_date)::int AS spans,
                (SELECT bool_or(account_id IS NOT NULL) FROM attachments) AS accounts,
                (SELECT bool_or(device_id IS NOT NULL) FROM attachments) AS devices`,
      );
      // Both keys of the arc are used, one per row (the CHECK holds, or the seed would have failed).
      expect(row).toEqual({ spans: 0, accounts: true, devices: true });
    });

    it('says why a table got no rows when its required key points at an empty table the seed does not fill', async () => {
      await t.db.exec(`DROP SCHEMA IF EXISTS auth CASCADE; CREATE SCHEMA auth; CREATE TABLE auth.users (id uuid PRIMARY KEY);
        CREATE TABLE profiles (id uuid PRIMARY KEY REFERENCES auth.users (id), username text);
        CREATE TABLE notes (id serial PRIMARY KEY, profile_id uuid NOT NULL REFERENCES profiles (id), body text NOT NULL);`);
      try {
        const result = await seed(t.db, { scale: 'tiny' });
        expect(result.totalRows).toBe(0);
        expect(result.emptied).toEqual([
          { table: 'profiles', reason: expect.stringMatching(/needs a row of auth\.users, which has none and is not seeded/) },
          { table: 'notes', reason: expect.stringMatching(/needs a row of profiles, which got none/) },
        ]);
        await t.db.exec(`INSERT INTO auth.users SELECT gen_random_uuid() FROM generate_series(1, 5)`);
        const again = await seed(t.db, { scale: 'tiny', truncate: true });
        expect([rows(again).profiles, again.emptied]).toEqual([5, []]);
      } finally {
        await t.db.exec('DROP SCHEMA auth CASCADE');
      }
    });

    it('keeps the rows insert triggers write, numbers its own past them, and moves every sequence past both', async () => {
      await t.db.exec(TRIGGERS);
      const result = await seed(t.db, { scale: 'tiny' });
      const seeded = rows(result);
      const [counts] = await t.db.query<{ events: number; first: number; audit: number; notes: number }>(
        `SELECT (SELECT count(*) FROM order_events)::int AS events,
                (SELECT min(id) FROM order_events WHERE id NOT IN (SELECT min(id) FROM order_events GROUP BY order_id))::int AS first,
                (SELECT count(*) FROM audit_log)::int AS audit,
                (SELECT count(*) FROM event_notes n JOIN order_events e ON e.id = n.event_id)::int AS notes`,
      );
      // One event per order from the trigger, then the seed's own; one audit line per order besides the seed's.
      expect(counts!.events).toBe(seeded.orders! + seeded.order_events!);
      expect(counts!.audit).toBe(seeded.orders! + seeded.audit_log!);
      expect(counts!.first).toBe(seeded.orders! + 1);
      expect(counts!.notes).toBe(seeded.event_notes);
      // The next row an application inserts takes a free id in each table.
      await t.db.exec(`INSERT INTO orders (total_cents) VALUES (100); INSERT INTO event_notes (event_id, body) VALUES (1, 'x')`);
      const again = await seed(t.db, { scale: 'tiny', truncate: true });
      expect(again.totalRows).toBe(result.totalRows);
    });

    it('reads camelCase names as snake_case ones: the password hash verifies, text ids look like ids', async () => {
      await t.db.exec(PRISMA);
      await seed(t.db, { scale: 'tiny' });
      const [user] = await t.db.query<{ id: string; passwordHash: string; firstName: string | null }>(
        `SELECT "id", "passwordHash", "firstName" FROM "User" WHERE "firstName" IS NOT NULL LIMIT 1`,
      );
      expect(await verifyPassword('devdb-dev-password', user!.passwordHash)).toBe(true);
      expect(user!.id).toMatch(/^c[0-9a-z]{24}$/);
      expect(user!.firstName).toMatch(/^[A-Z]/);
      expect(await rowCount(t.db, `SELECT 1 FROM "Post" p JOIN "User" u ON u."id" = p."authorId" WHERE p."id" !~ '^c[0-9a-z]{24}$'`)).toBe(
        0,
      );
    });
  });
}
