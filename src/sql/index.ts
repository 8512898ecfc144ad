/** Looking at the data: one statement with `devdb sql`, or psql on the same database. */
export { MAX_SQL_BYTES, cellText, checkStatement, commandTag, runSql, type SqlResult } from './run-sql.js';
export { runPsql } from './psql.js';
