import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import type { Db, Engine } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { migrateUp } from '../../src/migrate/migrator.js';
import { MIGRATED_TEMPLATE_DB, withDatabase } from './global-setup.js';

export const postgresUrl = inject('postgresUrl');

/** Every engine-level test runs once per engine in this list. */
export const engines: Engine[] = postgresUrl ? ['pglite', 'postgres'] : ['pglite'];

/** A database of its own for one test file (or one test), with its way out. */
export interface Scratch {
  engine: Engine;
  /** For the CLI: `--url` or `--data-dir` and its value. */
  args: string[];
  url?: string;
  dataDir?: string;
  dispose(): Promise<void>;
}

/** A new database, empty or at the latest migration, not opened by this process. */
export async function scratch(engine: Engine, options: { migrated?: boolean } = {}): Promise<Scratch> {
  const migrated = options.migrated ?? true;
  if (engine === 'pglite') {
    const templates = inject('pgliteTemplates');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-scratch-'));
    fs.cpSync(migrated ? templates.migrated : templates.empty, dataDir, { recursive: true });
    return { engine, args: ['--data-dir', dataDir], dataDir, dispose: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
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
  return s.engine === 'pglite' ? openPglite({ dataDir: s.dataDir }) : openPostgres(s.url!);
}

/** Drops everything in the public schema (and devdb's history), then migrates when asked. */
export async function resetDatabase(db: Db, options: { migrated?: boolean } = {}): Promise<void> {
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  if (options.migrated ?? true) await migrateUp(db);
}

/**
 * One open database for a test file on `engine`, put back to a clean state (empty or
 * migrated) before each test. Read `.db` inside tests and hooks.
 */
export function useDatabase(engine: Engine, options: { migrated?: boolean; resetEach?: boolean } = {}): { readonly db: Db; readonly scratch: Scratch } {
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
