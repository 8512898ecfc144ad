import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DevdbError } from '../../src/errors.js';
import { migrateDown, migrateUp, migrationStatus, resetSchema, type DownPlan, type ResetPlan } from '../../src/migrate/index.js';
import { setup } from '../../src/setup/setup.js';
import { engines, useDatabase } from '../support/engines.js';
import { writeDir } from './folders.js';

const THREE = {
  '001_first.sql': '-- migrate:up\nCREATE TABLE first (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE first;\n',
  '002_second.sql': '-- migrate:up\nCREATE TABLE second (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE second;\n',
  '003_third.sql': '-- migrate:up\nCREATE TABLE third (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE third;\n',
};

for (const engine of engines) {
  describe(`migrator on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });
    let dir: string;
    beforeEach(() => {
      dir = writeDir(THREE);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    // dbmate's schema_migrations, which devdb keeps beside its own history in a project's folder, is checked where it is the point.
    const tables = async () =>
      (
        await t.db.query<{ name: string }>(
          "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1",
        )
      ).map((r) => r.name);

    it('applies pending migrations in order and records each with its checksum', async () => {
      const result = await migrateUp(t.db, { migrationsDir: dir });
      expect(result.applied.map((a) => a.version)).toEqual(['001', '002', '003']);
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'second', 'third']);
      const history = await t.db.query<{ version: string; checksum: string; duration_ms: number }>(
        'SELECT * FROM devdb_migrations ORDER BY version',
      );
      expect(history.map((h) => h.version)).toEqual(['001', '002', '003']);
      expect(history.every((h) => /^[0-9a-f]{64}$/.test(h.checksum) && h.duration_ms >= 0)).toBe(true);
      const again = await migrateUp(t.db, { migrationsDir: dir });
      expect(again.applied).toEqual([]);
    });

    it('leaves the first migration applied and nothing of a broken second one', async () => {
      fs.writeFileSync(
        path.join(dir, '002_second.sql'),
        '-- migrate:up\nCREATE TABLE second (id int PRIMARY KEY);\nINSERT INTO second VALUES (1);\nSELECT * FROM\n  no_such_table;\n',
      );
      const error = await migrateUp(t.db, { migrationsDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DevdbError);
      expect((error as DevdbError).code).toBe('E_MIGRATION_FAILED');
      expect((error as DevdbError).message).toContain(`${path.join(dir, '002_second.sql')}:5:3`);
      expect((error as DevdbError).message).toContain('no_such_table');
      expect(await tables()).toEqual(['devdb_migrations', 'first']);
      const status = await migrationStatus(t.db, { migrationsDir: dir });
      expect(status.migrations.map((m) => m.state)).toEqual(['applied', 'pending', 'pending']);
    });

    it('stops at --to and prints, without running, what --dry-run would apply', async () => {
      await migrateUp(t.db, { migrationsDir: dir, to: '001' });
      const dry = await migrateUp(t.db, { migrationsDir: dir, dryRun: true });
      expect(dry.planned.map((p) => p.version)).toEqual(['002', '003']);
      expect(dry.planned[0]!.sql).toContain('CREATE TABLE second');
      expect(await tables()).toEqual(['devdb_migrations', 'first']);
      await expect(migrateUp(t.db, { migrationsDir: dir, to: '999' })).rejects.toMatchObject({ code: 'E_USAGE' });
    });

    it('reports an edited and a deleted applied file, and refuses to migrate over them', async () => {
      await migrateUp(t.db, { migrationsDir: dir, to: '002' });
      fs.appendFileSync(path.join(dir, '001_first.sql'), '-- a later edit\n');
      fs.rmSync(path.join(dir, '002_second.sql'));
      const status = await migrationStatus(t.db, { migrationsDir: dir });
      expect(status.migrations.map((m) => [m.version, m.state])).toEqual([
        ['001', 'changed'],
        ['002', 'missing'],
        ['003', 'pending'],
      ]);
      const error = (await migrateUp(t.db, { migrationsDir: dir }).catch((e: unknown) => e)) as DevdbError;
      expect(error).toMatchObject({ code: 'E_MIGRATION_DRIFT' });
      expect(error.message).toContain('001_first.sql');
      expect(error.message).toContain('002_second');
      expect(await tables()).not.toContain('third');
      const forced = await migrateUp(t.db, { migrationsDir: dir, allowDrift: true });
      expect(forced.applied.map((a) => a.version)).toEqual(['003']);
    });

    it('does not mistake CRLF line endings for an edit', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      const file = path.join(dir, '001_first.sql');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('\n', '\r\n'));
      expect((await migrationStatus(t.db, { migrationsDir: dir })).counts).toMatchObject({ applied: 3, changed: 0 });
    });

    it('reverts the latest migrations with their down sections', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      expect((await migrateDown(t.db, { migrationsDir: dir })).reverted.map((r) => r.version)).toEqual(['003']);
      await expect(migrateDown(t.db, { migrationsDir: dir, steps: 5 })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: '--steps 5 is more than the 2 migration(s) applied: pass --steps 2 or fewer, or --all to revert every one.',
      });
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'second']);
      expect((await migrateDown(t.db, { migrationsDir: dir, all: true })).reverted.map((r) => r.version)).toEqual(['002', '001']);
      expect(await tables()).toEqual(['devdb_migrations']);
      expect((await migrateDown(t.db, { migrationsDir: dir, steps: 5 })).reverted).toEqual([]);
    });

    it('migrate down asks with the migrations it would revert, latest first, and a no changes nothing', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      const asked: DownPlan[] = [];
      const stop = async (plan: DownPlan) => {
        asked.push(plan);
        throw new DevdbError('E_NOT_CONFIRMED', 'no');
      };
      await expect(migrateDown(t.db, { migrationsDir: dir, steps: 2, confirm: stop })).rejects.toMatchObject({ code: 'E_NOT_CONFIRMED' });
      expect(asked).toEqual([
        {
          migrations: [
            { version: '003', name: 'third' },
            { version: '002', name: 'second' },
          ],
        },
      ]);
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'second', 'third']);
    });

    it('refuses to revert a migration without a down section, and changes nothing', async () => {
      fs.writeFileSync(path.join(dir, '002_second.sql'), '-- migrate:up\nCREATE TABLE second (id int);\n');
      await migrateUp(t.db, { migrationsDir: dir });
      await expect(migrateDown(t.db, { migrationsDir: dir, steps: 2 })).rejects.toMatchObject({ code: 'E_MIGRATION_FILE' });
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'second', 'third']);
    });

    const validIndexes = async () =>
      (
        await t.db.query<{ name: string }>(
          "SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indisvalid AND c.relname LIKE '%\\_x\\_idx' ORDER BY 1",
        )
      ).map((r) => r.name);

    it('runs a transaction:false file statement by statement: two CREATE INDEX CONCURRENTLY in one file, and back', async () => {
      fs.writeFileSync(
        path.join(dir, '004_index.sql'),
        [
          '-- migrate:up transaction:false',
          'ALTER TABLE first ADD COLUMN x int;',
          'CREATE INDEX CONCURRENTLY first_x_idx ON first (x) WHERE x <> 0; -- a comment; with a semicolon',
          'CREATE INDEX CONCURRENTLY second_x_idx ON second (id);',
          '-- migrate:down transaction:false',
          'DROP INDEX CONCURRENTLY second_x_idx;',
          'DROP INDEX CONCURRENTLY first_x_idx;',
          'ALTER TABLE first DROP COLUMN x;',
        ].join('\n'),
      );
      await migrateUp(t.db, { migrationsDir: dir });
      expect(await validIndexes()).toEqual(['first_x_idx', 'second_x_idx']);
      await migrateDown(t.db, { migrationsDir: dir });
      expect(await validIndexes()).toEqual([]);
    });

    it('says exactly which transaction:false statements ran and were kept before the error, and records nothing', async () => {
      fs.writeFileSync(
        path.join(dir, '004_index.sql'),
        '-- migrate:up transaction:false\nCREATE TABLE kept (id int);\nCREATE INDEX CONCURRENTLY kept_x_idx ON kept (id);\n\nSELECT 1/0;\nCREATE TABLE never (id int);\n',
      );
      const error = (await migrateUp(t.db, { migrationsDir: dir }).catch((e: unknown) => e)) as DevdbError;
      expect(error.code).toBe('E_MIGRATION_FAILED');
      expect(error.message).toContain(`${path.join(dir, '004_index.sql')}:5 (the statement that starts on this line`);
      expect(error.message).toMatch(
        /these 2 statement\(s\) ran before the error and stay in the database:\n {2}line 2: CREATE TABLE kept \(id int\);\n {2}line 3: CREATE INDEX CONCURRENTLY kept_x_idx/,
      );
      expect(error.message).not.toMatch(/Nothing/);
      expect(error.details).toMatchObject({
        kept: ['line 2: CREATE TABLE kept (id int);', 'line 3: CREATE INDEX CONCURRENTLY kept_x_idx ON kept (id);'],
      });
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'kept', 'second', 'third']);
      expect((await migrationStatus(t.db, { migrationsDir: dir })).counts).toMatchObject({ applied: 3, pending: 1 });
    });

    it('shows the line with a caret under the position, and the detail and hint the server sent', async () => {
      fs.writeFileSync(path.join(dir, '004_bad.sql'), '-- migrate:up\nCREATE TABLE four (id int);\nSELECT   no_such_function(1, 2);\n');
      const error = (await migrateUp(t.db, { migrationsDir: dir }).catch((e: unknown) => e)) as DevdbError;
      const file = path.join(dir, '004_bad.sql');
      expect(error.message).toContain(
        `failed at ${file}:3:10: function no_such_function(integer, integer) does not exist (SQLSTATE 42883)`,
      );
      expect(error.message).toContain('\n  3 | SELECT   no_such_function(1, 2);\n    |          ^\n');
      expect(error.message).toMatch(/\n {2}hint: No function matches the given name and argument types/);
      expect(error.message).toContain('Nothing of this migration was kept (it ran in one transaction)');
      expect(error.details).toMatchObject({ file, line: 3, column: 10, sqlState: '42883' });
      expect(await tables()).not.toContain('four');

      fs.writeFileSync(
        path.join(dir, '004_bad.sql'),
        '-- migrate:up\nCREATE TABLE four (id int PRIMARY KEY);\nINSERT INTO four VALUES (1);\nINSERT INTO four\n  VALUES (1);\n',
      );
      const duplicate = (await migrateUp(t.db, { migrationsDir: dir }).catch((e: unknown) => e)) as DevdbError;
      expect(duplicate.message).toContain(`${file}:4 (the statement that starts on this line; the server gave no position)`);
      expect(duplicate.message).toContain('\n  detail: Key (id)=(1) already exists.');
      expect(duplicate.details).toMatchObject({ sqlState: '23505', column: null, detail: 'Key (id)=(1) already exists.' });
    });

    it.each([
      ['division by zero', 'SELECT 1;\n\n  SELECT 10 /\n  0;', 3, '22012'],
      ['a missing extension', 'SELECT 1;\nCREATE EXTENSION no_such_extension;', 2, /^(0A000|58P01)$/],
      ['an error inside a DO block', "DO $$\nBEGIN\n  RAISE EXCEPTION 'stop; here';\nEND $$;", 1, 'P0001'],
    ])('names file and line for an error without a position: %s', async (_, sql, line, state) => {
      fs.writeFileSync(path.join(dir, '004_bad.sql'), `-- migrate:up\n${sql}\n`);
      const error = (await migrateUp(t.db, { migrationsDir: dir }).catch((e: unknown) => e)) as DevdbError;
      expect(error.message).toContain(`${path.join(dir, '004_bad.sql')}:${line + 1} (the statement that starts on this line`);
      expect(error.details).toMatchObject({ line: line + 1, sqlState: state });
    });

    it('accepts every file name dbmate accepts: upper case, hyphens, no name at all', async () => {
      const dbmateDir = writeDir({
        '20151129054053_Create-Users.sql': '-- migrate:up\nCREATE TABLE users (id int);\n-- migrate:down\nDROP TABLE users;\n',
        '20151129054054-AddIndex.sql': '-- migrate:up\nCREATE INDEX users_id ON users (id);\n-- migrate:down\nDROP INDEX users_id;\n',
        '20151129054055.sql': '-- migrate:up\nCREATE TABLE plain (id int);\n-- migrate:down\nDROP TABLE plain;\n',
        'README.sql': '-- not a migration: dbmate ignores it, and so does devdb\n',
      });
      try {
        const result = await migrateUp(t.db, { migrationsDir: dbmateDir });
        expect(result.applied.map((a) => [a.version, a.name])).toEqual([
          ['20151129054053', 'Create-Users'],
          ['20151129054054', 'AddIndex'],
          ['20151129054055', ''],
        ]);
        const status = await migrationStatus(t.db, { migrationsDir: dbmateDir });
        expect(status.counts.applied).toBe(3);
        expect(status.ignored).toEqual([path.join(dbmateDir, 'README.sql')]);
      } finally {
        fs.rmSync(dbmateDir, { recursive: true, force: true });
      }
    });

    it("adopts dbmate's schema_migrations: status tells the truth, migrate applies only what is pending and keeps dbmate in step", async () => {
      // What dbmate leaves after applying 001 and 002.
      await t.db.exec(
        'CREATE TABLE schema_migrations (version varchar PRIMARY KEY); CREATE TABLE first (id int PRIMARY KEY); CREATE TABLE second (id int PRIMARY KEY);',
      );
      await t.db.exec("INSERT INTO schema_migrations VALUES ('001'), ('002')");
      const status = await migrationStatus(t.db, { migrationsDir: dir });
      expect(status.history).toBe('dbmate');
      expect(status.migrations.map((m) => [m.version, m.state, m.recordedBy])).toEqual([
        ['001', 'applied', 'dbmate'],
        ['002', 'applied', 'dbmate'],
        ['003', 'pending', null],
      ]);
      expect(await tables()).toEqual(['first', 'second']);

      const notices: string[] = [];
      const result = await migrateUp(t.db, { migrationsDir: dir, onNotice: (n) => notices.push(n) });
      expect(result.applied.map((a) => a.version)).toEqual(['003']);
      expect(result.recorded).toEqual(['001', '002']);
      expect(notices.join('\n')).toMatch(/Adopted dbmate's history: 2 migration/);
      const versions = async (table: string) =>
        (await t.db.query<{ version: string }>(`SELECT version FROM ${table} ORDER BY 1`)).map((r) => r.version);
      expect(await versions('devdb_migrations')).toEqual(['001', '002', '003']);
      expect(await versions('schema_migrations')).toEqual(['001', '002', '003']);
      expect((await migrationStatus(t.db, { migrationsDir: dir })).counts).toMatchObject({ applied: 3, pending: 0 });

      await migrateDown(t.db, { migrationsDir: dir });
      expect(await versions('schema_migrations')).toEqual(['001', '002']);
    });

    it('refuses a database with tables but no history, untouched, and migrates it after --baseline', async () => {
      await t.db.exec(
        'CREATE TABLE first (id int PRIMARY KEY); CREATE TABLE second (id int PRIMARY KEY); CREATE VIEW second_ids AS SELECT id FROM second;',
      );
      for (const run of [
        () => migrateUp(t.db, { migrationsDir: dir }),
        () => migrateUp(t.db, { migrationsDir: dir, dryRun: true }),
        () => setup(t.db, { migrationsDir: dir, seed: false }),
      ]) {
        const error = (await run().catch((e: unknown) => e)) as DevdbError;
        expect(error.code).toBe('E_FOREIGN_DATABASE');
        expect(error.message).toContain('3 table(s), view(s) or sequence(s) (public.first, public.second, public.second_ids)');
        expect(error.message).toMatch(/nothing was changed.*--baseline VERSION/);
      }
      await expect(resetSchema(t.db, { migrationsDir: dir })).rejects.toMatchObject({ code: 'E_FOREIGN_DATABASE' });
      expect(await tables()).toEqual(['first', 'second']);
      const status = await migrationStatus(t.db, { migrationsDir: dir });
      expect(status).toMatchObject({ history: 'none', foreign: ['public.first', 'public.second', 'public.second_ids'] });

      await expect(migrateUp(t.db, { migrationsDir: dir, baseline: '999' })).rejects.toMatchObject({ code: 'E_USAGE' });
      const result = await migrateUp(t.db, { migrationsDir: dir, baseline: '002' });
      expect(result.recorded).toEqual(['001', '002']);
      expect(result.applied.map((a) => a.version)).toEqual(['003']);
      expect((await migrationStatus(t.db, { migrationsDir: dir })).counts).toMatchObject({ applied: 3 });
      await expect(migrateUp(t.db, { migrationsDir: dir, baseline: '002' })).rejects.toMatchObject({
        code: 'E_USAGE',
        message: expect.stringMatching(/already has a migration history/),
      });
    });

    it("tables in schemas off the search path (Supabase's auth) do not make a database foreign", async () => {
      await t.db.exec('CREATE SCHEMA auth; CREATE TABLE auth.users (id int);');
      try {
        expect((await migrationStatus(t.db, { migrationsDir: dir })).foreign).toEqual([]);
        expect((await migrateUp(t.db, { migrationsDir: dir })).applied).toHaveLength(3);
      } finally {
        await t.db.exec('DROP SCHEMA auth CASCADE');
      }
    });

    it('an empty new migration: status says empty, migrate refuses it by name, setup and reset skip it', async () => {
      fs.writeFileSync(path.join(dir, '004_todo.sql'), '-- todo\n\n-- migrate:up\n\n\n-- migrate:down\n\n');
      expect((await migrationStatus(t.db, { migrationsDir: dir })).migrations.map((m) => m.state)).toEqual([
        'pending',
        'pending',
        'pending',
        'empty',
      ]);
      const error = (await migrateUp(t.db, { migrationsDir: dir }).catch((e: unknown) => e)) as DevdbError;
      expect(error).toMatchObject({
        code: 'E_MIGRATION_FILE',
        message: expect.stringContaining(
          `${path.join(dir, '004_todo.sql')}: still what devdb migrate new wrote, with no SQL under "-- migrate:up"`,
        ),
      });
      expect(await tables()).toEqual([]);
      await expect(migrateUp(t.db, { migrationsDir: dir, to: '003' })).resolves.toMatchObject({ skipped: [] });

      await migrateDown(t.db, { migrationsDir: dir, steps: 3 });
      const notices: string[] = [];
      const result = await setup(t.db, { migrationsDir: dir, seed: false, onNotice: (n) => notices.push(n) });
      expect(result.applied.map((a) => a.version)).toEqual(['001', '002', '003']);
      expect(result.skipped).toEqual(['004']);
      expect(notices).toEqual([
        `Skipped ${path.join(dir, '004_todo.sql')}: it is still what migrate new wrote, with no SQL yet (it stays pending).`,
      ]);
      expect((await resetSchema(t.db, { migrationsDir: dir })).skipped).toEqual(['004']);
      expect((await migrationStatus(t.db, { migrationsDir: dir })).counts).toMatchObject({ applied: 3, empty: 1 });
    });

    it('explains how to get out when migrate down meets a migration whose file is gone, and changes nothing', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      fs.rmSync(path.join(dir, '003_third.sql'));
      const error = (await migrateDown(t.db, { migrationsDir: dir }).catch((e: unknown) => e)) as DevdbError;
      expect(error.code).toBe('E_MIGRATION_DRIFT');
      expect(error.message).toContain(
        `Cannot revert 003_third: its file is gone from ${dir} (a branch switch?). Restore it (git log --all --oneline -- '${dir}/003*.sql' finds`,
      );
      expect(error.message).toContain('or run devdb reset --yes to rebuild');
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'second', 'third']);
    });

    it('reset is one transaction: a user table that references a devdb table makes it fail, and nothing is reverted', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      await t.db.exec('INSERT INTO first VALUES (1); CREATE TABLE mine (first_id int REFERENCES first (id)); INSERT INTO mine VALUES (1);');
      const plans: ResetPlan[] = [];
      const error = (await resetSchema(t.db, { migrationsDir: dir, confirm: async (p) => void plans.push(p) }).catch(
        (e: unknown) => e,
      )) as DevdbError;
      expect(plans).toMatchObject([{ mode: 'revert', atomic: true, reasons: [] }]);
      expect(error.code).toBe('E_MIGRATION_FAILED');
      expect(error.message).toMatch(/^Migration 001_first \(down\) failed at .*001_first\.sql:4/);
      expect(error.message).toMatch(/detail: constraint mine_first_id_fkey on table mine depends on table first/);
      expect(error.message).toContain('Nothing was changed: the reset ran in one transaction');
      expect(error.details).toMatchObject({ reset: { mode: 'revert', atomic: true, reverted: [], applied: [] } });
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'mine', 'second', 'third']);
      expect(await t.db.query('SELECT * FROM first')).toEqual([{ id: 1 }]);
      expect((await migrationStatus(t.db, { migrationsDir: dir })).counts.applied).toBe(3);
    });

    it('reset asks first, and a refusal changes nothing', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      await t.db.query('INSERT INTO first VALUES (1)');
      const stop = async () => {
        throw new DevdbError('E_NOT_CONFIRMED', 'no');
      };
      await expect(resetSchema(t.db, { migrationsDir: dir, confirm: stop })).rejects.toMatchObject({ code: 'E_NOT_CONFIRMED' });
      expect(await t.db.query('SELECT * FROM first')).toEqual([{ id: 1 }]);
    });

    it('reset rebuilds when an applied file is gone: back to the files, in one transaction', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      fs.rmSync(path.join(dir, '002_second.sql'));
      const schemaRights = () =>
        t.db.query("SELECT nspowner::regrole::text AS owner, nspacl::text AS acl FROM pg_namespace WHERE nspname = 'public'");
      await t.db.exec('GRANT USAGE ON SCHEMA public TO PUBLIC');
      const rights = await schemaRights();
      const plans: ResetPlan[] = [];
      const result = await resetSchema(t.db, { migrationsDir: dir, confirm: async (p) => void plans.push(p) });
      expect(await schemaRights()).toEqual(rights);
      expect(plans[0]).toMatchObject({ mode: 'rebuild', schema: 'public', atomic: true, reasons: ['002_second (missing)'] });
      expect(plans[0]!.drops).toEqual(expect.arrayContaining(['public.first', 'public.second', 'public.third']));
      expect(result.applied.map((a) => a.version)).toEqual(['001', '003']);
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'third']);
      expect((await migrationStatus(t.db, { migrationsDir: dir })).counts).toMatchObject({ applied: 2, missing: 0 });
    });

    it('reset with a transaction:false file goes step by step and, on failure, lists what it reverted and applied', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      fs.writeFileSync(
        path.join(dir, '004_index.sql'),
        '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY third_x_idx ON third (id);\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY third_x_idx;\n',
      );
      await migrateUp(t.db, { migrationsDir: dir });
      fs.writeFileSync(
        path.join(dir, '003_third.sql'),
        '-- migrate:up\nCREATE TABLE third (id int PRIMARY KEY);\nSELECT 1/0;\n-- migrate:down\nDROP TABLE third;\n',
      );
      const error = (await resetSchema(t.db, { migrationsDir: dir, allowDrift: true }).catch((e: unknown) => e)) as DevdbError;
      expect(error.message).toMatch(/^Migration 003_third \(up\) failed/);
      expect(error.message).toContain('reverted: 004_index, 003_third, 002_second, 001_first\n  applied: 001_first, 002_second');
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'second']);
    });

    it('resets to a clean schema: data gone, every migration applied again', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      await t.db.query('INSERT INTO first VALUES (1)');
      const result = await resetSchema(t.db, { migrationsDir: dir });
      expect(result.reverted).toHaveLength(3);
      expect(result.applied).toHaveLength(3);
      expect(await t.db.query('SELECT * FROM first')).toEqual([]);
    });
  });
}
