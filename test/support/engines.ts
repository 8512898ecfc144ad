import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, inject, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openDb } from '../../src/db/open.js';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { stopNativeServer } from '../../src/db/native/index.js';
import { serve } from '../../src/server/serve.js';
import { resetDatabase } from './reset.js';
import { MIGRATED_TEMPLATE_DB, withDatabase, type TestEngine } from './global-setup.js';
import { copyFolder, NATIVE_TEMPLATE_DB, untilStopped } from './native.js';

export type { TestEngine } from './global-setup.js';

export const postgresUrl = inject('postgresUrl');
/** Admin URL of the native PostgreSQL 18 server of this run ('' when the native engine does not run). */
export const nativeUrl = inject('nativeUrl');

/**
 * A suite that touches how an engine works runs once per engine in this list: PGlite in this
 * process, the PostgreSQL 15 server, PGlite served by devdb's wire server ("served"), and devdb's
 * native PostgreSQL 18 ("native"). DEVDB_TEST_ENGINES picks some; the others show up in the totals
 * as a skipped suite that says why (global-setup.ts). A suite of plain SQL uses sqlEngines() instead.
 */
export const engines: TestEngine[] = inject('testEngines');

/**
 * The engines of a suite whose code is plain SQL over the Db interface (catalog, schema, doctor
 * rules, ERD, search plans and ranking, keys, migration folders): the newest PostgreSQL that runs
 * (native 18) and PostgreSQL 15, for what differs between versions. How an engine runs that SQL
 * (the adapters, the driver, COPY, the wire server, sessions and locks, folders, snapshots, the
 * CLI on each engine) is what the suites on `engines` prove, so running these on all four would
 * repeat them. Engines left out by design are not reported as skipped tests (a skipped test checks
 * nothing; a missing engine still is); DEVDB_TEST_ALL_ENGINES=1 runs them everywhere (after a change to an adapter, say). Call it once, at the top of a file.
 */
export function sqlEngines(): TestEngine[] {
  return inject('sqlEngines');
}

/** Engines where each connection is a session of its own (a real server), unlike PGlite's one shared session. */
export function isServer(engine: TestEngine): boolean {
  return engine === 'postgres' || engine === 'native';
}

for (const { engine, reason } of inject('skippedEngines')) {
  describe.skip(`${engine} engine (skipped: ${reason})`, () => {
    it(`runs this file's engine suites on ${engine}`, () => {});
  });
}

/** A database of its own for one test file (or one test), with its way out. */
export interface Scratch {
  engine: TestEngine;
  /** For the CLI: `--url` or `--data-dir` and its value. */
  args: string[];
  url?: string;
  dataDir?: string;
  dispose(): Promise<void>;
}

/** A new database, empty or at the latest migration, not opened by this process. */
export async function scratch(engine: TestEngine, options: { migrated?: boolean } = {}): Promise<Scratch> {
  const migrated = options.migrated ?? true;
  if (engine === 'pglite' || engine === 'served') {
    const templates = inject('pgliteTemplates');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-scratch-'));
    fs.cpSync(migrated ? templates.migrated : templates.empty, dataDir, { recursive: true });
    const remove = async () => fs.rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'pglite') return { engine, args: ['--data-dir', dataDir], dataDir, dispose: remove };
    // Served in this test process (a PGlite boot, not a process start): the CLI and openScratch find it through the folder's lock.
    const server = await serve({ dataDir, port: 0, host: '127.0.0.1' });
    return {
      engine,
      args: ['--data-dir', dataDir],
      dataDir,
      url: server.info.url,
      async dispose() {
        await server.stop();
        await remove();
      },
    };
  }
  // Both servers hold a migrated template database: a scratch database is a copy of it (or of the empty template1).
  const adminUrl = engine === 'native' ? nativeUrl : postgresUrl;
  const template = engine === 'native' ? NATIVE_TEMPLATE_DB : MIGRATED_TEMPLATE_DB;
  const name = `devdb_t_${randomBytes(6).toString('hex')}`;
  const admin = await openPostgres(adminUrl);
  try {
    await admin.exec(`CREATE DATABASE ${name}${migrated ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.close();
  }
  const url = withDatabase(adminUrl, name);
  return {
    engine,
    args: ['--url', url],
    url,
    async dispose() {
      const db = await openPostgres(adminUrl);
      try {
        await db.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await db.close();
      }
    },
  };
}

export async function openScratch(s: Scratch): Promise<Db> {
  if (s.engine === 'pglite') return openPglite({ dataDir: s.dataDir });
  // A served folder is opened as every devdb command opens it: through the lock's hello, to the server.
  if (s.engine === 'served') return openDb({ engine: 'pglite', dataDir: s.dataDir! });
  // A native folder is opened as devdb commands open it (a server started for the connection when none runs).
  if (s.engine === 'native' && s.url === undefined) return openDb({ engine: 'native', dataDir: s.dataDir! });
  return openPostgres(s.url!);
}

/**
 * A native folder of its own (a copy of a stopped template, owners kept), for tests that run devdb
 * on the folder itself: commands starting a server for themselves, devdb start, stop, status, url.
 * Disposing stops whatever server still runs in it.
 */
export function nativeFolderScratch(options: { migrated?: boolean } = {}): Scratch {
  const templates = inject('nativeTemplates');
  if (!templates) throw new Error('nativeFolderScratch: the native engine does not run in this test run');
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-native-'));
  // As root the server user must reach the cluster inside.
  fs.chmodSync(parent, 0o755);
  const dataDir = path.join(parent, '.devdb');
  copyFolder((options.migrated ?? true) ? templates.migrated : templates.empty, dataDir);
  return {
    engine: 'native',
    args: ['--data-dir', dataDir],
    dataDir,
    async dispose() {
      await stopNativeServer(dataDir).catch(() => undefined);
      await untilStopped(dataDir).catch(() => undefined);
      fs.rmSync(parent, { recursive: true, force: true });
    },
  };
}

export { resetDatabase } from './reset.js';

/**
 * One open database for a test file on `engine`, put back to a clean state (empty or
 * migrated) before each test. Read `.db` inside tests and hooks.
 */
export function useDatabase(
  engine: TestEngine,
  options: { migrated?: boolean; resetEach?: boolean } = {},
): { readonly db: Db; readonly scratch: Scratch } {
  let current: Db | undefined;
  let s: Scratch | undefined;
  beforeAll(async () => {
    s = await scratch(engine, { migrated: options.migrated ?? true });
    current = await openScratch(s);
  });
  if (options.resetEach ?? true) {
    beforeEach(async () => {
      await resetDatabase(current!, options);
    });
  }
  afterAll(async () => {
    await current?.close();
    await s?.dispose();
  });
  return {
    get db() {
      if (!current) throw new Error('useDatabase: the database is opened in beforeAll; read .db inside a test or hook');
      return current;
    },
    get scratch() {
      return s!;
    },
  };
}
