import { describe, expect, it } from 'vitest';
import { introspect } from '../../src/catalog/introspect.js';
import { findTable } from '../../src/catalog/model.js';
import { sqlEngines, useDatabase } from '../support/engines.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

for (const engine of engines) {
  describe(`introspection of a hand-made schema on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });

    it('keeps composite key columns in declaration order, not column order', async () => {
      await t.db.exec(`
        CREATE TABLE parent (a int, b int, PRIMARY KEY (b, a));
        CREATE TABLE child (id int PRIMARY KEY, x int NOT NULL, y int NOT NULL,
          CONSTRAINT child_parent_fk FOREIGN KEY (y, x) REFERENCES parent (b, a) ON DELETE CASCADE ON UPDATE RESTRICT);
        CREATE INDEX child_yx_idx ON child (y, x);
      `);
      const model = await introspect(t.db);
      expect(findTable(model, 'parent')!.primaryKey).toEqual({ name: 'parent_pkey', columns: ['b', 'a'] });
      expect(model.relations).toEqual([
        {
          name: 'child_parent_fk',
          kind: 'foreign-key',
          from: { schema: 'public', table: 'child', columns: ['y', 'x'], partitions: [] },
          to: { schema: 'public', table: 'parent', columns: ['b', 'a'], partitions: [] },
          cardinality: 'one-to-many',
          optional: false,
          onDelete: 'cascade',
          onUpdate: 'restrict',
          discriminator: null,
        },
      ]);
    });

    it('calls a foreign key one-to-one when its columns are unique, and optional when nullable', async () => {
      await t.db.exec(`
        CREATE TABLE account (id int PRIMARY KEY);
        CREATE TABLE profile (account_id int PRIMARY KEY REFERENCES account (id));
        CREATE TABLE badge (id int PRIMARY KEY, account_id int UNIQUE REFERENCES account (id) ON DELETE SET NULL);
        CREATE TABLE login (id int PRIMARY KEY, account_id int NOT NULL REFERENCES account (id));
        CREATE TABLE scoped (id int PRIMARY KEY, account_id int REFERENCES account (id));
        CREATE UNIQUE INDEX scoped_partial_uq ON scoped (account_id) WHERE id > 0;
      `);
      const model = await introspect(t.db);
      const rel = (table: string) => model.relations.find((r) => r.from.table === table)!;
      expect([rel('profile').cardinality, rel('profile').optional]).toEqual(['one-to-one', false]);
      expect([rel('badge').cardinality, rel('badge').optional, rel('badge').onDelete]).toEqual(['one-to-one', true, 'set null']);
      expect([rel('login').cardinality, rel('login').optional]).toEqual(['one-to-many', false]);
      // A partial unique index does not make the key unique for every row.
      expect(rel('scoped').cardinality).toBe('one-to-many');
    });

    it('leaves out devdb bookkeeping and other schemas, lists partitions inside their table, and reads tags, indexes and triggers', async () => {
      await t.db.exec(`
        CREATE TABLE devdb_state (id int PRIMARY KEY);
        CREATE SCHEMA other;
        CREATE TABLE other.elsewhere (id int PRIMARY KEY);
        CREATE TABLE item (
          id int PRIMARY KEY,
          owner_id int REFERENCES other.elsewhere (id),
          code text,
          note text,
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE item IS 'Things. @domain stock @mutable';
        COMMENT ON COLUMN item.code IS 'sensitive: pii';
        COMMENT ON COLUMN item.note IS 'Free text, shown to admins.';
        CREATE INDEX item_owner_idx ON item (owner_id DESC, code) INCLUDE (note) WHERE code IS NOT NULL;
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch();
        CREATE TABLE log (at date NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE log_2026 PARTITION OF log FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      `);
      const model = await introspect(t.db);
      expect(model.tables.map((x) => x.name)).toEqual(['item', 'log']);
      const item = findTable(model, 'item')!;
      expect([item.domain, item.mutable, item.description]).toEqual(['stock', true, 'Things.']);
      expect(item.columns.map((c) => [c.name, c.sensitive])).toEqual([
        ['id', null],
        ['owner_id', null],
        ['code', 'pii'],
        ['note', null],
        ['updated_at', null],
      ]);
      expect(model.relations[0]!.to).toEqual({ schema: 'other', table: 'elsewhere', columns: ['id'], partitions: [] });
      expect(findTable(model, 'log')!.partitions.map((p) => [p.name, p.bound, p.leaf])).toEqual([
        ['log_2026', "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')", true],
      ]);
      expect(item.indexes.find((i) => i.name === 'item_owner_idx')).toEqual({
        name: 'item_owner_idx',
        method: 'btree',
        unique: false,
        primary: false,
        valid: true,
        columns: [
          { column: 'owner_id', expression: null, opclass: 'int4_ops', defaultOpclass: true, descending: true },
          { column: 'code', expression: null, opclass: 'text_ops', defaultOpclass: true, descending: false },
        ],
        include: ['note'],
        predicate: 'code IS NOT NULL',
      });
      expect(item.triggers).toEqual([
        { name: 'item_touch', function: 'touch', timing: 'before', events: ['update'], level: 'row', enabled: true },
      ]);
    });

    it('reads an empty schema as no tables, and refuses a schema that does not exist as a usage error', async () => {
      expect((await introspect(t.db)).tables).toEqual([]);
      await expect(introspect(t.db, { schemas: ['public', 'nope'] })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringContaining('no schema "nope"'),
      });
    });

    it('reads @polymorphic declarations, and says why one cannot be read', async () => {
      await t.db.exec(`
        CREATE TYPE target_kind AS ENUM ('post', 'photo');
        CREATE TABLE post (id int PRIMARY KEY);
        CREATE TABLE photo (id int PRIMARY KEY);
        CREATE TABLE reaction (id int PRIMARY KEY, target_type target_kind NOT NULL, target_id int NOT NULL, other_id int);
        COMMENT ON COLUMN reaction.target_id IS '@polymorphic target_type post=post.id photo=photo.id';
        COMMENT ON COLUMN reaction.other_id IS '@polymorphic post=post.id';
      `);
      const model = await introspect(t.db);
      expect(model.enums).toEqual([{ schema: 'public', name: 'target_kind', values: ['post', 'photo'] }]);
      expect(model.polymorphic.map((p) => [p.column, p.discriminator, p.targets.map((x) => x.value), p.error === null])).toEqual([
        ['target_id', 'target_type', ['post', 'photo'], true],
        ['other_id', null, [], false],
      ]);
      expect(model.relations.map((r) => [r.name, r.to.table, r.discriminator])).toEqual([
        ['reaction.target_id[photo]', 'photo', { column: 'target_type', value: 'photo' }],
        ['reaction.target_id[post]', 'post', { column: 'target_type', value: 'post' }],
      ]);
    });
  });
}
