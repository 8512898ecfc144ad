import { displayName, qualifiedName } from '../../catalog/index.js';
import { PLAN_DOMAINS } from '../plan.js';
import type { Rule, Violation } from '../rule.js';

const known: readonly string[] = PLAN_DOMAINS;

export const domains: Rule = {
  id: 'domains',
  title: "Every table names one of the plan's domains with @domain in its comment",
  plan: 'C.3 Planned PostgreSQL Tables',
  scope: 'product',
  hint: `The ERD groups tables by domain; the domains are ${PLAN_DOMAINS.join(', ')}.`,
  check: (model) =>
    model.tables.flatMap((t): Violation[] => {
      const object = displayName(model, t);
      if (t.domain === null)
        return [
          {
            object,
            problem: 'has no @domain tag in its comment',
            step: `COMMENT ON TABLE ${qualifiedName(t)} IS '<what a row is>. @domain <domain>';`,
          },
        ];
      return known.includes(t.domain) ? [] : [{ object, problem: `names the domain "${t.domain}", which the plan does not have` }];
    }),
};
