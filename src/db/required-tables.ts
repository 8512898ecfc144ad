import { DevdbError } from '../errors.js';
import type { Queryable } from './db.js';

/** What a read-only command needs from the schema, to say so instead of failing on a missing relation. */
export interface RequiredTables {
  /** Who needs them, for the message: "search", "keys list". */
  by: string;
  tables: readonly string[];
}

/**
 * Checks that the tables a command reads exist. A database with none of them gets "run devdb setup";
 * one that has some is someone else's schema, and the message names what is missing.
 */
export async function requireTables(db: Queryable, { by, tables }: RequiredTables): Promise<void> {
  const rows = await db.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS t(name) WHERE to_regclass(quote_ident(name)) IS NULL',
    [tables],
  );
  const missing = rows.map((r) => r.name);
  if (missing.length === 0) return;
  if (missing.length === tables.length) {
    throw new DevdbError(
      'E_NO_DATABASE',
      `No devdb schema in this database: ${by} reads ${tables.join(', ')}. Run devdb setup first (or point --url or --data-dir at a devdb database).`,
    );
  }
  throw new DevdbError(
    'E_FOREIGN_SCHEMA',
    `This database's schema is not devdb's: ${by} reads ${tables.join(', ')}, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. Point --url or --data-dir at a devdb database, or run devdb setup on an empty one.`,
  );
}
