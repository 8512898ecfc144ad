import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { historyToolOf } from '../../src/catalog/index.js';
import { DevdbError } from '../../src/errors.js';
import { createOtherHistory } from '../../src/migrate/history.js';
import { migrateDown, migrateUp, migrationStatus, resetSchema, type ResetPlan } from '../../src/migrate/index.js';
import { setup } from '../../src/setup/setup.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { copyFixture, FIXTURES, tablesIn, versionsIn, writeDir } from './folders.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

// Issue 22's cases 1-6 and 8: what dbmate applies, devdb applies, with dbmate's semantics. Each test writes the folder
// it needs (or copies a fixture) and removes it; schemas other than public are dropped after each test, because the
// reset between tests rebuilds public only.

const up = (sql: string, down = '') => `-- migrate:up\n${sql}\n\n-- migrate:down\n${down}\n`;

for (const engine of engines) {
  describe(`dbmate folders on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });
    const dirs: string[] = [];
    const folder = (files: Record<string, string>) => {
      const dir = writeDir(files);
      dirs.push(dir);
      return dir;
    };
    afterEach(async () => {
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
      await t.db.exec('DROP SCHEMA IF EXISTS app, eligibility, auth CASCADE');
    });

    it("1: pg_dump's empty search_path and SET search_path cannot break recording, and each next file starts from the search_path as it was", async () => {
      const dir = folder({
        '1_dump.sql': up(
          "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.t (id int);",
          'DROP TABLE public.t;',
        ),
        '2_eligibility.sql': up(
          'CREATE SCHEMA eligibility;\nSET search_path = eligibility;\nCREATE TABLE public.u (id int);\nCREATE TABLE rules (id int);',
          'DROP TABLE public.u;\nDROP SCHEMA eligibility CASCADE;',
        ),
        '3_plain.sql': up('CREATE TABLE v (id int);', 'DROP TABLE v;'),
      });
      const [before] = await t.db.query<{ path: string }>("SELECT current_setting('search_path') AS path");
      const result = await migrateUp(t.db, { migrationsDir: dir });
      expect(result.applied.map((a) => a.version)).toEqual(['1', '2', '3']);
      expect(await tablesIn(t.db, 'public')).toEqual(['devdb_migrations', 'schema_migrations', 't', 'u', 'v']);
      expect(await tablesIn(t.db, 'eligibility')).toEqual(['rules']);
      expect(await versionsIn(t.db, 'public.devdb_migrations')).toEqual(['1', '2', '3']);
      expect(await t.db.query("SELECT current_setting('search_path') AS path")).toEqual([before]);
      const status = await migrationStatus(t.db, { migrationsDir: dir });
      expect(status.migrations.map((m) => [m.version, m.state, m.notes.some((n) => n.startsWith('changes search_path'))])).toEqual([
        ['1', 'applied', true],
        ['2', 'applied', true],
        ['3', 'applied', false],
      ]);
      // The reset that failed "while preparing the history table" now runs: every down, every up, one transaction.
      const reset = await resetSchema(t.db, { migrationsDir: dir });
      expect(reset).toMatchObject({ plan: { mode: 'revert', atomic: true } });
      expect(reset.applied).toHaveLength(3);
      expect(await tablesIn(t.db, 'eligibility')).toEqual(['rules']);
    });

    it('2: an up section of comments only is a no-op migration, applied in its place by migrate, setup and reset', async () => {
      const dir = folder({
        '1_a.sql': up('CREATE TABLE a (id int);', 'DROP TABLE a;'),
        '2_view.sql': up('-- CREATE VIEW v AS SELECT 1;', '-- DROP VIEW v;'),
        '3_c.sql': up('CREATE TABLE c (id int);', 'DROP TABLE c;'),
      });
      const before = await migrationStatus(t.db, { migrationsDir: dir });
      expect(before.migrations.map((m) => m.state)).toEqual(['pending', 'pending', 'pending']);
      expect(before.migrations[1]!.notes).toContain('no statement to apply: applied as a no-op, as dbmate does');
      expect((await migrateUp(t.db, { migrationsDir: dir, to: '2' })).applied.map((a) => a.version)).toEqual(['1', '2']);
      expect((await migrateUp(t.db, { migrationsDir: dir })).applied.map((a) => a.version)).toEqual(['3']);
      expect((await migrationStatus(t.db, { migrationsDir: dir })).counts).toMatchObject({ applied: 3, pending: 0, empty: 0 });
      expect((await migrateDown(t.db, { migrationsDir: dir, steps: 2 })).reverted.map((r) => r.version)).toEqual(['3', '2']);
      expect((await setup(t.db, { migrationsDir: dir, seed: false })).applied.map((a) => a.version)).toEqual(['2', '3']);
      const reset = await resetSchema(t.db, { migrationsDir: dir });
      expect([reset.applied.map((a) => a.version), reset.skipped]).toEqual([['1', '2', '3'], []]);
    });

    it('3: migrate down reverts a migration whose down section is empty as a no-op, as dbmate rollback does', async () => {
      const dir = folder({ '1_a.sql': up('CREATE TABLE a (id int);'), '2_b.sql': up('CREATE TABLE b (id int);', 'DROP TABLE b;') });
      await migrateUp(t.db, { migrationsDir: dir });
      expect((await migrateDown(t.db, { migrationsDir: dir, all: true })).reverted.map((r) => r.version)).toEqual(['2', '1']);
      expect(await tablesIn(t.db, 'public')).toEqual(['a', 'devdb_migrations', 'schema_migrations']);
      expect((await migrationStatus(t.db, { migrationsDir: dir })).counts).toMatchObject({ applied: 0, pending: 2 });
      expect(await versionsIn(t.db, 'schema_migrations')).toEqual([]);
    });

    it('4: reset rebuilds every schema the migrations create, after a question that lists them, and leaves other schemas alone', async () => {
      const dir = folder({
        '1_app.sql': up('CREATE SCHEMA app;\nCREATE TABLE app.t (id int PRIMARY KEY);'),
        '2_b.sql': up('CREATE TABLE b (t_id int REFERENCES app.t (id));', 'DROP TABLE b;'),
      });
      await t.db.exec('CREATE SCHEMA auth; CREATE TABLE auth.users (id int)');
      await migrateUp(t.db, { migrationsDir: dir });
      await t.db.exec('INSERT INTO app.t VALUES (1); INSERT INTO b VALUES (1); INSERT INTO auth.users VALUES (7);');
      const plans: ResetPlan[] = [];
      const result = await resetSchema(t.db, { migrationsDir: dir, confirm: async (p) => void plans.push(p) });
      expect(plans).toEqual([
        {
          mode: 'rebuild',
          reasons: ['1_app (irreversible)'],
          schema: 'public',
          schemas: ['public', 'app'],
          drops: ['app.t', 'public.b'],
          atomic: true,
        },
      ]);
      expect(result.applied.map((a) => a.version)).toEqual(['1', '2']);
      expect(await t.db.query('SELECT count(*)::int AS n FROM app.t')).toEqual([{ n: 0 }]);
      expect(await t.db.query('SELECT id FROM auth.users')).toEqual([{ id: 7 }]);
      expect(await versionsIn(t.db, 'schema_migrations')).toEqual(['1', '2']);
      const stop = async () => {
        throw new DevdbError('E_NOT_CONFIRMED', 'no');
      };
      await expect(resetSchema(t.db, { migrationsDir: dir, confirm: stop })).rejects.toMatchObject({ code: 'E_NOT_CONFIRMED' });
      expect(await tablesIn(t.db, 'app')).toEqual(['t']);
    });

    it("5: devdb keeps dbmate's schema_migrations in a project's database, so SQL that touches it works; and a dbmate rollback shows as pending, then applies again", async () => {
      const dir = folder({
        '1_a.sql': up('CREATE TABLE a (id int);', 'DROP TABLE a;'),
        '2_forget.sql': up(
          "INSERT INTO public.schema_migrations (version) VALUES ('19990101000000');\nDELETE FROM public.schema_migrations WHERE version = '19990101000000';",
        ),
        '3_c.sql': up('CREATE TABLE c (id int);', 'DROP TABLE c;'),
      });
      await migrateUp(t.db, { migrationsDir: dir });
      expect(await versionsIn(t.db, 'public.schema_migrations')).toEqual(['1', '2', '3']);
      // What `dbmate rollback` does to the last one: its down section, and its row gone from dbmate's table only.
      await t.db.exec("DROP TABLE c; DELETE FROM schema_migrations WHERE version = '3'");
      const status = await migrationStatus(t.db, { migrationsDir: dir });
      expect(status.migrations.map((m) => m.state)).toEqual(['applied', 'applied', 'pending']);
      expect(status.revertedElsewhere).toEqual(['3']);
      const notices: string[] = [];
      expect((await migrateUp(t.db, { migrationsDir: dir, onNotice: (n) => notices.push(n) })).applied.map((a) => a.version)).toEqual([
        '3',
      ]);
      expect(notices.join('\n')).toMatch(/Reverted by dbmate or golang-migrate since devdb applied .*: 3/);
      expect(await versionsIn(t.db, 'devdb_migrations')).toEqual(['1', '2', '3']);
      expect(await versionsIn(t.db, 'schema_migrations')).toEqual(['1', '2', '3']);

      // With the setting off, there is no dbmate table to touch: the SQL that needs one fails, naming its file.
      await t.db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      const error = (await migrateUp(t.db, { migrationsDir: dir, dbmateHistory: false }).catch((e: unknown) => e)) as DevdbError;
      expect(error.message).toMatch(
        /^Migration 2_forget \(up\) failed at .*2_forget\.sql:2:13: relation "public\.schema_migrations" does not exist/,
      );
    });

    it("5: devdb's own bundled schema gets no dbmate table", async () => {
      await migrateUp(t.db);
      expect(await tablesIn(t.db, 'public')).not.toContain('schema_migrations');
    });

    it('6: a file that commits by itself is applied; when it fails, the error says what its COMMIT kept', async () => {
      const dir = folder({
        '1_ok.sql': up('BEGIN;\nCREATE TABLE x (id int);\nCOMMIT;\nCREATE TABLE y (id int);', 'DROP TABLE y;\nDROP TABLE x;'),
        '2_bad.sql': up('BEGIN;\nCREATE TABLE x2 (id int);\nCOMMIT;\nCREATE TABLE y2 (id int);\nSELECT 1/0;'),
      });
      const error = (await migrateUp(t.db, { migrationsDir: dir }).catch((e: unknown) => e)) as DevdbError;
      expect(error.code).toBe('E_MIGRATION_FAILED');
      expect(error.message).toContain(`${path.join(dir, '2_bad.sql')}:6 (the statement that starts on this line`);
      expect(error.message).toContain(
        'Kept: it commits by itself (its own BEGIN and COMMIT), so these 1 statement(s) ran before the error and stay in the database:\n  line 3: CREATE TABLE x2 (id int);\nThe migration is not recorded as applied',
      );
      expect(error.details).toMatchObject({ kept: ['line 3: CREATE TABLE x2 (id int);'] });
      expect(await tablesIn(t.db, 'public')).toEqual(['devdb_migrations', 'schema_migrations', 'x', 'x2', 'y']);
      expect(await versionsIn(t.db, 'devdb_migrations')).toEqual(['1']);
      const status = await migrationStatus(t.db, { migrationsDir: dir });
      expect(status.migrations[0]!.notes[0]).toMatch(/^commits by itself/);
      // The session is usable afterwards, and a reset with such a file goes step by step.
      fs.writeFileSync(path.join(dir, '2_bad.sql'), up('CREATE TABLE z (id int);', 'DROP TABLE z;'));
      await t.db.exec('DROP TABLE x2');
      const reset = await resetSchema(t.db, { migrationsDir: dir });
      expect(reset).toMatchObject({ plan: { mode: 'revert', atomic: false } });
      expect(await tablesIn(t.db, 'public')).toEqual(['devdb_migrations', 'schema_migrations', 'x', 'y', 'z']);
    });

    it('8: files apply in file-name order, and the digits as written are the version (001 and 1 are two migrations)', async () => {
      const status = await migrationStatus(t.db, { migrationsDir: FIXTURES.dbmateOrder });
      const order = ['001', '10', '1', '202210061214200', '20221006160500', '9'];
      expect(status.migrations.map((m) => m.version)).toEqual(order);
      await migrateUp(t.db, { migrationsDir: FIXTURES.dbmateOrder, to: '202210061214200' });
      expect((await migrateUp(t.db, { migrationsDir: FIXTURES.dbmateOrder })).applied.map((a) => a.version)).toEqual(order.slice(4));
      const applied = await t.db.query<{ name: string }>('SELECT name FROM applied_order ORDER BY seq');
      expect(applied.map((r) => r.name)).toEqual(['001_log', '10_ten', '1_b', '202210061214200_long', '20221006160500_ts', '9_nine']);
      expect((await migrateDown(t.db, { migrationsDir: FIXTURES.dbmateOrder })).reverted.map((r) => r.version)).toEqual(['9']);

      const twins = copyFixture(FIXTURES.dbmateOrder);
      dirs.push(twins);
      fs.writeFileSync(path.join(twins, '1_again.sql'), up('SELECT 1;'));
      await expect(migrationStatus(t.db, { migrationsDir: twins })).rejects.toThrow(
        /Two migrations share version 1: .*1_again\.sql and .*1_b\.sql; rename one/,
      );
    });

    it('the history tables devdb creates have the shapes src/catalog/history-tables.ts lists (what the ERD and the doctor leave out)', async () => {
      await migrateUp(t.db, { migrationsDir: folder({ '1_a.sql': up('SELECT 1;') }) });
      await t.db.exec('CREATE SCHEMA app');
      await createOtherHistory(t.db, { schema: 'app', devdb: false, schemaMigrations: 'none' }, 'golang-migrate');
      const shape = async (schema: string, table: string) =>
        historyToolOf(
          table,
          await t.db.query<{ name: string; type: string }>(
            'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum',
            [`${schema}.${table}`],
          ),
        );
      expect([
        await shape('public', 'devdb_migrations'),
        await shape('public', 'schema_migrations'),
        await shape('app', 'schema_migrations'),
      ]).toEqual(['devdb', 'dbmate', 'golang-migrate']);
    });

    it('the dbmate fixture folder: a second schema, partitions, an extension, and every file applied and reverted', async () => {
      const result = await migrateUp(t.db, { migrationsDir: FIXTURES.dbmate });
      expect(result.applied).toHaveLength(5);
      expect(await tablesIn(t.db, 'app')).toEqual(['events', 'events_2022', 'events_2023', 'projects']);
      await t.db.exec("INSERT INTO accounts (email) VALUES ('Ann@example.com')");
      expect(await t.db.query("SELECT count(*)::int AS n FROM accounts WHERE email = 'ann@EXAMPLE.com'")).toEqual([{ n: 1 }]);
      const reset = await resetSchema(t.db, { migrationsDir: FIXTURES.dbmate });
      expect(reset.plan).toMatchObject({ mode: 'rebuild', schemas: ['public', 'app'] });
      expect(await versionsIn(t.db, 'schema_migrations')).toEqual(result.applied.map((a) => a.version));
    });
  });
}
