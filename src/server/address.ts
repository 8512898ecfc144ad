import net from 'node:net';

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** Said whenever the server listens beyond loopback: it has no password. */
export function exposureWarning(host: string): string | undefined {
  if (['127.0.0.1', 'localhost', '::1'].includes(host)) return undefined;
  return `Warning: serving on ${host}, reachable from other machines, with no password. Use it only on a network you trust.`;
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
