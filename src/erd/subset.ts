import { usageError } from '../errors.js';
import { byText, displayName, refOf, tableKey, type SchemaModel, type TableModel, type TableRef } from '../catalog/index.js';

export interface SubsetOptions {
  /** Start from these tables (`name` or `schema.name`) and keep their neighbourhood. */
  tables?: readonly string[] | undefined;
  /** How many relationship hops from `tables` to keep (default 1). */
  depth?: number | undefined;
  /** Keep only the tables of these domains (the `@domain` tag). */
  domains?: readonly string[] | undefined;
}

/**
 * A smaller model for a large schema: the tables within `depth` relationships of the named
 * ones (either direction, polymorphic links included) and, or, the tables of some domains.
 * A kept table keeps all its outgoing relationships, so text still says where each key
 * points; diagrams draw only those whose both ends are on the page (see `drawable`).
 */
export function subsetModel(model: SchemaModel, options: SubsetOptions): SchemaModel {
  let keep = new Set(model.tables.map(tableKey));
  if (options.domains && options.domains.length > 0) {
    const domains = new Set(model.tables.map((t) => t.domain).filter((d): d is string => d !== null));
    for (const d of options.domains) {
      if (!domains.has(d)) throw usageError(`No table has the domain "${d}"; domains here: ${[...domains].sort(byText).join(', ')}.`);
    }
    keep = new Set(model.tables.filter((t) => t.domain !== null && options.domains!.includes(t.domain)).map(tableKey));
  }
  if (options.tables && options.tables.length > 0) {
    const start = options.tables.map((name) => resolveTable(model, name));
    const named = new Set(start.map(tableKey));
    keep = new Set([...neighbourhood(model, start, options.depth ?? 1)].filter((k) => keep.has(k) || named.has(k)));
  }
  return restrict(model, keep);
}

/** The model cut down to the tables whose keys are in `keep`, with the external tables they still point to. */
export function restrict(model: SchemaModel, keep: ReadonlySet<string>): SchemaModel {
  const relations = model.relations.filter((r) => keep.has(tableKey(refOf(r.from))));
  const targets = new Set(relations.map((r) => tableKey(refOf(r.to))));
  return {
    schemas: model.schemas,
    tables: model.tables.filter((t) => keep.has(tableKey(t))),
    relations,
    externals: model.externals.filter((e) => targets.has(tableKey(e))),
    polymorphic: model.polymorphic.filter((p) => keep.has(tableKey({ schema: p.schema, name: p.table }))),
    enums: model.enums,
    historyTables: model.historyTables,
  };
}

/**
 * The relationships a diagram can draw: the child is in it, and the parent is too or is an
 * external stub (a table of a schema that was not read). A parent left out by --table or
 * --domain is not drawn: the text formats still name it.
 */
export function drawable(model: SchemaModel): SchemaModel['relations'] {
  const names = new Set(model.tables.map(tableKey));
  const ends = new Set([...names, ...model.externals.map(tableKey)]);
  return model.relations.filter((r) => names.has(tableKey(refOf(r.from))) && ends.has(tableKey(refOf(r.to))));
}

/** `name` in the first schema read that has it, or `schema.name`; anything else is a usage error. */
export function resolveTable(model: SchemaModel, name: string): TableModel {
  for (const schema of model.schemas) {
    const found = model.tables.find((t) => t.schema === schema && t.name === name);
    if (found) return found;
  }
  const qualified = model.tables.find((t) => `${t.schema}.${t.name}` === name);
  if (qualified) return qualified;
  const partitionOf = model.tables.find((t) => t.partitions.some((p) => p.name === name || `${p.schema}.${p.name}` === name));
  if (partitionOf)
    throw usageError(`"${name}" is a partition of ${displayName(model, partitionOf)}; pass --table ${displayName(model, partitionOf)}.`);
  const known = model.tables.map((t) => displayName(model, t));
  throw usageError(
    `No table "${name}" in ${model.schemas.length === 1 ? 'schema' : 'schemas'} ${model.schemas.join(', ')}${suggest(name, known)}; run devdb erd to list the tables.`,
  );
}

function neighbourhood(model: SchemaModel, start: readonly TableRef[], depth: number): Set<string> {
  const present = new Set(model.tables.map(tableKey));
  const seen = new Set(start.map(tableKey));
  let frontier = new Set(seen);
  for (let hop = 0; hop < depth && frontier.size > 0; hop++) {
    const next = new Set<string>();
    for (const r of model.relations) {
      const from = tableKey(refOf(r.from));
      const to = tableKey(refOf(r.to));
      for (const [a, b] of [
        [from, to],
        [to, from],
      ] as const) {
        if (frontier.has(a) && !seen.has(b) && present.has(b)) {
          seen.add(b);
          next.add(b);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

function suggest(name: string, names: readonly string[]): string {
  const best = names
    .map((n) => ({ n, d: distance(name.toLowerCase(), n) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || byText(a.n, b.n))[0];
  return best ? ` (did you mean "${best.n}"?)` : '';
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
