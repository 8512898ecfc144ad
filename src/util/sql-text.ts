/**
 * The one place SQL text is made from names and values: every statement devdb builds (the
 * doctor's fixes, the seed's DDL and COPY, the adapters' COPY) quotes through here.
 * Identifiers are quoted as PostgreSQL's quote_ident quotes them: bare when the name is lower
 * case ASCII letters, digits and `_` and not a keyword that cannot be a bare column name; in
 * double quotes, with `"` doubled, otherwise. So `Album` becomes `"Album"`, `end` becomes
 * `"end"`, `users` stays `users`, and `a.b` is one name, `"a.b"`, never a schema and a table.
 */

/**
 * pg_get_keywords() WHERE catcode <> 'U' on PostgreSQL 18 (PGlite 0.5.14): the reserved,
 * type/function-name and column-name keywords. A newer keyword quoted on an older server is
 * still correct SQL, so the newest list serves every version (test/catalog/quote-ident.test.ts
 * compares with quote_ident on each engine).
 */
const KEYWORDS = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast char character
  check coalesce collate collation column concurrently constraint create cross current_catalog current_date current_role
  current_schema current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end except exists
  extract false fetch float for foreign freeze from full grant greatest group grouping having ilike in initially inner inout int
  integer intersect interval into is isnull join json json_array json_arrayagg json_exists json_object json_objectagg json_query
  json_scalar json_serialize json_table json_value lateral leading least left like limit localtime localtimestamp merge_action
  national natural nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay placing
  position precision primary real references returning right row select session_user setof similar smallint some substring symmetric
  system_user table tablesample then time timestamp to trailing treat trim true union unique user using values varchar variadic
  verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot
  xmlserialize xmltable`.split(/\s+/),
);

/** One identifier (a schema, table, column, constraint or index name), as read from the catalog. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !KEYWORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** A relation named by its schema and its name (the catalog's TableRef has this shape). */
export interface QualifiedName {
  schema: string;
  name: string;
}

/** `schema.table`, each part quoted as needed: what a statement names, whatever the search_path. */
export function qualifiedName(ref: QualifiedName): string {
  return `${quoteIdent(ref.schema)}.${quoteIdent(ref.name)}`;
}

/** A bare name is one identifier; a qualified one is schema and name. */
export function relationName(relation: string | QualifiedName): string {
  return typeof relation === 'string' ? quoteIdent(relation) : qualifiedName(relation);
}

/** A string literal (standard_conforming_strings, on since PostgreSQL 9.1: only `'` is special). */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
