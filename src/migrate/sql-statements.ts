/**
 * Splits SQL text into statements the way psql does, so each can be sent on its own: a semicolon
 * ends a statement only outside strings ('' and E'\'' escapes), quoted identifiers, dollar quotes
 * ($$ and $tag$), comments (-- and nested block comments), parentheses, and the BEGIN ... END body
 * of a SQL-standard CREATE FUNCTION / PROCEDURE. Unterminated constructs run to the end of the text
 * and are sent as they are: the server then reports the syntax error with its position.
 */
export interface SqlStatement {
  /** The statement as sent: from its first token up to and including its semicolon (if any). */
  text: string;
  /** Where `text` starts in the source, as a string index. */
  offset: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

export function splitStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = -1; // index of the current statement's first token, -1 before it
  let parens = 0;
  let blocks = 0; // BEGIN/CASE ... END nesting inside a SQL-standard routine body
  let words: string[] = []; // the statement's first words, to recognise CREATE [OR REPLACE] FUNCTION
  const begin = (at: number) => {
    if (start < 0) start = at;
  };
  const finish = (end: number) => {
    if (start >= 0) statements.push({ text: sql.slice(start, end), offset: start });
    start = -1;
    parens = 0;
    blocks = 0;
    words = [];
  };

  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      i = lineEnd(sql, i);
    } else if (c === '/' && next === '*') {
      i = blockCommentEnd(sql, i);
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === ';') {
      i++;
      if (parens === 0 && blocks === 0) finish(i);
    } else {
      begin(i);
      if (c === "'") {
        i = quotedEnd(sql, i, "'", false);
      } else if (c === '"') {
        i = quotedEnd(sql, i, '"', false);
      } else if (c === '$' && dollarTag(sql, i)) {
        const tag = dollarTag(sql, i)!;
        const close = sql.indexOf(tag, i + tag.length);
        i = close < 0 ? sql.length : close + tag.length;
      } else if (WORD_START.test(c) || /[0-9]/.test(c)) {
        let end = i + 1;
        while (end < sql.length && WORD_PART.test(sql[end]!)) end++;
        const word = sql.slice(i, end);
        if ((word === 'E' || word === 'e') && sql[end] === "'") {
          i = quotedEnd(sql, end, "'", true);
          continue;
        }
        if (WORD_START.test(c)) blocks = countBlocks(words, word.toUpperCase(), blocks);
        i = end;
      } else {
        if (c === '(') parens++;
        else if (c === ')' && parens > 0) parens--;
        i++;
      }
    }
  }
  finish(sql.length);
  return statements;
}

/** psql's rule: BEGIN and CASE open a block, END closes one, but only in CREATE [OR REPLACE] FUNCTION/PROCEDURE. */
function countBlocks(words: string[], word: string, blocks: number): number {
  if (words.length < 4) words.push(word);
  const routine =
    words[0] === 'CREATE' &&
    (words[1] === 'FUNCTION' ||
      words[1] === 'PROCEDURE' ||
      (words[1] === 'OR' && words[2] === 'REPLACE' && (words[3] === 'FUNCTION' || words[3] === 'PROCEDURE')));
  if (!routine) return blocks;
  if (word === 'BEGIN' || word === 'CASE') return blocks + 1;
  if (word === 'END' && blocks > 0) return blocks - 1;
  return blocks;
}

/** `$$` or `$tag$` starting at `at` (not `$1`, a parameter). */
function dollarTag(sql: string, at: number): string | undefined {
  DOLLAR_TAG.lastIndex = at;
  return DOLLAR_TAG.exec(sql)?.[0];
}

function lineEnd(sql: string, from: number): number {
  const end = sql.indexOf('\n', from);
  return end < 0 ? sql.length : end + 1;
}

/** Block comments nest in PostgreSQL (unlike the SQL standard's C-style comments). */
function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** A quoted run: a doubled quote stays inside; with `backslash` (E'...'), a backslash escapes the next character. */
function quotedEnd(sql: string, open: number, quote: string, backslash: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslash && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** How a statement ends or starts a transaction block, if it does: what a file that commits by itself is made of. */
export type TransactionControl = 'opens' | 'commits' | 'discards';

/**
 * BEGIN / START TRANSACTION, COMMIT / END, ROLLBACK / ABORT as whole statements. ROLLBACK TO a
 * savepoint and the two-phase PREPARED forms are not: they leave the transaction block as it is.
 */
export function transactionControl(statement: SqlStatement): TransactionControl | undefined {
  const words = statement.text
    .replace(/;\s*$/, '')
    .toUpperCase()
    .split(/[\s;]+/)
    .filter((word) => word !== 'WORK' && word !== 'TRANSACTION');
  const [first = '', second = ''] = words;
  if (first === 'BEGIN' || first === 'START') return 'opens';
  if (second === 'PREPARED' || second === 'TO') return undefined;
  if (first === 'COMMIT' || first === 'END') return 'commits';
  if (first === 'ROLLBACK' || first === 'ABORT') return 'discards';
  return undefined;
}
