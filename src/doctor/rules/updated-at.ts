import { displayName, findColumn, qualifiedName, quoteIdent } from '../../catalog/index.js';
import type { Rule, Violation } from '../rule.js';

/** The trigger function every @mutable table runs (sql/migrations/*_foundations.sql). */
const TRIGGER_FUNCTION = 'set_updated_at';

export const updatedAt: Rule = {
  id: 'updated-at',
  title: 'Tables whose rows change (@mutable) have updated_at kept by a set_updated_at trigger, and only they have updated_at',
  plan: 'C.2 Normalization & Structure',
  scope: 'product',
  hint: 'A BEFORE UPDATE ... FOR EACH ROW trigger keeps updated_at honest whatever the writer forgets; an updated_at on a table not tagged @mutable means the tag or the column is wrong.',
  check: (model) =>
    model.tables.flatMap((table): Violation[] => {
      const object = displayName(model, table);
      const column = findColumn(table, 'updated_at');
      if (!table.mutable) {
        return column
          ? [
              {
                object,
                problem: 'has updated_at but its comment has no @mutable tag',
                step: `Add @mutable to the COMMENT ON TABLE ${qualifiedName(table)}, or drop updated_at if its rows never change.`,
              },
            ]
          : [];
      }
      if (!column)
        return [
          {
            object,
            problem: 'is @mutable but has no updated_at column',
            fix: `ALTER TABLE ${qualifiedName(table)} ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();`,
          },
        ];
      const problems: Violation[] = [];
      if (column.type !== 'timestamp with time zone' || column.nullable)
        problems.push({
          object: `${object}.updated_at`,
          problem: `is ${column.type}${column.nullable ? ', nullable' : ''}; expected timestamptz NOT NULL`,
        });
      const kept = table.triggers.some(
        (t) => t.function === TRIGGER_FUNCTION && t.enabled && t.timing === 'before' && t.events.includes('update') && t.level === 'row',
      );
      if (!kept) {
        problems.push({
          object,
          problem: `is @mutable but no enabled BEFORE UPDATE row trigger runs ${TRIGGER_FUNCTION}()`,
          // The function is found on the search_path, where the foundations migration put it.
          fix: `CREATE TRIGGER ${quoteIdent(`${table.name}_set_updated_at`)} BEFORE UPDATE ON ${qualifiedName(table)} FOR EACH ROW EXECUTE FUNCTION ${TRIGGER_FUNCTION}();`,
        });
      }
      return problems;
    }),
};
