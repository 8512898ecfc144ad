import { displayName, findTable, type ColumnModel, type SchemaModel, type TableModel } from '../../catalog/index.js';
import { HASHED_SECRETS, PII_NAMES, SENSITIVE_KINDS } from '../plan.js';
import type { Rule, Violation } from '../rule.js';
import { looksProtected, looksSecret, mark } from './secrets.js';

function checkColumn(model: SchemaModel, table: TableModel, column: ColumnModel): Violation[] {
  const object = `${displayName(model, table)}.${column.name}`;
  const kind = column.sensitive;
  if (kind !== null && !SENSITIVE_KINDS.includes(kind)) {
    return [{ object, problem: `says "sensitive: ${kind}"; the kinds are ${SENSITIVE_KINDS.join(', ')}` }];
  }
  if (looksSecret(column)) {
    if (kind === 'hashed' || kind === 'encrypted') return [];
    if (looksProtected(column.name))
      return [
        {
          object,
          problem: 'looks hashed or encrypted but carries no sensitive: comment',
          fix: mark(table, column, /hash|digest|bcrypt|argon|scrypt/.test(column.name) ? 'hashed' : 'encrypted'),
        },
      ];
    // A plaintext secret (marked pii or not) is the plaintext-secrets rule's, on any schema.
    return [];
  }
  if (kind === null && PII_NAMES.includes(column.name.toLowerCase())) {
    return [{ object, problem: 'looks like personal data but carries no sensitive: comment', fix: mark(table, column, 'pii') }];
  }
  return [];
}

export const sensitiveColumns: Rule = {
  id: 'sensitive-columns',
  title: 'Sensitive columns carry a sensitive: hashed|encrypted|pii comment',
  plan: 'C.2 Security',
  scope: 'product',
  hint: 'Passwords and API keys are stored as hashes, secrets that must be read back (webhook signing) as ciphertext; marking each sensitive column tells backups, exports and seeds what to protect.',
  check: (model) => {
    const violations = model.tables.flatMap((table) => table.columns.flatMap((column) => checkColumn(model, table, column)));
    for (const { table, what } of HASHED_SECRETS) {
      const t = findTable(model, table);
      if (t && !t.columns.some((c) => c.sensitive === 'hashed'))
        violations.push({ object: displayName(model, t), problem: `stores ${what} but no column is marked sensitive: hashed` });
    }
    return violations;
  },
};
