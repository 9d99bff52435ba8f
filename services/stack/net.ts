/** Ports and readiness polling for the local stack. */
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port the OS says is free right now (for tests, which must not collide with `npm start`). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Fails with a readable reason when something already listens on the port. */
export async function assertPortFree(port: number, host: string, what: string, envVar: string): Promise<void> {
  const server = net.createServer();
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `${what} needs port ${port} on ${host}, but ${code === 'EADDRINUSE' ? 'something already listens there' : code}. ` +
        `Is an earlier \`npm start\` still running? Stop it, or set ${envVar} to another port.`,
    );
  }
  server.close();
  await once(server, 'close');
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Settles with a reason when waiting is pointless (the server process died). */
  giveUpWhen?: Promise<string>;
}

/** Calls `attempt` until it resolves; fails with the last error after the timeout. */
export async function waitFor<T>(what: string, attempt: () => Promise<T>, options: WaitOptions): Promise<T> {
  const { timeoutMs, intervalMs = 250, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let gaveUp: string | undefined;
  void options.giveUpWhen?.then((reason) => (gaveUp = reason));
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    if (gaveUp !== undefined) throw new Error(`${what}: ${gaveUp}`);
    try {
      return await attempt();
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not ready after ${timeoutMs / 1000} s (last error: ${(lastError as Error)?.message ?? lastError})`,
      );
    }
    await sleep(intervalMs, undefined, signal ? { signal } : {}).catch(() => undefined);
  }
}
