import type { SchemaModel } from '../catalog/index.js';

export interface Violation {
  /** The offending object: `table`, `table.column` or a constraint or index name (`schema.table` when several schemas). */
  object: string;
  problem: string;
  /**
   * SQL that fixes this one object, ready to run: identifiers quoted as quote_ident would and
   * tables schema-qualified (test/doctor/doctor-fixes.test.ts runs every one).
   */
  fix?: string;
  /** What to do when no SQL can say it without a decision of yours (a name, a domain, a rename). */
  step?: string;
}

/** What the doctor read from the rows themselves, beside the catalog. */
export interface RuleData {
  /** `schema.table.column` of the columns named like a secret whose values are all algorithm-named hashes (hashed-values.ts). */
  hashed: ReadonlySet<string>;
}

export interface Rule {
  id: string;
  title: string;
  /** The section of the product's schema plan that asks for it (`../shared/spec/phase-c-schema-plan.md`, beside the repository). */
  plan: string;
  /**
   * `any`: a rule every schema is fairly held to (keys, indexes, cascades, secrets). `product`:
   * devdb's own product plan (its tags, domains, relationships and search indexes), applied only
   * to devdb's product schema, or when `--plan` (or `--only`) asks for it.
   */
  scope: 'any' | 'product';
  hint: string;
  /** Reads tables only: views have no keys, defaults or triggers of their own to hold to the plan. */
  check(model: SchemaModel, data: RuleData): Violation[];
}

export interface RuleResult {
  id: string;
  title: string;
  plan: string;
  scope: Rule['scope'];
  /** `skipped`: a product-plan rule on a schema that is not devdb's product (see DoctorResult.planRules). */
  status: 'pass' | 'fail' | 'skipped';
  violations: Violation[];
  hint: string;
}
