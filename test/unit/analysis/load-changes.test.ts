import { describe, expect, it } from 'vitest';
import { findLoadChanges } from '../../../src/analysis/load-changes.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { URL } from './fixtures.js';

const changes = (stages: Array<{ duration: string; rate: number }>, start = 0, endT = 1_000_000) =>
  findLoadChanges(new TimelineBuilder({ load: { url: URL, start, stages } }).stagesFromProfile(0).build(), endT).map((c) => [c.direction, c.t, c.fromLevel, c.toLevel, c.windowEndT]);

describe('load changes', () => {
  it('merges consecutive rising stages: a ramp 10 -> 100 -> 500 is one increase', () => {
    expect(changes([{ duration: '10s', rate: 100 }, { duration: '10s', rate: 500 }, { duration: '30s', rate: 500 }], 10)).toEqual([
      ['increase', 0, 10, 500, 50_000],
      ['decrease', 50_000, 500, 0, 1_000_000],
    ]);
  });

  it('starts a new episode for a rise after a hold; the hold stays in the first window', () => {
    expect(changes([{ duration: '10s', rate: 100 }, { duration: '20s', rate: 100 }, { duration: '0s', rate: 400 }, { duration: '20s', rate: 400 }])).toEqual([
      ['increase', 0, 0, 100, 30_000],
      ['increase', 30_000, 100, 400, 50_000],
      ['decrease', 50_000, 400, 0, 1_000_000],
    ]);
  });

  it('merges a ramp down with the end of the load, and a ramp down to 0 needs no extra drop', () => {
    expect(changes([{ duration: '0s', rate: 200 }, { duration: '10s', rate: 200 }, { duration: '10s', rate: 50 }])).toEqual([
      ['increase', 0, 0, 200, 10_000],
      ['decrease', 10_000, 200, 0, 1_000_000],
    ]);
    expect(changes([{ duration: '10s', rate: 200 }, { duration: '10s', rate: 0 }, { duration: '10s', rate: 0 }])).toEqual([
      ['increase', 0, 0, 200, 10_000],
      ['decrease', 10_000, 200, 0, 1_000_000],
    ]);
  });

  it('treats load.start as the level already running: a constant load only has its end', () => {
    expect(changes([{ duration: '1m', rate: 50 }], 50)).toEqual([['decrease', 60_000, 50, 0, 1_000_000]]);
  });

  it('ignores stages that never started (interrupted run) and a load end at the end of the timeline', () => {
    expect(changes([{ duration: '10s', rate: 100 }, { duration: '10s', rate: 100 }, { duration: '0s', rate: 300 }], 0, 15_000)).toEqual([
      ['increase', 0, 0, 100, 15_000],
    ]);
  });
});
