import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { mergeLatency } from '../../../src/analysis/latency.js';
import { loadSlice, sustainedThroughput } from '../../../src/analysis/load-slices.js';
import { encodeLatencies, loadRecord, rawPercentile, TimelineBuilder } from '../../support/timeline-builder.js';

/** Deterministic pseudo-random latencies (ms) with a long tail. */
function latencies(seed: number, n: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    return Math.round((5 + 40 * u + (u > 0.97 ? 2000 * u : 0)) * 1000) / 1000;
  });
}

const QUANTILES = [['p50', 50], ['p90', 90], ['p95', 95], ['p99', 99], ['p999', 99.9]] as const;

describe('load slices', () => {
  it('merges the windows’ hdr: percentiles equal those of one histogram of all the raw values', () => {
    const windows = [latencies(1, 300), latencies(2, 500), latencies(3, 200)];
    const records = windows.map((l, i) => loadRecord(i * 1000, { latenciesMs: l }));
    const all = windows.flat();
    const merged = mergeLatency(records).summary;
    const single = mergeLatency([{ ...records[0]!, hdr: encodeLatencies(all) }]).summary;
    expect(merged).toEqual(single);
    expect(merged.count).toBe(1000);
    for (const [key, p] of QUANTILES) {
      // hdr keeps 3 significant digits: the reported value is the top of the bucket the raw value is in.
      const raw = rawPercentile(all, p);
      expect(merged[key]).toBeGreaterThanOrEqual(raw);
      expect(merged[key]).toBeLessThanOrEqual(raw * 1.001);
    }
    expect(merged.max).toBeGreaterThanOrEqual(Math.max(...all));
    expect(merged.mean).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length, 1);
  });

  it('is exact for latencies recorded to the microsecond below 2.048 ms', () => {
    const a = [0.1, 0.25, 0.5, 0.75, 1.0];
    const b = [1.2, 1.4, 1.6, 1.8, 2.0];
    const summary = mergeLatency([loadRecord(0, { latenciesMs: a }), loadRecord(1000, { latenciesMs: b })]).summary;
    const all = [...a, ...b];
    expect(summary).toEqual({ count: 10, mean: 1.06, p50: rawPercentile(all, 50), p90: rawPercentile(all, 90), p95: 2.0, p99: 2.0, p999: 2.0, max: 2.0 });
    expect(summary.p50).toBe(1.0);
    expect(summary.p90).toBe(1.8);
  });

  it('falls back to the max of the windows’ percentiles when a window has no hdr, and says so', () => {
    const records = [loadRecord(0, { latenciesMs: [1, 1.5, 1.9] }), loadRecord(1000, { latenciesMs: [0.5, 0.6, 0.7, 0.8], hdr: false })];
    const merged = mergeLatency(records);
    expect(merged.exact).toBe(false);
    expect(merged.summary).toMatchObject({ count: 7, p50: 1.5, max: 1.9 });
    const b = new TimelineBuilder();
    b.load(0, { latenciesMs: [1, 1.5, 1.9] }).load(1000, { latenciesMs: [0.5, 0.6], hdr: false }).end(2000);
    const result = analyze(b.build());
    expect(result.load!.latencyExact).toBe(false);
    expect(result.notes).toContain("1 load window(s) had no hdr histogram: percentiles over them are upper bounds (the max of the windows' percentiles)");
  });

  it('counts requests, errors by class, throttled and dropped over [fromT, toT)', () => {
    const records = [
      loadRecord(0, { latenciesMs: [1, 1, 1, 1] }),
      loadRecord(1000, { latenciesMs: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], errors: { http5xx: 2, http4xx: 1 }, throttled: 1, dropped: 3 }),
      loadRecord(2000, { latenciesMs: [1, 1, 1, 1, 1, 1], errors: { timeout: 1 } }),
      loadRecord(3000, { latenciesMs: [1, 1] }),
    ];
    const slice = loadSlice(records, 1000, 3000)!;
    expect(slice).toMatchObject({
      fromT: 1000,
      toT: 3000,
      requests: 16,
      completed: 16,
      ok: 12,
      errors: { http4xx: 1, http5xx: 2, timeout: 1, connection: 0, other: 0 },
      throttled: 1,
      dropped: 3,
      errorRate: 0.25,
      throughput: 8,
      latencyExact: true,
    });
    expect(loadSlice(records, 10_000, 20_000)).toBeNull();
  });

  it('takes sustained throughput as the best throughput_window average of ok/s', () => {
    const oks = [10, 10, 50, 50, 50, 10, 10, 10];
    const records = oks.map((n, i) => loadRecord(i * 1000, { latenciesMs: Array(n).fill(1) }));
    expect(sustainedThroughput(records, 3000)).toBe(50);
    expect(sustainedThroughput(records, 4000)).toBe(40);
    expect(sustainedThroughput(records, 60_000)).toBe(25);
    expect(sustainedThroughput([], 3000)).toBeNull();
  });

  it('slices each request on its own, and the run as a whole', () => {
    const b = new TimelineBuilder({ load: { url: 'http://127.0.0.1:1', stages: [{ duration: '2s', rate: 10 }], requests: [{ name: 'search' }, { name: 'home' }] } });
    for (const t of [0, 1000]) {
      b.load(t, { latenciesMs: [1, 1, 1, 1.5], errors: { http5xx: 1 } });
      b.load(t, { request: 'search', latenciesMs: [1.5], errors: { http5xx: 1 } });
      b.load(t, { request: 'home', latenciesMs: [1, 1, 1] });
    }
    const result = analyze(b.end(2000).build());
    expect(result.load).toMatchObject({ completed: 8, errorRate: 0.25, throughput: 4 });
    expect(result.loadByRequest.search).toMatchObject({ completed: 2, ok: 0, errorRate: 1 });
    expect(result.loadByRequest.home).toMatchObject({ completed: 6, ok: 6, errorRate: 0, throughput: 3 });
    expect(result.sustainedThroughputByRequest).toEqual({ search: 0, home: 3 });
  });
});
