/**
 * The HTML report: ONE self-contained file (inline CSS, inline SVG charts rendered here by
 * ECharts, no script, no external fetch; a CSP forbids any). Verdict first, then the charts on
 * one shared time axis, then the per-request breakdown.
 */
import type { AnalysisResult } from '../../analysis/types.js';
import type { Timeline } from '../../timeline/types.js';
import { formatDuration } from '../../units.js';
import { chartFigure, renderChartSvg, type ChartSpec } from './chart.js';
import { chartSpecs, isEmpty, type ChartId } from './charts.js';
import { esc } from './escape.js';
import { spanMarks, timelineMarks } from './overlay.js';
import { scalingSpans } from './spans.js';
import { REPORT_CSS } from './style.js';
import { insightsHtml } from './insights.js';
import { requestsTable, transitionsTable, unservedTable, verdictTable } from './tables.js';
import { timeAxisFor, type TimeAxis } from './time-axis.js';

const CHART_ORDER: readonly ChartId[] = ['rate', 'latency', 'errors', 'replicas', 'resources'];
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function renderHtmlReport(timeline: Timeline, result: AnalysisResult): string {
  const axis = timeAxisFor(timeline);
  const specs = chartSpecs(timeline);
  const spans = scalingSpans(result, axis.toT);
  const charts = CHART_ORDER.map((id) => renderFigure(specs[id], axis, timeline, id === 'replicas' ? spans : []));
  const title = `scaleproof: ${result.profileName} (${result.runId})`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>
<body data-run-id="${esc(result.runId)}" data-verdict="${result.verdict}">
${header(timeline, result)}
<h2>Verdict</h2>
${verdictTable(result.checks)}
${unservedTable(result)}
<h2>Scaling</h2>
${transitionsTable(result)}
<h2>Timeline</h2>
<p class="legend">All charts share one time axis (time since run start). Dashed vertical lines: stage boundaries; ▲▼ scaling events; grey bands: no platform data; on the replicas chart, coloured bands: <span style="background:#f59e0b"></span>load change → first desired change <span style="background:#16a34a"></span>→ ready (scale-up) <span style="background:#8b5cf6"></span><span style="background:#0ea5e9"></span>same for scale-down; dotted boxes: measurement margin.</p>
${charts.join('\n')}
<h2>Requests</h2>
${requestsTable(result)}
${result.insights ? insightsHtml(result.insights) : ''}
${notes(timeline, result)}
</body></html>
`;
}

function renderFigure(spec: ChartSpec, axis: TimeAxis, timeline: Timeline, spans: ReturnType<typeof scalingSpans>): string {
  const svg = renderChartSvg(spec, axis, (plot) => timelineMarks(timeline, axis, plot, spec.id === 'rate') + spanMarks(spans, axis, plot));
  return chartFigure(spec, axis, svg, isEmpty(spec));
}

function header(tl: Timeline, r: AnalysisResult): string {
  const started = new Date(r.startedAtWall).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const target = tl.target ? ` · ${esc(tl.target.description.summary)}` : '';
  return `<h1>${esc(r.profileName)} <span class="badge ${r.verdict}">${esc(r.verdict.toUpperCase())}</span></h1>
<p class="meta">run <code>${esc(r.runId)}</code> · started ${esc(started)} · ${esc(formatDuration(r.durationMs))} · provider ${esc(r.provider ?? 'none')} · ended ${esc(r.endStatus)}${target}</p>`;
}

function notes(tl: Timeline, r: AnalysisResult): string {
  const items = [...r.notes, ...(tl.target?.description.warnings ?? []).map((w) => `target: ${w}`)];
  if (items.length === 0) return '';
  return `<h2>Notes</h2><ul class="notes">${items.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`;
}
