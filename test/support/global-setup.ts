import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { migrateUp } from '../../src/migrate/migrator.js';
import { findPostgresBin, startPostgres, type PostgresServer } from './postgres-server.js';

/** The engines the suites run on: PGlite in-process, a real PostgreSQL server, PGlite served by devdb start. */
export const TEST_ENGINES = ['pglite', 'postgres', 'served'] as const;
export type TestEngine = (typeof TEST_ENGINES)[number];

declare module 'vitest' {
  export interface ProvidedContext {
    /** Engines the engine suites run on this time. */
    testEngines: TestEngine[];
    /** Engines left out, with the reason, reported as skipped suites. */
    skippedEngines: { engine: TestEngine; reason: string }[];
    /** Admin URL of the real server ('' when none could be had outside CI). */
    postgresUrl: string;
    /** Closed PGlite data folders to copy from: initialising PGlite costs seconds, copying does not. */
    pgliteTemplates: { empty: string; migrated: string };
  }
}

export const MIGRATED_TEMPLATE_DB = 'devdb_template_migrated';

export default async function globalSetup(project: TestProject) {
  const cleanups: (() => void | Promise<void>)[] = [];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-test-'));
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));

  const requested = requestedEngines(process.env.DEVDB_TEST_ENGINES);
  const skipped: { engine: TestEngine; reason: string }[] = TEST_ENGINES.filter((e) => !requested.includes(e)).map((engine) => ({
    engine,
    reason: `not in DEVDB_TEST_ENGINES=${process.env.DEVDB_TEST_ENGINES}`,
  }));
  let url = process.env.TEST_DATABASE_URL ?? '';
  if (!url && requested.includes('postgres')) {
    const bin = findPostgresBin();
    if (bin) {
      const server: PostgresServer = await startPostgres(bin);
      cleanups.push(() => server.stop());
      url = server.url;
    } else if (process.env.CI) {
      throw new Error('CI=true needs a real PostgreSQL server: install the postgresql package or set TEST_DATABASE_URL.');
    } else {
      skipped.push({ engine: 'postgres', reason: 'no PostgreSQL binaries and no TEST_DATABASE_URL' });
      process.stderr.write('\n!!! No PostgreSQL binaries and no TEST_DATABASE_URL: the postgres engine suites are SKIPPED. !!!\n\n');
    }
  }
  if (url) {
    const admin = await openPostgres(url);
    try {
      await admin.exec(`DROP DATABASE IF EXISTS ${MIGRATED_TEMPLATE_DB}`);
      await admin.exec(`CREATE DATABASE ${MIGRATED_TEMPLATE_DB}`);
    } finally {
      await admin.close();
    }
    const template = await openPostgres(withDatabase(url, MIGRATED_TEMPLATE_DB));
    try {
      await migrateUp(template);
    } finally {
      await template.close();
    }
  }

  const templates = { empty: path.join(root, 'pglite-empty'), migrated: path.join(root, 'pglite-migrated') };
  await (await openPglite({ dataDir: templates.empty })).close();
  fs.cpSync(templates.empty, templates.migrated, { recursive: true });
  const migrated = await openPglite({ dataDir: templates.migrated });
  try {
    await migrateUp(migrated);
  } finally {
    await migrated.close();
  }

  project.provide('postgresUrl', url);
  project.provide(
    'testEngines',
    requested.filter((engine) => !skipped.some((s) => s.engine === engine)),
  );
  project.provide('skippedEngines', skipped);
  project.provide('pgliteTemplates', templates);
  return async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
}

function requestedEngines(list: string | undefined): TestEngine[] {
  if (!list || list.trim() === '') return [...TEST_ENGINES];
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(TEST_ENGINES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(
      `DEVDB_TEST_ENGINES names unknown engine(s) ${unknown.join(', ')}: use a comma-separated list of ${TEST_ENGINES.join(', ')}.`,
    );
  return names as TestEngine[];
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
