import type { SchemaModel } from '../catalog/index.js';

export interface Violation {
  /** The offending object: `table`, `table.column` or a constraint or index name. */
  object: string;
  problem: string;
  /** SQL or a step that would fix this one object, when there is an obvious one. */
  fix?: string;
}

export interface Rule {
  id: string;
  title: string;
  /** Where the plan asks for it (phase-c-schema-plan.md). */
  plan: string;
  hint: string;
  check(model: SchemaModel): Violation[];
}

export interface RuleResult {
  id: string;
  title: string;
  plan: string;
  status: 'pass' | 'fail';
  violations: Violation[];
  hint: string;
}
