/**
 * report.md: the verdict and the measurements in plain Markdown, readable in a terminal, a pull
 * request or a CI summary. Verdict first, then every scaling transition, then the load per
 * request. Pure: no IO, no clock.
 */
import type { AnalysisResult, CheckResult, LoadSlice } from '../analysis/types.js';
import { renderInsightsMarkdown } from '../insights/render.js';
import { formatDuration } from '../units.js';
import { levelUnit, type ReportContext } from './context.js';
import {
  countText,
  latencyText,
  levelText,
  marginText,
  pctValueText,
  rateText,
  sliceErrorRate,
  sliceLatency,
  utcText,
  verdictCounts,
} from './format.js';
import { count, unservedDetail } from '../analysis/unserved.js';
import { errorRateHeader, unservedMeaning, unservedRateText, unservedRows } from './unserved-text.js';

export function renderMarkdownReport(result: AnalysisResult, ctx: ReportContext): string {
  const sections = [
    `# scaleproof: ${cell(result.profileName)}`,
    verdictLine(result),
    runLine(result, ctx),
    checksSection(result.checks),
    unservedSection(result),
    scaleUpSection(result, levelUnit(ctx)),
    scaleDownSection(result, levelUnit(ctx)),
    requestsSection(result),
    platformSection(result, ctx),
    result.insights ? renderInsightsMarkdown(result.insights).trim() : '',
    notesSection(result.notes),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

const STATUS: Record<CheckResult['status'], string> = { pass: 'pass', fail: '**FAIL**', unknown: 'unknown' };

/** `**Verdict: FAIL** (2 passed, 1 failed, 1 unknown of 4 checks)`. */
export function verdictLine(r: AnalysisResult): string {
  return `**Verdict: ${r.verdict.toUpperCase()}** (${verdictCounts(r.checks)})`;
}

function runLine(r: AnalysisResult, ctx: ReportContext): string {
  const parts = [
    `run \`${r.runId}\``,
    `started ${utcText(r.startedAtWall)}`,
    `lasted ${formatDuration(r.durationMs)}`,
    `ended ${r.endStatus}`,
    `provider ${r.provider ?? 'none'}`,
    `polled every ${formatDuration(ctx.header.pollIntervalMs)}`,
    `scaleproof ${ctx.header.scaleproofVersion}`,
  ];
  const target = ctx.target ? `\n\nTarget: ${cell(ctx.target.summary)}` : '';
  return `${parts.join(' · ')}${target}`;
}

function checksSection(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '';
  const withDetail = checks.some((c) => c.detail);
  const head = ['Target', 'Measured', 'Margin', 'Status', ...(withDetail ? ['Detail'] : [])];
  const rows = checks.map((c) => [c.target, c.measured, c.margin ?? '', STATUS[c.status], ...(withDetail ? [c.detail ?? ''] : [])]);
  return `## Checks\n\n${table(head, rows)}`;
}

/** The unserved rate per request and for the run, when arrivals were dropped or a target asks for it. */
function unservedSection(r: AnalysisResult): string {
  const rows = unservedRows(r);
  if (rows.length === 0) return '';
  const head = ['Request', rows[0]!.unserved.basis === 'planned-arrivals' ? 'Planned arrivals' : 'Sent requests', 'Dropped', 'Errors', 'Unserved rate'];
  const body = rows.map(({ name, unserved: u }) => [name ?? '**all**', count(u.total), count(u.dropped), count(u.errors), unservedRateText(u)]);
  const run = rows.find((row) => row.name === null);
  const lead = run ? `**Unserved: ${unservedRateText(run.unserved)}** (${unservedDetail(run.unserved)}).\n\n` : '';
  return `## Unserved\n\n${lead}${table(head, body)}\n\n${unservedMeaning(rows[0]!.unserved)}`;
}

const MARGIN_NOTE = 'Times are from the load change. Each is an upper bound: the true time lies up to the margin below it (the poll gap plus the platform\'s own resolution).';

function scaleUpSection(r: AnalysisResult, unit: string): string {
  if (r.scaleUps.length === 0) return '';
  const head = ['Change at', 'Load', 'Replicas', 'First desired increase', 'Ready at peak', 'Margin', 'p95 during', 'p99 during', 'Errors during', 'Outcome'];
  const rows = r.scaleUps.map((s) => [
    formatDuration(s.loadChangeT),
    levelText(s.fromLevel, s.toLevel, unit),
    `${countText(s.baselineReplicas)} → ${countText(s.peakDesired)}`,
    latencyText(s.firstDesiredIncrease),
    latencyText(s.readyAtPeak),
    marginText(s.readyAtPeak),
    sliceLatency(s.during, 'p95'),
    sliceLatency(s.during, 'p99'),
    sliceErrorRate(s.during),
    s.outcome,
  ]);
  return `## Scale-ups\n\n${table(head, rows)}\n\n${MARGIN_NOTE}`;
}

/** "Gone" columns only when some scale-down has a running series (the provider emits it). */
function scaleDownSection(r: AnalysisResult, unit: string): string {
  if (r.scaleDowns.length === 0) return '';
  const gone = r.scaleDowns.some((s) => s.runningAtSettled != null);
  const goneHead = gone ? ['Gone', 'Margin', 'Gone outcome'] : [];
  const head = ['Change at', 'Load', 'Replicas', 'First desired decrease', 'Stopped receiving traffic', 'Margin', ...goneHead, 'p95 during', 'p99 during', 'Errors during', 'Outcome'];
  const rows = r.scaleDowns.map((s) => [
    formatDuration(s.loadChangeT),
    levelText(s.fromLevel, s.toLevel, unit),
    `${countText(s.baselineReplicas)} → ${countText(s.settledDesired)}`,
    latencyText(s.firstDesiredDecrease),
    latencyText(s.readyAtSettled),
    marginText(s.readyAtSettled),
    ...(gone ? (s.runningAtSettled ? [latencyText(s.runningAtSettled), marginText(s.runningAtSettled), s.runningOutcome ?? ''] : ['', '', '']) : []),
    sliceLatency(s.during, 'p95'),
    sliceLatency(s.during, 'p99'),
    sliceErrorRate(s.during),
    s.outcome,
  ]);
  const note = gone ? SCALE_DOWN_NOTE : SCALE_DOWN_NOTE_READY_ONLY;
  return `## Scale-downs\n\n${table(head, rows)}\n\n${note}`;
}

const SCALE_DOWN_NOTE =
  'Stopped receiving traffic: ready replicas reached the settled count (Outcome). Gone: running replicas reached it, so the surplus no longer exists or is billed (draining, deregistration delay, idle instances end here). Blank where the platform gave no running count.';
const SCALE_DOWN_NOTE_READY_ONLY = 'Stopped receiving traffic: ready replicas reached the settled count. The provider gives no running count, so when the surplus replicas were gone is not known.';

function requestsSection(r: AnalysisResult): string {
  const names = Object.keys(r.loadByRequest).sort();
  if (!r.load && names.length === 0) return '';
  const head = ['Request', 'Requests', 'OK', 'Errors', 'Check failures', errorRateHeader(r.load, 'Error rate'), 'Throttled', 'Dropped', 'Throughput', 'Sustained', 'p50', 'p95', 'p99', 'Max'];
  const row = (name: string, s: LoadSlice, sustained: number | null) => [
    name,
    String(s.requests),
    String(s.ok),
    String(Object.values(s.errors).reduce((a, b) => a + b, 0)),
    String(s.checkFailures ?? 0),
    sliceErrorRate(s),
    String(s.throttled),
    String(s.dropped),
    rateText(s.throughput),
    rateText(sustained),
    sliceLatency(s, 'p50'),
    sliceLatency(s, 'p95'),
    sliceLatency(s, 'p99'),
    sliceLatency(s, 'max'),
  ];
  const rows = names.map((n) => row(n, r.loadByRequest[n], r.sustainedThroughputByRequest[n] ?? null));
  for (const tag of Object.keys(r.loadByTag ?? {}).sort()) rows.push(row(`tag ${tag}`, r.loadByTag[tag]!, null));
  if (r.load) rows.push(row('**all**', r.load, r.sustainedThroughput));
  const inexact = [r.load, ...Object.values(r.loadByRequest)].some((s) => s && !s.latencyExact);
  const note = inexact ? '\n\nSome windows carried no histogram: their percentiles are upper bounds (count, mean and max stay exact).' : '';
  return `## Requests\n\n${table(head, rows)}${note}`;
}

function platformSection(r: AnalysisResult, ctx: ReportContext): string {
  const rep = r.replicas;
  const lines = [
    `- Desired replicas: ${countText(rep.minDesired)} to ${countText(rep.maxDesired)}; ready: ${countText(rep.minReady)} to ${countText(rep.maxReady)}`,
    `- Ready replica-time: ${rep.readyReplicaSeconds === null ? '?' : `${Math.round(rep.readyReplicaSeconds)} replica-seconds`}`,
    `- CPU: mean ${pctValueText(r.cpu.meanPct)}, max ${pctValueText(r.cpu.maxPct)}; memory: mean ${pctValueText(r.memory.meanPct)}, max ${pctValueText(r.memory.maxPct)}`,
    `- Flapping (opposite moves within ${formatDuration(r.flapping.windowMs)}): ${r.flapping.flaps.length === 0 ? 'none' : r.flapping.flaps.map((f) => `${f.first} at ${formatDuration(f.firstT)} then ${f.first === 'up' ? 'down' : 'up'} at ${formatDuration(f.secondT)}`).join('; ')}`,
  ];
  if (r.flapping.loadDriven.length) lines.push(`- Reversals that followed the planned load (not flaps): ${r.flapping.loadDriven.length}`);
  for (const w of ctx.target?.warnings ?? []) lines.push(`- Warning: ${w}`);
  return `## Platform\n\n${lines.join('\n')}`;
}

function notesSection(notes: readonly string[]): string {
  return notes.length ? `## Notes\n\n${notes.map((n) => `- ${n}`).join('\n')}` : '';
}

/** A GitHub-flavoured Markdown table; numbers and text alike are escaped for `|` and newlines. */
function table(head: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
