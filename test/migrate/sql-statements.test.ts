import { describe, expect, it } from 'vitest';
import { splitStatements, transactionControl } from '../../src/migrate/sql-statements.js';

const texts = (sql: string) => splitStatements(sql).map((s) => s.text);

describe('splitStatements', () => {
  it('splits on semicolons and keeps each statement with its semicolon and offset', () => {
    const sql = 'CREATE TABLE a (id int);\n  CREATE TABLE b (id int);';
    expect(splitStatements(sql)).toEqual([
      { text: 'CREATE TABLE a (id int);', offset: 0 },
      { text: 'CREATE TABLE b (id int);', offset: 27 },
    ]);
  });

  it('keeps a last statement without a semicolon, and drops empty ones and comment-only tails', () => {
    expect(texts(';;SELECT 1;;\n;SELECT 2\n-- the end\n')).toEqual(['SELECT 1;', 'SELECT 2\n-- the end\n']);
    expect(texts('-- only a comment\n/* and another */\n')).toEqual([]);
    expect(texts('')).toEqual([]);
  });

  it('starts a statement at its first token, after leading comments', () => {
    const [s] = splitStatements('-- why\n/* more */  SELECT 1;');
    expect(s).toEqual({ text: 'SELECT 1;', offset: 19 });
  });

  it.each([
    ['a semicolon in a string', "SELECT 'a;b';SELECT 2;", ["SELECT 'a;b';", 'SELECT 2;']],
    ['a doubled quote in a string', "SELECT 'it''s; fine';SELECT 2;", ["SELECT 'it''s; fine';", 'SELECT 2;']],
    ['an E string with backslash escapes', "SELECT E'\\'; still\\\\';SELECT 2;", ["SELECT E'\\'; still\\\\';", 'SELECT 2;']],
    ['a lower-case e string', "SELECT e'\\';';SELECT 2;", ["SELECT e'\\';';", 'SELECT 2;']],
    ['a backslash in a standard string', "SELECT 'C:\\';SELECT 2;", ["SELECT 'C:\\';", 'SELECT 2;']],
    ['a word ending in e before a string', "SELECT some'x;';SELECT 2;", ["SELECT some'x;';", 'SELECT 2;']],
    ['a quoted identifier', 'CREATE TABLE "a;""b" (id int);SELECT 2;', ['CREATE TABLE "a;""b" (id int);', 'SELECT 2;']],
    ['a U& string and identifier', `SELECT U&'d;\\0061' AS U&"x;y";SELECT 2;`, [`SELECT U&'d;\\0061' AS U&"x;y";`, 'SELECT 2;']],
    ['a line comment', 'SELECT 1 -- not; the end\n;SELECT 2;', ['SELECT 1 -- not; the end\n;', 'SELECT 2;']],
    ['a nested block comment', 'SELECT 1 /* a; /* b; */ c; */;SELECT 2;', ['SELECT 1 /* a; /* b; */ c; */;', 'SELECT 2;']],
    ['a -- inside a string', "SELECT '--;';SELECT 2;", ["SELECT '--;';", 'SELECT 2;']],
    ['a /* inside a string', "SELECT '/*';SELECT 2;", ["SELECT '/*';", 'SELECT 2;']],
    [
      '$$ dollar quotes',
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;SELECT 2;',
      ['CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;', 'SELECT 2;'],
    ],
    [
      'tagged dollar quotes containing $$',
      "DO $body$ BEGIN RAISE NOTICE '$$;'; PERFORM $$;$$; END $body$;SELECT 2;",
      ["DO $body$ BEGIN RAISE NOTICE '$$;'; PERFORM $$;$$; END $body$;", 'SELECT 2;'],
    ],
    ['a dollar quote with a non-ASCII tag', 'SELECT $é$;$é$;SELECT 2;', ['SELECT $é$;$é$;', 'SELECT 2;']],
    ['positional parameters, not dollar quotes', 'PREPARE p AS SELECT $1;SELECT 2;', ['PREPARE p AS SELECT $1;', 'SELECT 2;']],
    ['an identifier with a dollar sign', 'SELECT a$b$ FROM t;SELECT 2;', ['SELECT a$b$ FROM t;', 'SELECT 2;']],
    [
      'parentheses (a rule with several actions)',
      'CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);SELECT 2;',
      ['CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);', 'SELECT 2;'],
    ],
    [
      'a BEGIN ATOMIC routine body with CASE',
      'CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN x > 0 THEN 1 END; END;SELECT 2;',
      [
        'CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN x > 0 THEN 1 END; END;',
        'SELECT 2;',
      ],
    ],
    [
      'a procedure body',
      'CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;CALL p();',
      ['CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;', 'CALL p();'],
    ],
    ['a transaction block outside routines', 'BEGIN;SELECT 1;END;', ['BEGIN;', 'SELECT 1;', 'END;']],
    ['CASE ... END outside routines', 'SELECT CASE WHEN true THEN 1 END;SELECT 2;', ['SELECT CASE WHEN true THEN 1 END;', 'SELECT 2;']],
  ])('does not split inside %s', (_, sql, expected) => {
    expect(texts(sql)).toEqual(expected);
  });

  it.each([
    ['an unterminated string', "SELECT 1; SELECT 'oops; SELECT 2;"],
    ['an unterminated dollar quote', 'SELECT 1; SELECT $x$ oops; SELECT 2;'],
    ['an unterminated block comment', 'SELECT 1; SELECT /* oops; SELECT 2;'],
    ['an unterminated quoted identifier', 'SELECT 1; SELECT "oops; SELECT 2;'],
  ])('sends %s to the end as one statement, for the server to report', (_, sql) => {
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(2);
    expect(statements[1]!.offset + statements[1]!.text.length).toBe(sql.length);
  });

  it('loses and reorders nothing: every statement is a slice of the source at its offset', () => {
    const sql =
      "CREATE TABLE t (x text DEFAULT 'a;b');\n-- c;\nCREATE INDEX CONCURRENTLY i1 ON t (x);\r\nCREATE INDEX CONCURRENTLY i2 ON t ((x || $$;$$));";
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(3);
    for (const s of statements) expect(sql.slice(s.offset, s.offset + s.text.length)).toBe(s.text);
  });
});

describe('transactionControl', () => {
  it.each([
    ['BEGIN;', 'opens'],
    ['begin transaction isolation level serializable;', 'opens'],
    ['START TRANSACTION;', 'opens'],
    ['COMMIT;', 'commits'],
    ['commit work', 'commits'],
    ['END;', 'commits'],
    ['ROLLBACK;', 'discards'],
    ['ABORT;', 'discards'],
    ['ROLLBACK TO SAVEPOINT s;', undefined],
    ['ROLLBACK WORK TO s;', undefined],
    ['COMMIT PREPARED $$x$$;', undefined],
    ['SAVEPOINT s;', undefined],
    ["DO $$ BEGIN RAISE NOTICE 'x'; END $$;", undefined],
    ['CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END;', undefined],
  ])('%s is %s', (sql, expected) => {
    const [statement] = splitStatements(sql);
    expect(transactionControl(statement!)).toBe(expected);
  });
});
