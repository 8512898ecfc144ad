import { createHash } from 'node:crypto';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import { splitStatements, type SqlStatement } from './sql-statements.js';

export interface MigrationSection {
  sql: string;
  /** 1-based line of the file where `sql` starts, to map server error positions back. */
  startLine: number;
  transaction: boolean;
  /** `sql` split into statements, each run on its own (offsets into `sql`). */
  statements: SqlStatement[];
}

export interface MigrationFile {
  version: string;
  name: string;
  /** Path as given (relative paths stay relative, for messages). */
  file: string;
  checksum: string;
  /** Empty when the file has no statement under "-- migrate:up" yet (a fresh `migrate new`). */
  up: MigrationSection;
  down: MigrationSection | undefined;
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
  return file.up.statements.length === 0;
}
const MARKER = /^--\s*migrate:(up|down)\b(.*)$/;

/**
 * SHA-256 of the text with line endings unified and trailing blanks dropped, so a checkout
 * with CRLF or an editor that trims whitespace does not look like drift.
 */
export function checksum(text: string): string {
  const normalized = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
  return createHash('sha256').update(normalized).digest('hex');
}

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
  const section = (kind: 'up' | 'down'): MigrationSection | undefined => {
    const found = sections.get(kind);
    if (!found) return undefined;
    const transaction = parseOptions(file, found.start, found.options);
    const sql = lines.slice(found.start, found.end).join('\n');
    return { sql, startLine: found.start + 1, transaction, statements: splitStatements(sql) };
  };
  if (!sections.has('up') && splitStatements(text).length > 0) {
    throw new DevdbError('E_MIGRATION_FILE', `${file}: no "-- migrate:up" line; put the statements to apply under one.`);
  }
  // Like dbmate, refuse SQL above the first section rather than silently not running it.
  const firstMarker = Math.min(...[...sections.values()].map((found) => found.start - 1));
  const [stray] = splitStatements(lines.slice(0, firstMarker).join('\n'));
  if (stray) {
    const line = lines.slice(0, firstMarker).join('\n').slice(0, stray.offset).split('\n').length;
    throw new DevdbError('E_MIGRATION_FILE', `${file}:${line}: SQL before "-- migrate:up" would never run; move it under that line.`);
  }
  const down = section('down');
  return {
    ...parsed,
    file,
    checksum: checksum(text),
    up: section('up') ?? { sql: '', startLine: 1, transaction: true, statements: [] },
    down: down && down.statements.length > 0 ? down : undefined,
  };
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
