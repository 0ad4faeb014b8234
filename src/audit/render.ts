/** Terminal and Markdown renderings of a comparison and of a trend (pure: data -> string). */
import { fmt, type Comparison, type DeltaStatus, type MetricDelta } from './compare.js';
import type { MetricValue } from './metrics.js';
import { METRIC_IDS } from './suite.js';
import type { Trend } from './trend.js';

const MARK: Record<DeltaStatus, string> = { ok: 'ok', regression: 'REGRESSION', improved: 'improved', unknown: 'unknown' };
const EMOJI: Record<DeltaStatus, string> = { ok: '✅', regression: '❌', improved: '⬆️', unknown: '❔' };

function value(d: Pick<MetricDelta, 'metric'>, v: MetricValue): string {
  if (v.value === null) return v.missing ?? 'n/a';
  return fmt(d.metric, v.value) + (v.marginMs > 0 ? ` (−${fmt(d.metric, v.marginMs)})` : '');
}

function deltaText(d: MetricDelta): string {
  if (d.delta === null) return '';
  const sign = d.delta > 0 ? '+' : d.delta < 0 ? '−' : '±';
  const pct = d.deltaRatio !== null ? ` (${sign}${Math.round(Math.abs(d.deltaRatio) * 1000) / 10}%)` : '';
  return `${sign}${fmt(d.metric, Math.abs(d.delta))}${pct}`;
}

/** Plain aligned columns for a terminal. */
export function renderComparisonText(c: Comparison): string {
  const head = ['metric', `base ${c.base.runId}`, `current ${c.current.runId}`, 'delta', 'allowed', 'status'];
  const rows = c.deltas.map((d) => [d.label, value(d, d.base), value(d, d.current), deltaText(d), d.allowed === null ? '' : `+${fmt(d.metric, d.allowed)}`, MARK[d.status] + (d.detail && d.status !== 'ok' ? `: ${d.detail}` : '')]);
  const verdict = c.regression ? 'REGRESSION: at least one metric got worse than the tolerances allow' : 'no regression';
  return `${c.current.profileName}: ${c.current.runId} vs ${c.base.runId}\n${columns([head, ...rows])}\n${verdict}\n`;
}

export function renderComparisonMarkdown(c: Comparison): string {
  const lines = [
    `### ${c.regression ? '❌ Regression' : '✅ No regression'}: ${md(c.current.profileName)}`,
    '',
    `\`${md(c.current.runId)}\` compared with baseline \`${md(c.base.runId)}\`.`,
    '',
    '| metric | baseline | current | delta | allowed | status |',
    '|---|---|---|---|---|---|',
    ...c.deltas.map((d) => `| ${d.label} | ${md(value(d, d.base))} | ${md(value(d, d.current))} | ${md(deltaText(d))} | ${d.allowed === null ? '' : `+${md(fmt(d.metric, d.allowed))}`} | ${EMOJI[d.status]} ${d.status}${d.detail && d.status !== 'ok' ? `: ${md(d.detail)}` : ''} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/** One block per profile, one row per run, oldest first; a `!` marks a metric that regressed. */
export function renderTrendText(t: Trend): string {
  const out: string[] = [];
  for (const [profile, rows] of Object.entries(t.profiles)) {
    const head = ['started', 'run', 'verdict', ...METRIC_IDS.map((id) => id.replace(/_/g, ' '))];
    const body = rows.map((r) => [iso(r.run.startedAtWall), r.run.runId, r.run.verdict, ...METRIC_IDS.map((id) => cell(r.run.metrics[id], id) + (r.status[id] === 'regression' ? ' !' : ''))]);
    out.push(`${profile} (${rows.length} run${rows.length === 1 ? '' : 's'})\n${columns([head, ...body])}`);
  }
  if (out.length === 0) out.push('no runs in history');
  out.push(t.regression ? 'REGRESSION: the latest run of a profile got worse than the tolerances allow (! marks it)' : 'no regression in the latest runs');
  return `${out.join('\n\n')}\n`;
}

export function renderTrendMarkdown(t: Trend): string {
  const out: string[] = [`## Autoscaling trend ${t.regression ? '❌ regression' : '✅'}`];
  for (const [profile, rows] of Object.entries(t.profiles)) {
    out.push('', `### ${md(profile)}`, '', `| started | run | verdict | ${METRIC_IDS.map((id) => id.replace(/_/g, ' ')).join(' | ')} |`, `|---|---|---|${METRIC_IDS.map(() => '---').join('|')}|`);
    for (const r of rows) {
      const cells = METRIC_IDS.map((id) => md(cell(r.run.metrics[id], id)) + (r.status[id] === 'regression' ? ' ❌' : r.status[id] === 'improved' ? ' ⬆️' : ''));
      out.push(`| ${iso(r.run.startedAtWall)} | \`${md(r.run.runId)}\` | ${r.run.verdict} | ${cells.join(' | ')} |`);
    }
  }
  if (Object.keys(t.profiles).length === 0) out.push('', 'No runs in history.');
  return `${out.join('\n')}\n`;
}

function cell(v: MetricValue, metric: MetricDelta['metric']): string {
  return v.value === null ? v.missing ?? 'n/a' : fmt(metric, v.value);
}

const iso = (wall: number) => new Date(wall).toISOString().slice(0, 16).replace('T', ' ');
const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
