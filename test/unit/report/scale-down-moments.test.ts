/**
 * Both scale-down moments in every report format, from one analysed timeline: the surplus stops
 * receiving traffic (ready 5 -> 1 at 175 s) and lingers until it is gone (running 5 -> 1 at
 * 300 s); the load ends at 70 s. Without a running series "gone" is left out, never shown as `?`.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { buildJsonReport } from '../../../src/report/json.js';
import { renderJunit } from '../../../src/report/junit.js';
import { renderMarkdownReport } from '../../../src/report/markdown.js';
import { renderSummaryMarkdown } from '../../../src/report/summary-markdown.js';
import { renderSummaryTable } from '../../../src/report/summary-table.js';
import { renderHtmlReport } from '../../../src/report/html/index.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';
import { stepProfile, stepReplicas } from '../analysis/fixtures.js';

function lingering(withRunning: boolean) {
  const b = new TimelineBuilder(stepProfile({ autoscaling: { scale_down_time: '4m', scale_down_until: 'gone' } }, { observe_after: '330s' })).stagesFromProfile(0);
  for (let t = 0; t <= 400_000; t += 5000) {
    const [desired, ready] = t <= 70_000 ? stepReplicas(t) : [t >= 100_000 ? 1 : 5, t >= 175_000 ? 1 : 5];
    const running = t <= 70_000 ? ready : t >= 300_000 ? 1 : 5;
    b.sample(t, withRunning ? { desired, ready, running } : { desired, ready }, { resolutionMs: 1000 });
  }
  const timeline = b.end(400_000).build();
  return { timeline, result: analyze(timeline) };
}

const ctx = (timeline: ReturnType<typeof lingering>['timeline']) => ({ header: timeline.header, target: null });
const BOTH = 'traffic stopped in 1m45s (−6s), gone in 3m50s (−6s)';

describe('scale-down moments in the reports', () => {
  it('terminal and summary.md: both moments, "gone" only with a running series', () => {
    const { result } = lingering(true);
    expect(renderSummaryTable(result, { runDir: 'runs/x', color: false })).toContain(`scale-downs  5→1 ${BOTH}, scaled`);
    expect(renderSummaryMarkdown(result, ctx(lingering(true).timeline))).toContain(`- scale-downs: 5→1 ${BOTH} (scaled)`);

    const plain = lingering(false);
    const terminal = renderSummaryTable(plain.result, { runDir: 'runs/x', color: false });
    const downsLine = (text: string) => text.split('\n').find((l) => l.includes('scale-downs'));
    expect(downsLine(terminal)).toBe('  scale-downs  5→1 traffic stopped in 1m45s (−6s), scaled');
    expect(downsLine(renderSummaryMarkdown(plain.result, ctx(plain.timeline)))).toBe('- scale-downs: 5→1 traffic stopped in 1m45s (−6s) (scaled)');
  });

  it('report.json: runningAtSettled and runningOutcome beside readyAtSettled; null without running', () => {
    const { result, timeline } = lingering(true);
    const down = buildJsonReport(result, ctx(timeline)).scaleDowns[0]!;
    expect(down.readyAtSettled).toEqual({ valueMs: 105_000, marginMs: 6000, atT: 175_000 });
    expect(down.runningAtSettled).toEqual({ valueMs: 230_000, marginMs: 6000, atT: 300_000 });
    expect(down.runningOutcome).toBe('scaled');
    const plain = lingering(false);
    expect(buildJsonReport(plain.result, ctx(plain.timeline)).scaleDowns[0]).toMatchObject({ runningAtSettled: null, runningOutcome: null });
  });

  it('report.md: "Gone" columns only when a running count exists', () => {
    const { result, timeline } = lingering(true);
    const md = renderMarkdownReport(result, ctx(timeline));
    const rows = md.slice(md.indexOf('## Scale-downs')).split('\n').filter((l) => l.startsWith('|'));
    expect(rows[0]).toBe('| Change at | Load | Replicas | First desired decrease | Stopped receiving traffic | Margin | Gone | Margin | Gone outcome | p95 during | p99 during | Errors during | Outcome |');
    expect(rows[2]).toMatch(/^\| 1m10s \| 300 → 0 req\/s \| 5 → 1 \| 30s \| 1m45s \| −6s \| 3m50s \| −6s \| scaled \| /);
    const plain = lingering(false);
    const plainMd = renderMarkdownReport(plain.result, ctx(plain.timeline));
    expect(plainMd.slice(plainMd.indexOf('## Scale-downs')).split('\n')[2]).not.toContain('Gone');
  });

  it('report.html: the span carries the gone moment and draws the lingering phase; the table has a gone column', () => {
    const { result, timeline } = lingering(true);
    const html = renderHtmlReport(timeline, result);
    expect(html).toMatch(/<g data-span="scale-down"[^>]*data-span-value-ms="105000"[^>]*data-span-gone-t="300000" data-span-gone-value-ms="230000" data-span-gone-margin-ms="6000"/);
    expect(html).toContain('data-phase="linger" data-phase-start-t="175000" data-phase-end-t="300000"');
    expect(html).toContain('gone (running at settled)');
    expect(html).toContain('3m50s (−6s)');
    const plain = lingering(false);
    const plainHtml = renderHtmlReport(plain.timeline, plain.result);
    expect(plainHtml).not.toContain('data-span-gone');
    expect(plainHtml).not.toContain('data-phase="linger"');
    expect(plainHtml).not.toContain('gone (running at settled)');
  });

  it('junit.xml: a property per moment, "gone" only with a running series; the check times the selected one', () => {
    const { result } = lingering(true);
    const xml = renderJunit(result);
    expect(xml).toContain('<property name="scaleDown.1.trafficStopped" value="1m45s (up to 6s earlier)"/>');
    expect(xml).toContain('<property name="scaleDown.1.gone" value="3m50s (up to 6s earlier)"/>');
    expect(xml).toContain('target: scale-down &lt;= 4m (gone)');
    const plainXml = renderJunit(lingering(false).result);
    expect(plainXml).toContain('scaleDown.1.trafficStopped');
    expect(plainXml).not.toContain('scaleDown.1.gone');
    expect(plainXml).toContain('<skipped message="could not be measured: the provider gives no running-replica count');
  });
});
