import { displayName, refOf, tableKey, type Relation, type SchemaModel } from '../../catalog/index.js';
import type { Rule, Violation } from '../rule.js';

/**
 * Deleting a parent deletes its ON DELETE CASCADE children; when such a child is itself the
 * parent of another CASCADE key, one delete reaches two levels down, and a self-referencing
 * CASCADE reaches as deep as the data goes. ON DELETE SET NULL updates the child instead of
 * deleting it, so it ends a chain rather than extending it.
 */
export const cascadeDepth: Rule = {
  id: 'cascade-depth',
  title: 'No delete cascades through more than one level (ON DELETE SET NULL is not a delete cascade)',
  plan: 'C.2 Normalization & Structure: cascades limited to safe operations (no multi-level cascades)',
  scope: 'any',
  hint: 'Keep ON DELETE CASCADE for leaf tables; make the upper link NO ACTION/RESTRICT and delete the children explicitly, or SET NULL where the child outlives its parent.',
  check: (model) => {
    const cascades = model.relations.filter((r) => r.kind === 'foreign-key' && r.onDelete === 'cascade');
    const self = (r: Relation) => tableKey(refOf(r.from)) === tableKey(refOf(r.to));
    const name = (end: Relation['from']) => displayName(model, refOf(end));
    return cascades.flatMap((r): Violation[] => {
      if (self(r)) {
        return [
          {
            object: r.name,
            problem: `${name(r.from)}.${r.from.columns.join(',')} cascades to its own table: an unbounded chain (a delete removes every descendant row)`,
          },
        ];
      }
      const next = cascades.filter((n) => tableKey(refOf(n.to)) === tableKey(refOf(r.from)) && !self(n));
      if (next.length === 0) return [];
      return [
        {
          object: r.name,
          problem: `deleting a ${name(r.to)} row deletes ${name(r.from)} rows, which delete ${chain(model, next)}: two levels`,
        },
      ];
    });
  },
};

function chain(model: SchemaModel, next: Relation[]): string {
  return next.map((n) => `${displayName(model, refOf(n.from))} rows (${n.name})`).join(' and ');
}
