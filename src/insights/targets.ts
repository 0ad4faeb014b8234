/**
 * The profile's run-level targets evaluated over one interval (a steady hold, a load level):
 * each latency percentile, the error rate and, when asked, the throughput.
 *
 *   latency.<p>  merged percentile over the interval's windows <= limit (ms)
 *   error_rate   errors / completed over the interval <= limit
 *   throughput   ok responses per second over the interval >= limit (req/s)
 *
 * `met` over a list: false if any is false, null when the list is empty or all are null.
 */
import { loadSlice } from '../analysis/load-slices.js';
import type { Targets } from '../profile/schema.js';
import type { LoadRecord } from '../timeline/types.js';
import type { IntervalNumbers, TargetEval } from './types.js';
import { latencyLimits } from './windows.js';

export function evaluateTargets(
  targets: Targets,
  load: readonly LoadRecord[],
  numbers: IntervalNumbers,
  opts: { throughput: boolean },
): TargetEval[] {
  const slice = loadSlice(load, numbers.fromT, numbers.toT);
  const measured = slice && slice.completed > 0;
  const evals: TargetEval[] = latencyLimits(targets).map(({ key, limitMs }) => {
    const value = measured ? slice.latency[key] : null;
    return { id: `latency.${key}`, limit: limitMs, measured: value, met: value === null ? null : value <= limitMs };
  });
  if (targets.error_rate !== undefined) {
    const value = measured ? slice.errorRate : null;
    evals.push({ id: 'error_rate', limit: targets.error_rate, measured: value, met: value === null ? null : value <= targets.error_rate });
  }
  if (opts.throughput && targets.throughput !== undefined) {
    const value = slice ? numbers.okPerSecond : null;
    evals.push({ id: 'throughput', limit: targets.throughput, measured: value, met: value === null ? null : value >= targets.throughput });
  }
  return evals;
}

export function allMet(evals: readonly TargetEval[]): boolean | null {
  if (evals.some((e) => e.met === false)) return false;
  return evals.some((e) => e.met === true) ? true : null;
}
