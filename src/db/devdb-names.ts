import { createHash } from 'node:crypto';
import os from 'node:os';
import { usageError } from '../errors.js';

/**
 * The names of what devdb keeps beside a database: snapshots and branches (chosen by people),
 * and the databases it makes for itself on a server. A server database devdb made always starts
 * with `devdb_` and says what it is (`devdb_snap_`, `devdb_branch_`, `devdb_test_`), so `\l` shows
 * whose it is; its COMMENT holds the details as JSON.
 */

/** The branch every project starts on: the database the URL or folder names. */
export const MAIN_BRANCH = 'main';

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Checks a snapshot or branch name: a usage error that says what a good one looks like. */
export function checkName(kind: 'snapshot' | 'branch', name: string): string {
  if (NAME.test(name)) return name;
  throw usageError(
    `${JSON.stringify(name)} is not a valid ${kind} name: use 1 to 40 lower-case letters, digits, - and _, starting with a letter or digit (e.g. seeded, before-migration).`,
  );
}

/**
 * A git branch's devdb branch: `main` and `master` are the main database; any other name is
 * lower-cased with every character a name may not hold replaced by `-`, and, when that changed
 * anything (`feature/Login`), followed by a short hash of the original so two git branches never
 * share a database.
 */
export function branchOfGit(gitBranch: string): string {
  if (gitBranch === 'main' || gitBranch === 'master') return MAIN_BRANCH;
  const plain = gitBranch
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+/, '');
  if (plain === gitBranch && NAME.test(plain) && plain !== MAIN_BRANCH) return plain;
  const hash = createHash('sha256').update(gitBranch).digest('hex').slice(0, 6);
  return `${plain.slice(0, 33) || 'branch'}-${hash}`;
}

/** PostgreSQL's limit on a database name, in bytes. */
const MAX_IDENTIFIER = 63;

/**
 * The server database that holds a project's snapshot or branch. Snapshots and branches belong to
 * the project's main database: on the native engine (and a server's `postgres` database) that is
 * `devdb_<kind>_<name>`; beside another database, `devdb_<kind>_<main>__<name>`, so two projects on
 * one server never share a snapshot. A main name too long for that is shortened and hashed.
 * `tmpl` is a template of the migrated schema that test databases are copied from (src/testing);
 * `spare` a copy of a snapshot made ahead for its next restore (src/snapshot/server-spares.ts).
 */
export function serverDatabaseName(kind: 'snap' | 'branch' | 'tmpl' | 'spare', main: string, name: string): string {
  const prefix = `devdb_${kind}_`;
  if (main === 'postgres') return `${prefix}${name}`;
  const whole = `${prefix}${main}__${name}`;
  if (Buffer.byteLength(whole) <= MAX_IDENTIFIER) return whole;
  const hash = createHash('sha256').update(main).digest('hex').slice(0, 8);
  const room = MAX_IDENTIFIER - prefix.length - name.length - hash.length - 3;
  return `${prefix}${main.slice(0, Math.max(room, 0))}_${hash}__${name}`;
}

/** This machine, in four hex digits: a server shared by several machines holds the scratch databases of each. */
const HOST = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 4);

/**
 * A temporary database of this process: a restore's copy (`tmp`), a database set aside by a
 * restore (`old`), a test's (`test`). Its name holds this machine and the pid, so that a later run
 * on this machine can tell a leftover of a process that is gone from work in progress.
 */
export function scratchDatabaseName(kind: 'tmp' | 'old' | 'test', pid = process.pid): string {
  return `devdb_${kind}_${HOST}_${pid}_${createHash('sha256').update(`${Math.random()}${process.hrtime.bigint()}`).digest('hex').slice(0, 8)}`;
}

/** The pid of a scratchDatabaseName made on this machine, or undefined for any other name. */
export function scratchDatabasePid(name: string, kind: 'tmp' | 'old' | 'test'): number | undefined {
  const match = new RegExp(`^devdb_${kind}_${HOST}_(\\d+)_[0-9a-f]{8}$`).exec(name);
  return match ? Number(match[1]) : undefined;
}
