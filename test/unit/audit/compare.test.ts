import { describe, expect, it } from 'vitest';
import { allowedIncrease, compareMetrics, compareResults } from '../../../src/audit/compare.js';
import { readRun } from '../../../src/audit/history.js';
import type { RunMetrics } from '../../../src/audit/metrics.js';
import { renderComparisonMarkdown, renderComparisonText } from '../../../src/audit/render.js';
import { DEFAULT_TOLERANCES, tolerancesSchema } from '../../../src/audit/suite.js';
import { analyze } from '../../../src/analysis/index.js';
import { readTimeline } from '../../../src/timeline/reader.js';

const HISTORY = 'test/fixtures/timelines/history';
const run = (dir: string) => analyze(readTimeline(`${HISTORY}/${dir}`));

function metrics(over: Partial<Record<keyof RunMetrics['metrics'], number | null>>, id = 'r'): RunMetrics {
  const v = (x: number | null | undefined, d: number, marginMs = 0) => (x === null ? { value: null, marginMs: 0, missing: 'never ready' } : { value: x ?? d, marginMs });
  return {
    runId: id,
    profileName: 'p',
    startedAtWall: 0,
    verdict: 'pass',
    metrics: { scale_up_time: v(over.scale_up_time, 60_000, 5000), scale_down_time: v(over.scale_down_time, 120_000, 5000), peak_replicas: v(over.peak_replicas, 8), p95: v(over.p95, 200), error_rate: v(over.error_rate, 0.001) },
  };
}

describe('compare', () => {
  it('flags the recorded regressed run (slow scale-up, more replicas, slower, more errors)', () => {
    const c = compareResults(run('2026-01-12T0900-weekly-step'), run('2026-01-19T0900-weekly-step'));
    expect(c.regression).toBe(true);
    const by = Object.fromEntries(c.deltas.map((d) => [d.metric, d]));
    expect(by.scale_up_time!.status).toBe('regression');
    expect(by.scale_up_time!.delta).toBe(105_000);
    expect(by.scale_down_time!.status).toBe('ok');
    expect(by.peak_replicas!.status).toBe('regression');
    expect(by.p95!.status).toBe('regression');
    expect(by.error_rate!.status).toBe('regression');
    expect(renderComparisonText(c)).toContain('REGRESSION');
    expect(renderComparisonMarkdown(c)).toMatch(/^### ❌ Regression: weekly-step/);
  });

  it('passes two healthy runs of the same build', () => {
    const c = compareResults(run('2026-01-05T0900-weekly-step'), run('2026-01-12T0900-weekly-step'));
    expect(c.regression).toBe(false);
    expect(c.deltas.every((d) => d.status === 'ok' || d.status === 'improved')).toBe(true);
    expect(renderComparisonMarkdown(c)).toContain('✅ No regression');
  });

  it('uses the larger of the absolute and relative allowance', () => {
    expect(allowedIncrease(100_000, { increase: 30_000, ratio: 0.25 })).toBe(30_000);
    expect(allowedIncrease(200_000, { increase: 30_000, ratio: 0.25 })).toBe(50_000);
    expect(allowedIncrease(5, {})).toBe(0);
  });

  it('gives the current run the benefit of its measurement margin', () => {
    const tol = tolerancesSchema.parse({ scale_up_time: { increase: '10s' } });
    // 60 s -> 74 s with a 5 s margin: at the low end 69 s, only 9 s worse: not a regression.
    expect(compareMetrics(metrics({}), metrics({ scale_up_time: 74_000 }), tol).regression).toBe(false);
    expect(compareMetrics(metrics({}), metrics({ scale_up_time: 76_000 }), tol).regression).toBe(true);
  });

  it('treats "never ready" after a measured baseline as a regression, and the reverse as an improvement', () => {
    const worse = compareMetrics(metrics({}), metrics({ scale_up_time: null }));
    expect(worse.deltas[0]).toMatchObject({ status: 'regression', detail: 'was 1m, now never ready' });
    const better = compareMetrics(metrics({ scale_up_time: null }), metrics({}));
    expect(better.deltas[0]!.status).toBe('improved');
    expect(better.regression).toBe(false);
  });

  it('marks metrics missing on both sides unknown, never a regression', () => {
    const a = metrics({});
    const b = metrics({});
    a.metrics.p95 = b.metrics.p95 = { value: null, marginMs: 0, missing: 'no load' };
    const c = compareMetrics(a, b, DEFAULT_TOLERANCES);
    expect(c.deltas.find((d) => d.metric === 'p95')!.status).toBe('unknown');
    expect(c.regression).toBe(false);
  });

  it('reads the same metrics from a run folder as from the analysis', () => {
    const r = readRun(`${HISTORY}/2026-01-19T0900-weekly-step`);
    expect(r.source).toBe('timeline.ndjson');
    expect(r.metrics.scale_up_time.value).toBe(180_000);
  });
});
