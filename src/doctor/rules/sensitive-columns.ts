import {
  displayName,
  findTable,
  qualifiedName,
  quoteIdent,
  quoteLiteral,
  type ColumnModel,
  type SchemaModel,
  type TableModel,
} from '../../catalog/index.js';
import { HASHED_SECRETS, PII_NAMES, PROTECTED_WORDS, SECRET_PHRASES, SECRET_WORDS, SENSITIVE_KINDS } from '../plan.js';
import type { Rule, Violation } from '../rule.js';

/** Only a string or bytes can hold a secret: `max_active_api_keys integer` is a count. */
function canHoldSecret(type: string): boolean {
  return /^(text|character varying|character|bytea|citext|jsonb?)\b/.test(type);
}

function looksSecret(column: ColumnModel): boolean {
  if (!canHoldSecret(column.type)) return false;
  const lower = column.name.toLowerCase();
  return lower.split('_').some((w) => SECRET_WORDS.includes(w)) || SECRET_PHRASES.some((p) => lower.includes(p));
}

function looksProtected(name: string): boolean {
  return name
    .toLowerCase()
    .split('_')
    .some((w) => PROTECTED_WORDS.includes(w));
}

/** Marks the column, keeping what its comment already says. */
function mark(table: TableModel, column: ColumnModel, kind: string): string {
  const comment = [column.comment?.trim(), `sensitive: ${kind}`].filter(Boolean).join(' ');
  return `COMMENT ON COLUMN ${qualifiedName(table)}.${quoteIdent(column.name)} IS ${quoteLiteral(comment)};`;
}

function checkColumn(model: SchemaModel, table: TableModel, column: ColumnModel): Violation[] {
  const object = `${displayName(model, table)}.${column.name}`;
  const kind = column.sensitive;
  if (kind !== null && !SENSITIVE_KINDS.includes(kind)) {
    return [{ object, problem: `says "sensitive: ${kind}"; the kinds are ${SENSITIVE_KINDS.join(', ')}` }];
  }
  if (looksSecret(column)) {
    if (kind === 'hashed' || kind === 'encrypted') return [];
    if (kind === 'pii') return [{ object, problem: 'holds a secret but is marked pii: a secret must be stored hashed or encrypted' }];
    if (looksProtected(column.name))
      return [
        {
          object,
          problem: 'looks hashed or encrypted but carries no sensitive: comment',
          fix: mark(table, column, /hash|digest|bcrypt|argon|scrypt/.test(column.name) ? 'hashed' : 'encrypted'),
        },
      ];
    const hashed = { ...column, name: `${column.name}_hash`, comment: null };
    return [
      {
        object,
        problem: `looks like a plaintext secret (${column.type}); store a hash (or ciphertext when the value must be read back) and mark it`,
        step: `Replace it with ${column.name}_hash holding a hash, then ${mark(table, hashed, 'hashed')}`,
      },
    ];
  }
  if (kind === null && PII_NAMES.includes(column.name.toLowerCase())) {
    return [{ object, problem: 'looks like personal data but carries no sensitive: comment', fix: mark(table, column, 'pii') }];
  }
  return [];
}

export const sensitiveColumns: Rule = {
  id: 'sensitive-columns',
  title: 'Sensitive columns carry a sensitive: hashed|encrypted|pii comment and no column holds a plaintext secret',
  plan: 'C.2 Security',
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
