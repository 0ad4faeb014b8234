import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { insightContext } from '../../../src/insights/context.js';
import { costIn, provisioning } from '../../../src/insights/cost.js';
import { linearFit, percentile, correlation } from '../../../src/insights/stats.js';
import type { Point } from '../../../src/analysis/series.js';
import { loadRecord } from '../../support/timeline-builder.js';
import { URL, lat, run, scenario, steps } from './helpers.js';

// Two ready replicas throughout; holds of 20, 40, 60, 80 req/s (10..40 req/s per replica).
const level = (t: number) => (t < 20_000 ? 20 : t < 40_000 ? 40 : t < 60_000 ? 60 : 80);
const base = (targets: Record<string, unknown>) => ({
  profile: { load: { url: URL, start: 20, stages: steps([[20, 20], [20, 40], [20, 60], [20, 80]]) }, targets },
  endMs: 80_000,
});

describe('capacity per replica', () => {
  it('regresses CPU on req/s per replica and solves for the CPU target', () => {
    const { insights } = run({
      ...base({ cpu: { target: '70%' } }),
      window: (t) => ({ latenciesMs: lat(level(t), 20) }),
      sample: (t) => ({ desired: 2, ready: 2, cpuPct: 10 + 1.5 * (level(t - 1000) / 2) }),
    });
    const c = insights.capacity;
    expect(c.basis).toBe('cpu-target');
    expect(c.kind).toBe('estimate');
    expect(c.perReplica).toBeCloseTo(40, 6);
    expect(c.cpuFit).toMatchObject({ targetPct: 70 });
    expect(c.cpuFit!.slope).toBeCloseTo(1.5, 6);
    expect(c.cpuFit!.intercept).toBeCloseTo(10, 6);
    expect(c.cpuFit!.r2).toBeCloseTo(1, 6);
    // 2 s chunks (at least two load windows) over 80 s of stable replicas.
    expect(c.intervals).toBeGreaterThanOrEqual(35);
    expect(c.maxObserved).toBeCloseTo(40, 6);
  });

  it('gives a 95% interval that contains the estimate when the data is noisy', () => {
    const { insights } = run({
      ...base({ cpu: { target: '70%' } }),
      window: (t) => ({ latenciesMs: lat(level(t), 20) }),
      sample: (t) => ({ desired: 2, ready: 2, cpuPct: 10 + 1.5 * (level(t - 1000) / 2) + 3 * Math.sin(t / 700) }),
    });
    const { perReplica, cpuFit } = insights.capacity;
    expect(perReplica).toBeCloseTo(40, 0);
    const [lo, hi] = cpuFit!.ci95!;
    expect(lo).toBeLessThan(perReplica!);
    expect(hi).toBeGreaterThan(perReplica!);
    expect(hi - lo).toBeGreaterThan(0.5);
    expect(hi - lo).toBeLessThan(10);
  });

  it('uses the latency target without CPU data: best rate below the first that broke it', () => {
    const { insights } = run({
      ...base({ latency: { p95: '200ms' } }),
      window: (t) => ({ latenciesMs: lat(level(t), level(t) === 80 ? 500 : 50) }),
      sample: () => ({ desired: 2, ready: 2 }),
    });
    expect(insights.capacity).toMatchObject({ basis: 'latency-target', kind: 'estimate', perReplica: 30 });
    expect(insights.capacity.latency).toMatchObject({ bestMeeting: 30, lowestBreaking: 40 });
  });

  it('is a lower bound when the latency target never broke', () => {
    const { insights } = run({
      ...base({ latency: { p95: '200ms' } }),
      window: (t) => ({ latenciesMs: lat(level(t), 50) }),
      sample: () => ({ desired: 2, ready: 2 }),
    });
    expect(insights.capacity).toMatchObject({ basis: 'latency-target', kind: 'lower-bound', perReplica: 40 });
  });

  it('is unknown without ready samples', () => {
    const { insights } = run({ ...base({}), window: (t) => ({ latenciesMs: lat(level(t), 50) }) });
    expect(insights.capacity).toMatchObject({ perReplica: null, basis: 'none', intervals: 0 });
  });
});

describe('cost', () => {
  const ready: Point[] = [{ t: 0, value: 4, resolutionMs: 0 }];
  const load = Array.from({ length: 100 }, (_, i) => loadRecord(i * 1000, { latenciesMs: lat(10, 20) }));

  it('integrates replicas above and below ceil(offered / capacity)', () => {
    expect(provisioning(ready, load, 5, 100_000)).toEqual({ over: 200, under: 0, total: 400 });
    expect(provisioning(ready, load, 2, 100_000)).toEqual({ over: 0, under: 100, total: 400 });
    // After the load: one replica needed, three idle for the last 50 s.
    expect(provisioning(ready, load, 5, 150_000)).toEqual({ over: 350, under: 0, total: 600 });
  });

  it('prices instance time, requests and over-provisioning', () => {
    const timeline = scenario({
      profile: { load: { url: URL, start: 10, stages: [{ duration: '100s', rate: 10 }] }, cost: { instance_hour: 0.36, currency: 'USD' } },
      endMs: 100_000,
      window: () => ({ latenciesMs: lat(10, 20) }),
      sample: () => ({ desired: 4, ready: 4 }),
    });
    const cost = costIn(insightContext(timeline, analyze(timeline)), 5);
    expect(cost.readyReplicaSeconds).toBe(400);
    expect(cost.runCost).toBeCloseTo(0.04, 9);
    expect(cost.okRequests).toBe(1000);
    expect(cost.costPer1000).toBeCloseTo(0.04, 9);
    expect(cost.overProvisionedReplicaSeconds).toBe(200);
    expect(cost.overProvisionedShare).toBeCloseTo(0.5, 9);
    expect(cost.overProvisionCost).toBeCloseTo(0.02, 9);
    expect(cost.currency).toBe('USD');
  });

  it('the --price option overrides the profile', () => {
    const timeline = scenario({ profile: { load: { url: URL, stages: [{ duration: '10s', rate: 10 }] }, cost: { instance_hour: 1 } }, endMs: 10_000, sample: () => ({ ready: 1 }) });
    expect(costIn(insightContext(timeline, analyze(timeline), { pricePerInstanceHour: 3.6 }), null).runCost).toBeCloseTo(0.01, 9);
  });
});

describe('stats', () => {
  it('fits a line, a percentile and a correlation', () => {
    expect(linearFit([0, 1, 2, 3], [1, 3, 5, 7])).toMatchObject({ slope: 2, intercept: 1, r2: 1, n: 4 });
    expect(linearFit([1, 1], [2, 3])).toBeNull();
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(correlation([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 9);
  });
});
