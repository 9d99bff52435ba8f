/** The local OpenID Provider on a loopback port, for the launcher's process and for the tests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalProvider } from './provider.js';

export interface RunningProvider {
  issuer: string;
  close(): Promise<void>;
}

/** Port 0 takes a free one; the issuer is then known only once it listens. */
export async function startLocalProvider(options: {
  host: string;
  port: number;
  appBaseUrls: string[];
}): Promise<RunningProvider> {
  // The provider needs its issuer, which holds the port, so it is made once the server listens.
  const ready: { handle?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server: Server = createServer((req, res) => (ready.handle ? ready.handle(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const issuer = `http://${host}:${port}`;
  ready.handle = createLocalProvider({ issuer, appBaseUrls: options.appBaseUrls }).handle;
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
