import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { mergeUnfinishedChanges } from '../../../src/analysis/merge-changes.js';
import type { LoadChange } from '../../../src/analysis/load-changes.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { URL } from './fixtures.js';

const change = (direction: LoadChange['direction'], t: number, windowEndT: number, fromLevel: number, toLevel: number): LoadChange => ({ direction, t, windowEndT, fromLevel, toLevel });

describe('merging unfinished same-direction changes', () => {
  const drops = [change('decrease', 10_000, 13_000, 200, 20), change('decrease', 13_000, 60_000, 20, 0)];

  it('merges a drop the platform had not finished before the next drop came', () => {
    expect(mergeUnfinishedChanges(drops, () => false, () => 20_000)).toEqual([change('decrease', 10_000, 60_000, 200, 0)]);
  });

  it('keeps them apart when the first finished, when its window was long enough, or with no allowed time', () => {
    expect(mergeUnfinishedChanges(drops, () => true, () => 20_000)).toHaveLength(2);
    expect(mergeUnfinishedChanges(drops, () => false, () => 2000)).toHaveLength(2);
    expect(mergeUnfinishedChanges(drops, () => false, () => undefined)).toHaveLength(2);
  });

  it('never merges opposite directions', () => {
    const mixed = [change('increase', 0, 5000, 10, 100), change('decrease', 5000, 9000, 100, 10)];
    expect(mergeUnfinishedChanges(mixed, () => false, () => 60_000)).toHaveLength(2);
  });
});

describe('a drop followed closely by the end of the load', () => {
  // 200 req/s until 20 s, a 3 s tail at 20 req/s, then the load ends; replicas 4 -> 1 at 26 s.
  function timeline() {
    const b = new TimelineBuilder({
      name: 'tail',
      provider: { name: 'fake', poll_interval: '1s' },
      load: { url: URL, start: 200, stages: [{ duration: '20s', rate: 200 }, { duration: '0s', rate: 20 }, { duration: '3s', rate: 20 }] },
      observe_after: '20s',
      targets: { autoscaling: { scale_down_time: '20s', min_instances: 1 } },
    }).stagesFromProfile(0);
    for (let t = 0; t <= 43_000; t += 1000) b.sample(t, t >= 26_000 ? { desired: 1, ready: 1 } : { desired: 4, ready: 4 });
    return b.end(43_000).build();
  }

  it('is one scale-down measured from the first drop, and it passes', () => {
    const result = analyze(timeline());
    expect(result.scaleDowns).toHaveLength(1);
    expect(result.scaleDowns[0]).toMatchObject({ loadChangeT: 20_000, toLevel: 0, outcome: 'scaled', settledDesired: 1 });
    expect(result.scaleDowns[0]!.readyAtSettled.valueMs).toBe(6000);
    expect(result.checks.find((c) => c.id === 'autoscaling.scale_down_time')!.status).toBe('pass');
  });
});

describe('with scale_down_until: gone, "finished" means the replicas were gone', () => {
  // 200 req/s until 20 s, 10 s at 20 req/s, then the load ends; ready 4 -> 1 at 24 s, running 4 -> 1 only at 35 s.
  function timeline(until: string) {
    const b = new TimelineBuilder({
      name: 'linger',
      provider: { name: 'fake', poll_interval: '1s' },
      load: { url: URL, start: 200, stages: [{ duration: '20s', rate: 200 }, { duration: '0s', rate: 20 }, { duration: '10s', rate: 20 }] },
      observe_after: '20s',
      targets: { autoscaling: { scale_down_time: '30s', scale_down_until: until, min_instances: 1 } },
    }).stagesFromProfile(0);
    for (let t = 0; t <= 50_000; t += 1000) b.sample(t, { desired: t >= 22_000 ? 1 : 4, ready: t >= 24_000 ? 1 : 4, running: t >= 35_000 ? 1 : 4 });
    return b.end(50_000).build();
  }

  it('merges the drop whose replicas were not gone when the load ended, and times "gone" from the first drop', () => {
    const gone = analyze(timeline('gone'));
    expect(gone.scaleDowns).toHaveLength(1);
    expect(gone.scaleDowns[0]).toMatchObject({ loadChangeT: 20_000, runningOutcome: 'scaled', runningAtSettled: { valueMs: 15_000 } });
    expect(gone.checks.find((c) => c.id === 'autoscaling.scale_down_time')).toMatchObject({ status: 'pass', measured: '15s' });
    // Checking "stopped receiving traffic", the first drop had finished (ready fell at 24 s): two episodes.
    expect(analyze(timeline('traffic-stopped')).scaleDowns).toHaveLength(2);
  });
});
