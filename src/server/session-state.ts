import { quoteIdent, quoteLiteral } from '../catalog/quote-ident.js';

/**
 * Session state, kept apart per client as far as one PGlite session allows, the way PgBouncer's
 * transaction mode does (it re-applies each client's reported parameters when the client gets a
 * server connection, and resets a server before another client has it):
 * - settings: each client has its own map (name → value), started from its startup packet
 *   (`application_name`, `options=-c name=value`…) and kept current from the ParameterStatus
 *   messages the engine sends (PostgreSQL 18 reports search_path, TimeZone, client_encoding,
 *   DateStyle, application_name…) and, after a statement that may change others (SET, RESET,
 *   set_config…), from pg_settings. When another client takes the session, the difference is
 *   applied: RESET what the session has and the client does not, set_config what differs.
 * - SQL-level prepared statements, LISTENs and temporary tables: read from the catalog after such
 *   a statement and attributed to the client that ran it; undone when that client leaves.
 * What a server-side function changes without such a statement in the client's text is not seen;
 * README.md's local-server table lists what stays shared.
 */
export type Settings = Map<string, string>;

/** Settings PostgreSQL 18 reports in ParameterStatus that a client may change (the others are fixed facts). */
const SETTABLE_REPORTED = new Set([
  'application_name',
  'client_encoding',
  'datestyle',
  'intervalstyle',
  'timezone',
  'search_path',
  'standard_conforming_strings',
  'default_transaction_read_only',
]);

export function isSettableReported(name: string): boolean {
  return SETTABLE_REPORTED.has(name.toLowerCase());
}

/** Startup keys that are not settings. `_pq_.` keys are protocol options (answered by NegotiateProtocolVersion). */
const NOT_SETTINGS = new Set(['user', 'database', 'options', 'replication']);

export interface Startup {
  user: string;
  database: string;
  settings: Settings;
  protocolOptions: string[];
  replication: boolean;
}

/** Reads a startup packet's parameters as PostgreSQL does (`database` defaults to `user`). */
export function readStartup(params: Map<string, string>): Startup | { problem: string } {
  const user = params.get('user');
  if (!user) return { problem: 'no PostgreSQL user name specified in startup packet' };
  const settings: Settings = new Map();
  const protocolOptions: string[] = [];
  for (const [key, value] of params) {
    if (key.startsWith('_pq_.')) protocolOptions.push(key);
    else if (!NOT_SETTINGS.has(key)) settings.set(key.toLowerCase(), value);
  }
  const options = parseOptions(params.get('options') ?? '');
  if ('problem' in options) return options;
  for (const [name, value] of options.settings) settings.set(name, value);
  const replication = params.get('replication');
  return {
    user,
    database: params.get('database') || user,
    settings,
    protocolOptions,
    replication: replication !== undefined && !['false', 'off', 'no', '0'].includes(replication.toLowerCase()),
  };
}

/**
 * The startup `options` string: words split on blanks (a backslash keeps the next character),
 * each `-c name=value` or `--name=value`, as PostgreSQL's pg_split_opts and process_postgres_switches read them.
 */
export function parseOptions(options: string): { settings: Settings } | { problem: string } {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < options.length; i++) {
    const c = options[i]!;
    if (c === '\\' && i + 1 < options.length) word = (word ?? '') + options[++i];
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  const settings: Settings = new Map();
  for (let i = 0; i < words.length; i++) {
    let pair: string | undefined;
    if (words[i] === '-c') pair = words[++i];
    else if (words[i]!.startsWith('-c')) pair = words[i]!.slice(2);
    else if (words[i]!.startsWith('--')) pair = words[i]!.slice(2);
    const eq = pair?.indexOf('=') ?? -1;
    if (pair === undefined || eq <= 0) {
      return { problem: `invalid command-line argument for server process: ${words[i] ?? '-c'}` };
    }
    settings.set(pair.slice(0, eq).toLowerCase().replaceAll('-', '_'), pair.slice(eq + 1));
  }
  return { settings };
}

/** SQL that turns the session's settings from `current` into `wanted`, or undefined when they agree. */
export function settingsChange(current: Settings, wanted: Settings): string | undefined {
  const resets = [...current.keys()].filter((name) => !wanted.has(name)).map((name) => `RESET ${quoteIdent(name)}`);
  const sets = [...wanted]
    .filter(([name, value]) => current.get(name) !== value)
    .map(([name, value]) => `set_config(${quoteLiteral(name)}, ${quoteLiteral(value)}, false)`);
  if (resets.length === 0 && sets.length === 0) return undefined;
  return [...resets, ...(sets.length > 0 ? [`SELECT ${sets.join(', ')}`] : [])].join('; ');
}

/** One row of JSON: the session's own settings, SQL-level prepared statements, LISTEN channels and temporary relations. */
export const CAPTURE_SQL = `SELECT
  (SELECT json_object_agg(lower(name), setting) FROM pg_settings WHERE source = 'session'),
  (SELECT json_agg(name) FROM pg_prepared_statements WHERE from_sql),
  (SELECT json_agg(channel) FROM pg_listening_channels() AS channel),
  (SELECT json_agg(json_build_array(relkind, relname)) FROM pg_class WHERE relnamespace = pg_my_temp_schema() AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f'))`;

export interface SessionObjects {
  prepared: Set<string>;
  listens: Set<string>;
  /** `relkind:name` of temporary relations. */
  temps: Set<string>;
}

export interface Capture extends SessionObjects {
  settings: Settings;
}

/** Reads CAPTURE_SQL's row (four JSON texts, each possibly NULL). */
export function readCapture(row: (string | null)[]): Capture {
  const json = <T>(text: string | null | undefined, empty: T): T => (text ? (JSON.parse(text) as T) : empty);
  return {
    settings: new Map(Object.entries(json<Record<string, string>>(row[0], {}))),
    prepared: new Set(json<string[]>(row[1], [])),
    listens: new Set(json<string[]>(row[2], [])),
    temps: new Set(json<[string, string][]>(row[3], []).map(([kind, name]) => `${kind}:${name}`)),
  };
}

export const emptyObjects = (): SessionObjects => ({ prepared: new Set(), listens: new Set(), temps: new Set() });

/** Statements that undo a leaving client's objects, one per Query (a failure in one must not keep the others from running). */
export function undoObjects(objects: SessionObjects, stillListened: (channel: string) => boolean): string[] {
  const dropKind: Record<string, string> = { r: 'TABLE', p: 'TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW', S: 'SEQUENCE', f: 'FOREIGN TABLE' };
  return [
    ...[...objects.prepared].map((name) => `DEALLOCATE ${quoteIdent(name)}`),
    ...[...objects.listens].filter((channel) => !stillListened(channel)).map((channel) => `UNLISTEN ${quoteIdent(channel)}`),
    ...[...objects.temps].map((entry) => {
      const [kind, name] = [entry.slice(0, entry.indexOf(':')), entry.slice(entry.indexOf(':') + 1)];
      return `DROP ${dropKind[kind] ?? 'TABLE'} IF EXISTS pg_temp.${quoteIdent(name)} CASCADE`;
    }),
  ];
}
