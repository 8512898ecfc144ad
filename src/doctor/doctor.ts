import type { Queryable } from '../db/db.js';
import { holdsProductSchema, introspect, isView } from '../catalog/index.js';
import { DevdbError, usageError } from '../errors.js';
import { projectSchemas } from '../migrate/schemas-created.js';
import { hashedColumns } from './hashed-values.js';
import type { RuleResult } from './rule.js';
import { RULES } from './rules.js';

export interface DoctorOptions {
  /** Run only these rules. */
  only?: readonly string[] | undefined;
  /** Leave these rules out. */
  skip?: readonly string[] | undefined;
  /** The schemas to check (default: the project's, projectSchemas). */
  schemas?: readonly string[] | undefined;
  allSchemas?: boolean | undefined;
  /** The migrations folder whose CREATE SCHEMA statements name the project's schemas (default: the project's). */
  migrationsDir?: string | undefined;
  /** Holds the schema to devdb's product plan too, whatever it is (default: only devdb's own product schema). */
  plan?: boolean | undefined;
}

export interface DoctorResult {
  /** True when every rule that applies passes. */
  ok: boolean;
  schemas: string[];
  /**
   * `applied` on devdb's own product schema (or with `plan`); `skipped` on any other schema,
   * which is held to the rules every schema shares only.
   */
  planRules: 'applied' | 'skipped';
  /** Tables checked (partitioned tables count once, their partitions inside them). */
  tables: number;
  /** Views and materialized views found, which the rules do not cover. */
  views: number;
  passed: number;
  failed: number;
  /** Product-plan rules not applied to this schema. */
  skipped: number;
  rules: RuleResult[];
}

/**
 * Holds the live schema to the rules that apply to it: the ones every schema shares (primary
 * keys, foreign-key indexes, cascades, plaintext secrets, declared polymorphic links) always, and
 * devdb's product plan (tags, domains, relationships, search indexes) on devdb's own product
 * schema or when asked. Read-only, so it is safe on any database.
 */
export async function doctor(db: Queryable, options: DoctorOptions = {}): Promise<DoctorResult> {
  const ids = RULES.map((r) => r.id);
  for (const id of [...(options.only ?? []), ...(options.skip ?? [])]) {
    if (!ids.includes(id)) throw usageError(`Unknown rule "${id}"; the rules are ${ids.join(', ')}.`);
  }
  const selected = RULES.filter((r) => (!options.only?.length || options.only.includes(r.id)) && !options.skip?.includes(r.id));
  const schemas = options.schemas?.length || options.allSchemas ? options.schemas : await projectSchemas(db, options.migrationsDir);
  const everything = await introspect(db, { schemas, allSchemas: options.allSchemas });
  const views = everything.tables.filter(isView).length;
  const model = { ...everything, tables: everything.tables.filter((t) => !isView(t)) };
  if (model.tables.length === 0) {
    // Passing "on 0 tables" says nothing; most likely the wrong schema or an unmigrated database.
    const where = `${model.schemas.length === 1 ? 'Schema' : 'Schemas'} ${model.schemas.join(', ')}`;
    const what = views > 0 ? ` (only ${views} view${views === 1 ? '' : 's'}, which the rules do not cover)` : '';
    throw new DevdbError(
      'E_NOT_FOUND',
      `${where} has no tables to check${what}; pass --schema with the schema that holds your tables, or run devdb migrate up first.`,
    );
  }
  const planRules = options.plan || holdsProductSchema(model) ? 'applied' : 'skipped';
  const data = { hashed: await hashedColumns(db, model) };
  const rules = selected.map((rule): RuleResult => {
    // A rule named with --only runs: asking for it by name is asking for it here.
    const applies = rule.scope === 'any' || planRules === 'applied' || options.only?.includes(rule.id) === true;
    const violations = applies ? rule.check(model, data) : [];
    return {
      id: rule.id,
      title: rule.title,
      plan: rule.plan,
      scope: rule.scope,
      status: !applies ? 'skipped' : violations.length === 0 ? 'pass' : 'fail',
      violations,
      hint: rule.hint,
    };
  });
  const failed = rules.filter((r) => r.status === 'fail').length;
  const passed = rules.filter((r) => r.status === 'pass').length;
  const skipped = rules.length - failed - passed;
  return { ok: failed === 0, schemas: model.schemas, planRules, tables: model.tables.length, views, passed, failed, skipped, rules };
}
