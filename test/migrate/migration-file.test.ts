import { describe, expect, it } from 'vitest';
import { DevdbError } from '../../src/errors.js';
import { checksum, isEmptyMigration, parseFileName, parseMigration } from '../../src/migrate/migration-file.js';
import { dbmateTemplate } from '../../src/migrate/template.js';

const file = 'sql/migrations/20260101000000_add_things.sql';

describe('parseMigration', () => {
  it('splits the up and down sections, remembers where up starts, and splits statements', () => {
    const m = parseMigration(
      file,
      '-- adds things\n\n-- migrate:up\nCREATE TABLE things (id int);\nINSERT INTO things VALUES (1);\n\n-- migrate:down\nDROP TABLE things;\n',
    );
    expect(m.version).toBe('20260101000000');
    expect(m.name).toBe('add_things');
    expect(m.up.sql.trim()).toBe('CREATE TABLE things (id int);\nINSERT INTO things VALUES (1);');
    expect(m.up.startLine).toBe(4);
    expect(m.up.transaction).toBe(true);
    expect(m.up.statements.map((s) => s.text)).toEqual(['CREATE TABLE things (id int);', 'INSERT INTO things VALUES (1);']);
    expect(m.down?.sql.trim()).toBe('DROP TABLE things;');
    expect(isEmptyMigration(m)).toBe(false);
  });

  it('reads transaction:false on a section', () => {
    const m = parseMigration(file, '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (x);\n');
    expect(m.up.transaction).toBe(false);
    expect(m.down).toBeUndefined();
  });

  it.each([
    ['as migrate new wrote it', dbmateTemplate('add things')],
    ['as migrate new wrote it, with CRLF and trailing blanks from an editor', dbmateTemplate('add things').replaceAll('\n', '  \r\n')],
  ])('a file still %s is empty (never applied)', (_, text) => {
    const m = parseMigration(file, text);
    expect(isEmptyMigration(m)).toBe(true);
    expect(m.up.statements).toEqual([]);
    expect(m.down?.statements).toEqual([]);
  });

  it.each([
    ['an up section with comments only', '-- migrate:up\n-- CREATE VIEW v AS SELECT 1;\n/* later */\n-- migrate:down\n'],
    ["dbmate's own template", '-- migrate:up\n\n\n-- migrate:down\n\n'],
    ['the template with one line changed', dbmateTemplate('add things').replace('-- migrate:down', '-- later\n-- migrate:down')],
  ])('%s is a no-op migration, not an empty one, as dbmate applies it', (_, text) => {
    const m = parseMigration(file, text);
    expect(isEmptyMigration(m)).toBe(false);
    expect(m.up.statements).toEqual([]);
  });

  it('tells a down section without statements (a no-op revert) from no down section (irreversible)', () => {
    expect(parseMigration(file, '-- migrate:up\nSELECT 1;\n-- migrate:down\n-- nothing to undo\n').down?.statements).toEqual([]);
    expect(parseMigration(file, '-- migrate:up\nSELECT 1;\n').down).toBeUndefined();
  });

  it('marks a section that commits by itself', () => {
    const m = parseMigration(file, '-- migrate:up\nBEGIN;\nCREATE TABLE x (id int);\nCOMMIT;\nCREATE TABLE y (id int);\n');
    expect(m.up.controlsTransactions).toBe(true);
    expect(
      parseMigration(file, '-- migrate:up\nCREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END;\n').up.controlsTransactions,
    ).toBe(false);
  });

  it.each([
    ['SQL without an up section', 'CREATE TABLE x ();', /no "-- migrate:up" line/],
    ['an empty file (dbmate refuses it too)', '', /no "-- migrate:up" line/],
    ['a down section before the up section', '-- migrate:down\nSELECT 2;\n-- migrate:up\nSELECT 1;', /comes before "-- migrate:up"/],
    [
      'SQL above the first section',
      '-- header\n\nCREATE TABLE x ();\n-- migrate:up\nSELECT 1;',
      /_add_things\.sql:3: SQL before "-- migrate:up" would never run/,
    ],
    ['two up sections', '-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;', /second "-- migrate:up"/],
    ['an unknown option', '-- migrate:up transaction:maybe\nSELECT 1;', /unknown option "transaction:maybe"/],
  ])('rejects %s with a message naming the file', (_, text, message) => {
    expect(() => parseMigration(file, text)).toThrowError(message);
    expect(() => parseMigration(file, text)).toThrowError(DevdbError);
    expect(() => parseMigration(file, text)).toThrowError(/20260101000000_add_things\.sql/);
  });

  it('rejects a file name without a version', () => {
    expect(() => parseMigration('sql/migrations/add_things.sql', '-- migrate:up\nSELECT 1;')).toThrowError(
      /starts with its version digits/,
    );
  });
});

describe('parseFileName follows dbmate (^(\\d+).*\\.sql$)', () => {
  it.each([
    ['20260101000000_add_things.sql', '20260101000000', 'add_things'],
    ['20151129054053_Create-Users.sql', '20151129054053', 'Create-Users'],
    ['001-init.sql', '001', 'init'],
    ['20260101000000-AddIndex.sql', '20260101000000', 'AddIndex'],
    ['42.sql', '42', ''],
    ['20260101000000_añadir_日本語.sql', '20260101000000', 'añadir_日本語'],
    ['1_two words.sql', '1', 'two words'],
    ['20260101000000AddThings.sql', '20260101000000', 'AddThings'],
  ])('%s has version %s and name %s', (name, version, slug) => {
    expect(parseFileName(name)).toEqual({ version, name: slug });
  });

  it.each(['add_things.sql', 'v1_init.sql', '20260101_init.sql.bak', '20260101_init.SQL', '_1.sql'])('%s is not a migration', (name) => {
    expect(parseFileName(name)).toBeUndefined();
  });
});

describe('checksum', () => {
  const text = '-- migrate:up\nCREATE TABLE t (id int);\n\n-- migrate:down\nDROP TABLE t;\n';

  it('ignores CRLF line endings, trailing blanks and trailing empty lines', () => {
    expect(checksum(text.replaceAll('\n', '\r\n'))).toBe(checksum(text));
    expect(checksum(text.replace('int);', 'int);   \t'))).toBe(checksum(text));
    expect(checksum(text + '\n\n\n')).toBe(checksum(text));
  });

  it('changes when the SQL changes', () => {
    expect(checksum(text.replace('id int', 'id bigint'))).not.toBe(checksum(text));
    expect(checksum(text)).toMatch(/^[0-9a-f]{64}$/);
  });
});
