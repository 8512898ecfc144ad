import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/**
 * A relation created by a transaction that never committed (a seed's CREATE TABLE … AS, a
 * TRUNCATE's new file, an index build) keeps its data files when the process is killed:
 * PostgreSQL replays WAL on the next start but has no record saying the files are garbage, so
 * they stay forever (the same is true of a real server after a crash). Measured here: a killed
 * 400k-row `CREATE TABLE … AS` left 96 MiB in base/5/. Sort spill files in base/pgsql_tmp are
 * the same kind of leftover (a server's postmaster clears them at start; PGlite has none).
 *
 * On open, while this process is the folder's only user and no transaction of ours is open,
 * a data file whose relfilenode no pg_class row points to is an orphan. After a CHECKPOINT
 * (so that recovery is complete and PostgreSQL's own zero-length tombstones are settled) they
 * are removed. Only the open database's folder is touched, and only files named as relation
 * forks; empty main-fork files are left to PostgreSQL (they are its tombstones).
 */
const RELATION_FILE = /^(\d+)(?:_(?:fsm|vm|init))?(?:\.\d+)?$/;

export interface OrphanReport {
  files: string[];
  bytes: number;
}

export async function removeOrphanedFiles(pg: PGlite, pgdata: string): Promise<OrphanReport> {
  const report: OrphanReport = { files: [], bytes: 0 };
  const tmp = path.join(pgdata, 'base', 'pgsql_tmp');
  for (const name of safeReaddir(tmp)) report.files.push(path.join(tmp, name));

  const candidates = await orphanCandidates(pg, pgdata);
  if (candidates.length > 0) {
    await pg.exec('CHECKPOINT');
    // Read the catalog again after the checkpoint: the set of live files is what it says now.
    report.files.push(...(await orphanCandidates(pg, pgdata)));
  }
  for (const file of report.files) {
    report.bytes += fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    fs.rmSync(file, { force: true, recursive: true });
  }
  return report;
}

async function orphanCandidates(pg: PGlite, pgdata: string): Promise<string[]> {
  const [db] = (await pg.query<{ oid: number }>('SELECT oid::int AS oid FROM pg_database WHERE datname = current_database()')).rows;
  if (!db) return [];
  const live = new Set(
    (
      await pg.query<{ filenode: number }>(
        'SELECT pg_relation_filenode(oid)::int AS filenode FROM pg_class WHERE pg_relation_filenode(oid) IS NOT NULL',
      )
    ).rows.map((row) => row.filenode),
  );
  const folder = path.join(pgdata, 'base', String(db.oid));
  const orphans: string[] = [];
  for (const name of safeReaddir(folder)) {
    const match = RELATION_FILE.exec(name);
    if (!match || live.has(Number(match[1]))) continue;
    const file = path.join(folder, name);
    const isMainFork = !name.includes('_');
    if (isMainFork && (fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) === 0) continue;
    orphans.push(file);
  }
  return orphans;
}

function safeReaddir(folder: string): string[] {
  try {
    return fs.readdirSync(folder);
  } catch {
    return [];
  }
}
