import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, renderTimelineCsv } from '../../../src/report/csv.js';
import { parseTimeline } from '../../../src/timeline/reader.js';
import { syntheticRecords, toNdjson } from '../../fixtures/timelines/synthetic.js';

const timeline = parseTimeline(toNdjson(syntheticRecords({ durationS: 300, loadEndS: 240, pollMs: 10_000, steps: [{ atS: 0, rate: 10 }, { atS: 60, rate: 100 }], gaps: [{ fromS: 200, toS: 230 }], requests: {} })));

describe('renderTimelineCsv', () => {
  const csv = renderTimelineCsv(timeline);
  const rows = csv.trimEnd().split('\n').map((l) => l.split(','));
  const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);

  it('has the header and one row per second', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.length - 1).toBe(300);
    expect(rows[1]![col('t_s')]).toBe('0');
    expect(rows[1]![col('time_utc')]).toBe(new Date(timeline.header.startedAtWall).toISOString());
  });

  it('puts each window in its second', () => {
    expect(rows[1 + 30]![col('planned')]).toBe('10');
    expect(rows[1 + 90]![col('planned')]).toBe('100');
    expect(Number(rows[1 + 90]![col('p95_ms')])).toBeGreaterThan(0);
    expect(rows[1 + 250]![col('sent')]).toBe(''); // load ended at 240 s
  });

  it('carries samples forward between polls and leaves gaps empty', () => {
    const sampleAt = (t: number) => timeline.samples.find((s) => s.t === t)!;
    expect(rows[1 + 15]![col('desired')]).toBe(String(sampleAt(10_000).desired));
    expect(rows[1 + 19]![col('cpu_pct')]).toBe(String(sampleAt(10_000).cpuPct));
    expect(rows[1 + 210]![col('desired')]).toBe('');
    expect(rows[1 + 240]![col('desired')]).toBe(String(sampleAt(240_000).desired));
  });
});
