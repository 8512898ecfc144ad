import { beforeAll, describe, expect, it } from 'vitest';
import { displayName, introspect, type SchemaModel } from '../../src/catalog/index.js';
import { doctor } from '../../src/doctor/index.js';
import { erd, ERD_FORMATS, render } from '../../src/erd/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { declaredForeignKeys } from './fixtures/real-world.js';
import { OTHER_TOOLS_SQL } from './fixtures/other-tools.js';
import { parseDot, parseMermaid } from './parsers.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

const HISTORY = ['_prisma_migrations', 'flyway_schema_history', 'knex_migrations', 'knex_migrations_lock', 'schema_migrations'];

for (const engine of engines) {
  describe(`erd and doctor on a schema other tools made (issue 22, item 9) on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false, resetEach: false });
    let model: SchemaModel;
    beforeAll(async () => {
      await t.db.exec(OTHER_TOOLS_SQL);
      model = await introspect(t.db);
    });

    it('draws one relationship per key however many partitions declare it (pagila: 18 constraints, 3 relationships)', async () => {
      const declared = (await declaredForeignKeys(t.db, ['public'])).filter((k) => k.startsWith('public.payment '));
      expect(declared).toHaveLength(18);
      const payment = model.relations.filter((r) => r.from.table === 'payment');
      const leaves = [
        'payment_p2022_01',
        'payment_p2022_02',
        'payment_p2022_03',
        'payment_p2022_04',
        'payment_p2022_05',
        'payment_p2022_06',
      ];
      expect(payment.map((r) => [r.from.columns, r.to.table, r.from.partitions])).toEqual([
        [['customer_id'], 'customer', leaves],
        [['rental_id'], 'rental', leaves],
        [['staff_id'], 'staff', leaves],
      ]);
      // The table still lists each constraint, for the doctor's per-partition index check.
      expect(model.tables.find((x) => x.name === 'payment')!.foreignKeys).toHaveLength(18);
      const dot = await parseDot(await render(model, 'dot'));
      expect(
        dot.edges
          .filter((e) => e.head === 'payment')
          .map((e) => e.tail)
          .sort(),
      ).toEqual(['customer', 'rental', 'staff']);
      const mermaid = await parseMermaid(await render(model, 'mermaid'));
      expect(mermaid.relationships.filter((r) => r.from === 'payment')).toHaveLength(3);
      const text = (await erd(t.db, { format: 'text' })).content;
      expect(text).toContain('-> customer.customer_id (1:N, declared on each of its 6 partitions)');
      expect(text).toMatch(/^Schema public: .*, 5 foreign keys,/);
    });

    it('draws a key into a schema that was not read to a stub of its table, in every format', async () => {
      expect(model.schemas).toEqual(['public']);
      expect(model.externals).toEqual([{ schema: 'auth', name: 'users', columns: [{ name: 'id', type: 'uuid' }] }]);
      const mermaid = await parseMermaid(await render(model, 'mermaid'));
      const stub = mermaid.entities.find((e) => e.label === 'auth.users (external)')!;
      expect(stub.attributes).toEqual(['id']);
      expect(mermaid.relationships.filter((r) => r.to === stub.id)).toEqual([{ from: 'profiles', to: stub.id, label: 'id' }]);
      const dot = await parseDot(await render(model, 'dot'));
      expect(dot.messages).toEqual([]);
      expect(dot.edges).toContainEqual({ tail: 'auth.users', head: 'profiles' });
      const svg = await render(model, 'svg');
      expect(svg).toContain('<!-- auth.users&#45;&gt;profiles -->');
      expect(svg).toMatch(/class="node">\s*<title>auth\.users<\/title>/);
      const text = await render(model, 'text');
      expect(text).toContain('-> auth.users.id (1:1, on delete cascade)');
      expect(text).toContain('auth.users [external]\n  id  uuid\n  referenced by: profiles.id (1:1, on delete cascade)');
      const markdown = await render(model, 'markdown');
      expect(markdown).toContain('- `id` → [auth.users](#table-auth-users) `id` (1:1, on delete cascade)');
      expect(markdown).toContain('<a id="table-auth-users"></a>\n\n### auth.users (external)');
      // Read with its schema, auth.users is a table like any other.
      const both = await introspect(t.db, { schemas: ['public', 'auth'] });
      expect(both.externals).toEqual([]);
      expect(both.tables.map((x) => displayName(both, x))).toContain('auth.users');
    });

    it("leaves every tool's migration history out of the ERD and the doctor, and keeps project tables that share a name", async () => {
      expect(model.tables.map((x) => x.name)).not.toEqual(expect.arrayContaining(HISTORY.slice(0, 1)));
      expect(model.historyTables).toEqual([
        { schema: 'public', name: '_prisma_migrations', tool: 'Prisma' },
        { schema: 'public', name: 'flyway_schema_history', tool: 'Flyway' },
        { schema: 'public', name: 'knex_migrations', tool: 'knex' },
        { schema: 'public', name: 'knex_migrations_lock', tool: 'knex' },
        { schema: 'public', name: 'schema_migrations', tool: 'dbmate' },
      ]);
      for (const name of HISTORY) expect(model.tables.map((x) => x.name)).not.toContain(name);
      const all = await introspect(t.db, { allSchemas: true });
      const names = all.tables.map((x) => `${x.schema}.${x.name}`);
      for (const gone of ['drizzle.__drizzle_migrations', 'supabase_migrations.schema_migrations', 'golang.schema_migrations'])
        expect(names).not.toContain(gone);
      expect(names).toEqual(expect.arrayContaining(['ledger.schema_migrations', 'ledger.knex_migrations', 'golang.accounts']));
      expect((await render(model, 'text')).split('\n')[1]).toBe(
        'Left out (migration history): _prisma_migrations (Prisma), flyway_schema_history (Flyway), knex_migrations (knex), knex_migrations_lock (knex), schema_migrations (dbmate)',
      );

      const createdAt = async (options: Parameters<typeof doctor>[1]) =>
        (await doctor(t.db, { ...options, only: ['created-at'] })).rules[0]!.violations.map((v) => v.object);
      expect(await createdAt({})).toEqual(['payment']);
      expect((await createdAt({ allSchemas: true })).sort()).toEqual([
        'ledger.knex_migrations',
        'ledger.schema_migrations',
        'public.payment',
      ]);
    });

    it('prints types as PostgreSQL does, numeric(5,2) and all, in every format', async () => {
      for (const format of ERD_FORMATS) {
        const content = await render(model, format);
        expect(content, format).toContain('numeric(5,2)');
        expect(content, format).toContain('numeric(4,2)');
        expect(content, format).not.toMatch(/numeric\(\d+_\d+\)/);
        if (format !== 'json') expect(content, format).toContain('timestamptz(3)');
      }
      expect(await render(model, 'mermaid')).toContain('    timestamptz(3) last_seen_at\n');
    });

    it('marks UK only on a column unique alone, and lists a unique key over several columns as a key of the table', async () => {
      const text = await render(model, 'text');
      expect(text).toMatch(/\n {2}UK +email +text/);
      const rental = text.slice(text.indexOf('\nrental'), text.indexOf('\n\n', text.indexOf('\nrental')));
      expect(rental).not.toContain('UK');
      expect(rental).toContain('keys: unique (rental_date, inventory_id, customer_id)');
      expect(await render(model, 'mermaid')).toContain(
        '    key rental_rental_date_inventory_id_customer_id_key "unique (rental_date, inventory_id, customer_id)"',
      );
      expect(await render(model, 'dot')).toContain('>unique (rental_date, inventory_id, customer_id)</font>');
      expect(await render(model, 'markdown')).toContain(
        '| `rental_rental_date_inventory_id_customer_id_key` | `unique (rental_date, inventory_id, customer_id)` |',
      );
    });
  });
}
