import { createHash } from 'node:crypto';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import { splitStatements, transactionControl } from './sql-statements.js';
import type { SqlStatement } from './sql-statements.js';
import { isUntouchedTemplate, normalizeText } from './template.js';

export interface MigrationSection {
  /** The file the section is in (a golang-migrate migration has one file per direction). */
  file: string;
  sql: string;
  /** 1-based line of the file where `sql` starts, to map server error positions back. */
  startLine: number;
  /** false: the statements run one at a time outside a transaction (dbmate's `transaction:false`). */
  transaction: boolean;
  /** `sql` split into statements, each run on its own (offsets into `sql`). */
  statements: SqlStatement[];
  /** The SQL has its own BEGIN / COMMIT / ROLLBACK: what it commits stays, whatever fails after. */
  controlsTransactions: boolean;
}

export interface MigrationFile {
  /** The digits exactly as the file name has them (dbmate), or the number they make (golang-migrate). */
  version: string;
  name: string;
  /** Path as given (relative paths stay relative, for messages); the up file of a golang-migrate pair. */
  file: string;
  checksum: string;
  up: MigrationSection;
  /** undefined when the file has no down section (it cannot be reverted); a down without statements reverts as a no-op. */
  down: MigrationSection | undefined;
  /** Still exactly what `migrate new` wrote: not applied (migrate refuses it, setup and reset skip it). */
  empty: boolean;
}

/**
 * dbmate's rule (pkg/dbmate/db.go, `^(\d+).*\.sql$`): the version is the leading digits, and
 * anything may follow (upper case, hyphens, dots, nothing at all). Other names are not migrations.
 */
export const FILE_PATTERN = /^(\d+)(.*)\.sql$/s;

/** Version and name of a migration file name, or undefined when the name is not a migration's. */
export function parseFileName(basename: string): { version: string; name: string } | undefined {
  const match = FILE_PATTERN.exec(basename);
  if (!match) return undefined;
  return { version: match[1]!, name: match[2]!.replace(/^[-_.\s]+/, '') };
}

export function isEmptyMigration(file: MigrationFile): boolean {
  return file.empty;
}

const MARKER = /^--\s*migrate:(up|down)\b(.*)$/;

/**
 * SHA-256 of the text with line endings unified and trailing blanks dropped, so a checkout
 * with CRLF or an editor that trims whitespace does not look like drift.
 */
export function checksum(...texts: string[]): string {
  return createHash('sha256').update(texts.map(normalizeText).join('\0')).digest('hex');
}

/** A dbmate-format file: `-- migrate:up` and `-- migrate:down` sections in one file. */
export function parseMigration(file: string, text: string): MigrationFile {
  const parsed = parseFileName(path.basename(file));
  if (!parsed) {
    throw new DevdbError(
      'E_MIGRATION_FILE',
      `${file}: a migration file name starts with its version digits and ends in .sql, e.g. 20260101120000_add_users.sql.`,
    );
  }
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const sections = new Map<string, { options: string; start: number; end: number }>();
  let current: string | undefined;
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line.trim());
    if (!marker) return;
    const [, kind = '', options = ''] = marker;
    if (sections.has(kind))
      throw new DevdbError('E_MIGRATION_FILE', `${file}:${index + 1}: a second "-- migrate:${kind}" section; keep one of each.`);
    if (current) sections.get(current)!.end = index;
    sections.set(kind, { options: options.trim(), start: index + 1, end: lines.length });
    current = kind;
  });
  const up = sections.get('up');
  // dbmate refuses a file without an up section, even an empty one: it is not a migration yet.
  if (!up) throw new DevdbError('E_MIGRATION_FILE', `${file}: no "-- migrate:up" line; put the statements to apply under one.`);
  const down = sections.get('down');
  if (down && down.start < up.start)
    throw new DevdbError(
      'E_MIGRATION_FILE',
      `${file}:${down.start}: "-- migrate:down" comes before "-- migrate:up"; put the up section first.`,
    );
  // Like dbmate, refuse SQL above the first section rather than silently not running it.
  const [stray] = splitStatements(lines.slice(0, up.start - 1).join('\n'));
  if (stray) {
    const line = lines
      .slice(0, up.start - 1)
      .join('\n')
      .slice(0, stray.offset)
      .split('\n').length;
    throw new DevdbError('E_MIGRATION_FILE', `${file}:${line}: SQL before "-- migrate:up" would never run; move it under that line.`);
  }
  const section = (found: { options: string; start: number; end: number }): MigrationSection =>
    makeSection(file, lines.slice(found.start, found.end).join('\n'), found.start + 1, parseOptions(file, found.start, found.options));
  return {
    ...parsed,
    file,
    checksum: checksum(text),
    up: section(up),
    down: down && section(down),
    empty: isUntouchedTemplate(text, 'dbmate'),
  };
}

/**
 * A golang-migrate pair, `N_name.up.sql` and `N_name.down.sql`: plain SQL, sent as one query.
 * PostgreSQL runs a query of several statements as one transaction and a single statement on
 * its own (so `CREATE INDEX CONCURRENTLY` works alone in a file): devdb runs them the same way.
 */
export function parseGolangMigration(
  version: string,
  name: string,
  up: { file: string; text: string },
  down: { file: string; text: string } | undefined,
): MigrationFile {
  const section = (part: { file: string; text: string }): MigrationSection => {
    const made = makeSection(part.file, part.text.replace(/\r\n?/g, '\n'), 1, true);
    return { ...made, transaction: made.statements.length > 1 };
  };
  return {
    version,
    name,
    file: up.file,
    checksum: checksum(up.text, down?.text ?? ''),
    up: section(up),
    down: down && section(down),
    empty: isUntouchedTemplate(up.text, 'golang-migrate'),
  };
}

function makeSection(file: string, sql: string, startLine: number, transaction: boolean): MigrationSection {
  const statements = splitStatements(sql);
  return { file, sql, startLine, transaction, statements, controlsTransactions: statements.some((s) => transactionControl(s)) };
}

function parseOptions(file: string, line: number, options: string): boolean {
  let transaction = true;
  for (const option of options.split(/\s+/).filter(Boolean)) {
    if (option === 'transaction:false') transaction = false;
    else if (option === 'transaction:true') transaction = true;
    else throw new DevdbError('E_MIGRATION_FILE', `${file}:${line}: unknown option "${option}"; the only one is transaction:false.`);
  }
  return transaction;
}
