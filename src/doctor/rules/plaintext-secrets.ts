import { displayName, tableKey, type ColumnModel, type SchemaModel, type TableModel } from '../../catalog/index.js';
import type { Rule, RuleData, Violation } from '../rule.js';
import { looksProtected, looksSecret, mark } from './secrets.js';

function check(model: SchemaModel, data: RuleData, table: TableModel, column: ColumnModel): Violation[] {
  if (!looksSecret(column) || looksProtected(column.name) || column.sensitive === 'hashed' || column.sensitive === 'encrypted') return [];
  // Django's and Laravel's `password` holds `pbkdf2_sha256$…` or `$2y$…`: a hash, whatever its name says.
  if (data.hashed.has(`${tableKey(table)}.${column.name}`)) return [];
  const hashed = { ...column, name: `${column.name}_hash`, comment: null };
  return [
    {
      object: `${displayName(model, table)}.${column.name}`,
      problem: `looks like a plaintext secret (${column.type}); store a hash (or ciphertext when the value must be read back)`,
      step: `Replace it with ${column.name}_hash holding a hash, then ${mark(table, hashed, 'hashed')}`,
    },
  ];
}

export const plaintextSecrets: Rule = {
  id: 'plaintext-secrets',
  title: 'No column holds a password, token or key in plaintext',
  plan: 'C.2 Security',
  scope: 'any',
  hint: 'Passwords and API keys are stored as hashes, secrets that must be read back (webhook signing) as ciphertext: a leaked backup or a stray SELECT then gives nothing away.',
  check: (model, data) => model.tables.flatMap((table) => table.columns.flatMap((column) => check(model, data, table, column))),
};
