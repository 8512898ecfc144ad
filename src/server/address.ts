import net from 'node:net';
import { DevdbError } from '../errors.js';

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** Said whenever the server listens beyond loopback (a native server asks for its password; PGlite's has none). */
export function exposureWarning(host: string, hasPassword = false): string | undefined {
  if (['127.0.0.1', 'localhost', '::1'].includes(host)) return undefined;
  return hasPassword
    ? `Warning: serving on ${host}, reachable from other machines (with the folder's password).`
    : `Warning: serving on ${host}, reachable from other machines, with no password. Use it only on a network you trust.`;
}

/** The URL clients use: a wildcard listen address is reached through loopback. */
export function servedUrl(host: string, port: number): string {
  const where = isWildcard(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `postgres://postgres@${where}:${port}/postgres`;
}

export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** The first free port from `start` on (a handful tried), else one the system picks. */
export async function freePortNear(start: number, host: string): Promise<number> {
  for (let port = start; port < start + 20 && port < 65_536; port++) {
    if (await isPortFree(port, host)) return port;
  }
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A taken port, said with one that is free right now. */
export async function portInUse(port: number, host: string): Promise<DevdbError> {
  const free = await freePortNear(port + 1, host);
  return new DevdbError(
    'E_PORT_IN_USE',
    `Port ${port} on ${host} is already in use by another program: choose another one, e.g. --port ${free} (free right now).`,
    {
      details: { port, freePort: free },
    },
  );
}
