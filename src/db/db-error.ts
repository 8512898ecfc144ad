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

/** The SQLSTATE of a server error, whichever engine raised it (every adapter throws DbError). */
export function sqlState(error: unknown): string | undefined {
  return error instanceof DbError ? error.code : undefined;
}

/** What to do about a server error, by SQLSTATE, then by its class (the first two characters). */
const ADVICE_BY_CODE: Record<string, string> = {
  '55P03': 'another session holds a lock it needs: wait for that session to finish, or raise --lock-timeout',
  '57014': 'the statement was cancelled (a statement_timeout, or a cancel request): run it again, or raise the timeout',
  '40001': 'a concurrent transaction changed the same rows: run the command again',
  '40P01': 'it deadlocked with another session: run the command again',
  '25P03': 'the session sat idle in a transaction for too long and was ended: run the command again',
  '42501': 'the database user lacks a privilege this needs: connect as the database owner, or grant it',
  '53100': "the server's disk is full: free some space, then run the command again",
  '53200': 'the server ran out of memory: free some, or make the work smaller (--scale, --limit), then run it again',
  '53300': 'the server has no connection slot free: close some clients, or raise its max_connections',
  '0A000': 'the server does not support this: see the message for what it lacks',
  '42601': "fix the statement's syntax",
  '42P01': 'a table it names does not exist: check the name, and devdb migrate status for whether the schema is current',
  '42703': 'a column it names does not exist: check the name, and devdb migrate status for whether the schema is current',
  '42883': 'no function matches that name and those argument types: check them, or add casts',
};
const ADVICE_BY_CLASS: Record<string, string> = {
  '08': 'the connection to the server broke: check that it is running, then run the command again',
  '57': 'the server is shutting down or restarting: run the command again once it is back',
  '53': 'the server ran out of resources: free some (disk, memory, connections), then run the command again',
  '58': 'the server could not reach its own files: see its log',
  '42': 'check the statement against the schema (devdb erd shows it)',
  '23': 'the data breaks a constraint: fix the values, or the rows they clash with',
  '22': 'a value is out of range or malformed: fix it',
  '25': 'the transaction is in a state that refuses this: run the command again',
  '28': 'the server refused the login: check the user and password',
  '3D': 'the database does not exist: create it (createdb) or fix the URL',
  XX: "the server hit an internal error: see the server's log",
};

/** One clause saying what to do about an error with this SQLSTATE (for the line the user reads). */
export function adviceFor(code: string): string {
  return ADVICE_BY_CODE[code] ?? ADVICE_BY_CLASS[code.slice(0, 2)] ?? "see the server's log, or run with DEBUG=1 for the details";
}
