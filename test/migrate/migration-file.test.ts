import { describe, expect, it } from 'vitest';
import { DevdbError } from '../../src/errors.js';
import { checksum, parseMigration } from '../../src/migrate/migration-file.js';

const file = 'sql/migrations/20260101000000_add_things.sql';

describe('parseMigration', () => {
  it('splits the up and down sections and remembers where up starts', () => {
    const m = parseMigration(file, '-- adds things\n\n-- migrate:up\ncreate table things (id int);\n\n-- migrate:down\ndrop table things;\n');
    expect(m.version).toBe('20260101000000');
    expect(m.name).toBe('add_things');
    expect(m.up.sql.trim()).toBe('create table things (id int);');
    expect(m.up.startLine).toBe(4);
    expect(m.up.transaction).toBe(true);
    expect(m.down?.sql.trim()).toBe('drop table things;');
  });

  it('reads transaction:false on a section', () => {
    const m = parseMigration(file, '-- migrate:up transaction:false\ncreate index concurrently i on t (x);\n');
    expect(m.up.transaction).toBe(false);
    expect(m.down).toBeUndefined();
  });

  it.each([
    ['no up section', 'create table x ();', /no SQL under "-- migrate:up"/],
    ['an empty up section', '-- migrate:up\n\n-- migrate:down\ndrop table x;', /no SQL under/],
    ['two up sections', '-- migrate:up\nselect 1;\n-- migrate:up\nselect 2;', /second "-- migrate:up"/],
    ['an unknown option', '-- migrate:up transaction:maybe\nselect 1;', /unknown option "transaction:maybe"/],
  ])('rejects %s with a message naming the file', (_, text, message) => {
    expect(() => parseMigration(file, text)).toThrowError(message);
    expect(() => parseMigration(file, text)).toThrowError(DevdbError);
  });

  it('rejects a file name without a version', () => {
    expect(() => parseMigration('sql/migrations/add_things.sql', '-- migrate:up\nselect 1;')).toThrowError(/<version>_<name>\.sql/);
  });
});

describe('checksum', () => {
  const text = '-- migrate:up\ncreate table t (id int);\n\n-- migrate:down\ndrop table t;\n';

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
