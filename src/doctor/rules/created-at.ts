import { displayName, findColumn, qualifiedName } from '../../catalog/index.js';
import type { Rule, Violation } from '../rule.js';

export const createdAt: Rule = {
  id: 'created-at',
  title: 'Every table records created_at (timestamptz, not null, with a default)',
  plan: 'C.2 Normalization & Structure',
  scope: 'product',
  hint: 'Every product table holds entities (link tables record when the link was made), so every table says when each row was born; timestamptz keeps it unambiguous across time zones.',
  check: (model) =>
    model.tables.flatMap((table): Violation[] => {
      const name = displayName(model, table);
      const alter = `ALTER TABLE ${qualifiedName(table)}`;
      const column = findColumn(table, 'created_at');
      if (!column)
        return [
          { object: name, problem: 'has no created_at column', fix: `${alter} ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();` },
        ];
      const object = `${name}.created_at`;
      const problems: Violation[] = [];
      if (column.type !== 'timestamp with time zone')
        problems.push({ object, problem: `is ${column.type}, not timestamptz`, fix: `${alter} ALTER COLUMN created_at TYPE timestamptz;` });
      if (column.nullable) problems.push({ object, problem: 'is nullable', fix: `${alter} ALTER COLUMN created_at SET NOT NULL;` });
      if (column.default === null)
        problems.push({ object, problem: 'has no default', fix: `${alter} ALTER COLUMN created_at SET DEFAULT now();` });
      return problems;
    }),
};
