import type { AppliedMigration } from './history.js';
import { isEmptyMigration, type MigrationFile } from './migration-file.js';
import { compareVersions } from './migration-source.js';

/**
 * applied: in the history with the same checksum (or recorded by dbmate, which keeps none);
 * pending: not applied yet; empty: not applied, and no SQL under "-- migrate:up" yet;
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
  /** Which tool recorded it: devdb, or dbmate (its `schema_migrations`, not yet adopted). */
  recordedBy: 'devdb' | 'dbmate' | null;
}

export interface MigrationPlan {
  entries: MigrationStatusEntry[];
  /** Files not applied yet, in version order, empty ones included. */
  pending: MigrationFile[];
  drifted: MigrationStatusEntry[];
}

/** Pure: compares the files with the history. */
export function planMigrations(files: MigrationFile[], history: AppliedMigration[]): MigrationPlan {
  const applied = new Map(history.map((h) => [h.version, h]));
  const entries: MigrationStatusEntry[] = [];
  const pending: MigrationFile[] = [];
  for (const file of files) {
    const done = applied.get(file.version);
    applied.delete(file.version);
    if (!done) pending.push(file);
    const state: MigrationState = !done
      ? isEmptyMigration(file)
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
    });
  }
  entries.sort((a, b) => compareVersions(a.version, b.version));
  return { entries, pending, drifted: entries.filter((e) => e.state === 'changed' || e.state === 'missing') };
}
