/** Small pieces of the HTTP layer: format negotiation, Prometheus text, Norwegian display formats. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../services/api/context.js';
import { docRoutes } from '../../services/api/docs.js';
import { Metrics } from '../../services/api/metrics.js';
import { acceptsGzip, negotiate } from '../../services/api/routes/allocations.js';

describe('negotiating the allocations format', () => {
  it.each([
    [undefined, 'json'],
    ['application/json', 'json'],
    ['text/csv', 'csv'],
    ['text/csv;q=0.5, application/json', 'json'],
    ['application/json;q=0.2, text/csv;q=0.9', 'csv'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
    ['text/html, */*;q=0.1', 'json'],
    ['image/png', null],
    ['text/csv;q=0', null],
    // names of Object.prototype are no media ranges
    ['constructor', null],
    ['__proto__', null],
    ['hasOwnProperty, toString;q=0.9', null],
    ['constructor, text/csv;q=0.1', 'csv'],
  ])('Accept %s gives %s', (accept, format) => expect(negotiate(accept)).toBe(format));
});

describe('Swagger UI assets', () => {
  const app = new Hono<AppEnv>();
  docRoutes(app);

  it.each(['constructor', '__proto__', 'hasOwnProperty', 'toString', 'package.json'])(
    '/docs/%s is not found',
    async (name) => {
      expect((await app.request(`/docs/${name}`)).status).toBe(404);
    },
  );

  it('serves the files it names', async () => {
    const css = await app.request('/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });
});

describe('gzip for the clients that take it', () => {
  it.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['*', true],
    ['identity', false],
    ['gzip;q=0', false],
    ['*, gzip;q=0', false],
    [undefined, false],
  ])('Accept-Encoding %s: %s', (header, gzip) => expect(acceptsGzip(header)).toBe(gzip));
});

describe('Prometheus metrics', () => {
  it('count requests, build cumulative buckets, and escape labels', () => {
    const metrics = new Metrics();
    metrics.observe('GET', '/api/v1/cycles/:cid', 200, 0.003);
    metrics.observe('GET', '/api/v1/cycles/:cid', 200, 0.2);
    metrics.observe('GET', 'a"b\\c', 404, 20);
    const text = metrics.render({ adopted: 2 });
    expect(text).toContain('hoep_http_requests_total{method="GET",route="/api/v1/cycles/:cid",status="200"} 2');
    expect(text).toContain(
      'hoep_http_request_duration_seconds_bucket{method="GET",route="/api/v1/cycles/:cid",le="0.005"} 1',
    );
    expect(text).toContain(
      'hoep_http_request_duration_seconds_bucket{method="GET",route="/api/v1/cycles/:cid",le="0.25"} 2',
    );
    expect(text).toContain('hoep_http_request_duration_seconds_bucket{method="GET",route="a\\"b\\\\c",le="10"} 0');
    expect(text).toContain('hoep_http_request_duration_seconds_bucket{method="GET",route="a\\"b\\\\c",le="+Inf"} 1');
    expect(text).toContain('hoep_cycles{phase="adopted"} 2');
    expect(text).toContain('hoep_cycles{phase="closed"} 0');
    expect(text).toContain('hoep_cycles_scrape_ok 1');
    expect(metrics.render(null)).toContain('hoep_cycles_scrape_ok 0');
  });
});
