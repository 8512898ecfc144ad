import { BlockList, isIP } from 'node:net';
import { isFolder, type Target } from './target.js';

/** Where postgres.js will connect for a URL: a Unix socket, or one or more TCP hosts (tried in order). */
export type DriverHosts = { socket: string } | { hosts: string[] };

/**
 * The hosts postgres.js connects to for `url`, worked out as its parseOptions does (src/index.js
 * in postgres 3.4): the host list between the first `://` and the first `/` or `?`, after the first
 * `@`, when it holds a comma; else the URL's hostname; else $PGHOST; else localhost. A host string
 * with a `/` in it is a Unix socket folder. `?host=` is not read by postgres.js (it is sent to the
 * server as a setting), so it does not count here either. `env` is devdb's settings' (the target's pgEnv). Bracketed IPv6 literals are kept whole,
 * although postgres.js cuts them at the first `:` (and then fails to connect).
 */
export function driverHosts(url: string, env: NodeJS.ProcessEnv): DriverHosts {
  const authority = url.slice(url.indexOf('://') + 3).split(/[?/]/)[0] ?? '';
  const hostPart = decodeURIComponent(authority.slice(authority.indexOf('@') + 1));
  const multihost = hostPart.includes(',') ? hostPart : '';
  const hostname = new URL(url.replace(hostPart, hostPart.split(',')[0] ?? '')).hostname;
  const host = multihost || hostname || env.PGHOST || 'localhost';
  if (host.includes('/')) return { socket: host };
  return {
    hosts: host.split(',').map((entry) => (entry.startsWith('[') ? entry.slice(0, entry.indexOf(']') + 1) : (entry.split(':')[0] ?? ''))),
  };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `localhost`, or an address (parsed strictly, not by its first characters) in 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * True for a local folder and for servers on this machine: a Unix socket, or TCP hosts that
 * are all loopback. Destructive commands ask before touching anything else. A URL the rule cannot
 * read counts as remote, so doubt leads to a question rather than to a silent reset.
 */
export function isLocalTarget(target: Target, env?: NodeJS.ProcessEnv): boolean {
  if (isFolder(target)) return true;
  env ??= target.pgEnv ?? {};
  let where: DriverHosts;
  try {
    where = driverHosts(target.url, env);
  } catch {
    return false;
  }
  return 'socket' in where || where.hosts.every(isLoopbackHost);
}
