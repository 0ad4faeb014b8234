import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../../src/audit/history.js';
import { renderTrendMarkdown, renderTrendText } from '../../../src/audit/render.js';
import { buildTrend, pickBaseline } from '../../../src/audit/trend.js';
import { analyze } from '../../../src/analysis/index.js';
import { renderJsonReport } from '../../../src/report/json.js';
import { readTimeline } from '../../../src/timeline/reader.js';
import { UsageError } from '../../../src/errors.js';

const FIXTURE = path.resolve('test/fixtures/timelines/history');
let tmp: string;

beforeAll(() => {
  // A history as the audit leaves it: older runs kept as report.json only, newer ones with a
  // timeline, plus a folder that is neither.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-history-'));
  for (const name of fs.readdirSync(FIXTURE)) {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    const src = path.join(FIXTURE, name, 'timeline.ndjson');
    if (name.startsWith('2026-01-05') || name.startsWith('2026-01-12')) {
      const timeline = readTimeline(src);
      fs.writeFileSync(path.join(dir, 'report.json'), renderJsonReport(analyze(timeline), { header: timeline.header, target: timeline.target?.description ?? null }));
    } else fs.copyFileSync(src, path.join(dir, 'timeline.ndjson'));
  }
  fs.mkdirSync(path.join(tmp, 'notes'));
  fs.writeFileSync(path.join(tmp, 'notes', 'README.txt'), 'not a run');
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('history', () => {
  it('reads report.json or timeline.ndjson per run, oldest first, and lists what it skipped', () => {
    const h = readHistory(tmp);
    expect(h.runs.map((r) => [r.runId, r.source])).toEqual([
      ['w1', 'report.json'],
      ['w2', 'report.json'],
      ['w3', 'timeline.ndjson'],
      ['w4', 'timeline.ndjson'],
    ]);
    expect(h.skipped).toEqual([{ dir: path.join(tmp, 'notes'), reason: 'no report.json or timeline.ndjson' }]);
  });

  it('builds a trend that shows the known regression in w3 and its recovery in w4', () => {
    const trend = buildTrend(readHistory(tmp).runs);
    const rows = trend.profiles['weekly-step']!;
    expect(rows).toHaveLength(4);
    expect(rows[0]!.vsPrevious).toBeNull();
    expect(rows[2]!.status).toMatchObject({ scale_up_time: 'regression', peak_replicas: 'regression', p95: 'regression', error_rate: 'regression', scale_down_time: 'ok' });
    expect(rows[3]!.status.scale_up_time).toBe('improved');
    expect(trend.regression).toBe(false); // the latest run is fine again
    const text = renderTrendText(trend);
    expect(text).toContain('3m !');
    expect(text).toContain('no regression in the latest runs');
    const md = renderTrendMarkdown(trend);
    expect(md).toContain('| 2026-01-19 09:00 | `w3` |');
    expect(md).toContain('3m ❌');
  });

  it('flags a regression when the latest run is the bad one', () => {
    const runs = readHistory(tmp).runs.filter((r) => r.runId !== 'w4');
    expect(buildTrend(runs).regression).toBe(true);
  });

  it('picks the previous run of the same profile as baseline, or a named run', () => {
    const runs = readHistory(tmp).runs;
    const w3 = runs.find((r) => r.runId === 'w3')!;
    expect(pickBaseline(runs, w3)!.runId).toBe('w2');
    expect(pickBaseline(runs, w3, '2026-01-05T0900-weekly-step')!.runId).toBe('w1');
    expect(pickBaseline(runs, w3, 'w1')!.runId).toBe('w1');
    expect(pickBaseline(runs, runs[0]!)).toBeNull();
  });

  it('refuses a missing folder with a usage error', () => {
    expect(() => readHistory(path.join(tmp, 'nope'))).toThrow(UsageError);
  });
});
