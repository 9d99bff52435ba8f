/** Telling an outage of Temporal or Postgres (503) from anything else (services/api/outage.ts), and the hard bound on a wait. */
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { BudgetExceeded, outageOf, withinBudget } from '../../core/outage.js';

const grpc = (code: number, details = 'x') => Object.assign(new Error(details), { code, details, metadata: {} });
const pg = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: 'FATAL', name: 'PostgresError' });
const node = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });

describe('an outage', () => {
  it.each([
    ['gRPC UNAVAILABLE', grpc(14), 'temporal'],
    ['gRPC DEADLINE_EXCEEDED', grpc(4), 'temporal'],
    ['gRPC CANCELLED at the deadline', grpc(1), 'temporal'],
    ['gRPC UNAVAILABLE wrapped by the SDK', new Error('Failed to query', { cause: grpc(14) }), 'temporal'],
    ['an Update the client timed out', new WorkflowUpdateRPCTimeoutOrCancelledError('timeout'), 'temporal'],
    [
      'Postgres not accepting connections (57P03)',
      pg('57P03', 'the database system is not currently accepting connections'),
      'postgres',
    ],
    ['Postgres shutting down (57P01)', pg('57P01', 'terminating connection due to administrator command'), 'postgres'],
    ['a statement timeout (57014)', pg('57014', 'canceling statement due to statement timeout'), 'postgres'],
    ['too many connections (53300)', pg('53300', 'sorry, too many clients already'), 'postgres'],
    ['a connection exception (08006)', pg('08006', 'connection failure'), 'postgres'],
    ['connection refused', node('ECONNREFUSED'), 'postgres'],
    [
      'connection refused on every address',
      Object.assign(new AggregateError([node('ECONNREFUSED'), node('ECONNREFUSED')]), { code: 'ECONNREFUSED' }),
      'postgres',
    ],
    [
      'postgres.js connect timeout',
      Object.assign(new Error('write CONNECT_TIMEOUT 127.0.0.1:5432'), { code: 'CONNECT_TIMEOUT' }),
      'postgres',
    ],
    [
      'a connection cut',
      Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }),
      'postgres',
    ],
  ])('%s is an outage of %s', (_what, err, dependency) => {
    expect(outageOf(err)?.dependency).toBe(dependency);
  });

  it.each([
    ['a bug', new TypeError('x is undefined')],
    ['a gRPC refusal (INVALID_ARGUMENT)', grpc(3)],
    ['a gRPC NOT_FOUND', grpc(5)],
    ['a unique violation (23505)', Object.assign(new Error('duplicate key'), { code: '23505', severity: 'ERROR' })],
    ['a syntax error (42601)', Object.assign(new Error('syntax'), { code: '42601', severity: 'ERROR' })],
    ['a string', 'ECONNREFUSED'],
  ])('%s is not', (_what, err) => expect(outageOf(err)).toBeNull());

  it('survives a cycle of causes', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = new Error('b', { cause: a });
    expect(outageOf(a)).toBeNull();
  });
});

describe('a budget', () => {
  it('gives the answer that comes in time, and gives up on one that does not', async () => {
    expect(await withinBudget(Promise.resolve(7), 100)).toBe(7);
    const started = Date.now();
    await expect(withinBudget(new Promise(() => undefined), 50)).rejects.toBeInstanceOf(BudgetExceeded);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('leaves no unhandled rejection when the work fails after it gave up', async () => {
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30));
    await expect(withinBudget(late, 5)).rejects.toBeInstanceOf(BudgetExceeded);
    await new Promise((resolve) => setTimeout(resolve, 60));
  });
});
