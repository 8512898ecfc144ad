import { DEVDB_HISTORY, historyToolOf, SCHEMA_MIGRATIONS } from '../catalog/history-tables.js';
import { qualifiedName } from '../catalog/quote-ident.js';
import type { Queryable } from '../db/db.js';
import type { MigrationFile } from './migration-file.js';
import { compareVersions } from './migration-source.js';

export type HistorySource = 'devdb' | 'dbmate' | 'golang-migrate';

export interface AppliedMigration {
  version: string;
  name: string;
  /** null for a version only another tool recorded: nothing to compare its file with. */
  checksum: string | null;
  /** null for a version only another tool recorded (neither keeps a date). */
  appliedAt: Date | null;
  source: HistorySource;
}

/**
 * Where the history is and which tables hold it. Every statement names the tables with their
 * schema, so a migration that changes search_path (pg_dump's `set_config('search_path', '', false)`)
 * cannot send the history anywhere else.
 */
export interface HistoryTables {
  /** The schema of devdb_migrations, else of schema_migrations, else the current one: where new tables go. */
  schema: string;
  devdb: boolean;
  /** What `schema_migrations` there is: dbmate's, golang-migrate's, a table of the project's own, or none. */
  schemaMigrations: 'dbmate' | 'golang-migrate' | 'project' | 'none';
}

/** The tool whose history `schema_migrations` is, when it is dbmate's or golang-migrate's. */
export function otherTool(t: HistoryTables): 'dbmate' | 'golang-migrate' | undefined {
  return t.schemaMigrations === 'dbmate' || t.schemaMigrations === 'golang-migrate' ? t.schemaMigrations : undefined;
}

/** Whether the database has a migration history of any tool devdb reads. */
export function hasHistory(t: HistoryTables): boolean {
  return t.devdb || otherTool(t) !== undefined;
}

export const devdbTable = (t: HistoryTables) => qualifiedName({ schema: t.schema, name: DEVDB_HISTORY });
export const otherTable = (t: HistoryTables) => qualifiedName({ schema: t.schema, name: SCHEMA_MIGRATIONS });

export async function historyTables(db: Queryable): Promise<HistoryTables> {
  const [row] = await db.query<{ schema: string; devdb: boolean; columns: { name: string; type: string }[] | null }>(
    `WITH s AS (
       SELECT coalesce(
         (SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)),
         (SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($2)),
         current_schema()::text, 'public') AS schema)
     SELECT s.schema,
            EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = s.schema AND c.relname = $1 AND c.relkind IN ('r', 'p')) AS devdb,
            (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
              WHERE n.nspname = s.schema AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM s`,
    [DEVDB_HISTORY, SCHEMA_MIGRATIONS],
  );
  const columns = row!.columns;
  const tool = columns ? historyToolOf(SCHEMA_MIGRATIONS, columns) : undefined;
  return {
    schema: row!.schema,
    devdb: row!.devdb,
    schemaMigrations: !columns ? 'none' : tool === 'dbmate' || tool === 'golang-migrate' ? tool : 'project',
  };
}

/** golang-migrate's one row: the version it reached, and whether a run failed half-way (dirty). */
export interface GolangState {
  version: string | null;
  dirty: boolean;
}

export interface History {
  tables: HistoryTables;
  applied: AppliedMigration[];
  /**
   * Versions devdb recorded that dbmate or golang-migrate has reverted since (the other tool's
   * table no longer has them): not applied, and the next migrate deletes devdb's rows for them.
   */
  revertedElsewhere: string[];
  golang: GolangState | undefined;
}

/**
 * The applied migrations. With dbmate's or golang-migrate's table beside devdb's, the other
 * table says what is applied (a teammate may have run that tool since) and devdb's adds the
 * checksums and dates; without devdb's, the other table is all there is (adopted by the next
 * migrate). `files` lets golang-migrate's one version stand for every file up to it. A read creates nothing.
 */
export async function readHistory(db: Queryable, tables: HistoryTables, files: MigrationFile[]): Promise<History> {
  const own = tables.devdb
    ? (
        await db.query<{ version: string; name: string; checksum: string; applied_at: Date }>(
          `SELECT version, name, checksum, applied_at FROM ${devdbTable(tables)}`,
        )
      ).map((r): AppliedMigration => ({ version: r.version, name: r.name, checksum: r.checksum, appliedAt: r.applied_at, source: 'devdb' }))
    : [];
  const other = (version: string, source: HistorySource): AppliedMigration => ({
    version,
    name: '',
    checksum: null,
    appliedAt: null,
    source,
  });
  if (tables.schemaMigrations === 'dbmate') {
    const theirs = new Set(
      (await db.query<{ version: string }>(`SELECT version::text AS version FROM ${otherTable(tables)}`)).map((r) => r.version),
    );
    const known = new Set(own.map((a) => a.version));
    return {
      tables,
      applied: [...own.filter((a) => theirs.has(a.version)), ...[...theirs].filter((v) => !known.has(v)).map((v) => other(v, 'dbmate'))],
      revertedElsewhere: own.filter((a) => !theirs.has(a.version)).map((a) => a.version),
      golang: undefined,
    };
  }
  if (tables.schemaMigrations === 'golang-migrate') {
    const [row] = await db.query<{ version: string; dirty: boolean }>(
      `SELECT version::text AS version, dirty FROM ${otherTable(tables)} LIMIT 1`,
    );
    const golang: GolangState = { version: row?.version ?? null, dirty: row?.dirty ?? false };
    // golang-migrate keeps one number: everything up to it is applied. Files devdb applied are known one by one; files
    // between devdb's newest and that number were applied by golang-migrate since; devdb's rows above it were reverted.
    const upTo = (v: string) => golang.version !== null && compareVersions(v, golang.version) <= 0;
    const newestOwn = own
      .map((a) => a.version)
      .sort(compareVersions)
      .at(-1);
    const adopted = files.filter((f) => upTo(f.version) && (newestOwn === undefined || compareVersions(f.version, newestOwn) > 0));
    return {
      tables,
      applied: [...own.filter((a) => upTo(a.version)), ...adopted.map((f) => other(f.version, 'golang-migrate'))],
      revertedElsewhere: own.filter((a) => !upTo(a.version)).map((a) => a.version),
      golang,
    };
  }
  return { tables, applied: own, revertedElsewhere: [], golang: undefined };
}

export async function ensureHistory(q: Queryable, tables: HistoryTables): Promise<HistoryTables> {
  await q.exec(`CREATE TABLE IF NOT EXISTS ${devdbTable(tables)} (
    version      text PRIMARY KEY,
    name         text NOT NULL,
    checksum     text NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT now(),
    duration_ms  integer NOT NULL
  )`);
  return { ...tables, devdb: true };
}

/**
 * Creates dbmate's or golang-migrate's table beside devdb's, holding what devdb has applied (every
 * version for dbmate, the newest, clean, for golang-migrate), so that tool reads the same state.
 */
export async function ensureToolHistory(q: Queryable, tables: HistoryTables, tool: 'dbmate' | 'golang-migrate'): Promise<HistoryTables> {
  if (tables.schemaMigrations !== 'none') return tables;
  await createOtherHistory(q, tables, tool);
  await q.exec(
    tool === 'dbmate'
      ? `INSERT INTO ${otherTable(tables)} (version) SELECT version FROM ${devdbTable(tables)}`
      : `INSERT INTO ${otherTable(tables)} (version, dirty) SELECT max(version::bigint), false FROM ${devdbTable(tables)} HAVING count(*) > 0`,
  );
  return { ...tables, schemaMigrations: tool };
}

/** dbmate's or golang-migrate's table, created as that tool creates it (reset's rebuild puts back the one it dropped). */
export async function createOtherHistory(q: Queryable, tables: HistoryTables, tool: 'dbmate' | 'golang-migrate'): Promise<void> {
  await q.exec(
    tool === 'dbmate'
      ? `CREATE TABLE ${otherTable(tables)} (version varchar PRIMARY KEY)`
      : `CREATE TABLE ${otherTable(tables)} (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)`,
  );
}

/** Deletes devdb's rows for versions the other tool reverted, so they apply again. */
export async function forgetReverted(q: Queryable, tables: HistoryTables, versions: string[]): Promise<void> {
  if (versions.length > 0) await q.query(`DELETE FROM ${devdbTable(tables)} WHERE version = ANY ($1::text[])`, [versions]);
}

/**
 * Records migrations as applied without running them: versions another tool applied (adopted, with
 * their files' checksums as they are now, so later edits show as drift) or `--baseline`.
 */
export async function recordUnrun(q: Queryable, tables: HistoryTables, files: MigrationFile[]): Promise<void> {
  for (const file of files)
    await q.query(`INSERT INTO ${devdbTable(tables)} (version, name, checksum, duration_ms) VALUES ($1, $2, $3, 0)`, [
      file.version,
      file.name,
      file.checksum,
    ]);
  await keepOthersInStep(
    q,
    tables,
    files.map((f) => f.version),
    'up',
  );
}

export async function recordApplied(
  q: Queryable,
  tables: HistoryTables,
  m: { version: string; name: string; checksum: string; durationMs: number },
): Promise<void> {
  await q.query(`INSERT INTO ${devdbTable(tables)} (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)`, [
    m.version,
    m.name,
    m.checksum,
    Math.round(m.durationMs),
  ]);
  await keepOthersInStep(q, tables, [m.version], 'up');
}

export async function recordReverted(q: Queryable, tables: HistoryTables, version: string): Promise<void> {
  await q.query(`DELETE FROM ${devdbTable(tables)} WHERE version = $1`, [version]);
  await keepOthersInStep(q, tables, [version], 'down');
}

/**
 * dbmate's table gets the same rows; golang-migrate's one row the newest version devdb has
 * applied, clean (what golang-migrate itself writes after a run), or none when nothing is applied.
 */
async function keepOthersInStep(q: Queryable, tables: HistoryTables, versions: string[], direction: 'up' | 'down'): Promise<void> {
  if (tables.schemaMigrations === 'dbmate' && versions.length > 0) {
    await q.query(
      direction === 'up'
        ? `INSERT INTO ${otherTable(tables)} (version) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`
        : `DELETE FROM ${otherTable(tables)} WHERE version = ANY ($1::text[])`,
      [versions],
    );
  }
  if (tables.schemaMigrations === 'golang-migrate') {
    // Going up never lowers golang-migrate's number (it may name a version whose file is gone); going down sets devdb's newest.
    const [row] = await q.query<{ version: string | null }>(
      `SELECT max(v)::text AS version FROM (SELECT version::bigint FROM ${devdbTable(tables)}${
        direction === 'up' ? ` UNION ALL SELECT version FROM ${otherTable(tables)}` : ''
      }) AS applied (v)`,
    );
    await q.exec(`DELETE FROM ${otherTable(tables)}`);
    if (row?.version != null) await q.query(`INSERT INTO ${otherTable(tables)} (version, dirty) VALUES ($1, false)`, [row.version]);
  }
}

/**
 * Tables, views and sequences in the schemas migrations write to (the search path, normally
 * public) that neither an extension nor a known history table owns: what makes a database
 * without history someone else's. Other schemas (Supabase's auth, storage) do not collide and do
 * not count. Schema-qualified, in name order.
 */
export async function foreignRelations(db: Queryable, tables: HistoryTables): Promise<string[]> {
  const history = [devdbTable(tables), ...(otherTool(tables) ? [otherTable(tables)] : [])];
  const rows = await db.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND n.nspname = ANY (current_schemas(false))
        AND c.oid NOT IN (SELECT objid FROM pg_depend WHERE classid = 'pg_class'::regclass AND deptype IN ('e', 'i', 'a'))
        AND c.oid <> ALL (SELECT to_regclass(t) FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NOT NULL)
      ORDER BY n.nspname, c.relname`,
    [history],
  );
  return rows.map((r) => r.name);
}
