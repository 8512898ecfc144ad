import { quoteLiteral } from '../catalog/quote-ident.js';
import { splitStatements, statementWords, type SqlWord } from '../migrate/sql-statements.js';

/**
 * What the wire server needs to know about the SQL a client sends, read with the project's SQL
 * tokenizer (src/migrate/sql-statements.ts), so that words inside strings, comments, quoted
 * identifiers and subqueries never count: `COPY (SELECT 'read FROM STDIN') TO STDOUT` is not a
 * COPY FROM STDIN, `/* load *\/ COPY t FROM STDIN` is.
 */
export interface QueryFacts {
  statements: number;
  /** A COPY … FROM STDIN among the statements: where its STDIN word is, and its format. */
  copyIn: { stdinOffset: number; binary: boolean } | undefined;
  /**
   * A statement that may change session state other clients would see: SET, RESET, DISCARD,
   * PREPARE, DEALLOCATE, LISTEN, UNLISTEN, a temporary table, set_config(). The server reads the
   * session's state again after it (src/server/session-state.ts).
   */
  changesSession: boolean;
  /** LISTEN and UNLISTEN statements, in order: the channel (`*` for UNLISTEN *), and whether it starts listening. */
  listens: { channel: string; listen: boolean }[];
}

const SESSION_STATEMENTS = new Set(['SET', 'RESET', 'DISCARD', 'PREPARE', 'DEALLOCATE', 'LISTEN', 'UNLISTEN']);
const SESSION_WORDS = new Set(['TEMP', 'TEMPORARY', 'PG_TEMP', 'SET_CONFIG']);
/** Between FROM and STDIN only blanks and comments may stand. */
const BLANKS = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*$/;

export function readQuery(sql: string): QueryFacts {
  const facts: QueryFacts = { statements: 0, copyIn: undefined, changesSession: false, listens: [] };
  for (const statement of splitStatements(sql)) {
    const words = statementWords(statement.text);
    if (words.length === 0) continue;
    facts.statements++;
    if (SESSION_STATEMENTS.has(words[0]!.word) || words.some((w) => SESSION_WORDS.has(w.word))) facts.changesSession = true;
    const listen = /^(LISTEN|UNLISTEN)\s+("(?:[^"]|"")+"|\*|[^\s;]+)/i.exec(statement.text);
    if (listen) facts.listens.push({ channel: identifier(listen[2]!), listen: listen[1]!.toUpperCase() === 'LISTEN' });
    const stdin = words[0]!.word === 'COPY' ? stdinWord(statement.text, words) : undefined;
    if (stdin && !facts.copyIn) facts.copyIn = { stdinOffset: statement.offset + stdin.offset, binary: isBinary(words) };
  }
  return facts;
}

/** The statement with its STDIN replaced by a quoted file name (the engine's COPY device). */
export function copyFromFile(sql: string, copyIn: { stdinOffset: number }, file: string): string {
  return `${sql.slice(0, copyIn.stdinOffset)}${quoteLiteral(file)}${sql.slice(copyIn.stdinOffset + 'STDIN'.length)}`;
}

/** An identifier as PostgreSQL reads it: quoted ones as written (`""` is `"`), bare ones in lower case. */
function identifier(token: string): string {
  return token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toLowerCase();
}

function stdinWord(text: string, words: SqlWord[]): SqlWord | undefined {
  for (let i = 1; i + 1 < words.length; i++) {
    const [from, target] = [words[i]!, words[i + 1]!];
    if (from.depth !== 0 || target.depth !== 0 || from.word !== 'FROM' || target.word !== 'STDIN') continue;
    if (BLANKS.test(text.slice(from.offset + 4, target.offset))) return target;
  }
  return undefined;
}

/** `(FORMAT binary)` or the old `BINARY`; only CopyInResponse's format byte depends on it. */
function isBinary(words: SqlWord[]): boolean {
  return words.some((w, i) => w.word === 'BINARY' && (w.depth === 0 || words[i - 1]?.word === 'FORMAT'));
}
