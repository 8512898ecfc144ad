import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DevdbError } from '../../src/errors.js';
import { migrateDown, migrateUp, migrationStatus, resetSchema } from '../../src/migrate/index.js';
import { engines, useDatabase } from '../support/engines.js';

const THREE = {
  '001_first.sql': '-- migrate:up\ncreate table first (id int primary key);\n-- migrate:down\ndrop table first;\n',
  '002_second.sql': '-- migrate:up\ncreate table second (id int primary key);\n-- migrate:down\ndrop table second;\n',
  '003_third.sql': '-- migrate:up\ncreate table third (id int primary key);\n-- migrate:down\ndrop table third;\n',
};

function writeDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-mig-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

for (const engine of engines) {
  describe(`migrator on ${engine}`, () => {
    const t = useDatabase(engine, { migrated: false });
    let dir: string;
    beforeEach(() => {
      dir = writeDir(THREE);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const tables = async () =>
      (await t.db.query<{ name: string }>("select tablename as name from pg_tables where schemaname = 'public' order by 1")).map((r) => r.name);

    it('applies pending migrations in order and records each with its checksum', async () => {
      const result = await migrateUp(t.db, { migrationsDir: dir });
      expect(result.applied.map((a) => a.version)).toEqual(['001', '002', '003']);
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'second', 'third']);
      const history = await t.db.query<{ version: string; checksum: string; duration_ms: number }>('select * from devdb_migrations order by version');
      expect(history.map((h) => h.version)).toEqual(['001', '002', '003']);
      expect(history.every((h) => /^[0-9a-f]{64}$/.test(h.checksum) && h.duration_ms >= 0)).toBe(true);
      const again = await migrateUp(t.db, { migrationsDir: dir });
      expect(again.applied).toEqual([]);
    });

    it('leaves the first migration applied and nothing of a broken second one', async () => {
      fs.writeFileSync(path.join(dir, '002_second.sql'), '-- migrate:up\ncreate table second (id int primary key);\ninsert into second values (1);\nselect * from\n  no_such_table;\n');
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
      expect(dry.planned[0]!.sql).toContain('create table second');
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
      expect((await migrateDown(t.db, { migrationsDir: dir, steps: 5 })).reverted.map((r) => r.version)).toEqual(['002', '001']);
      expect(await tables()).toEqual(['devdb_migrations']);
    });

    it('refuses to revert a migration without a down section, and changes nothing', async () => {
      fs.writeFileSync(path.join(dir, '002_second.sql'), '-- migrate:up\ncreate table second (id int);\n');
      await migrateUp(t.db, { migrationsDir: dir });
      await expect(migrateDown(t.db, { migrationsDir: dir, steps: 2 })).rejects.toMatchObject({ code: 'E_MIGRATION_FILE' });
      expect(await tables()).toEqual(['devdb_migrations', 'first', 'second', 'third']);
    });

    it('runs a transaction:false file outside a transaction', async () => {
      fs.writeFileSync(path.join(dir, '004_index.sql'), '-- migrate:up transaction:false\ncreate index concurrently first_id_idx on first (id);\n-- migrate:down transaction:false\ndrop index concurrently first_id_idx;\n');
      await migrateUp(t.db, { migrationsDir: dir });
      const [row] = await t.db.query<{ n: number }>("select count(*) as n from pg_indexes where indexname = 'first_id_idx'");
      expect(row!.n).toBe(1);
    });

    it('resets to a clean schema: data gone, every migration applied again', async () => {
      await migrateUp(t.db, { migrationsDir: dir });
      await t.db.query('insert into first values (1)');
      const result = await resetSchema(t.db, { migrationsDir: dir });
      expect(result.reverted).toHaveLength(3);
      expect(result.applied).toHaveLength(3);
      expect(await t.db.query('select * from first')).toEqual([]);
    });
  });
}
