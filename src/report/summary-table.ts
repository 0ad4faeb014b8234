/**
 * The terminal summary printed at the end of `run` and `report`: the verdict, one aligned row per
 * check, one line on scaling and load, and where the reports are. Pure: the caller decides on
 * colour (see useColor) and writes the text.
 */
import pc from 'picocolors';
import type { AnalysisResult, CheckResult, MeasuredLatency } from '../analysis/types.js';
import { downMomentsText, downOutcomeText, latencyText, marginText, percentText, sliceLatency, verdictCounts } from './format.js';
import { droppedNote } from '../analysis/unserved.js';
import { unservedRows, unservedText } from './unserved-text.js';

export interface SummaryOptions {
  /** The run folder, printed last so it can be copied. */
  runDir: string;
  /** Report files written (paths); shown relative to runDir when inside it. */
  files?: readonly string[];
  /** ANSI colours; see useColor. */
  color: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR;
}

export function renderSummaryTable(result: AnalysisResult, opts: SummaryOptions): string {
  const c = pc.createColors(opts.color);
  const paint: Record<string, (s: string) => string> = { pass: c.green, fail: (s) => c.bold(c.red(s)), unknown: c.yellow };
  const out: string[] = [''];
  out.push(`${paint[result.verdict](result.verdict.toUpperCase())}  ${result.profileName}: ${verdictCounts(result.checks)}`);
  if (result.checks.length) out.push('', ...checkRows(result.checks, paint, c.dim));
  out.push('', ...aligned(facts(result, opts)).map((l) => `  ${l}`), '');
  return `${out.join('\n')}\n`;
}

const STATUS_WORD: Record<CheckResult['status'], string> = { pass: 'pass', fail: 'FAIL', unknown: 'unknown' };

/** Aligned columns on the plain text first, colour after, so escape codes never skew widths. */
function checkRows(checks: readonly CheckResult[], paint: Record<string, (s: string) => string>, dim: (s: string) => string): string[] {
  const rows = checks.map((ch) => [STATUS_WORD[ch.status], ch.id, ch.target, ch.measured, ch.margin ?? '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines: string[] = [];
  checks.forEach((ch, k) => {
    const cells = rows[k].map((text, i) => (i === rows[k].length - 1 ? text : text.padEnd(widths[i])));
    lines.push(`  ${paint[ch.status](cells[0])}  ${cells.slice(1).join('  ')}`.trimEnd());
    if (ch.detail && ch.status !== 'pass') lines.push(`  ${' '.repeat(widths[0])}  ${dim(`└ ${ch.detail}`)}`);
  });
  return lines;
}

function facts(r: AnalysisResult, opts: SummaryOptions): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (r.load) {
    rows.push(['load', `${r.load.requests} requests, ${percentText(r.load.errorRate)} errors${droppedNote(r.load.dropped)}, p95 ${sliceLatency(r.load, 'p95')}, p99 ${sliceLatency(r.load, 'p99')}`]);
  }
  const run = unservedRows(r).find((row) => row.name === null);
  if (run) rows.push(['unserved', unservedText(run.unserved)]);
  const ups = r.scaleUps.map((s) => `${s.baselineReplicas ?? '?'}→${s.peakDesired ?? '?'} ${readyText(s.readyAtPeak)}, ${s.outcome}`);
  if (ups.length) rows.push(['scale-ups', ups.join('; ')]);
  const downs = r.scaleDowns.map((s) => `${s.baselineReplicas ?? '?'}→${s.settledDesired ?? '?'} ${downMomentsText(s)}, ${downOutcomeText(s)}`);
  if (downs.length) rows.push(['scale-downs', downs.join('; ')]);
  if (r.endStatus !== 'completed') rows.push(['run', `ended ${r.endStatus}`]);
  if (r.notes.length) rows.push(['notes', `${r.notes.length} (see report.md)`]);
  const files = (opts.files ?? []).map((f) => (f.startsWith(`${opts.runDir}/`) ? f.slice(opts.runDir.length + 1) : f));
  if (files.length) rows.push(['reports', files.join(', ')]);
  rows.push(['run folder', opts.runDir]);
  return rows;
}

/** `ready in 1m10s (−5s)` or `ready not seen`. */
function readyText(m: MeasuredLatency): string {
  return m.valueMs === null ? 'ready not seen' : `ready in ${latencyText(m)} (${marginText(m)})`;
}

function aligned(rows: ReadonlyArray<[string, string]>): string[] {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
}
