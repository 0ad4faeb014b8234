/** The report's tables as HTML (pure): verdict, scaling transitions, per-request breakdown. */
import type { AnalysisResult, CheckResult, LoadSlice, MeasuredLatency } from '../../analysis/types.js';
import { formatDuration, formatPercent } from '../../units.js';
import { esc } from './escape.js';
import { count, unservedDetail } from '../../analysis/unserved.js';
import { errorRateHeader, unservedMeaning, unservedRateText, unservedRows } from '../unserved-text.js';

const table = (head: string[], rows: string[][], attrs = '') =>
  `<table ${attrs}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
const td = (text: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(text)}</td>`;

/** One row per check: target, measured, margin, pass/fail first, as a reader scans it. */
export function verdictTable(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '<p class="muted">No targets were set in the profile, so nothing was checked.</p>';
  const rows = checks.map((c) => [
    `<td class="status ${c.status}">${esc(c.status.toUpperCase())}</td>`,
    `<td><code>${esc(c.id)}</code></td>`,
    td(c.target),
    td(c.measured),
    td(c.margin ?? ''),
    td(c.detail ?? '', 'muted'),
  ]);
  return table(['', 'check', 'target', 'measured', 'margin', 'detail'], rows, 'class="verdict" data-table="verdict"');
}

/** Dropped arrivals plus failed requests per request and for the run; empty when nothing was dropped and no target asks. */
export function unservedTable(result: AnalysisResult): string {
  const rows = unservedRows(result);
  if (rows.length === 0) return '';
  const first = rows[0]!.unserved;
  const body = rows.map(({ name, unserved: u }) => [
    name === null ? '<td class="total"><code>all requests</code></td>' : `<td><code>${esc(name)}</code></td>`,
    td(count(u.total)),
    td(count(u.dropped)),
    td(count(u.errors)),
    td(unservedRateText(u)),
  ]);
  const run = rows.find((row) => row.name === null);
  const lead = run ? `<p><strong>Unserved: ${esc(unservedRateText(run.unserved))}</strong> (${esc(unservedDetail(run.unserved))}).</p>` : '';
  const head = ['request', first.basis === 'planned-arrivals' ? 'planned arrivals' : 'sent requests', 'dropped', 'errors', 'unserved rate'];
  return `${lead}${table(head, body, 'class="requests" data-table="unserved"')}<p class="muted">${esc(unservedMeaning(first))}</p>`;
}

const latency = (m: MeasuredLatency) => (m.valueMs === null ? 'not seen' : `${formatDuration(m.valueMs)} (−${formatDuration(m.marginMs)})`);

/** Every scale-up and scale-down the analysis found, with its milestones; a "gone" column only when some scale-down has a running count. */
export function transitionsTable(result: AnalysisResult): string {
  const gone = result.scaleDowns.some((s) => s.runningAtSettled != null);
  const rows: string[][] = [];
  result.scaleUps.forEach((s, i) =>
    rows.push([td(`↑ scale-up #${i + 1}`), td(formatDuration(s.loadChangeT)), td(`${s.fromLevel} → ${s.toLevel}`), td(`${s.baselineReplicas ?? '?'} → ${s.peakDesired ?? '?'}`), td(latency(s.firstDesiredIncrease)), td(latency(s.readyAtPeak)), ...(gone ? [td('')] : []), td(s.outcome, `outcome ${s.outcome}`)]),
  );
  result.scaleDowns.forEach((s, i) =>
    rows.push([
      td(`↓ scale-down #${i + 1}`),
      td(formatDuration(s.loadChangeT)),
      td(`${s.fromLevel} → ${s.toLevel}`),
      td(`${s.baselineReplicas ?? '?'} → ${s.settledDesired ?? '?'}`),
      td(latency(s.firstDesiredDecrease)),
      td(latency(s.readyAtSettled)),
      ...(gone ? [td(s.runningAtSettled ? `${latency(s.runningAtSettled)}${s.runningOutcome && s.runningOutcome !== 'scaled' ? `, ${s.runningOutcome}` : ''}` : '')] : []),
      td(s.outcome, `outcome ${s.outcome}`),
    ]),
  );
  if (rows.length === 0) return '<p class="muted">No load change triggered a scaling transition.</p>';
  const head = ['transition', 'load change at', 'load', 'replicas', 'first desired change', 'ready (scale-down: stopped receiving traffic)', ...(gone ? ['gone (running at settled)'] : []), 'outcome'];
  return table(head, rows, 'data-table="transitions"');
}

/** Requests, errors and latency per request name (and the whole run on the last row). */
export function requestsTable(result: AnalysisResult): string {
  const entries = Object.entries(result.loadByRequest);
  if (entries.length === 0 && !result.load) return '<p class="muted">No load was applied.</p>';
  const row = (name: string, s: LoadSlice, cls = '') => [
    `<td${cls ? ` class="${cls}"` : ''}><code>${esc(name)}</code></td>`,
    td(String(s.requests)),
    td(String(s.ok)),
    td(formatPercent(s.errorRate)),
    td(errorsText(s)),
    td(String(s.dropped)),
    td(`${s.throughput.toFixed(1)}/s`),
    td(bound(s) + ms(s.latency.p50)),
    td(bound(s) + ms(s.latency.p95)),
    td(bound(s) + ms(s.latency.p99)),
    td(ms(s.latency.max)),
  ];
  const rows = entries.map(([name, s]) => row(name, s));
  if (result.load) rows.push(row('all requests', result.load, 'total'));
  const inexact = [...entries.map(([, s]) => s), ...(result.load ? [result.load] : [])].some((s) => s.latencyExact === false);
  const note = inexact ? '<p class="muted">≤: an upper bound; some windows carried no latency histogram, so their percentiles could not be merged exactly.</p>' : '';
  return table(['request', 'requests', 'ok', errorRateHeader(result.load, 'error rate'), 'errors by class', 'dropped', 'throughput', 'p50', 'p95', 'p99', 'max'], rows, 'class="requests" data-table="requests"') + note;
}

function errorsText(s: LoadSlice): string {
  const parts = Object.entries(s.errors).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  if (s.throttled > 0) parts.push(`(429: ${s.throttled})`);
  return parts.join(', ') || '—';
}

/** Percentiles merged from windows without histograms are upper bounds. */
const bound = (s: LoadSlice) => (s.latencyExact === false ? '≤ ' : '');
const ms = (v: number) => (v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
