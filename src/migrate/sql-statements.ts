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
  const finish = (end: number) => {
    if (start >= 0) statements.push({ text: sql.slice(start, end), offset: start });
    start = -1;
    parens = 0;
    blocks = 0;
    words = [];
  };
  for (let i = 0; i < sql.length;) {
    const token = nextToken(sql, i);
    i = token.end;
    if (token.kind === 'blank') continue;
    if (token.kind === ';') {
      if (parens === 0 && blocks === 0) finish(i);
      continue;
    }
    if (start < 0) start = token.start;
    if (token.kind === 'word') blocks = countBlocks(words, sql.slice(token.start, token.end).toUpperCase(), blocks);
    else if (token.kind === '(') parens++;
    else if (token.kind === ')' && parens > 0) parens--;
  }
  finish(sql.length);
  return statements;
}

/** A bare word of a statement (keyword or unquoted identifier), outside strings, quoted identifiers and comments. */
export interface SqlWord {
  /** Upper case, as keywords compare. */
  word: string;
  offset: number;
  /** Parenthesis depth: 0 for the statement's own clauses. */
  depth: number;
}

/** The words of one statement (from splitStatements), read with the same rules as the splitter. */
export function statementWords(statement: string): SqlWord[] {
  const words: SqlWord[] = [];
  let depth = 0;
  for (let i = 0; i < statement.length;) {
    const token = nextToken(statement, i);
    i = token.end;
    if (token.kind === 'word') words.push({ word: statement.slice(token.start, token.end).toUpperCase(), offset: token.start, depth });
    else if (token.kind === '(') depth++;
    else if (token.kind === ')' && depth > 0) depth--;
  }
  return words;
}

interface Token {
  /** blank: white space and comments; literal: strings, quoted identifiers, numbers; other: any other character. */
  kind: 'blank' | ';' | '(' | ')' | 'word' | 'literal' | 'other';
  start: number;
  end: number;
}

/** The token starting at `i`: comments, strings ('' and E'\\''), quoted identifiers and dollar quotes are one token each. */
function nextToken(sql: string, i: number): Token {
  const c = sql[i]!;
  const next = sql[i + 1];
  const token = (kind: Token['kind'], end: number): Token => ({ kind, start: i, end });
  if (c === '-' && next === '-') return token('blank', lineEnd(sql, i));
  if (c === '/' && next === '*') return token('blank', blockCommentEnd(sql, i));
  if (/\s/.test(c)) return token('blank', i + 1);
  if (c === ';' || c === '(' || c === ')') return token(c, i + 1);
  if (c === "'" || c === '"') return token('literal', quotedEnd(sql, i, c, false));
  const tag = c === '$' ? dollarTag(sql, i) : undefined;
  if (tag) {
    const close = sql.indexOf(tag, i + tag.length);
    return token('literal', close < 0 ? sql.length : close + tag.length);
  }
  if (WORD_START.test(c) || /[0-9]/.test(c)) {
    let end = i + 1;
    while (end < sql.length && WORD_PART.test(sql[end]!)) end++;
    if (end === i + 1 && (c === 'E' || c === 'e') && sql[end] === "'") return token('literal', quotedEnd(sql, end, "'", true));
    return token(WORD_START.test(c) ? 'word' : 'literal', end);
  }
  return token('other', i + 1);
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
