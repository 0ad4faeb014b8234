/**
 * The unserved rate reaches every report format whenever arrivals were dropped or a target asks
 * for it, and the error rate says it counts sent requests only; a clean run's reports stay short.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/index.js';
import { renderHtmlReport } from '../../../src/report/html/index.js';
import { buildJsonReport, renderMarkdownReport, renderSummaryTable } from '../../../src/report/index.js';
import { renderJunit } from '../../../src/report/junit.js';
import { renderSummaryMarkdown } from '../../../src/report/summary-markdown.js';
import type { ReportContext } from '../../../src/report/context.js';
import { TimelineBuilder } from '../../support/timeline-builder.js';

const ok = (n: number) => Array.from({ length: n }, () => 5);

/** 3,000 planned arrivals per window for 3 s; `dropped` of them dropped in the last window, one 5xx. */
function run(opts: { dropped: number; targets?: Record<string, unknown> }) {
  const profile = { name: 'drops', load: { url: 'http://127.0.0.1:1', start: 3000, stages: [{ duration: '3s', rate: 3000 }], requests: [{ name: 'search' }] }, targets: opts.targets ?? {} };
  const b = new TimelineBuilder(profile, { provider: null }).stagesFromProfile(0);
  for (let t = 0; t < 3000; t += 1000) {
    const dropped = t === 2000 ? opts.dropped : 0;
    const errors = t === 0 ? { http5xx: 1 } : {};
    b.load(t, { latenciesMs: ok(3000 - dropped), dropped, errors });
    b.load(t, { request: 'search', latenciesMs: ok(3000 - dropped), dropped, errors });
  }
  const timeline = b.end(3000).build();
  const result = analyze(timeline);
  const ctx: ReportContext = { header: timeline.header, target: null };
  return {
    terminal: renderSummaryTable(result, { runDir: 'runs/x', color: false }),
    json: buildJsonReport(result, ctx),
    md: renderMarkdownReport(result, ctx),
    html: renderHtmlReport(timeline, result),
    junit: renderJunit(result),
    summary: renderSummaryMarkdown(result, ctx),
  };
}

const NOTE = 'sent requests; 1,476 dropped arrivals not included';
const UNSERVED = '16.41% (1,476 dropped + 1 errors of 9,000 planned arrivals)';

describe('unserved rate in the reports', () => {
  it('dropped arrivals, no target: every format shows the unserved rate and says the error rate leaves them out', () => {
    const r = run({ dropped: 1476 });
    expect(r.terminal).toContain(`load        7524 requests, 0.013% errors (${NOTE}), p95`);
    expect(r.terminal).toContain(`unserved    ${UNSERVED}`);
    expect(r.json.load?.unserved).toEqual({ basis: 'planned-arrivals', total: 9000, dropped: 1476, errors: 1, rate: 1477 / 9000 });
    expect(r.json.loadByRequest.search!.unserved).toEqual(r.json.load?.unserved);
    expect(r.md).toContain('## Unserved\n\n**Unserved: 16.41%** (1,476 dropped + 1 errors of 9,000 planned arrivals).');
    expect(r.md).toContain('| **all** | 9,000 | 1,476 | 1 | 16.41% |');
    expect(r.md).toContain('| Error rate (of sent requests) |');
    expect(r.md).toContain('The error rate counts sent requests only: dropped arrivals are not in it.');
    expect(r.html).toContain('data-table="unserved"');
    expect(r.html).toContain('<strong>Unserved: 16.41%</strong> (1,476 dropped + 1 errors of 9,000 planned arrivals).');
    expect(r.html).toContain('<th>error rate (of sent requests)</th>');
    expect(r.junit).toContain('<property name="unservedRate" value="16.41%"/>');
    expect(r.junit).toContain(`<property name="unserved" value="${UNSERVED}"/>`);
    expect(r.summary).toContain(`Unserved: **${UNSERVED}**. Unserved rate: dropped arrivals`);
  });

  it('a target: a check row in every format, and the error-rate row names the drops', () => {
    const r = run({ dropped: 1476, targets: { error_rate: '1%', unserved_rate: '5%' } });
    expect(r.terminal).toMatch(new RegExp(`pass +error_rate +error rate <= 1% \\(${NOTE}\\) +0\\.01%`));
    expect(r.terminal).toMatch(/FAIL +unserved_rate +unserved rate <= 5% +16\.41%\n +└ 1,476 dropped \+ 1 errors of 9,000 planned arrivals/);
    expect(r.json.checks.map((c) => [c.id, c.status])).toEqual([['error_rate', 'pass'], ['unserved_rate', 'fail']]);
    expect(r.md).toContain(`| error rate <= 1% (${NOTE}) | 0.01% |`);
    expect(r.md).toContain('| unserved rate <= 5% | 16.41% |  | **FAIL** | 1,476 dropped + 1 errors of 9,000 planned arrivals |');
    expect(r.html).toContain('<td><code>unserved_rate</code></td><td>unserved rate &lt;= 5%</td><td>16.41%</td>');
    expect(r.junit).toMatch(/<testcase name="unserved_rate"[^>]*>\n +<failure message="measured 16\.41% vs target unserved rate &lt;= 5%"/);
    expect(r.summary).toContain('| **FAIL** | unserved_rate | unserved rate <= 5% | 16.41% |');
  });

  it('a target without drops is still shown; the error rate stays short', () => {
    const r = run({ dropped: 0, targets: { error_rate: '1%', unserved_rate: '5%' } });
    expect(r.terminal).toContain('unserved    0.011% (0 dropped + 1 errors of 9,000 planned arrivals)');
    expect(r.terminal).toMatch(/error rate <= 1% +0\.01%/);
    expect(r.md).toContain('## Unserved');
    expect(r.md).toContain('| Error rate |');
    expect(r.html).toContain('data-table="unserved"');
    expect(r.junit).toContain('<property name="unservedRate" value="0.011%"/>');
    expect(r.summary).toContain('Unserved: **0.011%');
  });

  it('no drops and no target: the reports do not mention it (report.json still carries the numbers)', () => {
    const r = run({ dropped: 0 });
    for (const text of [r.terminal, r.md, r.html, r.junit, r.summary]) expect(text.toLowerCase()).not.toContain('unserved');
    expect(r.terminal).toContain('9000 requests, 0.011% errors, p95');
    expect(r.json.load?.unserved).toMatchObject({ dropped: 0, errors: 1, total: 9000 });
  });
});
