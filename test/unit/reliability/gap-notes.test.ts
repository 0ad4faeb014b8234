import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';

describe('gap notes', () => {
  it('one note per outage: per-poll gap records are merged, each distinct reason kept', () => {
    const b = new TimelineBuilder();
    b.sample(0, { desired: 1, ready: 1 });
    for (let t = 1000; t < 5000; t += 1000) b.gap(t, t + 1000, t < 3000 ? 'throttled' : 'timeout');
    b.gap(9000, 9500, 'bad-response').end(10_000);
    const gaps = analyze(b.build()).notes.filter((n) => n.startsWith('no platform data'));
    expect(gaps).toEqual(['no platform data from 1s to 5s: throttled; timeout', 'no platform data from 9s to 9.5s: bad-response']);
  });

  it('beyond 20 outages, the rest are summed up with every reason named', () => {
    const b = new TimelineBuilder();
    for (let i = 0; i < 25; i++) b.gap(i * 10_000, i * 10_000 + 2000, i === 24 ? 'credentials expired' : 'timeout');
    const notes = analyze(b.end(300_000).build()).notes;
    expect(notes.filter((n) => n.startsWith('no platform data'))).toHaveLength(20);
    expect(notes.find((n) => n.startsWith('... and 5 more gaps'))).toBe('... and 5 more gaps in platform data (10s in all, from 3m20s to 4m2s): timeout (4×); credentials expired (1×)');
  });
});
