/**
 * summary.md: the short Markdown for a pull-request comment or a CI job summary — the verdict,
 * the checks and the scaling in a few lines, with the compact chart beside it (chart.svg).
 * report.md has everything else.
 */
import type { AnalysisResult } from '../analysis/types.js';
import type { ReportContext } from './context.js';
import { downMomentsText, downOutcomeText, latencyText, marginText } from './format.js';
import { verdictLine } from './markdown.js';
import { unservedMeaning, unservedRows, unservedText } from './unserved-text.js';

export function renderSummaryMarkdown(result: AnalysisResult, ctx: ReportContext, chartFile = 'chart.svg'): string {
  const checks = result.checks.length
    ? ['| status | check | target | measured |', '|---|---|---|---|', ...result.checks.map((c) => `| ${c.status === 'fail' ? '**FAIL**' : c.status} | ${c.id} | ${esc(c.target)} | ${esc(c.measured)}${c.margin ? ` (${esc(c.margin)})` : ''} |`)].join('\n')
    : '_no targets_';
  const ups = result.scaleUps.map((u) => `${u.baselineReplicas ?? '?'}→${u.peakDesired ?? '?'} ready in ${latencyText(u.readyAtPeak)} ${marginText(u.readyAtPeak)} (${u.outcome})`);
  const downs = result.scaleDowns.map((d) => `${d.baselineReplicas ?? '?'}→${d.settledDesired ?? '?'} ${downMomentsText(d)} (${downOutcomeText(d)})`);
  const run = unservedRows(result).find((r) => r.name === null)?.unserved;
  const unserved = run ? `Unserved: **${esc(unservedText(run))}**. ${esc(unservedMeaning(run))}` : '';
  const scaling = [ups.length ? `- scale-ups: ${ups.join('; ')}` : '', downs.length ? `- scale-downs: ${downs.join('; ')}` : ''].filter(Boolean);
  return [`### scaleproof: ${esc(result.profileName)}`, verdictLine(result), checks, unserved, scaling.join('\n'), `![scaling timeline](${chartFile})`, `_Full report: report.md, report.html (${esc(ctx.header.profilePath)})._`]
    .filter((s) => s !== '')
    .join('\n\n')
    .concat('\n');
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

