/**
 * One round trip to pg_catalog, returned as one JSON document, so a schema of hundreds of
 * tables costs the same number of queries as a schema of three. Tables named devdb_* are
 * devdb's bookkeeping and anything an extension created is the extension's, so both are left
 * out. Key columns keep their order (conkey/confkey/indkey WITH ORDINALITY).
 *
 * $1 is a JSON array of schema names, or JSON null for every user schema (--all-schemas).
 *
 * Partitions are read, but only to be listed inside their root table: their columns and
 * constraints are the root's. Constraints are kept only where they were declared
 * (conparentid = 0): PostgreSQL clones a partitioned table's foreign key onto every partition,
 * and a key that references a partitioned table onto every referenced partition, and those
 * clones are not relationships of their own. A foreign key declared on one partition only has
 * conparentid = 0 there, so it is kept and attributed to the root by the model.
 */
export const CATALOG_QUERY = `
WITH wanted AS (
  SELECT n.oid, n.nspname::text AS name
  FROM pg_namespace n
  WHERE CASE
    WHEN json_typeof($1::text::json) = 'array' THEN n.nspname::text IN (SELECT json_array_elements_text($1::text::json))
    ELSE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e'
      )
  END
),
rel AS (
  SELECT c.oid, s.name AS schema, c.relname::text AS name, c.relkind::text AS kind, c.relispartition AS partition,
    CASE WHEN c.relispartition THEN pg_partition_root(c.oid) END AS root
  FROM pg_class c
  JOIN wanted s ON s.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm')
    AND c.relname::text NOT LIKE 'devdb\\_%'
    AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
    )
),
tbl AS (SELECT * FROM rel WHERE NOT partition),
-- Every relation a key may point at, whichever schema it lives in, named by schema and table.
named AS (
  SELECT c.oid, n.nspname::text AS schema, c.relname::text AS name,
    CASE WHEN c.relispartition THEN pg_partition_root(c.oid) END AS root
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p')
)
SELECT json_build_object(
  'missingSchemas', (
    SELECT coalesce(json_agg(w.name), '[]'::json)
    FROM json_array_elements_text(CASE WHEN json_typeof($1::text::json) = 'array' THEN $1::text::json ELSE '[]'::json END) w(name)
    WHERE NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname::text = w.name)
  ),
  'schemas', (SELECT coalesce(json_agg(w.name ORDER BY w.name), '[]'::json) FROM wanted w),
  'allSchemas', (
    SELECT coalesce(json_agg(n.nspname::text ORDER BY n.nspname), '[]'::json)
    FROM pg_namespace n WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  ),
  'tables', (
    SELECT coalesce(json_agg(json_build_object(
      'schema', t.schema,
      'name', t.name,
      'kind', t.kind,
      'comment', obj_description(t.oid, 'pg_class'),
      'partitionKey', CASE WHEN t.kind = 'p' THEN pg_get_partkeydef(t.oid) END
    )), '[]'::json)
    FROM tbl t
  ),
  'partitions', (
    SELECT coalesce(json_agg(json_build_object(
      'schema', p.schema,
      'name', p.name,
      'rootSchema', r.schema,
      'root', r.name,
      'parentSchema', pn.nspname::text,
      'parent', pc.relname::text,
      'leaf', p.kind = 'r',
      'bound', pg_get_expr(c.relpartbound, c.oid),
      'partitionKey', CASE WHEN p.kind = 'p' THEN pg_get_partkeydef(p.oid) END
    )), '[]'::json)
    FROM rel p
    JOIN pg_class c ON c.oid = p.oid
    JOIN named r ON r.oid = p.root
    JOIN pg_inherits i ON i.inhrelid = p.oid
    JOIN pg_class pc ON pc.oid = i.inhparent
    JOIN pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE p.partition
  ),
  'columns', (
    SELECT coalesce(json_agg(json_build_object(
      'schema', t.schema,
      'table', t.name,
      'position', a.attnum,
      'name', a.attname::text,
      'type', format_type(a.atttypid, a.atttypmod),
      'notNull', a.attnotnull,
      'default', CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
      'generated', CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
      'identity', a.attidentity::text,
      'comment', col_description(t.oid, a.attnum)
    )), '[]'::json)
    FROM tbl t
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  ),
  'constraints', (
    SELECT coalesce(json_agg(json_build_object(
      'schema', t.schema,
      'table', t.name,
      'partition', t.partition,
      'name', con.conname::text,
      'type', con.contype::text,
      'columns', (
        SELECT json_agg(a.attname::text ORDER BY k.ord)
        FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
      ),
      'refSchema', coalesce(fr.schema, f.schema),
      'refTable', coalesce(fr.name, f.name),
      'refPartition', CASE WHEN fr.oid IS NOT NULL THEN f.name END,
      'refColumns', (
        SELECT json_agg(a.attname::text ORDER BY k.ord)
        FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
      ),
      'refTypes', (
        SELECT json_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.ord)
        FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
      ),
      'onDelete', con.confdeltype::text,
      'onUpdate', con.confupdtype::text,
      'definition', CASE WHEN con.contype IN ('c', 'x') THEN pg_get_constraintdef(con.oid, true) END
    )), '[]'::json)
    FROM rel t
    JOIN pg_constraint con ON con.conrelid = t.oid AND con.conparentid = 0
      AND (con.contype = 'f' OR (NOT t.partition AND con.contype IN ('p', 'u', 'c', 'x')))
    LEFT JOIN named f ON f.oid = con.confrelid
    -- A key that names one partition of a partitioned table is drawn to that table.
    LEFT JOIN named fr ON fr.oid = f.root
  ),
  'indexes', (
    SELECT coalesce(json_agg(json_build_object(
      'schema', t.schema,
      'table', t.name,
      'partition', t.partition,
      'name', ic.relname::text,
      'method', am.amname::text,
      'unique', x.indisunique,
      'primary', x.indisprimary,
      'valid', x.indisvalid AND x.indisready,
      'keyCount', x.indnkeyatts,
      'columns', (
        SELECT json_agg(json_build_object(
          'column', a.attname::text,
          'expression', CASE WHEN k.attnum = 0 THEN pg_get_indexdef(x.indexrelid, k.ord::int, true) END,
          'opclass', oc.opcname::text,
          'defaultOpclass', coalesce(oc.opcdefault, false),
          'descending', k.ord <= x.indnkeyatts AND (x.indoption[k.ord - 1] & 1) = 1
        ) ORDER BY k.ord)
        FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
        LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum <> 0
        LEFT JOIN pg_opclass oc ON k.ord <= x.indnkeyatts AND oc.oid = x.indclass[k.ord - 1]
      ),
      'predicate', pg_get_expr(x.indpred, x.indrelid, true)
    )), '[]'::json)
    FROM rel t
    JOIN pg_index x ON x.indrelid = t.oid
    JOIN pg_class ic ON ic.oid = x.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
  ),
  'triggers', (
    SELECT coalesce(json_agg(json_build_object(
      'schema', t.schema,
      'table', t.name,
      'name', tg.tgname::text,
      'function', p.proname::text,
      'type', tg.tgtype::int,
      'enabled', tg.tgenabled::text
    )), '[]'::json)
    FROM tbl t
    -- A trigger on a partitioned table is cloned onto each partition (tgparentid); partitions are not read.
    JOIN pg_trigger tg ON tg.tgrelid = t.oid AND NOT tg.tgisinternal
    JOIN pg_proc p ON p.oid = tg.tgfoid
  ),
  'enums', (
    SELECT coalesce(json_agg(json_build_object('schema', e.schema, 'name', e.name, 'values', e.labels)), '[]'::json)
    FROM (
      SELECT s.name AS schema, ty.typname::text AS name, json_agg(en.enumlabel::text ORDER BY en.enumsortorder) AS labels
      FROM pg_type ty
      JOIN wanted s ON s.oid = ty.typnamespace
      JOIN pg_enum en ON en.enumtypid = ty.oid
      WHERE NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_type'::regclass AND d.objid = ty.oid AND d.deptype = 'e'
      )
      GROUP BY s.name, ty.typname
    ) e
  )
) AS catalog
`;

export type RelKind = 'r' | 'p' | 'v' | 'm';

export interface CatalogTable {
  schema: string;
  name: string;
  kind: RelKind;
  comment: string | null;
  partitionKey: string | null;
}

export interface CatalogPartition {
  schema: string;
  name: string;
  rootSchema: string;
  root: string;
  parentSchema: string;
  parent: string;
  leaf: boolean;
  bound: string;
  partitionKey: string | null;
}

export interface CatalogColumn {
  schema: string;
  table: string;
  position: number;
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  generated: string | null;
  identity: string;
  comment: string | null;
}

export interface CatalogConstraint {
  schema: string;
  table: string;
  /** True when `table` is a partition: the constraint was declared on that partition only. */
  partition: boolean;
  name: string;
  type: 'p' | 'u' | 'f' | 'c' | 'x';
  columns: string[] | null;
  refSchema: string | null;
  refTable: string | null;
  /** The partition a foreign key names, when it names one rather than its table. */
  refPartition: string | null;
  refColumns: string[] | null;
  /** The referenced columns' types, for a stub of a table the model does not read. */
  refTypes: string[] | null;
  onDelete: string;
  onUpdate: string;
  definition: string | null;
}

export interface CatalogIndex {
  schema: string;
  table: string;
  partition: boolean;
  name: string;
  method: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  keyCount: number;
  columns: { column: string | null; expression: string | null; opclass: string | null; defaultOpclass: boolean; descending: boolean }[];
  predicate: string | null;
}

export interface CatalogTrigger {
  schema: string;
  table: string;
  name: string;
  function: string;
  type: number;
  enabled: string;
}

export interface Catalog {
  missingSchemas: string[];
  schemas: string[];
  allSchemas: string[];
  tables: CatalogTable[];
  partitions: CatalogPartition[];
  columns: CatalogColumn[];
  constraints: CatalogConstraint[];
  indexes: CatalogIndex[];
  triggers: CatalogTrigger[];
  enums: { schema: string; name: string; values: string[] }[];
}
