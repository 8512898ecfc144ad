import type { MigrationFile } from './migration-file.js';

/**
 * `CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role]`, or `CREATE SCHEMA AUTHORIZATION role`
 * (the schema is then named after the role). A quoted name keeps its case, a bare one folds to lower case.
 */
const CREATE_SCHEMA = /^CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:AUTHORIZATION\s+)?("(?:[^"]|"")+"|[^\s;"]+)/i;

/** The schemas the files' up sections create: what reset rebuilds besides the history's schema. */
export function createdSchemas(files: MigrationFile[]): string[] {
  const names = files.flatMap((f) =>
    f.up.statements.flatMap((s) => {
      const name = CREATE_SCHEMA.exec(s.text)?.[1];
      if (!name) return [];
      return [name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase()];
    }),
  );
  return [...new Set(names)];
}
