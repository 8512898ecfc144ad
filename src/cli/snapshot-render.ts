import { describeSession } from '../db/databases.js';
import type { Disconnections, RestoreResult, SnapshotInfo } from '../snapshot/index.js';

/** The lines snapshot, branch, setup and reset print about what a copy or a restore did to clients and versions. */

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

/** "Disconnected 2 clients of the database: pid 41 (psql, …); pid 42 (…)", or nothing when nobody was. */
export function disconnectionLines(done: Disconnections, what: string): string[] {
  const lines: string[] = [];
  if (done.sessions.length > 0) {
    lines.push(
      `Disconnected ${done.sessions.length} client(s) of ${what} (PostgreSQL copies and renames a database only while nobody is connected): ${done.sessions.map(describeSession).join('; ')}.`,
    );
  }
  if (done.restartedServer) {
    lines.push(
      `Restarted the server at ${done.restartedServer.url} to swap the files (PGlite holds them open): its ${done.restartedServer.clients} client(s) were disconnected and can reconnect now.`,
    );
  }
  return lines;
}

/** A snapshot in a few words: "saved 2026-…, migration 2026…, 41.2 MiB". */
export function snapshotSummary(snapshot: SnapshotInfo): string {
  const version = snapshot.migrationVersion ? `migration ${snapshot.migrationVersion}` : 'no migration history';
  return `saved ${snapshot.createdAt} from branch ${snapshot.branch}, ${version}, ${formatBytes(snapshot.sizeBytes)}`;
}

/** The warning for a snapshot of another migration version than the project's files, or undefined. */
export function migrationWarning(result: RestoreResult): string | undefined {
  const mismatch = result.migrationMismatch;
  if (!mismatch) return undefined;
  const snapshotAt = mismatch.snapshot ? `migration ${mismatch.snapshot}` : 'no migration history';
  const filesAt = mismatch.files ? `migration ${mismatch.files}` : 'no migration files';
  return `Note: snapshot ${result.snapshot.name} was saved at ${snapshotAt}, and the project's migrations are at ${filesAt}: run devdb migrate status, then devdb migrate (or save the snapshot again).`;
}
