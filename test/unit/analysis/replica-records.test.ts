/**
 * Scale-up milestones seen in per-minute points are sharpened with per-replica records (Cloud
 * Run's "Starting new instance" and STARTUP-probe log lines), and only when the records fit.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { stepProfile } from './fixtures.js';

const MINUTE = 60_000;

/** Load steps up at 10 s; per-minute points (ALIGN_MAX, at the end of each minute) show 1 -> 4 in the minute ending at 60 s. */
function minutePoints(): TimelineBuilder {
  const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
  b.sample(0, { desired: 1, ready: 1 }, { resolutionMs: MINUTE });
  b.sample(MINUTE, { desired: 4, ready: 4 }, { resolutionMs: MINUTE });
  b.sample(2 * MINUTE, { desired: 4, ready: 4 }, { resolutionMs: MINUTE });
  return b;
}

/** Three instances started at 21 s, 22 s, 23 s and ready 9 s later. */
function withInstanceLogs(b: TimelineBuilder): TimelineBuilder {
  for (const s of [21_000, 22_000, 23_000]) b.event(s, 'scale-up', 'Starting new instance. Reason: AUTOSCALING');
  for (const r of [30_000, 31_500, 32_000]) b.event(r, 'replica-ready', 'Default STARTUP TCP probe succeeded');
  return b;
}

describe('sharpening scale-up milestones with per-replica records', () => {
  it('without records, a per-minute point bounds the milestone only to its minute', () => {
    const up = analyze(minutePoints().end(130_000).build()).scaleUps[0]!;
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 50_000, marginMs: 50_000, atT: MINUTE });
    expect(up.readyAtPeak).toEqual({ valueMs: 50_000, marginMs: 50_000, atT: MINUTE });
  });

  it('takes the first start and the third probe success inside the minute', () => {
    const up = analyze(withInstanceLogs(minutePoints()).end(130_000).build()).scaleUps[0]!;
    expect(up.outcome).toBe('scaled');
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 11_000, marginMs: 0, atT: 21_000 });
    // ready was 1 at the previous point and 4 at this one: the third ready record is the moment.
    expect(up.readyAtPeak).toEqual({ valueMs: 22_000, marginMs: 0, atT: 32_000 });
  });

  it('keeps the record’s own resolution as the margin', () => {
    const b = minutePoints();
    b.event(21_000, 'scale-up', 'start', { resolutionMs: 1000 });
    const up = analyze(b.end(130_000).build()).scaleUps[0]!;
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 11_000, marginMs: 1000, atT: 21_000 });
  });

  it('keeps the coarse measure when the record is no sharper than the point', () => {
    const b = minutePoints();
    b.event(21_000, 'scale-up', 'start', { resolutionMs: MINUTE });
    const up = analyze(b.end(130_000).build()).scaleUps[0]!;
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 50_000, marginMs: 50_000, atT: MINUTE });
  });

  it('keeps the coarse measure when too few replicas were recorded ready', () => {
    const b = minutePoints();
    b.event(21_000, 'scale-up', 'start').event(30_000, 'replica-ready', 'probe').event(31_000, 'replica-ready', 'probe');
    const up = analyze(b.end(130_000).build()).scaleUps[0]!;
    expect(up.firstDesiredIncrease.atT).toBe(21_000);
    expect(up.readyAtPeak).toEqual({ valueMs: 50_000, marginMs: 50_000, atT: MINUTE });
  });

  it('keeps the coarse measure when a replica stopped in the interval (the count would be wrong)', () => {
    const b = withInstanceLogs(minutePoints()).event(25_000, 'replica-stopped', 'gone');
    const up = analyze(b.end(130_000).build()).scaleUps[0]!;
    expect(up.readyAtPeak).toEqual({ valueMs: 50_000, marginMs: 50_000, atT: MINUTE });
  });

  it('ignores records before the load change', () => {
    const b = minutePoints().event(5_000, 'scale-up', 'Starting new instance. Reason: AUTOSCALING');
    const up = analyze(b.end(130_000).build()).scaleUps[0]!;
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 50_000, marginMs: 50_000, atT: MINUTE });
  });

  it('never touches point reads: their own time is already as good as a record', () => {
    const b = new TimelineBuilder(stepProfile()).stagesFromProfile(0);
    for (let t = 0; t < 70_000; t += 5000) b.sample(t, t >= 40_000 ? { desired: 4, ready: 4 } : { desired: 1, ready: 1 });
    const up = analyze(withInstanceLogs(b).end(70_000).build()).scaleUps[0]!;
    expect(up.firstDesiredIncrease).toEqual({ valueMs: 30_000, marginMs: 5000, atT: 40_000 });
    expect(up.readyAtPeak).toEqual({ valueMs: 30_000, marginMs: 5000, atT: 40_000 });
  });
});
