/**
 * A TCP proxy of the fault suite's own, on loopback, between the engine's processes and a server.
 * - cut(ms): the server becomes unreachable: the listener closes (new connections are refused)
 *   and every open connection is destroyed; after ms it listens again on the same port.
 * - tap: calls a watcher with each chunk a client sends, after it has been passed on, so the
 *   suite can act right after a given request left (the API killed after it sent an Update).
 */
import net from 'node:net';
import { once } from 'node:events';

export type Tap = (chunk: Buffer) => void;

export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private taps = new Set<Tap>();
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly host = '127.0.0.1',
  ) {}

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  async listen(port = 0): Promise<void> {
    const server = net.createServer((client) => this.pipe(client));
    server.listen(port, this.host);
    await once(server, 'listening');
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      // Either side going away takes the other with it, as a cut cable would.
      s.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      if (!upstream.write(chunk)) client.pause();
      for (const tap of this.taps) tap(chunk);
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk: Buffer) => {
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
  }

  tap(watcher: Tap): () => void {
    this.taps.add(watcher);
    return () => this.taps.delete(watcher);
  }

  /** Refuses new connections and cuts the open ones, for ms, then lets them through again. */
  async cut(ms: number): Promise<void> {
    await this.close();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
