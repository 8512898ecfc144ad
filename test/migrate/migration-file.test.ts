import { describe, expect, it } from 'vitest';
import { DevdbError } from '../../src/errors.js';
import { checksum, isEmptyMigration, parseFileName, parseMigration } from '../../src/migrate/migration-file.js';

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
    ['an empty up section (a fresh migrate new)', '-- x\n\n-- migrate:up\n\n\n-- migrate:down\n\n'],
    ['an up section with comments only', '-- migrate:up\n-- to do\n/* later */\n-- migrate:down\n'],
    ['an empty file', ''],
  ])('parses %s as an empty migration, not an error', (_, text) => {
    const m = parseMigration(file, text);
    expect(isEmptyMigration(m)).toBe(true);
    expect(m.down).toBeUndefined();
  });

  it.each([
    ['SQL without an up section', 'CREATE TABLE x ();', /no "-- migrate:up" line/],
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
