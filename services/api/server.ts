/**
 * The API's HTTP server: the Hono app on node:http, with the refusals of Node's HTTP parser
 * answered as problem+json like every other error. Node refuses some requests before the app
 * sees them (a malformed chunked body, Content-Length together with Transfer-Encoding, a NUL in a
 * header: 400; a request line or headers over the limit, e.g. a 100 KB query or a 60 KB header:
 * 431) and by default writes a bare status line; its `clientError` event is where that answer is
 * made instead. A parser error in a body comes after the request reached the app: the app then
 * sees a body that cannot be read, and app.ts counts it as the client's 400, not a 500.
 */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Hono } from 'hono';
import type { AppEnv } from './context.js';
import type { Logger } from './log.js';
import { Problem, PROBLEM_CONTENT_TYPE } from '../../core/problem.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** The status and detail of a refusal by Node's HTTP parser (err.code HPE_*). */
export function parserRefusal(code: string | undefined): { status: number; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        detail:
          'the request line and headers are larger than this server takes (16 KB); send less in the query or the headers',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_REQUEST_TIMEOUT':
      return { status: 408, detail: 'the request did not arrive in time' };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, detail: 'the request has both Content-Length and Transfer-Encoding; send one of them' };
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_EOF_STATE':
      return { status: 400, detail: 'the chunked request body is malformed' };
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_METHOD':
    case 'HPE_INVALID_URL':
      return { status: 400, detail: `the request is not well-formed HTTP/1.1 (${code})` };
    default:
      return { status: 400, detail: `the request is not well-formed HTTP (${code ?? 'unknown'})` };
  }
}

/** A whole HTTP/1.1 response with a problem+json body, written straight to the socket (there is no response object). */
export function rawProblemResponse(status: number, detail: string): string {
  const kind = status === 431 ? 'headersTooLarge' : status === 408 ? 'requestTimeout' : 'badRequest';
  const body = JSON.stringify(new Problem(kind, detail).toJSON());
  return [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers a parser refusal as problem+json, unless the socket is gone or a response has begun on it. */
export function onClientError(log: Logger) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    const begun = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (err.code === 'ECONNRESET' || !socket.writable || begun) {
      socket.destroy();
      return;
    }
    const { status, detail } = parserRefusal(err.code);
    log.log('info', 'request refused by the HTTP parser', { status, code: err.code, reason: err.message });
    socket.end(rawProblemResponse(status, detail));
  };
}

export interface Listening {
  server: Server;
  port: number;
}

/** Serves the app on hostname:port (0: any free port); resolves once it listens. */
export function listen(
  app: Hono<AppEnv>,
  options: { port: number; hostname: string; log: Logger },
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    ) as Server;
    server.on('clientError', onClientError(options.log));
    server.once('error', reject);
  });
}
