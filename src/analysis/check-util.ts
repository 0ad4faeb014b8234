/** Small shared pieces of the checks: wording of values and combining per-item results. */
import { formatDuration, round } from '../units.js';
import type { CheckResult } from './types.js';

export type Status = CheckResult['status'];

export interface Verdict {
  status: Status;
  detail?: string;
}

/** `12s` style, with ms kept below one second. */
export const ms = (value: number): string => formatDuration(value);

export const pct = (percent: number): string => `${round(percent, 1)}%`;

export const perSecond = (value: number): string => `${round(value, 1)} req/s`;

/** An unknown check with the measured value `unknown`. */
export function unknownCheck(id: string, target: string, detail: string): CheckResult {
  return { id, target, measured: 'unknown', status: 'unknown', detail };
}

/** fail if any failed, else unknown if any unknown, else pass; the detail of the first that decided. */
export function combine(verdicts: readonly Verdict[]): Verdict {
  for (const status of ['fail', 'unknown'] as const) {
    const hits = verdicts.filter((v) => v.status === status);
    if (hits.length === 0) continue;
    const more = hits.length > 1 ? ` (+${hits.length - 1} more)` : '';
    return { status, detail: `${hits[0]!.detail ?? ''}${more}` };
  }
  return { status: 'pass' };
}

/** The overall verdict: fail when any check failed, unknown when any is unknown, else pass. */
export function overallVerdict(checks: readonly CheckResult[]): Status {
  return combine(checks).status;
}
