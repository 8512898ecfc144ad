import type { DatabaseSession } from '../db/databases.js';

/** What a snapshot is: `devdb snapshot list` shows one line of it, `--json` the whole. */
export interface SnapshotInfo {
  name: string;
  /** The engine it was saved on: a native folder, a server, or a PGlite folder. */
  engine: 'native' | 'postgres' | 'pglite';
  /** ISO time it was saved. */
  createdAt: string;
  /** The branch it was saved from. */
  branch: string;
  /** The newest migration applied when it was saved (null: no migration history). */
  migrationVersion: string | null;
  sizeBytes: number;
  /** Where it is kept: a server database's name, or a folder. */
  storedAs: string;
}

/** What a restore or a save did to the clients of the database it copied or replaced. */
export interface Disconnections {
  /** Server sessions ended (PostgreSQL copies and renames a database only while nobody is connected to it). */
  sessions: DatabaseSession[];
  /** PGlite served by devdb start: the server was stopped and started again, ending this many clients. */
  restartedServer: { clients: number; url: string } | null;
}

export interface SaveResult extends Disconnections {
  snapshot: SnapshotInfo;
  /** An older snapshot of that name was replaced (--force). */
  replaced: boolean;
}

export interface RestoreResult extends Disconnections {
  snapshot: SnapshotInfo;
  /** The migration version the project's files are at, when it differs from the snapshot's; null when they agree. */
  migrationMismatch: { snapshot: string | null; files: string | null } | null;
}

export interface SnapshotOptions {
  /** The devdb command at work, named to whoever finds a folder busy. */
  command?: string | undefined;
}

export interface SaveOptions extends SnapshotOptions {
  /** Replace a snapshot of that name (without it, an existing one is an error). */
  replace?: boolean | undefined;
}

export interface RestoreOptions extends SnapshotOptions {
  /** The project's migrations folder: a snapshot taken at another version than its newest file is flagged. */
  migrationsDir?: string | undefined;
}
