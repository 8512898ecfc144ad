import { describe, expect, it } from 'vitest';
import { isSql, lowerCaseKeywords, scan } from './sql-case.js';

const words = (sql: string) => lowerCaseKeywords(sql).map((k) => k.word);

describe('SQL keyword case (issue #12: one SQL keyword style)', () => {
  it('recognises SQL strings, in any case, and not English that opens with the same words', () => {
    expect(isSql('select 1 from users')).toBe(true);
    expect(isSql('-- migrate:up\ncreate table t (id int);')).toBe(true);
    expect(isSql("set timezone to 'UTC'")).toBe(true);
    expect(isSql('with recursive walk(a, b) as (SELECT 1)')).toBe(true);
    expect(isSql('FROM x where y')).toBe(true);
    expect(isSql('set null')).toBe(false);
    expect(isSql('truncate')).toBe(false);
    expect(isSql('create prints the token alone on stdout')).toBe(false);
    expect(isSql('revoke needs --yes without a terminal')).toBe(false);
    expect(isSql('Select a table')).toBe(false);
    expect(isSql('from the file')).toBe(false);
  });

  it('flags lower-case keywords, and not literals, quoted or qualified names, aliases, functions or types', () => {
    expect(words("SELECT body FROM comments WHERE body = 'on the project' and id in (1)")).toEqual(['and', 'in']);
    expect(words('Select 1')).toEqual(['Select']);
    expect(words('SELECT c.relname AS table, x.on, "from" FROM t WHERE y::text IS NULL -- and so on')).toEqual([]);
    expect(words("SELECT count(*), coalesce(a, 0), left(q, 8), now() FROM t WHERE t.at > now() - interval '1 day'")).toEqual([]);
    expect(words('CREATE TABLE log (at date) partition by range (at)')).toEqual(['partition', 'by', 'range']);
    expect(words("SELECT (j.created_at at time zone 'UTC')::date FROM p(key, partition)")).toEqual(['at', 'time', 'zone']);
    expect(words('CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql')).toEqual([]);
    expect(words('ALTER TABLE t ADD FOREIGN KEY (<column>) REFERENCES u (id)')).toEqual([]);
  });

  it('finds every SQL keyword in upper case across test/, src/, bench/, scripts/ and sql/', () => {
    const { findings, unknown, staleExcuses } = scan();
    const problems = {
      lowerCaseSql: findings.map((f) => `${f.file}:${f.line}: ${[...new Set(f.words)].join(' ')}`),
      // A file of a kind the guard does not read: add its extension to CODE or NOT_SQL in sql-case.ts.
      unknownFiles: unknown,
      // A "// sql-case:" comment that excuses no lower-case SQL any more.
      staleExcuses,
    };
    expect(problems).toEqual({ lowerCaseSql: [], unknownFiles: [], staleExcuses: [] });
  });
});
