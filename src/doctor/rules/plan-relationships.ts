import { findTable, qualifiedName, refOf, sameTable, type SchemaModel } from '../../catalog/index.js';
import { PLAN_RELATIONSHIPS, type PlannedRelationship } from '../plan.js';
import type { Rule, Violation } from '../rule.js';

function check(model: SchemaModel, planned: PlannedRelationship): Violation[] {
  const object = planned.label;
  const parent = findTable(model, planned.parent);
  const child = findTable(model, planned.child);
  if (!parent || !child) return [{ object, problem: `table ${parent ? planned.child : planned.parent} is missing` }];
  const found = model.relations.filter((r) => r.kind === planned.kind && sameTable(refOf(r.from), child) && sameTable(refOf(r.to), parent));
  if (found.length === 0) {
    // Which column carries the link is the schema author's decision, so this is a step, not SQL.
    return planned.kind === 'polymorphic'
      ? [
          {
            object,
            problem: `no column of ${planned.child} declares "@polymorphic <discriminator> <value>=${planned.parent}.<key>"`,
            step: `COMMENT ON COLUMN ${qualifiedName(child)}.<id column> IS '@polymorphic <type column> <value>=${planned.parent}.id ...';`,
          },
        ]
      : [
          {
            object,
            problem: `no foreign key from ${planned.child} to ${planned.parent}`,
            step: `ALTER TABLE ${qualifiedName(child)} ADD FOREIGN KEY (<column>) REFERENCES ${qualifiedName(parent)} (id);`,
          },
        ];
  }
  // 1:N in the plan: one-to-one keys (unique referencing columns) do not fit it.
  if (!found.some((r) => r.cardinality === 'one-to-many')) {
    return [
      { object, problem: `${found.map((r) => r.name).join(', ')} is one-to-one (its columns are unique); the plan says one-to-many` },
    ];
  }
  return [];
}

export const planRelationships: Rule = {
  id: 'plan-relationships',
  title: "Every relationship of the plan's ERD is present, with its cardinality",
  plan: 'C.6 High-Level ERD',
  scope: 'product',
  hint: 'The backend is written against these relationships; a missing foreign key lets orphans in, a missing @polymorphic declaration hides a link from the ERD and the doctor.',
  check: (model) => PLAN_RELATIONSHIPS.flatMap((p) => check(model, p)),
};
