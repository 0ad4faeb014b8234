import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { pair, stepProfile, stepReplicas } from './fixtures.js';

/** The step run, then 330 s of observation after the load ends at 70 s; polls every 5 s. */
function observed(after: (t: number) => [number, number], targets: Record<string, unknown> = {}) {
  const b = new TimelineBuilder(stepProfile(targets, { observe_after: '330s' })).stagesFromProfile(0);
  for (let t = 0; t <= 400_000; t += 5000) b.sample(t, pair(t <= 70_000 ? stepReplicas(t) : after(t)), { resolutionMs: 1000 });
  return b.end(400_000);
}

describe('scale-down', () => {
  it('follows desired and ready down to the lowest desired count after the load ends', () => {
    const result = analyze(observed((t) => [t >= 160_000 ? 1 : t >= 100_000 ? 3 : 5, t >= 175_000 ? 1 : t >= 110_000 ? 3 : 5]).build());
    expect(result.scaleDowns).toHaveLength(1);
    const down = result.scaleDowns[0]!;
    expect(down).toMatchObject({ loadChangeT: 70_000, fromLevel: 300, toLevel: 0, baselineReplicas: 5, settledDesired: 1, windowEndT: 400_000, outcome: 'scaled' });
    expect(down.firstDesiredDecrease).toEqual({ valueMs: 30_000, marginMs: 6000, atT: 100_000 });
    expect(down.readyAtSettled).toEqual({ valueMs: 105_000, marginMs: 6000, atT: 175_000 });
  });

  it('passes scale_down_time at min_instances and fails it when replicas never fell', () => {
    const stuck = analyze(observed(() => [5, 5], { autoscaling: { scale_down_time: '5m', min_instances: 2 } }).build());
    expect(stuck.scaleDowns[0]!.outcome).toBe('no-scale');
    expect(stuck.checks.find((c) => c.id === 'autoscaling.scale_down_time')).toMatchObject({
      status: 'fail',
      detail: 'replicas never fell after the load change at 1m10s (desired stayed at 5)',
    });

    const b = new TimelineBuilder(stepProfile({ autoscaling: { scale_down_time: '5m', min_instances: 2 } }, { observe_after: '330s' })).stagesFromProfile(0);
    for (let t = 0; t <= 400_000; t += 5000) b.sample(t, { desired: 2, ready: 2 });
    const atMin = analyze(b.end(400_000).build());
    expect(atMin.scaleDowns[0]!.outcome).toBe('no-scale');
    expect(atMin.checks.find((c) => c.id === 'autoscaling.scale_down_time')!.status).toBe('pass');
  });

  it('says incomplete when ready replicas never came down to the settled count', () => {
    const down = analyze(observed((t) => [t >= 100_000 ? 2 : 5, t >= 120_000 ? 3 : 5]).build()).scaleDowns[0]!;
    expect(down.outcome).toBe('incomplete');
    expect(down.settledDesired).toBe(2);
    expect(down.firstDesiredDecrease.valueMs).toBe(30_000);
    expect(down.readyAtSettled.valueMs).toBeNull();
  });

  it('has no scale-down when the timeline ends with the load', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0, { loadEnd: false });
    for (let t = 0; t < 70_000; t += 1000) b.sample(t, pair(stepReplicas(t)));
    expect(analyze(b.end(70_000).build()).scaleDowns).toEqual([]);
  });
});

/**
 * Two moments: the surplus replicas stop receiving traffic (ready 5 -> 1 at 175 s), then linger
 * (draining, idle, terminating) until running falls 5 -> 1 at 300 s. Load ends at 70 s.
 */
function lingering(targets: Record<string, unknown> = {}, opts: { running?: boolean; runningFloor?: number } = {}) {
  const b = new TimelineBuilder(stepProfile(targets, { observe_after: '330s' })).stagesFromProfile(0);
  for (let t = 0; t <= 400_000; t += 5000) {
    const [desired, ready] = t <= 70_000 ? stepReplicas(t) : [t >= 100_000 ? 1 : 5, t >= 175_000 ? 1 : 5];
    const running = t <= 70_000 ? ready : t >= 300_000 ? (opts.runningFloor ?? 1) : 5;
    b.sample(t, opts.running === false ? { desired, ready } : { desired, ready, running }, { resolutionMs: 1000 });
  }
  return b.end(400_000);
}

const scaleDownCheck = (targets: Record<string, unknown>, opts?: Parameters<typeof lingering>[1]) =>
  analyze(lingering(targets, opts).build()).checks.find((c) => c.id === 'autoscaling.scale_down_time');

describe('scale-down in two moments: stopped receiving traffic (ready), gone (running)', () => {
  it('measures both, each with its value and margin: a lingering replica gives two different values', () => {
    const down = analyze(lingering().build()).scaleDowns[0]!;
    expect(down).toMatchObject({ settledDesired: 1, outcome: 'scaled', runningOutcome: 'scaled' });
    expect(down.readyAtSettled).toEqual({ valueMs: 105_000, marginMs: 6000, atT: 175_000 });
    expect(down.runningAtSettled).toEqual({ valueMs: 230_000, marginMs: 6000, atT: 300_000 });
  });

  it('checks "stopped receiving traffic" by default and "gone" with scale_down_until: gone', () => {
    expect(scaleDownCheck({ autoscaling: { scale_down_time: '2m' } })).toMatchObject({ status: 'pass', target: 'scale-down <= 2m (stopped receiving traffic)', measured: '1m45s' });
    expect(scaleDownCheck({ autoscaling: { scale_down_time: '2m', scale_down_until: 'traffic-stopped' } })).toMatchObject({ status: 'pass', measured: '1m45s' });
    expect(scaleDownCheck({ autoscaling: { scale_down_time: '2m', scale_down_until: 'gone' } })).toMatchObject({
      status: 'fail',
      target: 'scale-down <= 2m (gone)',
      measured: '3m50s',
      margin: 'up to 6s earlier',
      detail: 'scale-down (gone) took 3m50s (up to 6s less) after the load change at 1m10s',
    });
    expect(scaleDownCheck({ autoscaling: { scale_down_time: '4m', scale_down_until: 'gone' } })).toMatchObject({ status: 'pass', measured: '3m50s' });
  });

  it('without a running series "gone" is unknown (null), never read from ready', () => {
    const down = analyze(lingering({}, { running: false }).build()).scaleDowns[0]!;
    expect(down).toMatchObject({ outcome: 'scaled', runningAtSettled: null, runningOutcome: null });
    expect(scaleDownCheck({ autoscaling: { scale_down_time: '5m', scale_down_until: 'gone' } }, { running: false })).toMatchObject({
      status: 'unknown',
      measured: 'unknown',
      detail: 'the provider gives no running-replica count, so when replicas were gone after the load change at 1m10s is unknown',
    });
    expect(scaleDownCheck({ autoscaling: { scale_down_time: '5m' } }, { running: false })).toMatchObject({ status: 'pass', measured: '1m45s' });
  });

  it('running that never reaches the settled count is incomplete and fails "gone" only', () => {
    const down = analyze(lingering({}, { runningFloor: 2 }).build()).scaleDowns[0]!;
    expect(down).toMatchObject({ outcome: 'scaled', runningOutcome: 'incomplete', runningAtSettled: { valueMs: null } });
    expect(scaleDownCheck({ autoscaling: { scale_down_time: '5m', scale_down_until: 'gone' } }, { runningFloor: 2 })).toMatchObject({
      status: 'fail',
      detail: 'running replicas never got there within 5m30s after the load change at 1m10s',
    });
  });

  it('a gap hiding the running moment makes "gone" unknown while "stopped receiving traffic" stands', () => {
    const down = analyze(lingering().gap(250_000, 300_000).build()).scaleDowns[0]!;
    expect(down).toMatchObject({ outcome: 'scaled', runningOutcome: 'unknown' });
    expect(down.readyAtSettled.valueMs).toBe(105_000);
  });
});
