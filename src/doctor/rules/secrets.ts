import { qualifiedName, quoteIdent, quoteLiteral, type ColumnModel, type TableModel } from '../../catalog/index.js';
import { PROTECTED_WORDS, SECRET_PHRASES, SECRET_WORDS } from '../plan.js';

/** What plaintext-secrets and sensitive-columns share: which columns hold secrets, and how a column is marked. */

/** Only a string or bytes can hold a secret: `max_active_api_keys integer` is a count. */
function canHoldSecret(type: string): boolean {
  return /^(text|character varying|character|bytea|citext|jsonb?)\b/.test(type);
}

export function looksSecret(column: ColumnModel): boolean {
  if (!canHoldSecret(column.type)) return false;
  const lower = column.name.toLowerCase();
  return lower.split('_').some((w) => SECRET_WORDS.includes(w)) || SECRET_PHRASES.some((p) => lower.includes(p));
}

export function looksProtected(name: string): boolean {
  return name
    .toLowerCase()
    .split('_')
    .some((w) => PROTECTED_WORDS.includes(w));
}

/** Marks the column, keeping what its comment already says. */
export function mark(table: TableModel, column: ColumnModel, kind: string): string {
  const comment = [column.comment?.trim(), `sensitive: ${kind}`].filter(Boolean).join(' ');
  return `COMMENT ON COLUMN ${qualifiedName(table)}.${quoteIdent(column.name)} IS ${quoteLiteral(comment)};`;
}
