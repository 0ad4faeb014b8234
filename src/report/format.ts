/** Small formatters shared by the Markdown report and the terminal summary. */
import type { CheckResult, LoadSlice, MeasuredLatency, ScaleDownTransition } from '../analysis/types.js';
import { formatDuration, formatPercent, round } from '../units.js';

/** A milestone's latency, or `not seen`. */
export const latencyText = (m: MeasuredLatency): string => (m.valueMs === null ? 'not seen' : formatDuration(m.valueMs));

/** The true value lies up to `marginMs` BELOW the measured one. */
export const marginText = (m: MeasuredLatency): string => (m.valueMs === null ? '' : `−${formatDuration(m.marginMs)}`);

export const countText = (n: number | null | undefined): string => (n === null || n === undefined ? '?' : String(n));

export const percentText = (fraction: number): string => formatPercent(fraction, fraction < 0.01 ? 3 : 2);

/** `42.5%` for a value already in percent, `?` when unknown. */
export const pctValueText = (pct: number | null): string => (pct === null ? '?' : `${round(pct, 1)}%`);

export const rateText = (perSecond: number | null): string => (perSecond === null ? '?' : `${round(perSecond, perSecond < 10 ? 2 : 1)}/s`);

/** `10 → 100 req/s`. */
export const levelText = (from: number, to: number, unit: string): string => `${round(from, 2)} → ${round(to, 2)}${unit ? ` ${unit}` : ''}`;

/** p95 / p99 / error rate of a slice, for a transition row; `?` when nothing completed. */
export function sliceLatency(s: LoadSlice | null, key: 'p50' | 'p95' | 'p99' | 'max'): string {
  return s && s.latency.count > 0 ? formatDuration(s.latency[key]) : '?';
}

export function sliceErrorRate(s: LoadSlice | null): string {
  return s && s.completed > 0 ? percentText(s.errorRate) : '?';
}

/** `2026-11-27 03:15:02 UTC`. */
export const utcText = (wallMs: number): string => new Date(wallMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

/** `3 passed, 1 failed, 0 unknown of 4 checks`, or why there are none. */
export function verdictCounts(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return 'no targets were set, so nothing was checked';
  const n = (s: CheckResult['status']) => checks.filter((c) => c.status === s).length;
  return `${n('pass')} passed, ${n('fail')} failed, ${n('unknown')} unknown of ${checks.length} checks`;
}

/** `in 1m45s (−6s)` or `not seen`. */
const momentText = (m: MeasuredLatency): string => (m.valueMs === null ? 'not seen' : `in ${latencyText(m)} (${marginText(m)})`);

/**
 * The two scale-down moments in words: `traffic stopped in 1m45s (−6s), gone in 3m50s (−6s)`.
 * "gone" is left out (not `?`) when the provider emits no running series.
 */
export function downMomentsText(s: ScaleDownTransition): string {
  const stopped = `traffic stopped ${momentText(s.readyAtSettled)}`;
  return s.runningAtSettled ? `${stopped}, gone ${momentText(s.runningAtSettled)}` : stopped;
}

/** `scaled`, or `scaled; gone incomplete` when the "gone" moment ended otherwise. */
export function downOutcomeText(s: ScaleDownTransition): string {
  return s.runningOutcome && s.runningOutcome !== s.outcome ? `${s.outcome}; gone ${s.runningOutcome}` : s.outcome;
}
