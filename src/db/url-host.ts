/**
 * postgres.js splits the URL's host on ":" to find a port, so an IPv6 literal (`[::1]`) becomes "[" and
 * fails with "host name does not resolve". For such a URL the host and port are handed over separately;
 * every other URL (names, IPv4, host lists, sockets) is left to postgres.js as it is.
 */
export function ipv6HostOptions(url: string): { host?: string; port?: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  if (!parsed.hostname.startsWith('[')) return {};
  // One-element lists: postgres.js takes them as they are (its multi-host form), where a string would be split on ":".
  // Its type declarations name only the string form.
  const host = [parsed.hostname.slice(1, -1)] as unknown as string;
  const port = [parsed.port === '' ? 5432 : Number(parsed.port)] as unknown as number;
  return { host, port };
}

/**
 * libpq's connection parameters that a URL may carry in its query (`postgres:///app?host=/var/run/postgresql`,
 * `?port=`, `?user=`, `?password=`, `?dbname=`), where they win over the URL's own parts. postgres.js does not read
 * them: it sends unknown query parameters to the server as settings, which refuses `host` ("unrecognized configuration
 * parameter"). They are taken out of the URL and handed to postgres.js as options, so that a URL means to devdb what it
 * means to psql.
 */
export interface QueryConnection {
  /** The URL without those parameters. */
  url: string;
  /** postgres.js options for them: a host with a `/` is a Unix socket folder, as postgres.js reads its `host`. */
  options: { host?: string; port?: number; user?: string; pass?: string; database?: string };
}

const QUERY_OPTIONS = { host: 'host', port: 'port', user: 'user', password: 'pass', dbname: 'database' } as const;

export function queryConnection(url: string): QueryConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, options: {} };
  }
  const options: QueryConnection['options'] = {};
  for (const [key, option] of Object.entries(QUERY_OPTIONS)) {
    const value = parsed.searchParams.get(key);
    if (value === null) continue;
    parsed.searchParams.delete(key);
    if (value === '') continue;
    if (option === 'port') options.port = Number(value);
    else options[option] = value;
  }
  return Object.keys(options).length === 0 ? { url, options } : { url: parsed.toString(), options };
}

/** The database a URL names, as libpq picks it: `?dbname=`, the path, else the user's name. */
export function databaseOf(url: string): string {
  const parsed = new URL(url);
  const { database, user } = queryConnection(url).options;
  return database || decodeURIComponent(parsed.pathname.slice(1)) || user || decodeURIComponent(parsed.username) || 'postgres';
}

/** The same URL (credentials, host, options) naming another database on that server. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('dbname');
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
