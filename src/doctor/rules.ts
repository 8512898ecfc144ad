import type { Rule } from './rule.js';
import { cascadeDepth } from './rules/cascade-depth.js';
import { createdAt } from './rules/created-at.js';
import { domains } from './rules/domains.js';
import { foreignKeyIndexes } from './rules/foreign-key-indexes.js';
import { planRelationships } from './rules/plan-relationships.js';
import { polymorphicRelations } from './rules/polymorphic-relations.js';
import { plaintextSecrets } from './rules/plaintext-secrets.js';
import { primaryKeys } from './rules/primary-keys.js';
import { sensitiveColumns } from './rules/sensitive-columns.js';
import { trigramIndexes } from './rules/trigram-indexes.js';
import { unreadNotificationsIndex } from './rules/unread-notifications-index.js';
import { updatedAt } from './rules/updated-at.js';

/** The doctor's checklist, in the order the plan states its rules. */
export const RULES: readonly Rule[] = [
  primaryKeys,
  createdAt,
  updatedAt,
  foreignKeyIndexes,
  cascadeDepth,
  plaintextSecrets,
  sensitiveColumns,
  trigramIndexes,
  unreadNotificationsIndex,
  planRelationships,
  polymorphicRelations,
  domains,
];
