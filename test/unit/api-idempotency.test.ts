/** The Idempotency-Key header and the request fingerprint (core/idempotency.ts); the table and the retries are tested through the API in test/integration/api-outages.test.ts. */
import { describe, expect, it } from 'vitest';
import { idempotencyKey, idempotentRequest } from '../../core/idempotency.js';
import { Problem } from '../../core/problem.js';

describe('an Idempotency-Key', () => {
  it.each([
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['  "k-1"  ', 'k-1'],
    ['x'.repeat(255), 'x'.repeat(255)],
  ])('%s is the key %s', (header, key) => expect(idempotencyKey(header)).toBe(key));

  it('is no key when absent', () => expect(idempotencyKey(undefined)).toBeNull());

  it.each(['', '""', '"', 'a b', 'x'.repeat(256), '"a"b"', 'a\\b', 'ø'])('%j is refused with 400', (header) => {
    let thrown: unknown;
    try {
      idempotencyKey(header);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Problem);
    expect((thrown as Problem).status).toBe(400);
  });
});

describe('the fingerprint of a request', () => {
  const fingerprint = (body: unknown, method = 'POST', path = '/api/v1/cycles/x-2027/measures') =>
    idempotentRequest('kari', 'k', method, path, body).fingerprint;

  it('does not depend on the order of keys', () => {
    expect(fingerprint({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(
      fingerprint({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
  });

  it('differs with the body, the method or the path', () => {
    const base = fingerprint({ a: 1 });
    expect(fingerprint({ a: 2 })).not.toBe(base);
    expect(fingerprint([1, 2])).not.toBe(fingerprint([2, 1]));
    expect(fingerprint({ a: 1 }, 'PATCH')).not.toBe(base);
    expect(fingerprint({ a: 1 }, 'POST', '/api/v1/cycles/x-2028/measures')).not.toBe(base);
    expect(fingerprint(undefined)).toBe(fingerprint(null));
  });

  it('gives one Temporal operation id per caller, method, path and key, whatever the body', () => {
    const id = (sub: string, key: string, body: unknown = {}) =>
      idempotentRequest(sub, key, 'POST', '/p', body).operationId;
    expect(id('kari', 'k')).toBe(id('kari', 'k', { other: true }));
    expect(id('kari', 'k')).not.toBe(id('per', 'k'));
    expect(id('kari', 'k')).not.toBe(id('kari', 'k2'));
    expect(id('kari', 'k')).toMatch(/^idem-[0-9a-f]{40}$/);
  });
});
