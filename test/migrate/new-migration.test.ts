import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMigration } from '../../src/migrate/migration-file.js';
import { newMigration } from '../../src/migrate/new-migration.js';
import { parseJson, runCli } from '../support/cli.js';

describe('migrate new', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-new-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a UTC-timestamped file with both sections that the parser accepts once filled', async () => {
    const result = await newMigration('Add user avatars!', { migrationsDir: dir, now: new Date('2026-03-04T05:06:07Z') });
    expect(result).toMatchObject({ version: '20260304050607', name: 'add_user_avatars' });
    const text = fs.readFileSync(result.file, 'utf8');
    expect(text).toContain('-- migrate:up');
    expect(text).toContain('-- migrate:down');
    const filled = text.replace('-- migrate:up\n', '-- migrate:up\nalter table users add column avatar text;\n');
    expect(parseMigration(result.file, filled).up.sql.trim()).toBe('alter table users add column avatar text;');
  });

  it('never reuses or goes below the newest version, even when the clock is behind', async () => {
    fs.writeFileSync(path.join(dir, '20300101000000_future.sql'), '-- migrate:up\nselect 1;\n');
    const result = await newMigration('next', { migrationsDir: dir, now: new Date('2026-01-01T00:00:00Z') });
    expect(result.version).toBe('20300101000001');
  });

  it('refuses a name with nothing to slug', async () => {
    await expect(newMigration('!!!', { migrationsDir: dir })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('is reachable from the CLI with --migrations-dir, and answers in JSON', async () => {
    const result = await runCli(['migrate', 'new', 'create invoices', '--migrations-dir', dir, '--json']);
    expect(result.code).toBe(0);
    const created = parseJson<{ file: string; name: string }>(result);
    expect(created.name).toBe('create_invoices');
    expect(fs.existsSync(created.file)).toBe(true);
  });
});
