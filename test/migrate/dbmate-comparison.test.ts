import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres-adapter.js';
import type { MigrateResult, StatusResult } from '../../src/migrate/index.js';
import { engines, scratch, type Scratch } from '../support/engines.js';
import { findPostgresBin } from '../support/postgres-server.js';
import { runInProcess } from '../support/run-command.js';
import { FIXTURES, versionsIn } from './folders.js';

// Issue 22: devdb and dbmate 2.24 (the npm package's binary; the newest release with every platform's binary in the registry
// this project installs from) on the same fixture folders, on the throwaway PostgreSQL 15
// server, give the same schema (pg_dump -s of both, from the server's own pg_dump) and the same applied set; each tool
// reads what the other did, and a dbmate rollback shows in devdb as pending and is applied again (issue 21).

const dbmateBin = fileURLToPath(new URL('../../node_modules/.bin/dbmate', import.meta.url));
const pgBin = findPostgresBin();
const missing = [
  ...(engines.includes('postgres') ? [] : ['the postgres engine']),
  ...(fs.existsSync(dbmateBin) ? [] : ['the dbmate binary (npm ci installs it)']),
  ...(pgBin ? [] : ["PostgreSQL's pg_dump"]),
];
// npm ci installs dbmate: under CI its absence is an error, not a skip.
if (process.env.CI && !fs.existsSync(dbmateBin))
  throw new Error('CI=true needs the dbmate binary: npm ci installs it (devDependency dbmate).');

/** dbmate through its own driver (lib/pq wants sslmode spelled out for a server without TLS). */
function dbmate(url: string, dir: string, ...command: string[]): { status: number | null; output: string } {
  const target = `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;
  const result = spawnSync(dbmateBin, ['--url', target, '--migrations-dir', dir, '--no-dump-schema', ...command], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The schema as pg_dump prints it, without devdb's own history table (dbmate has none) and the random \restrict key. */
function schemaOf(url: string): string {
  return normalizeHistoryColumn(dumpSchema(url));
}

/**
 * dbmate up to 2.2x creates `version varchar(128)`, later releases `version varchar` (what devdb creates): the one
 * difference between the releases in what either tool writes, set aside so the rest is compared byte for byte.
 */
function normalizeHistoryColumn(dump: string): string {
  return dump.replace(/(CREATE TABLE public\.schema_migrations \(\n {4}version character varying)\(128\)/, '$1');
}

function dumpSchema(url: string): string {
  return execFileSync(
    path.join(pgBin!, 'pg_dump'),
    ['--schema-only', '--no-owner', '--no-privileges', '--restrict-key=compare', '--exclude-table=public.devdb_migrations', url],
    { encoding: 'utf8' },
  );
}

/** dbmate's applied set, read with postgres.js. */
async function dbmateVersions(url: string): Promise<string[]> {
  const db = await openPostgres(url);
  try {
    return await versionsIn(db, 'schema_migrations');
  } finally {
    await db.close();
  }
}

describe.skipIf(missing.length > 0)(
  `devdb and dbmate on the same folders${missing.length > 0 ? ` (skipped: needs ${missing.join(', ')})` : ''}`,
  () => {
    const dbs: Scratch[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 4; i++) dbs.push(await scratch('postgres', { migrated: false }));
    });
    afterAll(async () => {
      for (const db of dbs) await db.dispose();
    });

    it.each([
      ['the dbmate project (pg_dump preamble, a second schema, partitions, a no-op, SQL on schema_migrations)', FIXTURES.dbmate, 0],
      ['names whose order dbmate decides by file name (9_, 10_, 001_ and 1_, 14 and 15 digits)', FIXTURES.dbmateOrder, 2],
    ])('%s', async (_, dir, first) => {
      const [byDevdb, byDbmate] = [dbs[first]!, dbs[first + 1]!];
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).length;

      const devdb = <T>(...args: string[]) => runInProcess<T>([...args, '--migrations-dir', dir]);
      const migrated = await devdb('migrate', ...byDevdb.args);
      expect(migrated.code, migrated.stderr).toBe(0);
      const applied = dbmate(byDbmate.url!, dir, 'up');
      expect(applied.status, applied.output).toBe(0);

      expect(schemaOf(byDevdb.url!)).toBe(schemaOf(byDbmate.url!));
      expect(await dbmateVersions(byDevdb.url!)).toEqual(await dbmateVersions(byDbmate.url!));
      expect(await dbmateVersions(byDevdb.url!)).toHaveLength(files);

      // Each reads the other's work as done: dbmate sees nothing pending where devdb migrated, devdb adopts dbmate's history.
      expect(dbmate(byDevdb.url!, dir, 'status', '--exit-code').status).toBe(0);
      expect(dbmate(byDevdb.url!, dir, 'up').output).not.toMatch(/Applying/);
      const seen = (await devdb<StatusResult>('migrate', 'status', ...byDbmate.args)).result;
      expect(seen).toMatchObject({ history: 'dbmate', counts: { applied: files, pending: 0 } });

      // dbmate rollback on devdb's database: devdb says so, and applies it again.
      const rollback = dbmate(byDevdb.url!, dir, 'rollback'); // sql-case: dbmate's command, not SQL
      expect(rollback.status, rollback.output).toBe(0);
      const afterRollback = (await devdb<StatusResult>('migrate', 'status', ...byDevdb.args)).result!;
      const last = afterRollback.migrations.at(-1)!;
      expect([last.state, afterRollback.revertedElsewhere]).toEqual(['pending', [last.version]]);
      const again = (await devdb<MigrateResult>('migrate', ...byDevdb.args)).result!;
      expect(again.applied.map((a) => a.version)).toEqual([last.version]);
      expect(schemaOf(byDevdb.url!)).toBe(schemaOf(byDbmate.url!));
    });
  },
);
