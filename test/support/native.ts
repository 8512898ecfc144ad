import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  createNativeFolder,
  findPackage,
  nativeFolder,
  openNative,
  readPostmaster,
  serverUrl,
  startNativeServer,
  stopNativeServer,
  waitForExit,
} from '../../src/db/native/index.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { migrateUp } from '../../src/migrate/migrator.js';
import { freePort } from './free-port.js';

/** Stopped native folders, made once per run by devdb's own code: copies of them cost a `cp`, not an initdb. */
export interface NativeTemplates {
  /** A new folder: initdb done, nothing migrated. */
  empty: string;
  /** The same, migrated to the latest version. */
  migrated: string;
}

/** The database every native scratch database is copied from (CREATE DATABASE … TEMPLATE), as on the PostgreSQL 15 server. */
export const NATIVE_TEMPLATE_DB = 'devdb_template_migrated';

/**
 * The native engine for a test run: the two template folders, and one server (a copy of the
 * migrated template, started by devdb on a free loopback port, without fsync: it is thrown away)
 * on which every engine-level suite gets databases of its own. Skipped, with the reason, when the
 * platform package is not installed.
 */
export async function prepareNative(
  root: string,
): Promise<{ skip: string } | { url: string; templates: NativeTemplates; stop: () => Promise<void> }> {
  const found = findPackage();
  if ('missing' in found) return { skip: `no native PostgreSQL: ${found.missing}` };
  const templates = { empty: path.join(root, 'native-empty'), migrated: path.join(root, 'native-migrated') };
  createNativeFolder(templates.empty);
  copyFolder(templates.empty, templates.migrated);
  const db = await openNative(templates.migrated);
  try {
    await migrateUp(db);
  } finally {
    await db.close();
  }
  await untilStopped(templates.migrated);

  const serverDir = path.join(root, 'native-server');
  copyFolder(templates.migrated, serverDir);
  const server = await serveNative(serverDir, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' });
  // The server's own postgres database is the migrated one: scratch databases copy it under another name.
  const admin = await openPostgres(server.url);
  try {
    await admin.exec(`CREATE DATABASE ${NATIVE_TEMPLATE_DB} TEMPLATE postgres`);
  } finally {
    await admin.close();
  }
  return { url: server.url, templates, stop: server.stop };
}

/** devdb start on a native folder (made if new) at a free loopback port, from this process: its superuser URL and its stop. */
export async function serveNative(dataDir: string, settings?: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const { folder, postmaster } = await startNativeServer(dataDir, { host: '127.0.0.1', port: await freePort(), detached: true, settings });
  return {
    url: serverUrl(folder, postmaster),
    async stop() {
      await stopNativeServer(dataDir);
    },
  };
}

/** A copy of a stopped native folder, owners and modes kept (as root the cluster belongs to the server user). */
export function copyFolder(from: string, to: string): void {
  execFileSync('cp', ['-a', from, to]);
}

/** Waits until the server a command started in `dataDir` has exited (closing the last command does not wait). */
export async function untilStopped(dataDir: string): Promise<void> {
  const running = readPostmaster(nativeFolder(dataDir).cluster);
  if (running) await waitForExit(running.pid, 30_000);
}
