import { qualifiedName, quoteIdent, tableKey, type SchemaModel } from '../catalog/index.js';
import { DbError } from '../db/db-error.js';
import type { Queryable } from '../db/db.js';
import { looksProtected, looksSecret } from './rules/secrets.js';

/**
 * Hashes that name their algorithm: PHC and crypt strings (`$argon2id$…`, `$2b$12$…`,
 * `$scrypt$…`, `$6$…`) and Django's (`pbkdf2_sha256$600000$…`). Bare hex is not among them: a
 * random API token is hex too, and plaintext.
 */
const HASH = /^(\$[a-z0-9-]+\$\S+|(pbkdf2_sha256|pbkdf2_sha1|argon2|bcrypt_sha256|bcrypt|scrypt|sha1|md5)\$\S+)$/;

/** How many rows of a column are looked at, and how many columns at most (the doctor stays a catalog read in practice). */
const SAMPLE_ROWS = 20;
const MAX_COLUMNS = 50;

/**
 * The columns named like a secret (`password`, Django's and Laravel's) whose values are all
 * hashes that name their algorithm, as `schema.table.column`: plaintext-secrets does not flag
 * them. A column with no rows proves nothing and stays flagged. Read-only.
 */
export async function hashedColumns(db: Queryable, model: SchemaModel): Promise<Set<string>> {
  const candidates = model.tables
    .flatMap((table) =>
      table.columns
        .filter((column) => looksSecret(column) && !looksProtected(column.name) && column.sensitive === null)
        .map((column) => ({ table, column })),
    )
    .slice(0, MAX_COLUMNS);
  const hashed = new Set<string>();
  for (const { table, column } of candidates) {
    const name = quoteIdent(column.name);
    // A table this role may not read (42501) proves nothing either.
    const rows = await db
      .query<{ value: string }>(`SELECT ${name}::text AS value FROM ${qualifiedName(table)} WHERE ${name} IS NOT NULL LIMIT ${SAMPLE_ROWS}`)
      .catch((error: unknown) => {
        if (error instanceof DbError && error.code === '42501') return [];
        throw error;
      });
    if (rows.length > 0 && rows.every((row) => HASH.test(row.value))) hashed.add(`${tableKey(table)}.${column.name}`);
  }
  return hashed;
}
