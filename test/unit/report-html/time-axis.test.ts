import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import { parseTimeline } from '../../../src/timeline/reader.js';
import { renderChartSvg } from '../../../src/report/html/chart.js';
import { chartSpecs } from '../../../src/report/html/charts.js';
import { formatAxisTime, timeAxisFor, xOf } from '../../../src/report/html/time-axis.js';
import { syntheticRecords, toNdjson } from '../../fixtures/timelines/synthetic.js';

const timeline = parseTimeline(toNdjson(syntheticRecords({ durationS: 600, steps: [{ atS: 0, rate: 10 }, { atS: 60, rate: 100 }], requests: {} })));

describe('shared time axis', () => {
  it('spans the whole run and maps t linearly onto the plot', () => {
    const axis = timeAxisFor(timeline);
    expect(axis.fromT).toBe(0);
    expect(axis.toT).toBe(600_000);
    expect(xOf(axis, 0)).toBe(axis.left);
    expect(xOf(axis, 600_000)).toBe(axis.right);
    expect(xOf(axis, 300_000)).toBe((axis.left + axis.right) / 2);
  });

  it('agrees with the pixel mapping ECharts itself uses for the same grid', () => {
    const axis = timeAxisFor(timeline);
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: axis.width, height: 200 });
    chart.setOption({ grid: { left: axis.left, right: axis.width - axis.right, top: 34, bottom: 30, outerBoundsMode: 'none' }, xAxis: { type: 'value', min: axis.fromT, max: axis.toT }, yAxis: { type: 'value' }, series: [{ type: 'line', data: [[0, 1], [600_000, 99_999]] }] });
    for (const t of [0, 123_000, 600_000]) expect(chart.convertToPixel({ xAxisIndex: 0 }, t)).toBeCloseTo(xOf(axis, t), 3);
    chart.dispose();
  });

  it('draws every chart with the same x range and plot edges', () => {
    const axis = timeAxisFor(timeline);
    for (const spec of Object.values(chartSpecs(timeline))) {
      const svg = renderChartSvg(spec, axis);
      expect(svg).toMatch(/^<svg[^>]+width="1100"/);
      expect(svg).toContain('</g></svg>');
    }
  });

  it('labels ticks as durations', () => {
    expect(formatAxisTime(0)).toBe('0');
    expect(formatAxisTime(90_000)).toBe('1m30s');
    expect(formatAxisTime(3_600_000)).toBe('1h');
  });
});
