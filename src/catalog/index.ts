/**
 * The live schema as devdb sees it: one catalog query, read into a model that the ERD,
 * the doctor and the seed's schema-driven layer share. Nothing here renders or judges.
 */
export { DEFAULT_SCHEMA, introspect, type IntrospectOptions } from './introspect.js';
export { columnDescription, sensitiveKind, tableTags, type TableTags } from './annotations.js';
export { qualifiedName, quoteIdent, quoteLiteral } from './quote-ident.js';
export { holdsProductSchema } from './product-schema.js';
export * from './model.js';
export {
  DEVDB_HISTORY,
  HISTORY_TABLES,
  historyTool,
  historyToolOf,
  SCHEMA_MIGRATIONS,
  type HistoryTableShape,
  type HistoryTool,
} from './history-tables.js';
