import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMigration } from '../../src/migrate/migration-file.js';
import { MAX_SLUG_BYTES, migrationSlug, newMigration } from '../../src/migrate/new-migration.js';
import { headerComment } from '../../src/migrate/template.js';
import { loadMigrations } from '../../src/migrate/migration-source.js';
import { parseJson, runCli } from '../support/cli.js';
import { runInProcess } from '../support/run-command.js';

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
    const filled = text.replace('-- migrate:up\n', '-- migrate:up\nALTER TABLE users ADD COLUMN avatar text;\n');
    expect(parseMigration(result.file, filled).up.sql.trim()).toBe('ALTER TABLE users ADD COLUMN avatar text;');
  });

  it('never reuses or goes below the newest version, even when the clock is behind', async () => {
    fs.writeFileSync(path.join(dir, '20300101000000_future.sql'), '-- migrate:up\nSELECT 1;\n');
    const result = await newMigration('next', { migrationsDir: dir, now: new Date('2026-01-01T00:00:00Z') });
    expect(result.version).toBe('20300101000001');
  });

  it('an empty new migration never breaks the next migrate new, nor a broken file does', async () => {
    const first = await newMigration('first', { migrationsDir: dir, now: new Date('2026-01-01T00:00:00Z') });
    fs.writeFileSync(path.join(dir, '20250101000000_broken.sql'), 'not a migration at all;');
    const second = await newMigration('second', { migrationsDir: dir, now: new Date('2026-01-01T00:00:00Z') });
    expect(BigInt(second.version)).toBe(BigInt(first.version) + 1n);
  });

  it.each([
    ['日本語', '日本語'],
    ['añadir columna', 'añadir_columna'],
    ['Ärger mit Ümlauten', 'ärger_mit_ümlauten'],
    ['  add -- users; DROP  ', 'add_users_drop'],
    ['e\u0301clair', 'éclair'],
  ])('%s becomes the slug %s (Unicode letters kept, NFC)', (name, slug) => {
    expect(migrationSlug(name)).toBe(slug);
  });

  it('cuts a 300-character name at a word boundary within the byte limit, and the file is written', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    expect(long.length).toBeGreaterThan(300);
    const slug = migrationSlug(long);
    expect(Buffer.byteLength(slug)).toBeLessThanOrEqual(MAX_SLUG_BYTES);
    expect(slug).toMatch(/^word0_word1_.*word\d+$/);
    const oneWord = migrationSlug('語'.repeat(300));
    expect(Buffer.byteLength(oneWord)).toBeLessThanOrEqual(MAX_SLUG_BYTES);
    expect(oneWord).toBe('語'.repeat(33));
    const result = await newMigration('語'.repeat(300), { migrationsDir: dir });
    expect(fs.existsSync(result.file)).toBe(true);
  });

  it('keeps a newline or control characters in the name out of the SQL: the header stays one comment line', async () => {
    expect(headerComment('evil\nDROP TABLE users;')).toBe('-- evil DROP TABLE users;');
    expect(headerComment('a\r\u2028b\u001b[31m')).toBe('-- a b [31m');
    const result = await newMigration('evil\nDROP TABLE users;', { migrationsDir: dir });
    const text = fs.readFileSync(result.file, 'utf8');
    expect(text.split('\n')[0]).toBe('-- evil DROP TABLE users;');
    expect(text.split('\n').filter((line) => /DROP TABLE/.test(line) && !line.startsWith('--'))).toEqual([]);
    const [parsed] = await loadMigrations(dir);
    expect(parsed!.up.statements).toEqual([]);
  });

  it('refuses a name with nothing to slug', async () => {
    await expect(newMigration('!!!', { migrationsDir: dir })).rejects.toMatchObject({ code: 'E_USAGE' });
  });

  it('the CLI names files from any script and from 300 characters, and keeps a newline out of the SQL', async () => {
    for (const [name, slug] of [
      ['日本語', '日本語'],
      ['añadir columna', 'añadir_columna'],
      ['x'.repeat(300), 'x'.repeat(MAX_SLUG_BYTES)],
      ['evil\nDROP TABLE users;', 'evil_drop_table_users'],
    ] as const) {
      const result = await runInProcess(['migrate', 'new', name, '--migrations-dir', dir, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const created = parseJson<{ file: string; name: string }>(result);
      expect(created.name).toBe(slug);
      expect(fs.readFileSync(created.file, 'utf8')).toMatch(/^-- [^\n]*\n\n-- migrate:up\n/);
    }
    expect(fs.readdirSync(dir)).toHaveLength(4);
  });

  // Spawned: the real binary, its exit code and its JSON on stdout as a script sees them.
  it('is reachable from the CLI with --migrations-dir, and answers in JSON', async () => {
    const result = await runCli(['migrate', 'new', 'create invoices', '--migrations-dir', dir, '--json']);
    expect(result.code).toBe(0);
    const created = parseJson<{ file: string; name: string }>(result);
    expect(created.name).toBe('create_invoices');
    expect(fs.existsSync(created.file)).toBe(true);
  });
});
