/**
 * Requests that Node's HTTP parser refuses, sent over raw sockets (node:net) to the API's real
 * server (services/api/server.ts): each answer is a problem+json 400 or 431, and a malformed
 * chunked body is neither logged nor counted as a 500. No Temporal or Postgres is reached: the
 * requests are refused before any handler would ask them.
 */
import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../services/api/app.js';
import { localAuthenticator, signLocalToken } from '../../services/api/auth.js';
import type { Logger } from '../../services/api/log.js';
import { listen, type Listening } from '../../services/api/server.js';
import { loadConfig } from '../../services/config.js';
import { createSql } from '../../services/db.js';

const SECRET = 'api-http-parser-secret-0123456789-abcdefgh';
const secret = new TextEncoder().encode(SECRET);
const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
const log: Logger = {
  log: (level, message, fields) => void lines.push({ level, message, ...(fields ? { fields } : {}) }),
};

let listening: Listening;
let bearer: string;
const sql = createSql('postgres://nobody@127.0.0.1:9/none', { connectTimeoutSeconds: 1 });
const connection = Connection.lazy({ address: '127.0.0.1:9' });

beforeAll(async () => {
  const app = createApp({
    sql,
    temporal: new Client({ connection }),
    config: loadConfig({ HOEP_JWT_SECRET: SECRET }),
    auth: localAuthenticator(secret),
    log,
  });
  listening = await listen(app, { port: 0, hostname: '127.0.0.1', log });
  bearer = await signLocalToken(
    secret,
    { sub: 'kari', name: 'Kari', roles: ['proposer'], partnership: 'lillehammer-regionen' },
    '1h',
  );
});

afterAll(async () => {
  listening.server.closeAllConnections();
  await new Promise((resolve) => listening.server.close(resolve));
  await sql.end({ timeout: 0 });
  await connection.close();
});

/** Sends raw bytes (parts 50 ms apart) and reads until the server closes the connection (or 5 s pass). */
function raw(...parts: string[]): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(listening.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    parts.forEach((part, i) => setTimeout(() => socket.writable && socket.write(part), i * 50));
  });
}

const path = '/api/v1/cycles/lillehammer-regionen-2099/measures';

describe("refusals by Node's HTTP parser", () => {
  it.each([
    [
      'a malformed chunked body',
      `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer BEARER\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`,
      400,
    ],
    [
      'Content-Length with Transfer-Encoding',
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      400,
    ],
    ['a NUL in a header', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Evil: a\u0000b\r\n\r\n`, 400],
    ['a 100 KB query', `GET /api/v1/partnerships?q=${'x'.repeat(100 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
    ['a 60 KB header', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'x'.repeat(60 * 1024)}\r\n\r\n`, 431],
  ])('%s is refused as problem+json', async (_what, request, status) => {
    lines.length = 0;
    const res = await raw(request.replace('BEARER', bearer));
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({
      type: expect.stringMatching(/^urn:hoep:problem:/),
      status,
      detail: expect.any(String),
    });
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    // Give the app the moment it takes to see the body fail, then: nothing logged as an error.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines.filter((l) => l.fields?.status === 500)).toEqual([]);
  });

  it('answers a chunked body that goes bad while the API reads it with 400, and neither logs nor counts a 500', async () => {
    lines.length = 0;
    // The headers and a good first chunk: the request reaches the app, which waits for the rest of the body.
    const res = await raw(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bearer}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n`,
      'QQ\r\n',
    );
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines.filter((l) => l.message === 'request').map((l) => l.fields?.status)).toEqual([400]);
    const metrics = await (await fetch(`http://127.0.0.1:${listening.port}/metrics`)).text();
    expect(metrics).not.toMatch(/status="500"/);
    // Refused while the body limit read it, before a route matched: counted under the catch-all pattern.
    expect(metrics).toMatch(/hoep_http_requests_total\{method="POST",route="[^"]+",status="400"\} \d+/);
  });

  it('still answers a well-formed request on the same server', async () => {
    const res = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
  });
});
