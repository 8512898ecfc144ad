import { createHash } from 'node:crypto';
import path from 'node:path';
import { DevdbError } from '../errors.js';

export interface MigrationSection {
  sql: string;
  /** 1-based line of the file where `sql` starts, to map server error positions back. */
  startLine: number;
  transaction: boolean;
}

export interface MigrationFile {
  version: string;
  name: string;
  /** Path as given (relative paths stay relative, for messages). */
  file: string;
  checksum: string;
  up: MigrationSection;
  down: MigrationSection | undefined;
}

export const FILE_PATTERN = /^(\d{1,20})_([a-z0-9][a-z0-9_-]*)\.sql$/;
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
  const match = FILE_PATTERN.exec(path.basename(file));
  if (!match) {
    throw new DevdbError('E_MIGRATION_FILE', `${file}: a migration file is named <version>_<name>.sql (digits, then lowercase words), e.g. 20260101120000_add_users.sql.`);
  }
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const sections = new Map<string, { options: string; start: number; end: number }>();
  let current: string | undefined;
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line.trim());
    if (!marker) return;
    const [, kind = '', options = ''] = marker;
    if (sections.has(kind)) throw new DevdbError('E_MIGRATION_FILE', `${file}:${index + 1}: a second "-- migrate:${kind}" section; keep one of each.`);
    if (current) sections.get(current)!.end = index;
    sections.set(kind, { options: options.trim(), start: index + 1, end: lines.length });
    current = kind;
  });
  const section = (kind: 'up' | 'down'): MigrationSection | undefined => {
    const found = sections.get(kind);
    if (!found) return undefined;
    const transaction = parseOptions(file, found.start, found.options);
    const sql = lines.slice(found.start, found.end).join('\n');
    return sql.trim() === '' ? undefined : { sql, startLine: found.start + 1, transaction };
  };
  const up = section('up');
  if (!up) {
    throw new DevdbError('E_MIGRATION_FILE', `${file}: no SQL under "-- migrate:up"; add the statements to apply there.`);
  }
  return { version: match[1]!, name: match[2]!, file, checksum: checksum(text), up, down: section('down') };
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
