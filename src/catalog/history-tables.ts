/**
 * The tables migration tools keep their history in. They are the tools' bookkeeping, not the
 * project's schema: the ERD does not draw them, the doctor does not hold them to the plan (a dbmate
 * `schema_migrations` told to grow `created_at` is advice nobody can take), and the seed leaves them
 * alone. The migrator reads and keeps in step the three it knows (devdb, dbmate, golang-migrate),
 * found by their exact column types.
 *
 * A table is recognised by its name AND its columns: every column the tool creates must be
 * there, and no column the tool never creates, so a project's own table that happens to be
 * called `schema_migrations` (or `migrations`) but holds other columns stays in the diagram.
 * Names are compared as stored (`SequelizeMeta` is mixed case because Sequelize quotes it).
 */

/** The tools whose history devdb's migrator reads and writes. */
export type HistoryTool = 'devdb' | 'dbmate' | 'golang-migrate';

/** devdb's own history table. */
export const DEVDB_HISTORY = 'devdb_migrations';

/** The name dbmate and golang-migrate both give their history table (told apart by its columns). */
export const SCHEMA_MIGRATIONS = 'schema_migrations';

export interface HistoryTableShape {
  /** Who writes it, for people: `dbmate`, `golang-migrate`, ... */
  tool: string;
  name: string;
  /** The schema the tool always uses, when it fixes one; otherwise any schema. */
  schema?: string;
  /** Columns every version of the tool creates. */
  columns: readonly string[];
  /** Columns only some versions create. */
  optional?: readonly string[];
  /** For the tools the migrator reads: each column's type as format_type prints it, in column order. */
  types?: readonly string[];
}

export const HISTORY_TABLES: readonly HistoryTableShape[] = [
  {
    tool: 'devdb',
    name: DEVDB_HISTORY,
    columns: ['version', 'name', 'checksum', 'applied_at', 'duration_ms'],
    types: ['text', 'text', 'text', 'timestamp with time zone', 'integer'],
  },
  // dbmate and Rails create the same table: `create table if not exists schema_migrations (version varchar primary key)`.
  { tool: 'dbmate', name: SCHEMA_MIGRATIONS, columns: ['version'], types: ['character varying'] },
  // golang-migrate's postgres driver: one row, the current version and whether it failed half-way.
  { tool: 'golang-migrate', name: SCHEMA_MIGRATIONS, columns: ['version', 'dirty'], types: ['bigint', 'boolean'] },
  { tool: 'Ecto', name: 'schema_migrations', columns: ['version', 'inserted_at'] },
  {
    tool: 'Supabase',
    schema: 'supabase_migrations',
    name: 'schema_migrations',
    columns: ['version'],
    // sql-case: column names, not statements
    optional: ['statements', 'name', 'created_by', 'idempotency_key', 'rollback'],
  },
  { tool: 'Supabase', schema: 'supabase_migrations', name: 'seed_files', columns: ['path', 'hash'] },
  {
    tool: 'Flyway',
    name: 'flyway_schema_history',
    columns: [
      'installed_rank',
      'version',
      'description',
      'type',
      'script',
      'checksum',
      'installed_by',
      'installed_on',
      'execution_time',
      'success',
    ],
  },
  {
    tool: 'Prisma',
    name: '_prisma_migrations',
    columns: ['id', 'checksum', 'finished_at', 'migration_name', 'logs', 'rolled_back_at', 'started_at', 'applied_steps_count'],
  },
  { tool: 'drizzle', name: '__drizzle_migrations', columns: ['id', 'hash'], optional: ['created_at'] },
  { tool: 'knex', name: 'knex_migrations', columns: ['id', 'name', 'batch', 'migration_time'] },
  { tool: 'knex', name: 'knex_migrations_lock', columns: ['index', 'is_locked'] },
  { tool: 'Rails', name: 'ar_internal_metadata', columns: ['key', 'value', 'created_at', 'updated_at'] },
  { tool: 'Alembic', name: 'alembic_version', columns: ['version_num'] },
  { tool: 'goose', name: 'goose_db_version', columns: ['id', 'version_id', 'is_applied', 'tstamp'] },
  { tool: 'Diesel', name: '__diesel_schema_migrations', columns: ['version', 'run_on'] },
  {
    tool: 'sqlx',
    name: '_sqlx_migrations',
    columns: ['version', 'description', 'installed_on', 'success', 'checksum', 'execution_time'],
  },
  { tool: 'Sequelize', name: 'SequelizeMeta', columns: ['name'] },
  { tool: 'TypeORM', name: 'migrations', columns: ['id', 'timestamp', 'name'] },
  {
    tool: 'Liquibase',
    name: 'databasechangelog',
    columns: [
      'id',
      'author',
      'filename',
      'dateexecuted',
      'orderexecuted',
      'exectype',
      'md5sum',
      'description',
      'comments',
      'tag',
      'liquibase',
    ],
    optional: ['contexts', 'labels', 'deployment_id'],
  },
  { tool: 'Liquibase', name: 'databasechangeloglock', columns: ['id', 'locked', 'lockgranted', 'lockedby'] },
];

/** The tool whose history table this is, or null when it is a table of the project's own. */
export function historyTool(table: { schema: string; name: string; columns: readonly { name: string }[] }): string | null {
  const names = new Set(table.columns.map((c) => c.name));
  const shape = HISTORY_TABLES.find(
    (s) =>
      s.name === table.name &&
      (s.schema === undefined || s.schema === table.schema) &&
      s.columns.every((c) => names.has(c)) &&
      [...names].every((c) => s.columns.includes(c) || (s.optional?.includes(c) ?? false)),
  );
  return shape?.tool ?? null;
}

/**
 * Which of the migrator's tools keeps `table`, from its name and its columns (name and format_type,
 * in order); undefined for a table of the project. A type modifier (`varchar(255)`) is ignored.
 */
export function historyToolOf(table: string, columns: readonly { name: string; type: string }[]): HistoryTool | undefined {
  const bare = (type: string) => type.replace(/\(.*\)$/, '');
  const shape = HISTORY_TABLES.find(
    (s) =>
      s.types !== undefined &&
      s.name === table &&
      s.columns.length === columns.length &&
      s.columns.every((name, i) => name === columns[i]!.name && s.types![i] === bare(columns[i]!.type)),
  );
  return shape?.tool as HistoryTool | undefined;
}
