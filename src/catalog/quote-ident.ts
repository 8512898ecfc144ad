/** Kept for the imports that name this file: the SQL-text helpers live in src/util/sql-text.ts. */
export { qualifiedName, quoteIdent, quoteLiteral, relationName, type QualifiedName } from '../util/sql-text.js';
