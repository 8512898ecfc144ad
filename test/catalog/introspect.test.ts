import { describe, expect, it } from 'vitest';
import { introspect } from '../../src/catalog/introspect.js';
import { findTable } from '../../src/catalog/model.js';
import { engines, useDatabase } from '../support/engines.js';

for (const engine of engines) {
  describe(`introspection of a hand-made schema on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });

    it('keeps composite key columns in declaration order, not column order', async () => {
      await t.db.exec(`
        create table parent (a int, b int, primary key (b, a));
        create table child (id int primary key, x int not null, y int not null,
          constraint child_parent_fk foreign key (y, x) references parent (b, a) on delete cascade on update restrict);
        create index child_yx_idx on child (y, x);
      `);
      const model = await introspect(t.db);
      expect(findTable(model, 'parent')!.primaryKey).toEqual({ name: 'parent_pkey', columns: ['b', 'a'] });
      expect(model.relations).toEqual([
        {
          name: 'child_parent_fk',
          kind: 'foreign-key',
          from: { schema: 'public', table: 'child', columns: ['y', 'x'], partition: null },
          to: { schema: 'public', table: 'parent', columns: ['b', 'a'], partition: null },
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
        create table account (id int primary key);
        create table profile (account_id int primary key references account (id));
        create table badge (id int primary key, account_id int unique references account (id) on delete set null);
        create table login (id int primary key, account_id int not null references account (id));
        create table scoped (id int primary key, account_id int references account (id));
        create unique index scoped_partial_uq on scoped (account_id) where id > 0;
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
        create table devdb_state (id int primary key);
        create schema other;
        create table other.elsewhere (id int primary key);
        create table item (
          id int primary key,
          owner_id int references other.elsewhere (id),
          code text,
          note text,
          updated_at timestamptz not null default now()
        );
        comment on table item is 'Things. @domain stock @mutable';
        comment on column item.code is 'sensitive: pii';
        comment on column item.note is 'Free text, shown to admins.';
        create index item_owner_idx on item (owner_id desc, code) include (note) where code is not null;
        create function touch() returns trigger language plpgsql as $$ begin return new; end $$;
        create trigger item_touch before update on item for each row execute function touch();
        create table log (at date not null) partition by range (at);
        create table log_2026 partition of log for values from ('2026-01-01') to ('2027-01-01');
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
      expect(model.relations[0]!.to).toEqual({ schema: 'other', table: 'elsewhere', columns: ['id'], partition: null });
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
        create type target_kind as enum ('post', 'photo');
        create table post (id int primary key);
        create table photo (id int primary key);
        create table reaction (id int primary key, target_type target_kind not null, target_id int not null, other_id int);
        comment on column reaction.target_id is '@polymorphic target_type post=post.id photo=photo.id';
        comment on column reaction.other_id is '@polymorphic post=post.id';
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
