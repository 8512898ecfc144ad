/**
 * A server error in one shape, whichever engine raised it. Each adapter translates its driver's
 * error (postgres.js `PostgresError`, PGlite `DatabaseError`) into this at the seam, so nothing
 * above src/db reads driver fields. Offsets are the server's: 1-based, in characters of the text sent.
 */
export interface DbErrorFields {
  /** SQLSTATE, e.g. 42P01. */
  code: string;
  message: string;
  severity?: string | undefined;
  /** Where in the statement text the server points, 1-based in characters. */
  position?: number | undefined;
  detail?: string | undefined;
  hint?: string | undefined;
  /** The server's context lines (e.g. the PL/pgSQL function and line that raised). */
  where?: string | undefined;
  schema?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  constraint?: string | undefined;
  /** A position inside an internally generated query (e.g. a function body), with that query. */
  internalPosition?: number | undefined;
  internalQuery?: string | undefined;
}

export class DbError extends Error implements DbErrorFields {
  override readonly name = 'DbError';
  readonly code: string;
  readonly severity: string | undefined;
  readonly position: number | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly where: string | undefined;
  readonly schema: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly constraint: string | undefined;
  readonly internalPosition: number | undefined;
  readonly internalQuery: string | undefined;

  constructor(fields: DbErrorFields, options: { cause?: unknown } = {}) {
    super(fields.message, { cause: options.cause });
    this.code = fields.code;
    this.severity = fields.severity;
    this.position = fields.position;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.where = fields.where;
    this.schema = fields.schema;
    this.table = fields.table;
    this.column = fields.column;
    this.constraint = fields.constraint;
    this.internalPosition = fields.internalPosition;
    this.internalQuery = fields.internalQuery;
  }
}

/** A server's 1-based offset as a number (drivers hand it over as text), or undefined when absent. */
export function serverOffset(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Empty strings from a driver mean "not sent". */
export function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The server's error fields as a driver hands them over: text, empty when not sent. */
export type WireErrorFields = { [K in Exclude<keyof DbErrorFields, 'code' | 'message'>]?: string | undefined };

/** A driver's server error as a DbError: empty fields dropped, offsets made numbers. */
export function fromWire(code: string, message: string, wire: WireErrorFields, cause: unknown): DbError {
  return new DbError(
    {
      code,
      message,
      severity: present(wire.severity),
      position: serverOffset(wire.position),
      detail: present(wire.detail),
      hint: present(wire.hint),
      where: present(wire.where),
      schema: present(wire.schema),
      table: present(wire.table),
      column: present(wire.column),
      constraint: present(wire.constraint),
      internalPosition: serverOffset(wire.internalPosition),
      internalQuery: present(wire.internalQuery),
    },
    { cause },
  );
}
