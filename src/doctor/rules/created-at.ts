import { findColumn } from '../../catalog/index.js';
import type { Rule, Violation } from '../rule.js';

export const createdAt: Rule = {
  id: 'created-at',
  title: 'Every table records created_at (timestamptz, not null, with a default)',
  plan: 'C.2 Normalization & Structure',
  hint: 'Every product table holds entities (link tables record when the link was made), so every table says when each row was born; timestamptz keeps it unambiguous across time zones.',
  check: (model) =>
    model.tables.flatMap((table): Violation[] => {
      const column = findColumn(table, 'created_at');
      if (!column) return [{ object: table.name, problem: 'has no created_at column', fix: `ALTER TABLE ${table.name} ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();` }];
      const problems: Violation[] = [];
      if (column.type !== 'timestamp with time zone') problems.push({ object: `${table.name}.created_at`, problem: `is ${column.type}, not timestamptz`, fix: `ALTER TABLE ${table.name} ALTER COLUMN created_at TYPE timestamptz;` });
      if (column.nullable) problems.push({ object: `${table.name}.created_at`, problem: 'is nullable', fix: `ALTER TABLE ${table.name} ALTER COLUMN created_at SET NOT NULL;` });
      if (column.default === null) problems.push({ object: `${table.name}.created_at`, problem: 'has no default', fix: `ALTER TABLE ${table.name} ALTER COLUMN created_at SET DEFAULT now();` });
      return problems;
    }),
};
