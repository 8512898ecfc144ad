import { quoteIdent, relationName, type QualifiedName } from '../util/sql-text.js';

/** `COPY table (columns) FROM ...`: a bare table name is one identifier (a dot in it is part of the name). */
export function copyStatement(table: string | QualifiedName, columns: readonly string[], from: string): string {
  return `COPY ${relationName(table)} (${columns.map(quoteIdent).join(', ')}) FROM ${from}`;
}

/**
 * One value in COPY text format: `\N` for NULL, and the four characters COPY treats
 * specially (backslash, tab, newline, carriage return) escaped.
 */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  // The common cases first, without a replace: bulk loads call this once per value.
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return SPECIAL.test(value) ? escapeText(value) : value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text =
    value instanceof Date
      ? value.toISOString()
      : Array.isArray(value)
        ? arrayLiteral(value)
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  return escapeText(text);
}

const SPECIAL = /[\\\t\n\r]/;

/** True when copyValue(value) is String(value): a number, a boolean, or a text with nothing to escape. */
export function isPlainCopyValue(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && !SPECIAL.test(value));
}

function escapeText(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** One row in COPY text format, newline included. */
export function copyRow(values: readonly unknown[]): string {
  return values.map(copyValue).join('\t') + '\n';
}

/** A PostgreSQL array literal (`{"a","b"}`) for text-like arrays. */
function arrayLiteral(values: readonly unknown[]): string {
  // A loop, not map(): inlined into a bulk load's row loop, map's callback deoptimised it.
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) text += ',';
    text += v === null || v === undefined ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`;
  }
  return `${text}}`;
}
