import type { AppliedMigration, HistorySource } from './history.js';
import type { MigrationFile } from './migration-file.js';
import { compareMigrations, type FolderFormat } from './migration-source.js';

/**
 * applied: in the history with the same checksum (or recorded by dbmate or golang-migrate, which keep none);
 * pending: not applied yet; empty: not applied, and still what `migrate new` wrote;
 * changed: applied, but the file was edited since; missing: applied, but its file is gone.
 */
export const MIGRATION_STATES = ['applied', 'pending', 'empty', 'changed', 'missing'] as const;
export type MigrationState = (typeof MIGRATION_STATES)[number];

export interface MigrationStatusEntry {
  version: string;
  name: string;
  state: MigrationState;
  file: string | null;
  appliedAt: string | null;
  /** Which tool recorded it: devdb, or dbmate / golang-migrate (their table, not adopted yet). */
  recordedBy: HistorySource | null;
  /** How devdb runs this file where that is worth knowing (a no-op, its own COMMIT, search_path, no down section). */
  notes: string[];
}

export interface MigrationPlan {
  /** In the folder's order (file names for dbmate, version numbers for golang-migrate). */
  entries: MigrationStatusEntry[];
  /** Files not applied yet, in the folder's order, empty ones included. */
  pending: MigrationFile[];
  drifted: MigrationStatusEntry[];
}

/** Pure: compares the files with the history. */
export function planMigrations(files: MigrationFile[], history: AppliedMigration[], format: FolderFormat): MigrationPlan {
  const applied = new Map(history.map((h) => [h.version, h]));
  const entries: MigrationStatusEntry[] = [];
  const pending: MigrationFile[] = [];
  for (const file of files) {
    const done = applied.get(file.version);
    applied.delete(file.version);
    if (!done) pending.push(file);
    const state: MigrationState = !done
      ? file.empty
        ? 'empty'
        : 'pending'
      : done.checksum === null || done.checksum === file.checksum
        ? 'applied'
        : 'changed';
    entries.push({
      version: file.version,
      name: file.name,
      file: file.file,
      appliedAt: done?.appliedAt?.toISOString() ?? null,
      state,
      recordedBy: done?.source ?? null,
      notes: migrationNotes(file),
    });
  }
  for (const gone of applied.values()) {
    entries.push({
      version: gone.version,
      name: gone.name,
      file: null,
      appliedAt: gone.appliedAt?.toISOString() ?? null,
      state: 'missing',
      recordedBy: gone.source,
      notes: [],
    });
  }
  entries.sort(compareMigrations(format));
  return { entries, pending, drifted: entries.filter((e) => e.state === 'changed' || e.state === 'missing') };
}

/** `SET search_path` or `set_config('search_path', …, false)`: a change that outlives the statement (not SET LOCAL). */
const SETS_SEARCH_PATH = /^\s*SET\s+(?:SESSION\s+)?search_path\b|set_config\s*\(\s*'search_path'\s*,[^)]*,\s*false\s*\)/i;

/** What is worth knowing about how a file runs, where devdb and dbmate differ or a surprise waits. */
export function migrationNotes(file: MigrationFile): string[] {
  const notes: string[] = [];
  if (!file.empty && file.up.statements.length === 0) notes.push('no statement to apply: applied as a no-op, as dbmate does');
  if (file.up.controlsTransactions)
    notes.push('commits by itself (its own BEGIN/COMMIT): what it commits stays if a later statement fails');
  if (file.up.statements.some((s) => SETS_SEARCH_PATH.test(s.text)))
    notes.push('changes search_path: devdb puts it back after this file (dbmate and golang-migrate keep it for the files after)');
  if (!file.down) notes.push('no down section: migrate down cannot revert it, and reset rebuilds instead');
  else if (file.down.statements.length === 0)
    notes.push('empty down section: migrate down reverts it as a no-op, and reset rebuilds instead');
  return notes;
}
