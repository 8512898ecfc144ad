import {
  displayName,
  findColumn,
  getTable,
  qualifiedName,
  quoteIdent,
  type PolymorphicDeclaration,
  type SchemaModel,
} from '../../catalog/index.js';
import type { Rule, Violation } from '../rule.js';
import { indexFor } from './foreign-key-indexes.js';

/**
 * A polymorphic reference cannot be a foreign key, so what a foreign key would guarantee is
 * checked here: the targets exist and are keys, the types match, the discriminator can only
 * take the declared values, and an index serves the (discriminator, id) lookup.
 */
function check(model: SchemaModel, p: PolymorphicDeclaration): Violation[] {
  const table = getTable(model, { schema: p.schema, name: p.table })!;
  const object = `${displayName(model, table)}.${p.column}`;
  if (p.error !== null) return [{ object, problem: `@polymorphic comment ${p.error}` }];
  const column = findColumn(table, p.column)!;
  const discriminator = findColumn(table, p.discriminator!);
  if (!discriminator) return [{ object, problem: `discriminator column ${p.table}.${p.discriminator} does not exist` }];
  const problems: Violation[] = [];
  for (const target of p.targets) {
    // A target names a table of the declaring table's schema.
    const parent = getTable(model, { schema: p.schema, name: target.table });
    const key = findColumn(parent, target.column);
    if (!parent || !key) {
      problems.push({ object, problem: `target ${target.value}=${target.table}.${target.column} does not exist` });
      continue;
    }
    const isKey = parent.primaryKey?.columns.join() === target.column || parent.uniqueKeys.some((u) => u.columns.join() === target.column);
    if (!isKey) problems.push({ object, problem: `target ${target.table}.${target.column} is not a primary or unique key` });
    if (key.type !== column.type)
      problems.push({ object, problem: `is ${column.type} but ${target.table}.${target.column} is ${key.type}` });
  }
  const labels = model.enums.find((e) => e.name === discriminator.type || `${e.schema}.${e.name}` === discriminator.type)?.values;
  const declared = p.targets.map((t) => t.value);
  if (labels) {
    const undeclared = labels.filter((l) => !declared.includes(l));
    const unknown = declared.filter((d) => !labels.includes(d));
    if (undeclared.length > 0)
      problems.push({ object, problem: `${discriminator.type} allows ${undeclared.join(', ')} but the comment declares no target for it` });
    if (unknown.length > 0)
      problems.push({ object, problem: `declares ${unknown.join(', ')}, which ${discriminator.type} does not allow` });
  }
  if (!indexFor(table, [p.discriminator!, p.column])) {
    problems.push({
      object,
      problem: `no index starts with (${p.discriminator}, ${p.column})`,
      fix: `CREATE INDEX ON ${qualifiedName(table)} (${quoteIdent(p.discriminator!)}, ${quoteIdent(p.column)});`,
    });
  }
  return problems;
}

export const polymorphicRelations: Rule = {
  id: 'polymorphic-relations',
  title: "Declared polymorphic links point at real keys, match the discriminator's values and are indexed",
  plan: 'C.6 High-Level ERD (Tasks → Comments, polymorphic)',
  scope: 'any',
  hint: "Declare each link in the id column's comment: @polymorphic <discriminator> <value>=<table>.<key> ...; the discriminator should be an enum of exactly those values.",
  check: (model) => model.polymorphic.flatMap((p) => check(model, p)),
};
