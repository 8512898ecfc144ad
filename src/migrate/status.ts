import type { AppliedMigration } from './history.js';
import type { MigrationFile } from './migration-file.js';
import { compareVersions } from './migration-source.js';

/**
 * applied: in the history with the same checksum; pending: not applied yet; changed: applied,
 * but the file was edited since; missing: applied, but its file is gone.
 */
export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing';

export interface MigrationStatusEntry {
  version: string;
  name: string;
  state: MigrationState;
  file: string | null;
  appliedAt: string | null;
}

export interface MigrationPlan {
  entries: MigrationStatusEntry[];
  pending: MigrationFile[];
  drifted: MigrationStatusEntry[];
}

export function planMigrations(files: MigrationFile[], history: AppliedMigration[]): MigrationPlan {
  const applied = new Map(history.map((h) => [h.version, h]));
  const entries: MigrationStatusEntry[] = [];
  const pending: MigrationFile[] = [];
  for (const file of files) {
    const done = applied.get(file.version);
    applied.delete(file.version);
    if (!done) pending.push(file);
    entries.push({
      version: file.version,
      name: file.name,
      file: file.file,
      appliedAt: done ? done.appliedAt.toISOString() : null,
      state: !done ? 'pending' : done.checksum === file.checksum ? 'applied' : 'changed',
    });
  }
  for (const gone of applied.values()) {
    entries.push({ version: gone.version, name: gone.name, file: null, appliedAt: gone.appliedAt.toISOString(), state: 'missing' });
  }
  entries.sort((a, b) => compareVersions(a.version, b.version));
  return { entries, pending, drifted: entries.filter((e) => e.state === 'changed' || e.state === 'missing') };
}
