import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, inject, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openDb } from '../../src/db/open.js';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { serve } from '../../src/server/serve.js';
import { resetDatabase } from './reset.js';
import { MIGRATED_TEMPLATE_DB, withDatabase, type TestEngine } from './global-setup.js';

export type { TestEngine } from './global-setup.js';

export const postgresUrl = inject('postgresUrl');

/**
 * Every engine-level test runs once per engine in this list: PGlite in this process, the real
 * PostgreSQL server, and PGlite served by devdb's wire server ("served"). DEVDB_TEST_ENGINES picks
 * some; the others show up in the totals as a skipped suite that says why (global-setup.ts).
 */
export const engines: TestEngine[] = inject('testEngines');

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
  const name = `devdb_t_${randomBytes(6).toString('hex')}`;
  const admin = await openPostgres(postgresUrl);
  try {
    await admin.exec(`CREATE DATABASE ${name}${migrated ? ` TEMPLATE ${MIGRATED_TEMPLATE_DB}` : ''}`);
  } finally {
    await admin.close();
  }
  const url = withDatabase(postgresUrl, name);
  return {
    engine,
    args: ['--url', url],
    url,
    async dispose() {
      const db = await openPostgres(postgresUrl);
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
  return openPostgres(s.url!);
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
