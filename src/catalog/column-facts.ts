import type { Queryable } from '../db/db.js';

/**
 * What a value of a column must be, beyond what the model's `format_type` spelling says:
 * the base type under any domain, its length or precision, the element of an array, the
 * labels of an enum, and the CHECKs and NOT NULL a domain adds. The seed's schema-driven
 * layer generates values from these; a separate query so the ERD's one stays as it is.
 */
export interface ColumnFacts {
  schema: string;
  table: string;
  column: string;
  /** The base type's name after domains are unwrapped (`int4`, `varchar`, `timestamptz`, an enum's name). */
  base: string;
  /** 'b' base, 'e' enum, 'r' range, 'c' composite, ... (pg_type.typtype of the base). */
  kind: string;
  /** varchar(n)/char(n) length, or null. */
  length: number | null;
  /** numeric(p, s), or null. */
  precision: number | null;
  scale: number | null;
  /** For an array, the facts of one element (its base, length, labels). */
  element: Omit<ColumnFacts, 'schema' | 'table' | 'column' | 'element' | 'domain' | 'domainChecks' | 'domainNotNull'> | null;
  /** Enum labels in their order, or null. */
  labels: string[] | null;
  /** The outermost domain's name, when the column's type is a domain. */
  domain: string | null;
  /** CHECK definitions of every domain in the chain, written against VALUE. */
  domainChecks: string[];
  domainNotNull: boolean;
}

interface RawType {
  oid: number;
  name: string;
  kind: string;
  category: string;
  element: number;
  base: number;
  typmod: number;
  notNull: boolean;
  labels: string[] | null;
  checks: string[] | null;
}

const FACTS_QUERY = `
WITH RECURSIVE cols AS (
  SELECT n.nspname::text AS schema, c.relname::text AS "table", a.attname::text AS "column", a.attnum AS position, a.atttypid AS typid, a.atttypmod AS typmod
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')
),
types(oid) AS (
  SELECT DISTINCT typid FROM cols
  UNION
  SELECT x.oid FROM types t JOIN pg_type p ON p.oid = t.oid
    CROSS JOIN LATERAL (VALUES (p.typelem), (p.typbasetype)) AS x(oid)
   WHERE x.oid <> 0
)
SELECT json_build_object(
  'columns', (SELECT coalesce(json_agg(json_build_object('schema', "schema", 'table', "table", 'column', "column", 'type', typid::int, 'typmod', typmod) ORDER BY "schema", "table", position), '[]'::json) FROM cols),
  'types', (
    SELECT coalesce(json_agg(json_build_object(
      'oid', p.oid::int, 'name', p.typname::text, 'kind', p.typtype::text, 'category', p.typcategory::text,
      'element', p.typelem::int, 'base', p.typbasetype::int, 'typmod', p.typtypmod, 'notNull', p.typnotnull,
      'labels', (SELECT json_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = p.oid),
      'checks', (SELECT json_agg(pg_get_constraintdef(k.oid, true) ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = p.oid AND k.contype = 'c')
    )), '[]'::json)
    FROM types t JOIN pg_type p ON p.oid = t.oid
  )
) AS facts`;

/** The key of one column in columnFacts' map: no two columns of different tables share one. */
export function factKey(ref: { schema: string; name: string }, column: string): string {
  return JSON.stringify([ref.schema, ref.name, column]);
}

/** Facts for every column of every table in `schemas`, keyed by factKey. */
export async function columnFacts(db: Queryable, schemas: readonly string[]): Promise<Map<string, ColumnFacts>> {
  const [row] = await db.query<{
    facts: { columns: { schema: string; table: string; column: string; type: number; typmod: number }[]; types: RawType[] };
  }>(FACTS_QUERY, [schemas]);
  const types = new Map(row!.facts.types.map((t) => [t.oid, t]));
  const out = new Map<string, ColumnFacts>();
  for (const c of row!.facts.columns) {
    const facts = resolve(types, c.type, c.typmod);
    out.set(factKey({ schema: c.schema, name: c.table }, c.column), { schema: c.schema, table: c.table, column: c.column, ...facts });
  }
  return out;
}

function resolve(types: Map<number, RawType>, oid: number, typmod: number): Omit<ColumnFacts, 'schema' | 'table' | 'column'> {
  let t = types.get(oid)!;
  let domain: string | null = null;
  const domainChecks: string[] = [];
  let domainNotNull = false;
  // A domain over a domain: the checks of all of them hold; the innermost typmod applies.
  while (t.kind === 'd') {
    domain ??= t.name;
    domainChecks.push(...(t.checks ?? []));
    domainNotNull ||= t.notNull;
    if (t.typmod >= 0) typmod = t.typmod;
    t = types.get(t.base)!;
  }
  const isArray = t.category === 'A' && t.element !== 0;
  const element = isArray ? resolve(types, t.element, typmod) : null;
  const { length, precision, scale } = isArray ? { length: null, precision: null, scale: null } : sizeOf(t.name, typmod);
  return {
    base: t.name,
    kind: t.kind,
    length,
    precision,
    scale,
    element: element && {
      base: element.base,
      kind: element.kind,
      length: element.length,
      precision: element.precision,
      scale: element.scale,
      labels: element.labels,
    },
    labels: t.labels,
    domain,
    domainChecks,
    domainNotNull,
  };
}

/** varchar/bpchar store n + 4 in the typmod; numeric stores ((p << 16) | s) + 4. */
function sizeOf(name: string, typmod: number): { length: number | null; precision: number | null; scale: number | null } {
  if (typmod < 4) return { length: null, precision: null, scale: null };
  if (name === 'varchar' || name === 'bpchar') return { length: typmod - 4, precision: null, scale: null };
  if (name === 'numeric') return { length: null, precision: ((typmod - 4) >> 16) & 0xffff, scale: (typmod - 4) & 0xffff };
  return { length: null, precision: null, scale: null };
}
