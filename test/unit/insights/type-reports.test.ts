import { describe, expect, it } from 'vitest';
import type { EnduranceTypeReport, LoadTypeReport, ScalabilityTypeReport, SpikeTypeReport, StressTypeReport } from '../../../src/insights/types.js';
import { URL, lat, run, steps } from './helpers.js';

describe('load test', () => {
  const profile = (p95: string) => ({
    type: 'load',
    load: { url: URL, start: 10, stages: [{ duration: '10s', rate: 10 }, { duration: '0s', rate: 100 }, { duration: '60s', rate: 100 }] },
    targets: { latency: { p95 }, error_rate: '1%', throughput: 90 },
  });
  const base = {
    endMs: 70_000,
    window: (t: number) => ({ latenciesMs: lat(t < 10_000 ? 10 : 100, t >= 10_000 && t < 18_000 ? 500 : 50) }),
    sample: (t: number) => ({ desired: t >= 13_000 ? 4 : 2, ready: t >= 18_000 ? 4 : 2 }),
  };

  it('evaluates the hold at the target rate from the moment its scale-up settled', () => {
    const r = run({ ...base, profile: profile('200ms') }).insights.typeReport as LoadTypeReport;
    expect(r.type).toBe('load');
    expect(r.steady).toMatchObject({ fromT: 18_000, toT: 70_000, plannedLevel: 100, okPerSecond: 100, errorRate: 0 });
    expect(r.steady!.latencyP95Ms).toBeCloseTo(50, 0);
    expect(r.steady!.targets.map((t) => [t.id, t.met])).toEqual([['latency.p95', true], ['error_rate', true], ['throughput', true]]);
    expect(r.met).toBe(true);
  });

  it('fails when the steady window misses the latency target, ignoring the transition', () => {
    const r = run({ ...base, profile: profile('40ms') }).insights.typeReport as LoadTypeReport;
    expect(r.met).toBe(false);
    expect(r.steady!.targets.find((t) => t.id === 'latency.p95')!.met).toBe(false);
  });
});

describe('stress test', () => {
  // Levels 10, 20, 30, 40 req/s (20 s each), then back to 10 at 80 s. One replica per 10 req/s,
  // at most 3: at 40 req/s the replicas are at the max from 60 s and latency breaks at 63 s.
  const level = (t: number) => (t < 20_000 ? 10 : t < 40_000 ? 20 : t < 60_000 ? 30 : t < 80_000 ? 40 : 10);
  const s = {
    profile: {
      type: 'stress',
      load: { url: URL, start: 10, stages: steps([[20, 10], [20, 20], [20, 30], [20, 40], [30, 10]]) },
      targets: { latency: { p95: '200ms' }, error_rate: '5%', autoscaling: { max_instances: 3 } },
    },
    endMs: 110_000,
    window: (t: number) => ({ latenciesMs: lat(level(t), (t >= 63_000 && t < 86_000) ? 1000 : 50) }),
    sample: (t: number) => {
      const want = Math.min(3, level(t - 2000) / 10);
      return { desired: want, ready: want };
    },
  };

  it('finds the highest passing level, the breaking level, what broke first and the recovery', () => {
    const r = run(s).insights.typeReport as StressTypeReport;
    expect(r.levels.map((l) => [l.plannedLevel, l.met])).toEqual([[10, true], [20, true], [30, true], [40, false], [10, false]]);
    // The hold after the drop includes the recovery, so it misses the target as a whole.
    expect(r.highestPassingLevel).toBe(30);
    expect(r.firstFailingLevel).toBe(40);
    expect(r.causes).toEqual([{ cause: 'replicas-at-max', atT: 60_000 }, { cause: 'latency', atT: 63_000 }]);
    expect(r.brokeFirst).toBe('replicas-at-max');
    expect(r.recoveryFromT).toBe(80_000);
    expect(r.recoveryMs).toBe(6000);
  });

  it('names latency first when replicas still had room', () => {
    const r = run({ ...s, profile: { ...s.profile, targets: { latency: { p95: '200ms' }, autoscaling: { max_instances: 10 } } } }).insights.typeReport as StressTypeReport;
    expect(r.brokeFirst).toBe('latency');
    expect(r.causes).toEqual([{ cause: 'latency', atT: 63_000 }]);
  });

  it('says so when nothing broke', () => {
    const r = run({ ...s, window: (t: number) => ({ latenciesMs: lat(level(t), 50) }) }).insights.typeReport as StressTypeReport;
    expect(r.firstFailingLevel).toBeNull();
    expect(r.highestPassingLevel).toBe(40);
    expect(r.notes.join()).toMatch(/above the highest level/);
  });
});

describe('spike test', () => {
  // 10 req/s, spike to 100 at 20 s for 30 s, back to 10 at 50 s. Latency over target until 29 s.
  const s = {
    profile: {
      type: 'spike',
      load: { url: URL, start: 10, stages: steps([[20, 10], [30, 100], [40, 10]]) },
      targets: { latency: { p95: '200ms' } },
    },
    endMs: 90_000,
    window: (t: number) => {
      const spike = t >= 20_000 && t < 50_000;
      return {
        latenciesMs: lat(spike ? 100 : 10, t >= 20_000 && t < 29_000 ? 800 : 50),
        errors: t >= 20_000 && t < 25_000 ? { http5xx: 5 } : {},
        dropped: t >= 20_000 && t < 23_000 ? 3 : 0,
      };
    },
    sample: (t: number) => ({ desired: t >= 23_000 && t < 75_000 ? 4 : 1, ready: t >= 28_000 && t < 80_000 ? 4 : 1 }),
  };

  it('measures absorption, errors, replicas added and the return to baseline', () => {
    const r = run(s).insights.typeReport as SpikeTypeReport;
    expect(r).toMatchObject({ spikeStartT: 20_000, spikeEndT: 50_000, fromLevel: 10, toLevel: 100, absorbMs: 9000, errors: 25, dropped: 9 });
    expect(r).toMatchObject({ baselineReady: 1, peakReady: 4, replicasAdded: 3, backToBaselineMs: 30_000 });
    expect(r.errorRate).toBeCloseTo(25 / 3000, 6);
    expect(r.latencyMaxMs).toBeCloseTo(800, 0);
  });

  it('absorbs in 0 when latency never went over', () => {
    const r = run({ ...s, window: (t: number) => ({ latenciesMs: lat(10, 50) }) }).insights.typeReport as SpikeTypeReport;
    expect(r.absorbMs).toBe(0);
  });
});

describe('endurance test', () => {
  const HOUR = 3_600_000;
  const s = {
    profile: { type: 'endurance', load: { url: URL, start: 10, stages: [{ duration: '4h', rate: 10 }] }, targets: { latency: { p95: '1s' } } },
    endMs: 4 * HOUR,
    windowMs: 60_000,
    window: (t: number) => ({ latenciesMs: lat(20, 100 + (10 * (t + 30_000)) / HOUR) }),
    sampleEveryMs: 300_000,
    sample: (t: number) => ({ memPct: 40 + (3 * t) / HOUR, desired: Math.floor(t / HOUR) % 2 === 0 ? 2 : 3, ready: 2 }),
  };

  it('fits latency drift, memory growth with a leak warning, and replica churn', () => {
    const r = run(s).insights.typeReport as EnduranceTypeReport;
    expect(r.durationHours).toBe(4);
    expect(r.latencyP95!.slopePerHour).toBeCloseTo(10, 0);
    expect(r.latencyP95!.r2).toBeGreaterThan(0.99);
    expect(r.errorRate!.slopePerHour).toBe(0);
    expect(r.memory!.slopePerHour).toBeCloseTo(3, 6);
    expect(r.memory!.intercept).toBeCloseTo(40, 6);
    expect(r.leakWarning).toBe(true);
    // 100% - fitted value at 4 h (52%) at 3 points per hour.
    expect(r.hoursToMemoryFull).toBeCloseTo(16, 6);
    expect(r.scalingMoves).toBe(3);
    expect(r.scalingMovesPerHour).toBeCloseTo(0.75, 6);
  });

  it('does not warn under the threshold', () => {
    const r = run(s, { leakPctPerHour: 5 }).insights.typeReport as EnduranceTypeReport;
    expect(r.leakWarning).toBe(false);
  });
});

describe('scalability test', () => {
  // Steps 10, 20, 40 req/s of 30 s; one replica per 10 req/s, ready 3 s after each jump.
  const level = (t: number) => (t < 30_000 ? 10 : t < 60_000 ? 20 : 40);
  const s = {
    profile: {
      type: 'scalability',
      load: { url: URL, start: 10, stages: steps([[30, 10], [30, 20], [30, 40]]) },
      targets: { latency: { p95: '200ms' }, cpu: { target: '70%' } },
      cost: { instance_hour: 0.36 },
    },
    endMs: 90_000,
    window: (t: number) => ({ latenciesMs: lat(level(t), 50) }),
    sample: (t: number) => {
      const ready = level(t - 3000) / 10;
      // CPU at t describes the second before it.
      return { desired: level(t - 1000) / 10, ready, cpuPct: 7 * (level(t - 1000) / ready) };
    },
  };

  it('reports replicas, rate per replica, scale events and cost per step, and how capacity followed load', () => {
    const { insights } = run(s);
    const r = insights.typeReport as ScalabilityTypeReport;
    expect(r.steps.map((x) => [x.plannedLevel, x.meanReady, x.okPerSecond, x.okPerSecondPerReplica, x.scaleEvents])).toEqual([
      [10, 1, 10, 10, 0],
      [20, 2, 20, 10, 1],
      [40, 4, 40, 10, 1],
    ]);
    // Step 2: ready 1 for 3 s then 2 for 27 s = 57 replica-seconds; 600 ok responses.
    expect(r.steps[1]!.readyReplicaSeconds).toBeCloseTo(57, 6);
    expect(r.steps[1]!.costPer1000).toBeCloseTo(((57 / 3600) * 0.36) / 0.6, 9);
    expect(r.replicasLoadCorrelation).toBeCloseTo(1, 6);
    expect(r.perReplicaVariation).toBeCloseTo(0, 6);
    expect(insights.capacity.basis).toBe('cpu-target');
    expect(insights.capacity.perReplica).toBeCloseTo(10, 1);
    expect(r.steps.map((x) => x.capacityToLoad)).toEqual([expect.closeTo(1, 1), expect.closeTo(1, 1), expect.closeTo(1, 1)]);
  });
});

describe('no type', () => {
  it('gives no type report', () => {
    const { insights } = run({ profile: { load: { url: URL, stages: [{ duration: '10s', rate: 10 }] } }, endMs: 10_000 });
    expect(insights.type).toBeNull();
    expect(insights.typeReport).toBeNull();
  });
});
