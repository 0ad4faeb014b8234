/** A hand-made analysis of a two-stage run: one scale-up that made it, one scale-down that did not settle. */
import type { AnalysisResult, LoadSlice } from '../../../src/analysis/types.js';
import type { ReportContext } from '../../../src/report/context.js';
import type { Profile } from '../../../src/profile/schema.js';

export function slice(over: Partial<LoadSlice> = {}): LoadSlice {
  return {
    fromT: 0,
    toT: 60_000,
    requests: 1000,
    completed: 1000,
    ok: 990,
    errors: { http4xx: 2, http5xx: 8, timeout: 0, connection: 0, other: 0 },
    throttled: 1,
    dropped: 0,
    checkFailures: 0,
    errorRate: 0.01,
    latency: { count: 1000, mean: 80, p50: 60, p90: 150, p95: 210, p99: 480, p999: 900, max: 1200 },
    latencyExact: true,
    throughput: 16.67,
    ...over,
  };
}

export function fixtureResult(over: Partial<AnalysisResult> = {}): AnalysisResult {
  return {
    runId: '20261127-031502-demo',
    profileName: 'demo',
    provider: 'local',
    startedAtWall: Date.UTC(2026, 10, 27, 3, 15, 2),
    durationMs: 750_000,
    endStatus: 'completed',
    load: slice({ toT: 600_000, requests: 30_000, completed: 30_000, ok: 29_700, errors: { http4xx: 60, http5xx: 240, timeout: 0, connection: 0, other: 0 }, throughput: 50 }),
    loadByTag: {},
    loadByRequest: {
      search: slice({ requests: 10_000, completed: 10_000, ok: 9_700, errors: { http4xx: 60, http5xx: 240, timeout: 0, connection: 0, other: 0 }, errorRate: 0.03, latencyExact: false }),
      home: slice({ requests: 20_000, completed: 20_000, ok: 20_000, errors: { http4xx: 0, http5xx: 0, timeout: 0, connection: 0, other: 0 }, errorRate: 0 }),
    },
    sustainedThroughput: 98.5,
    sustainedThroughputByRequest: { search: 30.1, home: null },
    replicas: { minDesired: 1, maxDesired: 6, minReady: 1, maxReady: 6, readyReplicaSeconds: 2400.4 },
    cpu: { meanPct: 55.55, maxPct: 97 },
    memory: { meanPct: null, maxPct: null },
    scaleUps: [
      {
        loadChangeT: 60_000,
        fromLevel: 10,
        toLevel: 100,
        baselineReplicas: 1,
        windowEndT: 360_000,
        peakDesired: 6,
        utilizationAboveTarget: { valueMs: 15_000, marginMs: 5_000, atT: 75_000 },
        firstDesiredIncrease: { valueMs: 30_000, marginMs: 5_000, atT: 90_000 },
        readyAtPeak: { valueMs: 70_000, marginMs: 5_000, atT: 130_000 },
        outcome: 'scaled',
        during: slice({ latency: { count: 400, mean: 300, p50: 250, p90: 700, p95: 900, p99: 1500, p999: 2000, max: 2500 }, errorRate: 0.025 }),
      },
    ],
    scaleDowns: [
      {
        loadChangeT: 360_000,
        fromLevel: 100,
        toLevel: 0,
        baselineReplicas: 6,
        windowEndT: 750_000,
        settledDesired: 2,
        firstDesiredDecrease: { valueMs: 300_000, marginMs: 5_000, atT: 660_000 },
        readyAtSettled: { valueMs: null, marginMs: 5_000, atT: null },
        outcome: 'incomplete',
        runningAtSettled: null,
        runningOutcome: null,
        during: null,
      },
    ],
    flapping: { windowMs: 300_000, flaps: [], loadDriven: [{ firstT: 90_000, secondT: 380_000, first: 'up' }] },
    checks: [
      { id: 'latency.p95', target: 'p95 <= 500ms', measured: '210ms', status: 'pass' },
      { id: 'error_rate', target: 'error rate <= 0.5%', measured: '1%', status: 'fail', detail: '300 of 30000 requests failed' },
      { id: 'autoscaling.scale_up_time', target: 'scale-up <= 2m', measured: '1m10s', margin: '±5s', status: 'pass' },
      { id: 'autoscaling.scale_down_time', target: 'scale-down <= 5m', measured: 'unknown', status: 'unknown', detail: 'ready replicas never settled' },
    ],
    verdict: 'fail',
    notes: ['platform data missing from 2m0s to 2m10s (timeout)', 'a | pipe in a note'],
    ...over,
  };
}

export function fixtureContext(over: Partial<ReportContext> = {}): ReportContext {
  return {
    header: {
      scaleproofVersion: '0.1.0',
      profilePath: 'profiles/demo.yaml',
      pollIntervalMs: 5000,
      windowMs: 1000,
      profile: { load: { model: 'open' } } as unknown as Profile,
    },
    target: {
      summary: 'local service demo (1..10 replicas)',
      scaling: { minReplicas: 1, maxReplicas: 10, rules: [{ metric: 'cpu', target: 60, unit: '%' }], timings: { syncPeriodMs: 15_000 } },
      warnings: ['scale-down stabilization is 5m'],
    },
    ...over,
  };
}
