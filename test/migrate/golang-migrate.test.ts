import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DevdbError } from '../../src/errors.js';
import { migrateDown, migrateUp, migrationStatus, newMigration, resetSchema } from '../../src/migrate/index.js';
import { sqlEngines, useDatabase } from '../support/engines.js';
import { copyFixture, FIXTURES, tablesIn, versionsIn } from './folders.js';

// Plain SQL over Db: one engine per PostgreSQL version (support/engines.ts).
const engines = sqlEngines();

// Issue 22's case 7: golang-migrate folders (N_name.up.sql / N_name.down.sql) and golang-migrate's own history,
// schema_migrations (version bigint, dirty boolean), which must not be read as dbmate's.

const upFile = (version: string) =>
  fs.readFileSync(
    path.join(
      FIXTURES.golang,
      fs.readdirSync(FIXTURES.golang).find((f) => f.startsWith(`${version}_`) && f.endsWith('.up.sql'))!,
    ),
    'utf8',
  );

for (const engine of engines) {
  describe(`golang-migrate folders on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });
    const copies: string[] = [];
    afterEach(() => {
      for (const dir of copies.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** What golang-migrate leaves after `migrate up 2`: the first two files run, and its one-row history. */
    const builtByGolangMigrate = async (version: number, dirty = false) => {
      await t.db.exec(upFile('000001'));
      await t.db.exec(upFile('000002'));
      await t.db.exec('CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
      await t.db.query('INSERT INTO schema_migrations (version, dirty) VALUES ($1, $2)', [version, dirty]);
    };
    const golangState = () => t.db.query<{ version: number; dirty: boolean }>('SELECT version, dirty FROM schema_migrations');

    it('reads .up.sql/.down.sql pairs as one migration each, in version order, each run as golang-migrate sends it, its history kept', async () => {
      const status = await migrationStatus(t.db, { migrationsDir: FIXTURES.golang });
      expect(status.format).toBe('golang-migrate');
      expect(status.migrations.map((m) => [m.version, m.name, m.state])).toEqual([
        ['1', 'create_users', 'pending'],
        ['2', 'index_users_email', 'pending'],
        ['3', 'audit', 'pending'],
        ['10', 'tags', 'pending'],
      ]);
      const result = await migrateUp(t.db, { migrationsDir: FIXTURES.golang });
      expect(result.applied.map((a) => a.version)).toEqual(['1', '2', '3', '10']);
      // golang-migrate's own table is made beside devdb's, so `migrate version` on a teammate's machine agrees.
      expect(await tablesIn(t.db, 'public')).toEqual([
        'audit',
        'devdb_migrations',
        'schema_migrations',
        'sessions',
        'tags',
        'user_tags',
        'users',
      ]);
      expect(await golangState()).toEqual([{ version: 10, dirty: false }]);
      // One statement ran outside a transaction, as CREATE INDEX CONCURRENTLY needs; BEGIN ... COMMIT in a file is the file's.
      const indexes = await t.db.query<{ name: string }>(
        "SELECT indexname AS name FROM pg_indexes WHERE indexname IN ('users_email_idx', 'audit_at_idx') ORDER BY 1",
      );
      expect(indexes.map((i) => i.name)).toEqual(['audit_at_idx', 'users_email_idx']);
      expect(
        (await migrateDown(t.db, { migrationsDir: FIXTURES.golang, all: true })).reverted.map((r) => [r.version, path.basename(r.file)]),
      ).toEqual([
        ['10', '000010_tags.down.sql'],
        ['3', '000003_audit.down.sql'],
        ['2', '000002_index_users_email.down.sql'],
        ['1', '000001_create_users.down.sql'],
      ]);
      expect(await tablesIn(t.db, 'public')).toEqual(['devdb_migrations', 'schema_migrations']);
      expect(await golangState()).toEqual([]);
    });

    it("recognises golang-migrate's schema_migrations, adopts every version up to its own, and keeps it in step both ways", async () => {
      await builtByGolangMigrate(2);
      const status = await migrationStatus(t.db, { migrationsDir: FIXTURES.golang });
      expect(status).toMatchObject({ history: 'golang-migrate', golang: { version: '2', dirty: false }, foreign: [] });
      expect(status.migrations.map((m) => [m.version, m.state, m.recordedBy])).toEqual([
        ['1', 'applied', 'golang-migrate'],
        ['2', 'applied', 'golang-migrate'],
        ['3', 'pending', null],
        ['10', 'pending', null],
      ]);
      const result = await migrateUp(t.db, { migrationsDir: FIXTURES.golang });
      expect(result).toMatchObject({ recorded: ['1', '2'], applied: [{ version: '3' }, { version: '10' }] });
      expect(await versionsIn(t.db, 'devdb_migrations')).toEqual(['1', '10', '2', '3']);
      expect(await golangState()).toEqual([{ version: 10, dirty: false }]);
      // Still golang-migrate's table: no dbmate table was made of it or beside it.
      const columns = await t.db.query<{ name: string }>(
        "SELECT attname AS name FROM pg_attribute WHERE attrelid = 'schema_migrations'::regclass AND attnum > 0 ORDER BY attnum",
      );
      expect(columns.map((c) => c.name)).toEqual(['version', 'dirty']);

      await migrateDown(t.db, { migrationsDir: FIXTURES.golang, steps: 2 });
      expect(await golangState()).toEqual([{ version: 2, dirty: false }]);
      // What `migrate down 1` with golang-migrate leaves: file 2 reverted, its number moved back.
      await t.db.exec('DROP INDEX users_email_idx; UPDATE schema_migrations SET version = 1');
      const after = await migrationStatus(t.db, { migrationsDir: FIXTURES.golang });
      expect(after.migrations.map((m) => m.state)).toEqual(['applied', 'pending', 'pending', 'pending']);
      expect(after.revertedElsewhere).toEqual(['2']);
      expect((await migrateUp(t.db, { migrationsDir: FIXTURES.golang })).applied.map((a) => a.version)).toEqual(['2', '3', '10']);
      expect(await golangState()).toEqual([{ version: 10, dirty: false }]);
    });

    it.each([
      ['of several statements (one transaction)', 'CREATE TABLE audit (id int);\nSELECT 1/0;\n', 2],
      ['of one statement (run on its own)', 'SELECT 1/0;\n', 1],
    ])("adopts in the transaction that records the run's first file: a first file %s that fails records nothing", async (_, sql, line) => {
      await builtByGolangMigrate(2);
      const dir = copyFixture(FIXTURES.golang);
      copies.push(dir);
      fs.writeFileSync(path.join(dir, '000003_audit.up.sql'), sql);
      const error = (await migrateUp(t.db, { migrationsDir: dir }).catch((e: unknown) => e)) as DevdbError;
      expect(error.message).toMatch(new RegExp(`^Migration 3_audit \\(up\\) failed at .*000003_audit\\.up\\.sql:${line} `));
      expect(await tablesIn(t.db, 'public')).toEqual(['schema_migrations', 'sessions', 'users']);
      expect(await golangState()).toEqual([{ version: 2, dirty: false }]);
    });

    it('refuses a dirty golang-migrate state with what to do, and changes nothing; status shows it', async () => {
      await builtByGolangMigrate(2, true);
      for (const run of [
        () => migrateUp(t.db, { migrationsDir: FIXTURES.golang }),
        () => migrateDown(t.db, { migrationsDir: FIXTURES.golang }),
        () => resetSchema(t.db, { migrationsDir: FIXTURES.golang }),
      ]) {
        const error = (await run().catch((e: unknown) => e)) as DevdbError;
        expect(error.code).toBe('E_MIGRATION_DIRTY');
        expect(error.message).toMatch(
          /^golang-migrate's public\.schema_migrations marks version 2 dirty: a golang-migrate run failed part-way through .*000002_index_users_email\.up\.sql, .*Nothing was changed\..*migrate force 2/,
        );
      }
      expect(await tablesIn(t.db, 'public')).toEqual(['schema_migrations', 'sessions', 'users']);
      expect((await migrationStatus(t.db, { migrationsDir: FIXTURES.golang })).golang).toEqual({ version: '2', dirty: true });
    });

    it('migrate new in a golang-migrate folder writes the next pair, numbered as the folder is', async () => {
      const dir = copyFixture(FIXTURES.golang);
      copies.push(dir);
      const created = await newMigration('add avatars', { migrationsDir: dir });
      expect([path.basename(created.file), path.basename(created.downFile!)]).toEqual([
        '000011_add_avatars.up.sql',
        '000011_add_avatars.down.sql',
      ]);
      const status = await migrationStatus(t.db, { migrationsDir: dir });
      expect(status.migrations.at(-1)).toMatchObject({ version: '11', state: 'empty' });
      await expect(migrateUp(t.db, { migrationsDir: dir })).rejects.toMatchObject({ code: 'E_MIGRATION_FILE' });
    });
  });
}
