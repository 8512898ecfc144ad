import type { Queryable } from '../db/db.js';
import { introspect } from '../catalog/index.js';
import { usageError } from '../errors.js';
import type { RuleResult } from './rule.js';
import { RULES } from './rules.js';

export interface DoctorOptions {
  /** Run only these rules. */
  only?: readonly string[] | undefined;
  /** Leave these rules out. */
  skip?: readonly string[] | undefined;
  schema?: string | undefined;
}

export interface DoctorResult {
  ok: boolean;
  schema: string;
  tables: number;
  passed: number;
  failed: number;
  rules: RuleResult[];
}

/** Holds the live schema to the plan's rules; read-only, so it is safe on any database. */
export async function doctor(db: Queryable, options: DoctorOptions = {}): Promise<DoctorResult> {
  const ids = RULES.map((r) => r.id);
  for (const id of [...(options.only ?? []), ...(options.skip ?? [])]) {
    if (!ids.includes(id)) throw usageError(`Unknown rule "${id}"; the rules are ${ids.join(', ')}.`);
  }
  const selected = RULES.filter((r) => (!options.only?.length || options.only.includes(r.id)) && !options.skip?.includes(r.id));
  const model = await introspect(db, { schema: options.schema });
  const rules = selected.map((rule): RuleResult => {
    const violations = rule.check(model);
    return { id: rule.id, title: rule.title, plan: rule.plan, status: violations.length === 0 ? 'pass' : 'fail', violations, hint: rule.hint };
  });
  const failed = rules.filter((r) => r.status === 'fail').length;
  return { ok: failed === 0, schema: model.schema, tables: model.tables.length, passed: rules.length - failed, failed, rules };
}
