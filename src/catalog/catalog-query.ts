/**
 * One round trip to pg_catalog, returned as one JSON document, so a schema of hundreds of
 * tables costs the same number of queries as a schema of three. Tables named devdb_* are
 * devdb's bookkeeping and anything an extension created is the extension's, so both are left
 * out. Key columns keep their order (conkey/confkey/indkey WITH ORDINALITY).
 */
export const CATALOG_QUERY = `
with tbl as (
  select c.oid, c.relname::text as name
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = $1
    and c.relkind in ('r', 'p')
    and not c.relispartition
    and c.relname::text not like 'devdb\\_%'
    and not exists (
      select 1 from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
    )
)
select json_build_object(
  'schemaExists', exists (select 1 from pg_namespace where nspname = $1),
  'tables', (
    select coalesce(json_agg(json_build_object('name', t.name, 'comment', obj_description(t.oid, 'pg_class'))), '[]'::json)
    from tbl t
  ),
  'columns', (
    select coalesce(json_agg(json_build_object(
      'table', t.name,
      'position', a.attnum,
      'name', a.attname::text,
      'type', format_type(a.atttypid, a.atttypmod),
      'notNull', a.attnotnull,
      'default', case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end,
      'generated', case when a.attgenerated <> '' then pg_get_expr(d.adbin, d.adrelid) end,
      'identity', a.attidentity::text,
      'comment', col_description(t.oid, a.attnum)
    )), '[]'::json)
    from tbl t
    join pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  ),
  'constraints', (
    select coalesce(json_agg(json_build_object(
      'table', t.name,
      'name', con.conname::text,
      'type', con.contype::text,
      'columns', (
        select json_agg(a.attname::text order by k.ord)
        from unnest(con.conkey) with ordinality k(attnum, ord)
        join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
      ),
      'refSchema', fn.nspname::text,
      'refTable', fc.relname::text,
      'refColumns', (
        select json_agg(a.attname::text order by k.ord)
        from unnest(con.confkey) with ordinality k(attnum, ord)
        join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum
      ),
      'onDelete', con.confdeltype::text,
      'onUpdate', con.confupdtype::text,
      'definition', case when con.contype = 'c' then pg_get_constraintdef(con.oid, true) end
    )), '[]'::json)
    from tbl t
    join pg_constraint con on con.conrelid = t.oid and con.contype in ('p', 'u', 'f', 'c')
    left join pg_class fc on fc.oid = con.confrelid
    left join pg_namespace fn on fn.oid = fc.relnamespace
  ),
  'indexes', (
    select coalesce(json_agg(json_build_object(
      'table', t.name,
      'name', ic.relname::text,
      'method', am.amname::text,
      'unique', x.indisunique,
      'primary', x.indisprimary,
      'valid', x.indisvalid and x.indisready,
      'keyCount', x.indnkeyatts,
      'columns', (
        select json_agg(json_build_object(
          'column', a.attname::text,
          'expression', case when k.attnum = 0 then pg_get_indexdef(x.indexrelid, k.ord::int, true) end,
          'opclass', oc.opcname::text,
          'defaultOpclass', coalesce(oc.opcdefault, false),
          'descending', k.ord <= x.indnkeyatts and (x.indoption[k.ord - 1] & 1) = 1
        ) order by k.ord)
        from unnest(x.indkey::int2[]) with ordinality k(attnum, ord)
        left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum and k.attnum <> 0
        left join pg_opclass oc on k.ord <= x.indnkeyatts and oc.oid = x.indclass[k.ord - 1]
      ),
      'predicate', pg_get_expr(x.indpred, x.indrelid, true)
    )), '[]'::json)
    from tbl t
    join pg_index x on x.indrelid = t.oid
    join pg_class ic on ic.oid = x.indexrelid
    join pg_am am on am.oid = ic.relam
  ),
  'triggers', (
    select coalesce(json_agg(json_build_object(
      'table', t.name,
      'name', tg.tgname::text,
      'function', p.proname::text,
      'type', tg.tgtype::int,
      'enabled', tg.tgenabled::text
    )), '[]'::json)
    from tbl t
    join pg_trigger tg on tg.tgrelid = t.oid and not tg.tgisinternal
    join pg_proc p on p.oid = tg.tgfoid
  ),
  'enums', (
    select coalesce(json_agg(json_build_object('name', e.name, 'values', e.labels)), '[]'::json)
    from (
      select ty.typname::text as name, json_agg(en.enumlabel::text order by en.enumsortorder) as labels
      from pg_type ty
      join pg_namespace n on n.oid = ty.typnamespace
      join pg_enum en on en.enumtypid = ty.oid
      where n.nspname = $1
        and not exists (
          select 1 from pg_depend d
          where d.classid = 'pg_type'::regclass and d.objid = ty.oid and d.deptype = 'e'
        )
      group by ty.typname
    ) e
  )
) as catalog
`;

export interface CatalogColumn {
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
  table: string;
  name: string;
  type: 'p' | 'u' | 'f' | 'c';
  columns: string[] | null;
  refSchema: string | null;
  refTable: string | null;
  refColumns: string[] | null;
  onDelete: string;
  onUpdate: string;
  definition: string | null;
}

export interface CatalogIndex {
  table: string;
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
  table: string;
  name: string;
  function: string;
  type: number;
  enabled: string;
}

export interface Catalog {
  schemaExists: boolean;
  tables: { name: string; comment: string | null }[];
  columns: CatalogColumn[];
  constraints: CatalogConstraint[];
  indexes: CatalogIndex[];
  triggers: CatalogTrigger[];
  enums: { name: string; values: string[] }[];
}
