import { usageError } from '../errors.js';
import { byText, type SchemaModel } from '../catalog/model.js';

export interface SubsetOptions {
  /** Start from these tables and keep their neighbourhood. */
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
  const known = new Set(model.tables.map((t) => t.name));
  let keep = new Set(known);
  if (options.domains && options.domains.length > 0) {
    const domains = new Set(model.tables.map((t) => t.domain).filter((d): d is string => d !== null));
    for (const d of options.domains) {
      if (!domains.has(d)) throw usageError(`No table has the domain "${d}"; domains here: ${[...domains].sort(byText).join(', ')}.`);
    }
    keep = new Set(model.tables.filter((t) => t.domain !== null && options.domains!.includes(t.domain)).map((t) => t.name));
  }
  if (options.tables && options.tables.length > 0) {
    for (const name of options.tables) {
      if (!known.has(name)) throw usageError(`No table "${name}" in schema ${model.schema}${suggest(name, [...known])}; run devdb erd to list the tables.`);
    }
    keep = new Set([...neighbourhood(model, options.tables, options.depth ?? 1)].filter((t) => keep.has(t) || options.tables!.includes(t)));
  }
  return {
    schema: model.schema,
    tables: model.tables.filter((t) => keep.has(t.name)),
    relations: model.relations.filter((r) => keep.has(r.from.table)),
    polymorphic: model.polymorphic.filter((p) => keep.has(p.table)),
    enums: model.enums,
  };
}

/** The relationships a diagram can draw: both tables are in it. */
export function drawable(model: SchemaModel): SchemaModel['relations'] {
  const names = new Set(model.tables.map((t) => t.name));
  return model.relations.filter((r) => names.has(r.from.table) && names.has(r.to.table));
}

function neighbourhood(model: SchemaModel, start: readonly string[], depth: number): Set<string> {
  const seen = new Set(start);
  let frontier = [...start];
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const r of model.relations) {
      for (const [a, b] of [
        [r.from.table, r.to.table],
        [r.to.table, r.from.table],
      ] as const) {
        if (frontier.includes(a) && !seen.has(b) && model.tables.some((t) => t.name === b)) {
          seen.add(b);
          next.push(b);
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
