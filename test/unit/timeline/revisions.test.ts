import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { renderMarkdownReport } from '../../../src/report/markdown.js';
import { renderJunit } from '../../../src/report/junit.js';
import { renderHtmlReport } from '../../../src/report/html/index.js';
import { buildJsonReport } from '../../../src/report/json.js';
import { renderTimelineCsv } from '../../../src/report/csv.js';
import { lastReadPerPoint } from '../../../src/timeline/revisions.js';
import type { SampleRecord } from '../../../src/timeline/types.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { stepProfile } from '../analysis/fixtures.js';

const read = (t: number, fetchedT: number, fields: Partial<SampleRecord>, source = 'cloud-monitoring:instance_count'): SampleRecord => ({
  kind: 'sample',
  t,
  fetchedT,
  resolutionMs: 60_000,
  source,
  ...fields,
});

describe('one value per metric point (lastReadPerPoint)', () => {
  it('keeps the last-fetched read of each (source, t) and counts the points revised per source', () => {
    const got = lastReadPerPoint([
      read(60_000, 61_000, { desired: 2, ready: 2 }),
      read(120_000, 121_000, { desired: 10, ready: 10 }),
      read(60_000, 65_000, { desired: 10, ready: 10 }),
      read(60_000, 70_000, { desired: 9, ready: 9 }),
      read(120_000, 125_000, { desired: 10, ready: 8 }),
    ]);
    expect(got.samples.map((s) => [s.t, s.fetchedT, s.desired, s.ready])).toEqual([
      [60_000, 70_000, 9, 9],
      [120_000, 125_000, 10, 8],
    ]);
    expect(got.revised).toEqual([{ source: 'cloud-monitoring:instance_count', points: 2, revisions: 3 }]);
  });

  it('replaces the whole record: a field the last read lacks is not taken from an earlier one', () => {
    const got = lastReadPerPoint([read(60_000, 61_000, { cpuPct: 97, running: 3 }, 'cloudwatch:CPUUtilization'), read(60_000, 66_000, { running: 3 }, 'cloudwatch:CPUUtilization')]);
    expect(got.samples).toEqual([read(60_000, 66_000, { running: 3 }, 'cloudwatch:CPUUtilization')]);
  });

  it('ignores a read fetched earlier than the one kept, and does not count an unchanged re-read as a revision', () => {
    const got = lastReadPerPoint([read(60_000, 70_000, { desired: 10 }), read(60_000, 61_000, { desired: 2 }), read(60_000, 75_000, { desired: 10 })]);
    expect(got.samples).toEqual([read(60_000, 75_000, { desired: 10 })]);
    expect(got.revised).toEqual([]);
  });

  it('keeps sources apart, and two points of one read at different times apart', () => {
    const got = lastReadPerPoint([read(60_000, 61_000, { desired: 3 }), read(60_000, 61_000, { cpuPct: 40 }, 'cloud-monitoring:cpu'), read(0, 61_000, { desired: 3 })]);
    expect(got.samples).toHaveLength(3);
    expect(got.revised).toEqual([]);
  });

  it('at equal fetchedT keeps the record written later, without calling it a revision', () => {
    const got = lastReadPerPoint([read(5000, 5000, { desired: 3 }, 'k8s:watch'), read(5000, 5000, { desired: 4 }, 'k8s:watch')]);
    expect(got.samples).toEqual([read(5000, 5000, { desired: 4 }, 'k8s:watch')]);
    expect(got.revised).toEqual([]);
  });
});

/** Load steps up at 10 s and ends at 70 s; replicas per minute from a metric source, resolution 60 s. */
function perMinute(targets: Record<string, unknown>, reads: Array<[t: number, fetchedT: number, desired: number]>) {
  const b = new TimelineBuilder(stepProfile(targets, { observe_after: '4m' })).stagesFromProfile(0);
  for (const [t, fetchedT, desired] of reads) b.sample(t, { desired, ready: desired }, { fetchedT, resolutionMs: 60_000, source: 'cloud-monitoring:instance_count' });
  return b.end(310_000).build();
}

describe('a revised point in the analysis and the reports', () => {
  // 10 instances all along; the minute ending at 120 s is first read as 2 (a late series) and corrected to 10.
  const reads: Array<[number, number, number]> = [
    [0, 60_000, 10],
    [60_000, 120_000, 10],
    [120_000, 180_000, 2],
    [180_000, 240_000, 10],
    [120_000, 241_000, 10],
    [240_000, 300_000, 10],
  ];

  it('a minute first read as 2 and corrected to 10 decides no scale-down, and scale_down_time fails', () => {
    const timeline = perMinute({ autoscaling: { scale_down_time: '2m', min_instances: 1 } }, reads);
    expect(timeline.samples.filter((s) => s.t === 120_000)).toHaveLength(1);
    const result = analyze(timeline);
    expect(result.replicas).toMatchObject({ minDesired: 10, maxDesired: 10, minReady: 10 });
    expect(result.scaleDowns[0]).toMatchObject({ loadChangeT: 70_000, outcome: 'no-scale', settledDesired: 10 });
    expect(result.checks.find((c) => c.id === 'autoscaling.scale_down_time')).toMatchObject({ status: 'fail' });
    expect(result.verdict).toBe('fail');
  });

  it('a provisional dip during steady load is no flap', () => {
    const steady = { name: 'steady', provider: { name: 'fake', poll_interval: '1s' }, load: { url: 'http://127.0.0.1:1', start: 50, stages: [{ duration: '6m', rate: 50 }] }, targets: { autoscaling: { max_flaps: 0 } } };
    const b = new TimelineBuilder(steady).stagesFromProfile(0, { loadEnd: false });
    const source = 'azure-monitor:containerApps';
    for (let t = 0; t <= 300_000; t += 60_000) {
      // The minute ending at 180 s is first read as 3 (provisional), then corrected to 5.
      if (t === 180_000) b.sample(t, { desired: 3, ready: 3 }, { fetchedT: t + 20_000, resolutionMs: 60_000, source });
      b.sample(t, { desired: 5, ready: 5 }, { fetchedT: t + 60_000, resolutionMs: 60_000, source });
    }
    const result = analyze(b.end(360_000).build());
    expect(result.flapping.flaps).toEqual([]);
    expect(result.checks.find((c) => c.id === 'autoscaling.max_flaps')).toMatchObject({ status: 'pass', measured: '0 flaps' });
  });

  it('is a note in every report that shows notes, and one value in the CSV', () => {
    const timeline = perMinute({}, reads);
    const result = analyze(timeline);
    const note = 'cloud-monitoring:instance_count revised 1 point after first read: each counts once, at its last-read value (the timeline keeps every read)';
    expect(result.notes).toContain(note);
    const ctx = { header: timeline.header, target: null };
    expect(renderMarkdownReport(result, ctx)).toContain(`- ${note}`);
    expect(renderJunit(result)).toContain(note);
    expect(renderHtmlReport(timeline, result)).toContain(`<li>${note}</li>`);
    expect(buildJsonReport(result, ctx).notes).toContain(note);
    const desired = renderTimelineCsv(timeline)
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[14]);
    expect(new Set(desired)).toEqual(new Set(['10']));
  });
});
