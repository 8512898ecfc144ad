/**
 * The migration-history tables of the tools devdb reads and keeps in step: bookkeeping, not part
 * of a project's schema. The migrator finds them by these shapes; the ERD and the doctor leave
 * them out. A table of the same name with other columns is the project's own.
 */
export type HistoryTool = 'devdb' | 'dbmate' | 'golang-migrate';

/** devdb's own history table. */
export const DEVDB_HISTORY = 'devdb_migrations';

/** The name dbmate and golang-migrate both give their history table (told apart by its columns). */
export const SCHEMA_MIGRATIONS = 'schema_migrations';

export interface HistoryTableShape {
  tool: HistoryTool;
  table: string;
  /** Column names and their types as format_type prints them, in column order. */
  columns: readonly { name: string; type: string }[];
}

export const HISTORY_TABLES: readonly HistoryTableShape[] = [
  {
    tool: 'devdb',
    table: DEVDB_HISTORY,
    columns: [
      { name: 'version', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'checksum', type: 'text' },
      { name: 'applied_at', type: 'timestamp with time zone' },
      { name: 'duration_ms', type: 'integer' },
    ],
  },
  // dbmate: `create table if not exists schema_migrations (version varchar primary key)`.
  { tool: 'dbmate', table: SCHEMA_MIGRATIONS, columns: [{ name: 'version', type: 'character varying' }] },
  // golang-migrate's postgres driver: one row, the current version and whether it failed half-way.
  {
    tool: 'golang-migrate',
    table: SCHEMA_MIGRATIONS,
    columns: [
      { name: 'version', type: 'bigint' },
      { name: 'dirty', type: 'boolean' },
    ],
  },
];

/**
 * Which tool's history `table` is, from its name and its columns (name and format_type, in
 * order); undefined for a table of the project. A type modifier (`varchar(255)`) is ignored.
 */
export function historyToolOf(table: string, columns: readonly { name: string; type: string }[]): HistoryTool | undefined {
  const bare = (type: string) => type.replace(/\(.*\)$/, '');
  return HISTORY_TABLES.find(
    (shape) =>
      shape.table === table &&
      shape.columns.length === columns.length &&
      shape.columns.every((c, i) => c.name === columns[i]!.name && c.type === bare(columns[i]!.type)),
  )?.tool;
}
