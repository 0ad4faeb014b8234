/**
 * Platform clocks from the timeline to the report: `clock` records (and platformStamped samples)
 * survive the reader's shape checks, the last estimate per source is what the report names, a
 * step is counted, and this machine's own wall clock steps are not mistaken for a platform's.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { clockNotes, platformClocks } from '../../../src/analysis/clocks.js';
import { parseTimeline } from '../../../src/timeline/reader.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';

function timelineWith(extra: object[]) {
  const records = [...new TimelineBuilder().sample(0, { desired: 1, ready: 1 }).end(10_000).records()];
  const [header, ...rest] = records;
  const lines = [header, ...extra, ...rest].map((r) => JSON.stringify(r)).join('\n');
  return parseTimeline(lines);
}

describe('platform clocks', () => {
  it('keeps the last estimate per source, counts steps, and leaves local wall steps out', () => {
    const tl = timelineWith([
      { kind: 'clock', t: 100, source: 'http-date:aws-ecs', offsetMs: 5200, boundMs: 500, observations: 1 },
      { kind: 'clock', t: 900, source: 'http-date:aws-ecs', offsetMs: 5003, boundMs: 8, observations: 30 },
      { kind: 'clock', t: 2000, source: 'local-wall', offsetMs: -4000, boundMs: 0, observations: 0, step: true },
      { kind: 'clock', t: 3000, source: 'http-date:aws-ecs', offsetMs: 8001, boundMs: 400, observations: 1, step: true },
      { kind: 'sample', t: 50, fetchedT: 60, resolutionMs: 16, source: 'ecs:tasks', ready: 1, platformStamped: true },
    ]);
    expect(tl.skippedLines).toBe(0);
    expect(tl.clocks).toHaveLength(4);
    expect(tl.samples.some((s) => s.platformStamped === true)).toBe(true);
    const clocks = platformClocks(tl);
    expect(clocks).toEqual([{ source: 'http-date:aws-ecs', offsetMs: 8001, boundMs: 400, observations: 1, steps: 1 }]);
    expect(clockNotes(clocks)[0]).toMatch(/http-date:aws-ecs\) 8s ahead of this machine's, ±400ms \(from 1 answer\); it stepped 1×/);
  });

  it('names a platform clock behind ours in the analysis notes, and in the result', () => {
    const tl = timelineWith([{ kind: 'clock', t: 100, source: 'http-date:kubernetes', offsetMs: -5000, boundMs: 12, observations: 20 }]);
    const result = analyze(tl);
    expect(result.platformClocks).toEqual([{ source: 'http-date:kubernetes', offsetMs: -5000, boundMs: 12, observations: 20, steps: 0 }]);
    expect(result.notes[0]).toMatch(/5s behind this machine's, ±12ms/);
  });

  it('skips a clock record of the wrong shape', () => {
    const tl = timelineWith([{ kind: 'clock', t: 100, source: 'http-date:x', offsetMs: 'soon', boundMs: 1, observations: 1 }]);
    expect(tl.skippedLines).toBe(1);
    expect(platformClocks(tl)).toEqual([]);
  });
});
