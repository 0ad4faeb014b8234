/**
 * A 24-hour run (86,400 one-second windows) still gives every report, and a small HTML file.
 * How long that takes is measured by bench/report-24h.ts, never asserted here.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { renderSummaryChartSvg } from '../../../src/report/chart-image.js';
import { renderTimelineCsv } from '../../../src/report/csv.js';
import { renderHtmlReport } from '../../../src/report/html/index.js';
import { renderJunit } from '../../../src/report/junit.js';
import { buildTimeline } from '../../../src/timeline/build.js';
import { dayLongOptions, syntheticRecords } from '../../fixtures/timelines/synthetic.js';

describe('24-hour timeline', () => {
  it('renders every report and keeps the HTML small', () => {
    const timeline = buildTimeline(syntheticRecords(dayLongOptions()));
    expect(timeline.load).toHaveLength(86_400 - 1800);
    const result = analyze(timeline);
    const html = renderHtmlReport(timeline, result);
    expect(html.length).toBeLessThan(3_000_000);
    expect(html.match(/<figure class="chart"/g)).toHaveLength(5);
    expect(html.match(/<g data-span=/g)!.length).toBe(result.scaleUps.length + result.scaleDowns.length);
    expect(renderTimelineCsv(timeline).split('\n').length).toBe(86_400 + 2);
    expect(renderJunit(result)).toContain('<testsuites');
    expect(renderSummaryChartSvg(timeline, result)).toContain('<svg');
  }, 60_000);
});
