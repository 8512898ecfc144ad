import { DevdbError } from '../errors.js';
import type { MigrationFile, MigrationSection } from './migration-file.js';

/**
 * Maps a server error raised while running a section back to `file:line:column`, with the
 * offending line quoted, so the fix starts in the editor, not in the server log.
 */
export function migrationError(error: unknown, migration: MigrationFile, section: MigrationSection, direction: 'up' | 'down'): DevdbError {
  const message = (error as Error).message ?? String(error);
  const position = Number((error as { position?: unknown }).position);
  let where = migration.file;
  let near = '';
  let line: number | undefined;
  let column: number | undefined;
  if (Number.isInteger(position) && position > 0) {
    const before = section.sql.slice(0, position - 1);
    const lines = before.split('\n');
    line = section.startLine + lines.length - 1;
    column = lines[lines.length - 1]!.length + 1;
    where = `${migration.file}:${line}:${column}`;
    near = ` (at: ${section.sql.split('\n')[lines.length - 1]!.trim()})`;
  }
  return new DevdbError('E_MIGRATION_FAILED', `Migration ${migration.version}_${migration.name} (${direction}) failed at ${where}: ${message}${near}. Nothing of it was kept${section.transaction ? '' : ' except what ran before the error (transaction:false)'}; fix the file and run again.`, {
    cause: error,
    details: { version: migration.version, file: migration.file, line, column, sqlState: (error as { code?: unknown }).code },
  });
}
