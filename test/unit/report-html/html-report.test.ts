import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { renderSummaryChartSvg } from '../../../src/report/chart-image.js';
import { renderHtmlReport } from '../../../src/report/html/index.js';
import { readTimeline } from '../../../src/timeline/reader.js';

const timeline = readTimeline('test/fixtures/timelines/step-up.ndjson');
const result = analyze(timeline);
const html = renderHtmlReport(timeline, result);

describe('renderHtmlReport', () => {
  it('is one self-contained file: no script, no external reference, a CSP that forbids fetching', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(?:src|href)="(?!data:|#)/i);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/i);
    expect(html).toContain("default-src 'none'");
  });

  it('puts the verdict table first, then the charts in order, then the per-request table', () => {
    const at = (s: string) => html.indexOf(s);
    expect(at('data-table="verdict"')).toBeGreaterThan(0);
    const order = ['data-table="verdict"', 'data-chart="rate"', 'data-chart="latency"', 'data-chart="errors"', 'data-chart="replicas"', 'data-chart="resources"', 'data-table="requests"'].map(at);
    expect(order.every((v) => v > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const c of result.checks) expect(html).toContain(`<code>${c.id}</code>`);
    expect(html).toContain('<code>search</code>');
    expect(html).toContain('<code>checkout</code>');
  });

  it('draws one span per scaling transition, with its phase times', () => {
    const spans = [...html.matchAll(/<g data-span="(scale-up|scale-down)"[^>]*data-span-start-t="(\d+)" data-span-decided-t="(\d*)" data-span-end-t="(\d+)"/g)];
    expect(spans).toHaveLength(result.scaleUps.length + result.scaleDowns.length);
    const ups = spans.filter((s) => s[1] === 'scale-up').map((s) => [Number(s[2]), Number(s[3]), Number(s[4])]);
    expect(ups).toEqual(result.scaleUps.map((u) => [u.loadChangeT, u.firstDesiredIncrease.atT, u.readyAtPeak.atT]));
  });

  it('marks stage boundaries, gaps and scaling events on every chart', () => {
    const figures = html.split('<figure').slice(1);
    expect(figures).toHaveLength(5);
    for (const f of figures) {
      expect(f).toContain('data-marker="stage" data-t="120000"');
      expect(f).toContain('data-marker="gap" data-t="1000000"');
      expect(f).toMatch(/data-marker="event" data-event-type="scale-up"/);
    }
  });

  it('escapes names from the timeline', () => {
    const evil = { ...result, profileName: '<img src=x onerror=alert(1)>' };
    const out = renderHtmlReport(timeline, evil);
    expect(out).not.toContain('<img src=x');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('renders the compact chart image for the Markdown summary', () => {
    const svg = renderSummaryChartSvg(timeline, result);
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('width="800"');
    expect(svg.match(/<g data-span=/g)).toHaveLength(4);
  });
});
