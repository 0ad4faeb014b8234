/**
 * The unserved rate in every report. Shown whenever arrivals were dropped or an `unserved_rate`
 * target is set, so "error rate 0%" is never read as "every user was served"; left out
 * otherwise, so a clean run's report stays short. Pure text helpers.
 */
import { unservedDetail } from '../analysis/unserved.js';
import type { AnalysisResult, LoadSlice, UnservedRate } from '../analysis/types.js';
import { percentText } from './format.js';

export interface UnservedRow {
  /** A request name, or null for the whole run. */
  name: string | null;
  unserved: UnservedRate;
}

/** Rows to show (each request, then the whole run), or [] when the reports should not mention it. */
export function unservedRows(result: AnalysisResult): UnservedRow[] {
  const u = result.unserved;
  if (!u) return [];
  const byRequest = Object.keys(u.byRequest)
    .sort()
    .map((name) => ({ name, unserved: u.byRequest[name]! }));
  const rows: UnservedRow[] = [...byRequest, ...(u.run ? [{ name: null, unserved: u.run }] : [])];
  const dropped = rows.some((r) => r.unserved.dropped > 0);
  const targeted = result.checks.some((c) => c.id === 'unserved_rate' || c.id.endsWith('.unserved_rate'));
  return dropped || targeted ? rows : [];
}

/** `6.15%`, or `?` when nothing was planned. */
export const unservedRateText = (u: UnservedRate): string => (u.rate === null ? '?' : percentText(u.rate));

/** `6.15% (1,476 dropped + 12 errors of 24,000 planned arrivals)`. */
export const unservedText = (u: UnservedRate): string => `${unservedRateText(u)} (${unservedDetail(u)})`;

/** One sentence on what the unserved rate counts and what the error rate leaves out. */
export function unservedMeaning(u: UnservedRate): string {
  return u.basis === 'planned-arrivals'
    ? 'Unserved rate: dropped arrivals (the in-flight cap was reached) plus failed requests, over planned arrivals. The error rate counts sent requests only: dropped arrivals are not in it.'
    : 'Unserved rate (closed model): failed requests over requests sent. Virtual users wait for each answer, so no arrival is dropped; a slow service lowers the load instead, which only the open model shows.';
}

/** Column header for a table's error rate, saying it counts sent requests when arrivals were dropped. */
export const errorRateHeader = (s: LoadSlice | null, base: string): string => ((s?.dropped ?? 0) > 0 ? `${base} (of sent requests)` : base);
