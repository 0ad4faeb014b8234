import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { URL, pair, stepProfile, stepReplicas, stepTimeline } from './fixtures.js';

describe('scale-up', () => {
  it('measures a 10 -> 300 req/s step polled every second', () => {
    const result = analyze(stepTimeline().end(70_000).build());
    expect(result.scaleUps).toHaveLength(1);
    const up = result.scaleUps[0]!;
    expect(up).toMatchObject({ loadChangeT: 10_000, fromLevel: 10, toLevel: 300, baselineReplicas: 2, peakDesired: 5, windowEndT: 70_000, outcome: 'scaled' });
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 3000, marginMs: 1000, atT: 13_000 });
    expect(up.readyAtPeak).toEqual({ valueMs: 8000, marginMs: 1000, atT: 18_000 });
    expect(up.utilizationAboveTarget).toBeNull();
  });

  it('adds the source resolution to the margin', () => {
    const up = analyze(stepTimeline({}, { resolutionMs: 500 }).end(70_000).build()).scaleUps[0]!;
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 3000, marginMs: 1500, atT: 13_000 });
    expect(up.readyAtPeak).toEqual({ valueMs: 8000, marginMs: 1500, atT: 18_000 });
  });

  it('caps the margin at the value when the previous sample is before the change', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
    b.sample(0, { desired: 2, ready: 2 }).sample(12_000, { desired: 4, ready: 4 }, { resolutionMs: 60_000 }).end(70_000);
    const up = analyze(b.build()).scaleUps[0]!;
    expect(up.readyAtPeak).toEqual({ valueMs: 2000, marginMs: 2000, atT: 12_000 });
  });

  it('uses the field’s own previous sample for the margin when sources interleave', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
    for (let t = 0; t < 70_000; t += 5000) b.sample(t, { desired: t >= 15_000 ? 4 : 2 }, { source: 'hpa' });
    for (let t = 0; t < 70_000; t += 2000) b.sample(t + 500, { ready: t >= 20_000 ? 4 : 2 }, { source: 'deployment', resolutionMs: 1000 });
    const up = analyze(b.end(70_000).build()).scaleUps[0]!;
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 5000, marginMs: 5000, atT: 15_000 });
    expect(up.readyAtPeak).toEqual({ valueMs: 10_500, marginMs: 3000, atT: 20_500 });
  });

  it('times utilization above the CPU target when there are CPU samples', () => {
    const b = new TimelineBuilder(stepProfile({ cpu: { target: '70%' } })).stagesFromProfile(0);
    for (let t = 0; t < 70_000; t += 1000) b.sample(t, { ...pair(stepReplicas(t)), cpuPct: t >= 11_000 && t < 20_000 ? 95 : 70 }, { resolutionMs: 250 });
    const up = analyze(b.end(70_000).build()).scaleUps[0]!;
    expect(up.utilizationAboveTarget).toEqual({ valueMs: 1000, marginMs: 1000, atT: 11_000 });
  });

  it('merges consecutive rising stages into one episode and splits at a hold followed by a rise', () => {
    const profile = {
      load: {
        url: URL,
        stages: [
          { duration: '10s', rate: 100 },
          { duration: '10s', rate: 500 },
          { duration: '20s', rate: 500 },
          { duration: '10s', rate: 800 },
          { duration: '20s', rate: 800 },
        ],
      },
    };
    const b = new TimelineBuilder(profile).stagesFromProfile(5000);
    for (let t = 0; t <= 90_000; t += 1000) {
      const desired = t >= 50_000 ? 8 : t >= 15_000 ? 5 : 1;
      const ready = t >= 56_000 ? 8 : t >= 22_000 ? 5 : 1;
      b.sample(t, { desired, ready });
    }
    const result = analyze(b.end(90_000).build());
    expect(result.scaleUps.map((u) => [u.loadChangeT, u.fromLevel, u.toLevel, u.windowEndT, u.peakDesired, u.readyAtPeak.valueMs])).toEqual([
      [5000, 0, 500, 45_000, 5, 17_000],
      [45_000, 500, 800, 75_000, 8, 11_000],
    ]);
    expect(result.scaleDowns.map((d) => [d.loadChangeT, d.fromLevel, d.toLevel, d.windowEndT])).toEqual([[75_000, 800, 0, 90_000]]);
  });

  it('says no-scale when desired never rose', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
    for (let t = 0; t < 70_000; t += 1000) b.sample(t, { desired: 2, ready: 2 });
    const up = analyze(b.end(70_000).build()).scaleUps[0]!;
    expect(up.outcome).toBe('no-scale');
    expect(up.peakDesired).toBe(2);
    expect(up.firstDesiredIncrease.valueMs).toBeNull();
    expect(up.readyAtPeak.valueMs).toBeNull();
  });

  it('says incomplete when ready never caught up before the window ended', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
    for (let t = 0; t < 70_000; t += 1000) b.sample(t, { desired: t >= 13_000 ? 5 : 2, ready: t >= 20_000 ? 4 : 2 }).load(t, { latenciesMs: [5] });
    const up = analyze(b.end(70_000).build()).scaleUps[0]!;
    expect(up.outcome).toBe('incomplete');
    expect(up.firstDesiredIncrease.valueMs).toBe(3000);
    expect(up.readyAtPeak).toEqual({ valueMs: null, marginMs: 0, atT: null });
    expect(up.during).toMatchObject({ fromT: 10_000, toT: 70_000, completed: 60 });
  });

  it('says unknown when a gap covers the interval the milestone fell in', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
    for (let t = 0; t < 70_000; t += 1000) if (t < 14_000 || t > 19_000) b.sample(t, pair(stepReplicas(t)));
    b.gap(14_500, 19_500, 'throttled by the API');
    const result = analyze(b.end(70_000).build());
    const up = result.scaleUps[0]!;
    expect(up.outcome).toBe('unknown');
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 3000, marginMs: 1000, atT: 13_000 });
    // Seen at 20 s, after the gap: the value is an upper bound only, never one invented inside the gap.
    expect(up.readyAtPeak).toEqual({ valueMs: 10_000, marginMs: 7000, atT: 20_000 });
    expect(result.notes).toContain('no platform data from 14.5s to 19.5s: throttled by the API');
  });

  it('says unknown, not no-scale, when desired was not seen to rise but a gap hides part of the window', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
    for (let t = 0; t < 70_000; t += 1000) if (t < 30_000) b.sample(t, { desired: 2, ready: 2 });
    b.gap(30_000, 70_000);
    expect(analyze(b.end(70_000).build()).scaleUps[0]!.outcome).toBe('unknown');
  });

  it('says unknown when there is no sample before the change', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
    for (let t = 11_000; t < 70_000; t += 1000) b.sample(t, pair(stepReplicas(t)));
    const up = analyze(b.end(70_000).build()).scaleUps[0]!;
    expect(up.outcome).toBe('unknown');
    expect(up.baselineReplicas).toBeNull();
  });

  it('sorts late, out-of-order samples by their platform time', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
    const times = Array.from({ length: 70 }, (_, i) => i * 1000);
    // Samples written in fetch order, each metric arriving up to 4 s late and out of order.
    const order = [...times].sort((x, y) => ((x * 7919) % 5000) - ((y * 7919) % 5000) || x - y);
    for (const t of order) b.sample(t, pair(stepReplicas(t)), { fetchedT: t + ((t * 7919) % 5000) });
    const records = b.end(70_000).records();
    const timeline = { ...b.build(), samples: records.filter((r) => r.kind === 'sample') };
    const up = analyze(timeline).scaleUps[0]!;
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 3000, marginMs: 1000, atT: 13_000 });
    expect(up.readyAtPeak).toEqual({ valueMs: 8000, marginMs: 1000, atT: 18_000 });
  });

  it('rebuilds the load changes from the profile when the timeline has no stage records', () => {
    const b = new TimelineBuilder(stepProfile()).phase(2000, 'load');
    for (let t = 0; t < 90_000; t += 1000) b.sample(t, pair(stepReplicas(t - 2000)));
    const result = analyze(b.end(90_000).build());
    expect(result.scaleUps.map((u) => [u.loadChangeT, u.readyAtPeak.valueMs])).toEqual([[12_000, 8000]]);
    expect(result.scaleDowns.map((d) => d.loadChangeT)).toEqual([72_000]);
  });

  it('slices the load during the scale-up, from the change until ready reached the peak', () => {
    const b = stepTimeline();
    for (let t = 0; t < 70_000; t += 1000) b.load(t, { latenciesMs: t >= 10_000 && t < 18_000 ? [1.5, 1.9] : [0.2, 0.3] });
    const up = analyze(b.end(70_000).build()).scaleUps[0]!;
    expect(up.during).toMatchObject({ fromT: 10_000, toT: 18_000, completed: 16, throughput: 2 });
    // Below 2.048 ms every microsecond is its own hdr bucket: exact.
    expect(up.during!.latency).toMatchObject({ count: 16, p50: 1.5, max: 1.9 });
  });
});
