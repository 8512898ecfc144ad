import { DbError } from '../db/db-error.js';
import { DevdbError } from '../errors.js';
import type { MigrationFile, MigrationSection } from './migration-file.js';

/** A statement of a migration section that failed, with the error the engine raised. */
export class StatementFailure extends Error {
  constructor(
    readonly error: unknown,
    readonly migration: MigrationFile,
    readonly section: MigrationSection,
    readonly direction: 'up' | 'down',
    /** Index of the failing statement in `section.statements`. */
    readonly index: number,
    /** Indexes of the statements that ran before it and stay committed (none when the section ran in one transaction). */
    readonly kept: number[],
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

export interface FailureLocation {
  line: number;
  column: number | undefined;
}

/**
 * Where in the file the failure is: the server's position mapped through the statement's offset,
 * or, when the server gives none (division by zero, a missing extension), the statement's first line.
 */
export function locate(failure: StatementFailure): FailureLocation {
  const { section, index } = failure;
  const statement = section.statements[index]!;
  const position = failure.error instanceof DbError ? failure.error.position : undefined;
  const inStatement = position === undefined ? 0 : codeUnitIndex(statement.text, position - 1);
  const offset = statement.offset + inStatement;
  const before = section.sql.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = section.startLine + countNewlines(before);
  return { line, column: position === undefined ? undefined : [...before.slice(lineStart)].length + 1 };
}

/** The statements a failed section left committed: line and first words of each, for the message. */
export function statementsKept(failure: StatementFailure): string[] {
  return failure.kept.map((index) => {
    const s = failure.section.statements[index]!;
    const line = failure.section.startLine + countNewlines(failure.section.sql.slice(0, s.offset));
    const head = s.text.split('\n')[0]!.trim();
    return `line ${line}: ${head.length > 70 ? `${head.slice(0, 67)}...` : head}`;
  });
}

/** What a failed section left behind, said as it is for each way a section runs. */
export function keptMessage(failure: StatementFailure): string {
  const { section } = failure;
  const kept = statementsKept(failure);
  if (!section.controlsTransactions && section.transaction)
    return 'Nothing of this migration was kept (it ran in one transaction); fix the file and run again.';
  const how = section.controlsTransactions
    ? 'it commits by itself (its own BEGIN and COMMIT)'
    : 'it runs outside a transaction (transaction:false, or a golang-migrate file of one statement), one statement at a time';
  if (kept.length === 0)
    return `Nothing of this migration was kept: ${section.controlsTransactions ? 'nothing it ran was committed before the error' : 'nothing ran before the error'}; fix the file and run again.`;
  return [
    `Kept: ${how}, so these ${kept.length} statement(s) ran before the error and stay in the database:`,
    ...kept.map((s) => `  ${s}`),
    'The migration is not recorded as applied: make those statements safe to run again (IF NOT EXISTS) or undo them, then run again.',
  ].join('\n');
}

/**
 * The error as graphile-migrate shows it: `file:line:column`, the server's message and SQLSTATE,
 * the line with a caret under the position, then detail, hint and context. `outcome` says what
 * was kept, which only the caller knows (one transaction, statement by statement, a reset).
 */
export function migrationError(failure: StatementFailure, outcome: string, details: Record<string, unknown> = {}): DevdbError {
  const { migration, section, direction, error } = failure;
  const db = error instanceof DbError ? error : undefined;
  const { line, column } = locate(failure);
  const where = `${section.file}:${line}${column === undefined ? '' : `:${column}`}`;
  const reason = `${failure.message}${db ? ` (SQLSTATE ${db.code})` : ''}`;
  const text = section.sql.split('\n')[line - section.startLine] ?? '';
  const gutter = String(line);
  const lines = [
    `Migration ${migration.version}_${migration.name} (${direction}) failed at ${where}${column === undefined ? ' (the statement that starts on this line; the server gave no position)' : ''}: ${reason}`,
    `  ${gutter} | ${text}`,
  ];
  if (column !== undefined) lines.push(`  ${' '.repeat(gutter.length)} | ${caretPad(text, column)}^`);
  if (db?.detail) lines.push(`  detail: ${db.detail}`);
  if (db?.hint) lines.push(`  hint: ${db.hint}`);
  if (db?.where) lines.push(`  context: ${db.where.replaceAll('\n', '; ')}`);
  lines.push(outcome);
  return new DevdbError('E_MIGRATION_FAILED', lines.join('\n'), {
    cause: error,
    details: {
      version: migration.version,
      direction,
      file: section.file,
      line,
      column: column ?? null,
      sqlState: db?.code ?? null,
      detail: db?.detail ?? null,
      hint: db?.hint ?? null,
      ...details,
    },
  });
}

/** Spaces up to the column, keeping tabs so the caret lines up in a terminal. */
function caretPad(text: string, column: number): string {
  return [...text]
    .slice(0, column - 1)
    .map((c) => (c === '\t' ? '\t' : ' '))
    .join('');
}

/** The server counts characters (code points); JavaScript strings index UTF-16 code units. */
function codeUnitIndex(text: string, codePoints: number): number {
  let index = 0;
  for (let n = 0; n < codePoints && index < text.length; n++) index += text.codePointAt(index)! > 0xffff ? 2 : 1;
  return index;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
