import { sqlState } from '../db/db-error.js';
import { DevdbError } from '../errors.js';
import type { LayoutEntry } from './schema/layout.js';

/** The fields both drivers put on a server error, under either driver's name. */
interface ServerError {
  message?: string;
  detail?: string;
  where?: string;
  column?: string;
  column_name?: string;
  constraint?: string;
  constraint_name?: string;
}

/**
 * A failed COPY as one line: the server's message, the table, the column (from the error's
 * column field, COPY's `column x` context, or the columns its constraint names), and what to
 * do about it. Errors devdb raised itself (an unsatisfiable column) pass through.
 */
export function loadError(error: unknown, entry: LayoutEntry): unknown {
  const table = entry.label;
  if (error instanceof DevdbError) return error;
  const e = (error ?? {}) as ServerError;
  const code = sqlState(error);
  if (!code) return error;
  const constraint = e.constraint ?? e.constraint_name;
  let column = e.column ?? e.column_name ?? /, column ([^:]+):/.exec(e.where ?? '')?.[1];
  if (!column && constraint) column = columnsOf(constraint, entry).join(', ') || undefined;
  const line = /, line (\d+)/.exec(e.where ?? '')?.[1];
  const where = [
    `table ${table}`,
    column ? `column ${column}` : '',
    constraint ? `constraint ${constraint}` : '',
    line ? `row ${line}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const hint =
    code === '57014' || code.startsWith('08') || code === '57P01'
      ? 'the load was cancelled or lost its connection; nothing was kept, run the seed again'
      : column
        ? `nothing was kept; give ${table}.${column.split(', ')[0]} its values in the seed file (tables.${table}.values) or fix the constraint`
        : 'nothing was kept';
  return new DevdbError('E_SQL', `Seeding failed (${where}): ${e.message ?? String(error)}${e.detail ? ` (${e.detail})` : ''}; ${hint}.`, {
    cause: error,
    details: { table, column: column ?? null, constraint: constraint ?? null, sqlState: code },
  });
}

/** The columns a CHECK of the table mentions, as the layout read them. */
function columnsOf(constraint: string, entry: LayoutEntry): string[] {
  const rules = entry.rules;
  const named = [...rules.columns].filter(([, r]) => r.constraints.includes(constraint)).map(([c]) => c);
  const unparsed = rules.unparsed.filter((u) => u.constraint === constraint).flatMap((u) => u.columns);
  const related = rules.relations.filter((r) => r.constraint === constraint).flatMap((r) => [r.column, r.other]);
  return [...new Set([...named, ...unparsed, ...related])];
}
