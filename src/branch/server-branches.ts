import {
  copyDatabase,
  databaseExists,
  databaseSize,
  databasesLike,
  dropDatabase,
  sessionsOn,
  setDatabaseRecord,
  type DatabaseEntry,
} from '../db/databases.js';
import { MAIN_BRANCH, serverDatabaseName } from '../db/devdb-names.js';
import { openServerAdmin, type ServerAdmin, type ServerTarget } from '../db/server-admin.js';
import { branchOf } from '../db/target.js';
import { findSnapshot } from '../snapshot/server-snapshots.js';
import { branchNotFound } from './not-found.js';
import { describeSource, type BranchInfo, type BranchSource, type CreateBranchResult, type RemoveBranchResult } from './types.js';

/**
 * Branches on a PostgreSQL server (the native engine's, or one reached by URL): a database per
 * branch, `devdb_branch_<name>` (beside another main database than `postgres`,
 * `devdb_branch_<main>__<name>`), made with CREATE DATABASE … TEMPLATE from a snapshot or from the
 * current branch, with devdb's record as its COMMENT.
 */
interface BranchRecord {
  devdb: 'branch';
  name: string;
  main: string;
  createdAt: string;
  from: string;
}

export async function createServerBranch(
  target: ServerTarget,
  name: string,
  source: BranchSource,
  command: string,
): Promise<CreateBranchResult> {
  return withAdmin(target, command, async (admin) => {
    const stored = serverDatabaseName('branch', admin.main, name);
    // template0 accepts no connections, nor does a snapshot; the current branch's clients are ended and named.
    const from =
      source === 'current' ? admin.database : source === 'empty' ? 'template0' : (await findSnapshot(admin, source.snapshot)).name;
    const sessions = await copyDatabase(admin.db, from, stored, { endSessions: source === 'current' });
    try {
      const record: BranchRecord = {
        devdb: 'branch',
        name,
        main: admin.main,
        createdAt: new Date().toISOString(),
        from: describeSource(source, branchOf(target)),
      };
      await setDatabaseRecord(admin.db, stored, record);
    } catch (error) {
      await dropDatabase(admin.db, stored).catch(() => {});
      throw error;
    }
    const entry = (await branchEntries(admin)).find((e) => e.name === stored)!;
    return { branch: infoOf(entry, branchOf(target)), sessions };
  });
}

export async function serverBranchExists(target: ServerTarget, name: string, command: string): Promise<boolean> {
  return withAdmin(target, command, (admin) =>
    databaseExists(admin.db, name === MAIN_BRANCH ? admin.main : serverDatabaseName('branch', admin.main, name)),
  );
}

export async function listServerBranches(target: ServerTarget, command: string): Promise<BranchInfo[]> {
  return withAdmin(target, command, async (admin) => {
    const current = branchOf(target);
    const mainInfo: BranchInfo = {
      name: MAIN_BRANCH,
      current: current === MAIN_BRANCH,
      createdAt: null,
      from: null,
      sizeBytes: await databaseSize(admin.db, admin.main),
      storedAs: admin.main,
    };
    return [mainInfo, ...(await branchEntries(admin)).map((entry) => infoOf(entry, current))];
  });
}

export async function removeServerBranch(target: ServerTarget, name: string, command: string): Promise<RemoveBranchResult> {
  return withAdmin(target, command, async (admin) => {
    const stored = serverDatabaseName('branch', admin.main, name);
    const entry = (await branchEntries(admin)).find((e) => e.name === stored);
    if (!entry)
      throw branchNotFound(
        name,
        (await branchEntries(admin)).map((e) => String(e.record.name)),
      );
    const sessions = await sessionsOn(admin.db, stored);
    await dropDatabase(admin.db, stored);
    return { branch: infoOf(entry, branchOf(target)), sessions };
  });
}

async function branchEntries(admin: ServerAdmin): Promise<(DatabaseEntry & { record: Record<string, unknown> })[]> {
  return (await databasesLike(admin.db, serverDatabaseName('branch', admin.main, ''))).filter(
    (entry): entry is DatabaseEntry & { record: Record<string, unknown> } =>
      entry.record?.devdb === 'branch' && entry.record.main === admin.main,
  );
}

function infoOf(entry: DatabaseEntry & { record: Record<string, unknown> }, current: string): BranchInfo {
  const record = entry.record as unknown as BranchRecord;
  return {
    name: record.name,
    current: record.name === current,
    createdAt: record.createdAt,
    from: record.from,
    sizeBytes: entry.sizeBytes,
    storedAs: entry.name,
  };
}

async function withAdmin<T>(target: ServerTarget, command: string, fn: (admin: ServerAdmin) => Promise<T>): Promise<T> {
  const admin = await openServerAdmin(target, command);
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}
