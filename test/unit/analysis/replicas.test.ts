import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { findFlaps } from '../../../src/analysis/flapping.js';
import type { LoadChange } from '../../../src/analysis/load-changes.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { stepTimeline } from './fixtures.js';

const points = (list: Array<[number, number]>) => list.map(([t, value]) => ({ t, value, resolutionMs: 0 }));

describe('replica stats', () => {
  it('gives min/max desired and ready, the ready replica-seconds step integral, CPU and memory', () => {
    const b = new TimelineBuilder();
    b.sample(0, { desired: 2, ready: 1, cpuPct: 40, memPct: 30 })
      .sample(10_000, { desired: 4, ready: 2, cpuPct: 90 })
      .sample(20_000, { desired: 4, ready: 4, cpuPct: 50, memPct: 50 })
      .end(30_000);
    const result = analyze(b.build());
    expect(result.replicas).toEqual({ minDesired: 2, maxDesired: 4, minReady: 1, maxReady: 4, readyReplicaSeconds: 1 * 10 + 2 * 10 + 4 * 10 });
    expect(result.cpu).toEqual({ meanPct: 60, maxPct: 90 });
    expect(result.memory).toEqual({ meanPct: 40, maxPct: 50 });
  });

  it('is null without samples, and says so', () => {
    const result = analyze(new TimelineBuilder().end(1000).build());
    expect(result.replicas).toEqual({ minDesired: null, maxDesired: null, minReady: null, maxReady: null, readyReplicaSeconds: null });
    expect(result.cpu).toEqual({ meanPct: null, maxPct: null });
    expect(result.notes).toContain('no platform samples: replicas and scaling could not be measured');
  });
});

describe('flapping', () => {
  it('counts each reversal of desired closer than the window', () => {
    const desired = points([[0, 2], [10_000, 3], [20_000, 3], [30_000, 2], [40_000, 3], [400_000, 2]]);
    expect(findFlaps(desired, [], 60_000)).toEqual({
      windowMs: 60_000,
      flaps: [
        { firstT: 10_000, secondT: 30_000, first: 'up' },
        { firstT: 30_000, secondT: 40_000, first: 'down' },
      ],
      loadDriven: [],
    });
  });

  it('does not count a reversal that follows the load (up during a spike, down after it)', () => {
    const desired = points([[0, 2], [10_000, 5], [50_000, 2]]);
    const changes: LoadChange[] = [
      { direction: 'increase', t: 5000, fromLevel: 0, toLevel: 100, windowEndT: 40_000 },
      { direction: 'decrease', t: 40_000, fromLevel: 100, toLevel: 0, windowEndT: 100_000 },
    ];
    expect(findFlaps(desired, changes, 300_000)).toEqual({ windowMs: 300_000, flaps: [], loadDriven: [{ firstT: 10_000, secondT: 50_000, first: 'up' }] });
  });

  it('uses analysis.flap_window from the profile and feeds max_flaps', () => {
    const b = new TimelineBuilder({ provider: { name: 'fake' }, analysis: { flap_window: '1m' }, targets: { autoscaling: { max_flaps: 1 } } });
    [2, 3, 2, 3, 2].forEach((d, i) => b.sample(i * 20_000, { desired: d, ready: d }));
    const result = analyze(b.end(100_000).build());
    expect(result.flapping.windowMs).toBe(60_000);
    expect(result.flapping.flaps).toHaveLength(3);
    expect(result.checks).toEqual([
      {
        id: 'autoscaling.max_flaps',
        target: 'flaps <= 1 (within 1m)',
        measured: '3 flaps',
        status: 'fail',
        detail: 'desired replicas reversed: up at 20s then back at 40s; down at 40s then back at 1m; up at 1m then back at 1m20s',
      },
    ]);
  });

  it('finds no flaps in a clean step', () => {
    expect(analyze(stepTimeline().end(70_000).build()).flapping.flaps).toEqual([]);
  });
});
