/**
 * What scale-up and scale-down share: after a load change, follow desired replicas away from
 * their baseline to the extreme they reach in the window (the peak going up, the settled low
 * going down), then ready replicas to that extreme.
 *
 *   baseline  = desired in the last sample at or before the change
 *   extreme   = max (up) / min (down) desired in the window (change, windowEnd]
 *   first     = change -> first sample in the window with desired above (below) baseline
 *   ready     = change -> first sample in the window with ready >= extreme (<= extreme)
 *
 * Outcomes: 'no-scale' when desired never moved, 'incomplete' when ready never reached the
 * extreme, 'unknown' when there is no baseline or no ready data, or when a gap overlaps the
 * interval a milestone fell in (or, for a milestone never seen, the window): a gap is never
 * read as "nothing happened".
 * Going up, milestones seen in aggregated points are sharpened with per-replica records when
 * the platform has them (replica-records.ts).
 */
import type { GapRecord } from '../timeline/types.js';
import type { LoadChange } from './load-changes.js';
import { sharpenWithRecords, type ReplicaRecord } from './replica-records.js';
import type { MeasuredLatency } from './types.js';
import { NOT_SEEN, findIndexIn, gapBefore, gapOverlaps, lastIndexAtOrBefore, maxOf, measure, minOf, valuesIn, type Point } from './series.js';

export type Outcome = 'scaled' | 'no-scale' | 'incomplete' | 'unknown';

export interface Followed {
  baseline: number | null;
  extreme: number | null;
  first: MeasuredLatency;
  ready: MeasuredLatency;
  outcome: Outcome;
}

export function followTransition(
  change: LoadChange,
  desired: readonly Point[],
  ready: readonly Point[],
  gaps: readonly GapRecord[],
  way: 'up' | 'down',
  /** Per-replica records that may sharpen milestones seen in aggregated points (scale-up only). */
  records: readonly ReplicaRecord[] = [],
): Followed {
  const { t: changeT, windowEndT: endT } = change;
  const beyond = (v: number, ref: number) => (way === 'up' ? v > ref : v < ref);
  const reached = (v: number, ref: number) => (way === 'up' ? v >= ref : v <= ref);
  const window = valuesIn(desired, changeT, endT);
  const extreme = window.length ? (way === 'up' ? maxOf(window) : minOf(window)) : null;
  const baseIndex = lastIndexAtOrBefore(desired, changeT);
  const baseline = baseIndex >= 0 ? desired[baseIndex]!.value : null;
  const unknown: Followed = { baseline, extreme, first: NOT_SEEN, ready: NOT_SEEN, outcome: 'unknown' };
  if (baseline === null || extreme === null) return unknown;

  const firstIndex = findIndexIn(desired, changeT, endT, (v) => beyond(v, baseline));
  if (firstIndex < 0) return { ...unknown, outcome: gapOverlaps(gaps, changeT, endT) ? 'unknown' : 'no-scale' };
  // Records sharpen scale-up milestones only; sharpenWithRecords keeps the coarse one when they do not fit (or there are none).
  const sharpen = way === 'up';
  const coarseFirst = measure(desired, firstIndex, changeT);
  const first = sharpen ? sharpenWithRecords(coarseFirst, desired, firstIndex, changeT, records, { kind: 'first-increase' }) : coarseFirst;
  const firstHidden = gapBefore(gaps, desired, firstIndex, changeT);

  const readyIndex = findIndexIn(ready, changeT, endT, (v) => reached(v, extreme));
  if (readyIndex < 0) {
    const hidden = ready.length === 0 || firstHidden || gapOverlaps(gaps, changeT, endT);
    return { ...unknown, first, outcome: hidden ? 'unknown' : 'incomplete' };
  }
  const coarseReady = measure(ready, readyIndex, changeT);
  const readyAt = sharpen ? sharpenWithRecords(coarseReady, ready, readyIndex, changeT, records, { kind: 'ready-at', target: extreme }) : coarseReady;
  const hidden = firstHidden || gapBefore(gaps, ready, readyIndex, changeT);
  return { baseline, extreme, first, ready: readyAt, outcome: hidden ? 'unknown' : 'scaled' };
}
