/**
 * The suite's HTTP client, written against the contract (docs/api.md) rather than today's
 * behaviour: every POST carries an Idempotency-Key; a request that is not answered (connection
 * refused or cut, or no answer within the attempt's timeout) or answered 503 is sent again with
 * the same key, after Retry-After (capped). It counts what the contract forbids: an attempt with
 * no answer within its timeout (hung), and any 500-599 other than 503 (http5xx). A 5xx is retried
 * like an unanswered request, since its outcome is unknown to the client.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Tally {
  requests: number;
  attempts: number;
  /** attempts sent again (same key) after no answer, a 503 or a 5xx */
  retries: number;
  /** connection refused or cut before an answer (a process was down) */
  unanswered: number;
  /** no answer within the attempt's timeout */
  hung: number;
  unavailable503: number;
  /** 503s without a Retry-After header */
  noRetryAfter: number;
  /** 500-599 other than 503 */
  http5xx: number;
  /** 409/422 to a retried POST: the contract says the first outcome comes back instead */
  refusedOnRetry: number;
}

export const emptyTally = (): Tally => ({
  requests: 0,
  attempts: 0,
  retries: 0,
  unanswered: 0,
  hung: 0,
  unavailable503: 0,
  noRetryAfter: 0,
  http5xx: 0,
  refusedOnRetry: 0,
});

export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
  /** some attempt before the answer went unanswered or failed: the request may have been carried out before */
  retried: boolean;
  key?: string;
}

export class GaveUp extends Error {}

export interface ClientOptions {
  /** The longest one attempt may wait for its answer before it counts as hung and is sent again. */
  attemptTimeoutMs: number;
  /** The longest one request may take, retries included, before the cycle's script gives up. */
  giveUpMs: number;
  /**
   * Told of a request that needed more than one attempt: its first failure and, once answered,
   * its outcome; so that a run that stalls shows which request it is waiting for.
   */
  log?: (line: string) => void;
  /** Epoch ms after which no request is sent any more (GaveUp): the whole run's deadline. */
  stopAt?: number;
}

export class ApiClient {
  private readonly bases: string[];
  private turn = 0;

  /** With several bases (API replicas), each attempt goes to the next one in turn. */
  constructor(
    base: string | string[],
    readonly tally: Tally,
    private readonly options: ClientOptions & { beforeRequest?: (n: number) => Promise<void> },
  ) {
    this.bases = Array.isArray(base) ? [...base] : [base];
  }

  /**
   * Awaited before a POST is sent again after an attempt that failed (no answer, 503, 5xx): the
   * contract says such an attempt changed nothing, and a retry would hide it if it had.
   */
  onFailedPost?: (path: string) => Promise<void>;

  /** Stops sending to a replica (it was killed). */
  drop(base: string): void {
    const i = this.bases.indexOf(base);
    if (i >= 0 && this.bases.length > 1) this.bases.splice(i, 1);
  }

  async call<T = unknown>(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<Answer<T>> {
    this.tally.requests += 1;
    await this.options.beforeRequest?.(this.tally.requests);
    const key = method === 'POST' ? randomUUID() : undefined;
    const started = Date.now();
    const secs = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    let retried = false;
    let failures = 0;
    const failed = (why: string) => {
      if (failures++ === 0) this.options.log?.(`${method} ${path}: ${why}; sending it again`);
    };
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        this.tally.retries += 1;
        retried = true;
        if (method === 'POST') await this.onFailedPost?.(path);
      }
      if (this.options.stopAt !== undefined && Date.now() > this.options.stopAt)
        throw new GaveUp(`${method} ${path}: the run's deadline has passed`);
      if (Date.now() - started > this.options.giveUpMs)
        throw new GaveUp(`${method} ${path}: no answer but 503 or failure within ${this.options.giveUpMs / 1000} s`);
      this.tally.attempts += 1;
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${this.bases[this.turn++ % this.bases.length]}/api/v1${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(key ? { 'idempotency-key': key } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.options.attemptTimeoutMs),
        });
        text = await res.text();
      } catch (e) {
        if ((e as Error).name === 'TimeoutError') {
          this.tally.hung += 1;
          this.options.log?.(
            `${method} ${path}: HUNG, no answer within ${this.options.attemptTimeoutMs / 1000} s (at ${secs()})`,
          );
        } else this.tally.unanswered += 1;
        failed(
          `no answer (${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message})`,
        );
        await sleep(500);
        continue;
      }
      if (res.status === 503) {
        this.tally.unavailable503 += 1;
        const after = Number(res.headers.get('retry-after'));
        if (!res.headers.has('retry-after') || !Number.isFinite(after)) this.tally.noRetryAfter += 1;
        failed(
          `503 after ${secs()} (Retry-After ${res.headers.get('retry-after') ?? 'missing'}): ${text.slice(0, 160)}`,
        );
        await sleep(Math.min(Math.max(Number.isFinite(after) ? after : 1, 0.2), 5) * 1000);
        continue;
      }
      if (res.status >= 500) {
        this.tally.http5xx += 1;
        this.options.log?.(`${method} ${path}: ${res.status} (a 5xx other than 503): ${text.slice(0, 300)}`);
        failed(`${res.status}`);
        await sleep(1000);
        continue;
      }
      if (failures > 0)
        this.options.log?.(`${method} ${path}: answered ${res.status} after ${attempt + 1} attempts, ${secs()}`);
      const type = res.headers.get('content-type') ?? '';
      const parsed = type.includes('json') && text ? (JSON.parse(text) as T) : (text as T);
      if (retried && method === 'POST' && (res.status === 409 || res.status === 422)) this.tally.refusedOnRetry += 1;
      return { status: res.status, body: parsed, text, retried, ...(key ? { key } : {}) };
    }
  }
}
