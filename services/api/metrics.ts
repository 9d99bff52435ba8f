/**
 * Prometheus metrics in the text exposition format, kept by hand: requests by route pattern and
 * status, a latency histogram per route, and the cycles per phase (read from Postgres when scraped).
 */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PHASES = ['proposals', 'prioritisation', 'adoption', 'adopted', 'closed', 'cancelled'];

interface Histogram {
  counts: number[]; // per bucket, not cumulative
  sum: number;
  count: number;
}

/** Label values escaped as the exposition format asks: backslash, double quote, newline. */
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${label(v)}"`)
    .join(',')}}`;

/** What is kept per method and route pattern. */
interface Series {
  method: string;
  route: string;
  /** requests by status */
  statuses: Map<number, number>;
  histogram: Histogram;
}

export class Metrics {
  /** by `${method} ${route}`: one lookup per request */
  private readonly series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route}`;
    let series = this.series.get(key);
    if (!series)
      this.series.set(
        key,
        (series = {
          method,
          route,
          statuses: new Map(),
          histogram: { counts: BUCKETS.map(() => 0), sum: 0, count: 0 },
        }),
      );
    series.statuses.set(status, (series.statuses.get(status) ?? 0) + 1);
    const { histogram } = series;
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]!) bucket += 1;
    if (bucket < BUCKETS.length) histogram.counts[bucket]! += 1;
    histogram.sum += seconds;
    histogram.count += 1;
  }

  render(cyclesByPhase: Record<string, number> | null): string {
    const lines: string[] = [
      '# HELP hoep_http_requests_total HTTP requests by method, route pattern and status.',
      '# TYPE hoep_http_requests_total counter',
    ];
    for (const { method, route, statuses } of this.series.values()) {
      for (const [status, count] of statuses)
        lines.push(`hoep_http_requests_total${labels({ method, route, status: String(status) })} ${count}`);
    }

    lines.push('# HELP hoep_http_request_duration_seconds HTTP request latency by method and route pattern.');
    lines.push('# TYPE hoep_http_request_duration_seconds histogram');
    for (const { method, route, histogram } of this.series.values()) {
      let cumulative = 0;
      BUCKETS.forEach((b, i) => {
        cumulative += histogram.counts[i]!;
        lines.push(
          `hoep_http_request_duration_seconds_bucket${labels({ method, route, le: String(b) })} ${cumulative}`,
        );
      });
      lines.push(
        `hoep_http_request_duration_seconds_bucket${labels({ method, route, le: '+Inf' })} ${histogram.count}`,
      );
      lines.push(`hoep_http_request_duration_seconds_sum${labels({ method, route })} ${histogram.sum}`);
      lines.push(`hoep_http_request_duration_seconds_count${labels({ method, route })} ${histogram.count}`);
    }

    if (cyclesByPhase) {
      lines.push('# HELP hoep_cycles Cycles by phase, from the cycles table.');
      lines.push('# TYPE hoep_cycles gauge');
      for (const phase of PHASES) lines.push(`hoep_cycles${labels({ phase })} ${cyclesByPhase[phase] ?? 0}`);
    }
    lines.push('# HELP hoep_cycles_scrape_ok 1 when the cycles per phase could be read from Postgres.');
    lines.push('# TYPE hoep_cycles_scrape_ok gauge');
    lines.push(`hoep_cycles_scrape_ok ${cyclesByPhase ? 1 : 0}`);
    return `${lines.join('\n')}\n`;
  }
}
