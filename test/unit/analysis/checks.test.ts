import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { pair, stepProfile, stepReplicas } from './fixtures.js';

/**
 * The step run with two requests, watched until 400 s: desired 2 -> 5 at 13 s, ready at 18 s;
 * after the load ends at 70 s desired drops to 2 at 100 s and ready at 110 s.
 */
function twoRequests(targets: Record<string, unknown>) {
  const profile = stepProfile(targets, { observe_after: '330s' });
  (profile.load as Record<string, unknown>).requests = [{ name: 'search' }, { name: 'home' }];
  return profile;
}

function run(targets: Record<string, unknown>, opts: { errors?: boolean } = {}) {
  const b = new TimelineBuilder(twoRequests(targets)).stagesFromProfile(0);
  for (let t = 0; t <= 400_000; t += 1000) {
    const replicas: [number, number] = t <= 70_000 ? stepReplicas(t) : [t >= 100_000 ? 2 : 5, t >= 110_000 ? 2 : 5];
    b.sample(t, { ...pair(replicas), cpuPct: t >= 10_000 && t < 20_000 ? 85 : 50, memPct: 40 });
  }
  for (let t = 0; t < 70_000; t += 1000) {
    const errors = opts.errors && t === 20_000 ? { http5xx: 1 } : {};
    b.load(t, { latenciesMs: [1.5, 1.9], errors });
    b.load(t, { request: 'search', latenciesMs: [1.9], errors });
    b.load(t, { request: 'home', latenciesMs: [1.5] });
  }
  return analyze(b.end(400_000).build());
}

const summary = (checks: ReturnType<typeof analyze>['checks']) => checks.map((c) => [c.id, c.status, c.measured]);

const LENIENT = {
  latency: { p50: '2ms', p95: '2ms', max: '2ms' },
  error_rate: '1%',
  throughput: 1.5,
  requests: { search: { p99: '2ms', error_rate: '1%', throughput: 0.5 } },
  cpu: { target: '70%', max: '90%' },
  memory: { max: '80%' },
  autoscaling: { scale_up_time: '10s', scale_down_time: '1m', min_instances: 2, max_instances: 5, max_flaps: 0 },
};

describe('checks', () => {
  it('passes every kind of target the run meets', () => {
    const result = run(LENIENT);
    expect(summary(result.checks)).toEqual([
      ['latency.p50', 'pass', '1.5ms'],
      ['latency.p95', 'pass', '1.9ms'],
      ['latency.max', 'pass', '1.9ms'],
      ['error_rate', 'pass', '0%'],
      ['throughput', 'pass', '2 req/s'],
      ['requests.search.p99', 'pass', '1.9ms'],
      ['requests.search.error_rate', 'pass', '0%'],
      ['requests.search.throughput', 'pass', '1 req/s'],
      ['cpu.max', 'pass', '85%'],
      ['memory.max', 'pass', '40%'],
      ['autoscaling.scale_up_time', 'pass', '8s'],
      ['autoscaling.scale_down_time', 'pass', '40s'],
      ['autoscaling.min_instances', 'pass', 'lowest desired 2, ready 2'],
      ['autoscaling.max_instances', 'pass', 'highest desired 5, ready 5'],
      ['autoscaling.max_flaps', 'pass', '0 flaps'],
    ]);
    expect(result.verdict).toBe('pass');
    expect(result.checks.find((c) => c.id === 'autoscaling.scale_up_time')).toEqual({
      id: 'autoscaling.scale_up_time',
      target: 'scale-up <= 10s',
      measured: '8s',
      margin: 'up to 1s earlier',
      status: 'pass',
      detail: '1 transition, worst 8s, limit 10s',
    });
    expect(result.checks.find((c) => c.id === 'requests.search.p99')!.target).toBe('p99 <= 2ms (search)');
    expect(result.checks.find((c) => c.id === 'latency.p95')!.target).toBe('p95 <= 2ms');
    // The sample at exactly 10 s describes the moment of the change; the first one after it is at 11 s.
    expect(result.scaleUps[0]!.utilizationAboveTarget).toEqual({ valueMs: 1000, marginMs: 1000, atT: 11_000 });
  });

  it('fails every kind of target the run misses, with a one-line reason', () => {
    const result = run(
      {
        latency: { p99: '1.8ms' },
        error_rate: '0.5%',
        throughput: 3,
        requests: { search: { p50: '1ms', error_rate: '1%', throughput: 2 } },
        cpu: { max: '80%' },
        memory: { max: '30%' },
        autoscaling: { scale_up_time: '5s', scale_down_time: '30s', min_instances: 3, max_instances: 4 },
      },
      { errors: true },
    );
    expect(summary(result.checks)).toEqual([
      ['latency.p99', 'fail', '1.9ms'],
      ['error_rate', 'fail', '0.71%'],
      ['throughput', 'fail', '2 req/s'],
      ['requests.search.p50', 'fail', '1.9ms'],
      ['requests.search.error_rate', 'fail', '1.43%'],
      ['requests.search.throughput', 'fail', '1 req/s'],
      ['cpu.max', 'fail', '85%'],
      ['memory.max', 'fail', '40%'],
      ['autoscaling.scale_up_time', 'fail', '8s'],
      ['autoscaling.scale_down_time', 'fail', '40s'],
      ['autoscaling.min_instances', 'fail', 'lowest desired 2, ready 2'],
      ['autoscaling.max_instances', 'fail', 'highest desired 5, ready 5'],
    ]);
    expect(result.verdict).toBe('fail');
    const byId = Object.fromEntries(result.checks.map((c) => [c.id, c.detail]));
    expect(byId['error_rate']).toBe('1 errors in 140 completed requests (http5xx 1)');
    expect(byId['autoscaling.scale_up_time']).toBe('scale-up took 8s (up to 1s less) after the load change at 10s');
    expect(byId['autoscaling.scale_down_time']).toBe('scale-down took 40s (up to 1s less) after the load change at 1m10s');
    expect(byId['autoscaling.min_instances']).toBe('replicas went below 3: lowest desired 2, ready 2');
    expect(byId['cpu.max']).toBe('highest CPU sample was 85%');
  });

  it('fails scale_up_time when replicas never rose, and when ready never caught up over a long enough window', () => {
    const flat = new TimelineBuilder(stepProfile({ autoscaling: { scale_up_time: '20s' } })).stagesFromProfile(0, { loadEnd: false });
    for (let t = 0; t < 70_000; t += 1000) flat.sample(t, { desired: 2, ready: 2 });
    expect(analyze(flat.end(70_000).build()).checks[0]).toMatchObject({
      status: 'fail',
      measured: 'unknown',
      detail: 'replicas never rose after the load change at 10s (desired stayed at 2)',
    });

    const stuck = new TimelineBuilder(stepProfile({ autoscaling: { scale_up_time: '20s' } })).stagesFromProfile(0, { loadEnd: false });
    for (let t = 0; t < 70_000; t += 1000) stuck.sample(t, { desired: t >= 13_000 ? 5 : 2, ready: t >= 13_000 ? 3 : 2 });
    expect(analyze(stuck.end(70_000).build()).checks[0]).toMatchObject({ status: 'fail', detail: 'ready replicas never got there within 1m after the load change at 10s' });
  });

  it('is unknown when there is nothing to measure', () => {
    const b = new TimelineBuilder(twoRequests(LENIENT)).stagesFromProfile(0).end(400_000);
    const result = analyze(b.build());
    expect(result.checks.map((c) => [c.id, c.status])).toEqual(result.checks.map((c) => [c.id, 'unknown']));
    expect(result.checks).toHaveLength(15);
    expect(result.checks.every((c) => c.measured === 'unknown')).toBe(true);
    expect(result.verdict).toBe('unknown');
    expect(result.checks.find((c) => c.id === 'autoscaling.scale_up_time')!.detail).toBe('no desired-replica sample at or before the load change at 10s');
    expect(result.checks.find((c) => c.id === 'autoscaling.scale_down_time')!.detail).toBe('no desired-replica sample at or before the load change at 1m10s');
    expect(result.notes).toContain('no platform samples: replicas and scaling could not be measured');
    expect(result.notes).toContain('no load windows: client latency, errors and throughput are unknown');
  });

  it('is unknown when a gap hides the scale-up, or when the window was shorter than the target', () => {
    const gap = new TimelineBuilder(stepProfile({ autoscaling: { scale_up_time: '30s' } })).stagesFromProfile(0, { loadEnd: false });
    for (let t = 0; t < 70_000; t += 1000) if (t < 15_000 || t > 25_000) gap.sample(t, pair(stepReplicas(t)));
    gap.gap(15_000, 25_000, 'API throttled');
    const hidden = analyze(gap.end(70_000).build());
    expect(hidden.checks[0]).toMatchObject({ status: 'unknown', measured: '16s', detail: 'missing platform data (a gap, or no ready samples) hides the scale-up after the load change at 10s' });
    expect(hidden.verdict).toBe('unknown');

    const short = new TimelineBuilder(stepProfile({ autoscaling: { scale_up_time: '2m' } })).stagesFromProfile(0, { loadEnd: false });
    for (let t = 0; t < 70_000; t += 1000) short.sample(t, { desired: t >= 13_000 ? 5 : 2, ready: 2 });
    expect(analyze(short.end(70_000).build()).checks[0]).toMatchObject({ status: 'unknown' });
  });

  it('is unknown when a percentile is only an upper bound above the target, and passes when the bound is under', () => {
    const b = new TimelineBuilder({ load: { url: 'http://127.0.0.1:1', stages: [{ duration: '2s', rate: 1 }] }, targets: { latency: { p50: '1.7ms', p99: '5ms' } } });
    b.load(0, { latenciesMs: [1, 1, 1] }).load(1000, { latenciesMs: [1.8, 1.8, 1.8], hdr: false }).end(2000);
    const result = analyze(b.build());
    expect(result.checks.map((c) => [c.id, c.status, c.measured])).toEqual([
      ['latency.p50', 'unknown', '<= 1.8ms'],
      ['latency.p99', 'pass', '<= 1.8ms'],
    ]);
  });

  it('names the failing check first in the verdict order: fail beats unknown beats pass', () => {
    const b = new TimelineBuilder(stepProfile({ error_rate: '1%', cpu: { max: '50%' } })).stagesFromProfile(0);
    b.sample(0, { desired: 1, ready: 1, cpuPct: 99 }).end(70_000);
    const result = analyze(b.build());
    expect(result.checks.map((c) => c.status)).toEqual(['unknown', 'fail']);
    expect(result.verdict).toBe('fail');
    expect(analyze(new TimelineBuilder().end(1000).build()).verdict).toBe('pass');
  });
});
