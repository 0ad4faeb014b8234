/**
 * Sharpening a scale-up milestone that was seen in an aggregated point, with the platform's own
 * per-replica records.
 *
 * A point that aggregates an interval (Cloud Monitoring's per-minute instance_count, resolution
 * 60 s) only bounds a milestone to (previous point, point]. When the platform also records each
 * replica (Cloud Run's "Starting new instance" and STARTUP-probe log lines), the records inside
 * that interval say when it happened:
 *
 *   first increase -> the first scale-up record in (max(change, previous), point]
 *   ready at peak  -> the k-th replica-ready record in (previous, point],
 *                     k = peak - ready at the previous point
 *
 * The coarse measure stands unless the records fit: enough of them, inside the interval, after
 * the change, sharper than the point, and no replica stopped in it (a stop would break the
 * counting). Point reads
 * (resolution under a second) are never sharpened: their own time is as good as a record's.
 */
import type { PlatformEventType } from '../provider.js';
import type { Point } from './series.js';
import type { MeasuredLatency } from './types.js';

/** Points at least this coarse are aggregates worth sharpening. */
export const AGGREGATE_RESOLUTION_MS = 1000;

export interface ReplicaRecord {
  t: number;
  resolutionMs: number;
  type: PlatformEventType;
}

export type Sharpening = { kind: 'first-increase' } | { kind: 'ready-at'; target: number };

export function sharpenWithRecords(
  coarse: MeasuredLatency,
  points: readonly Point[],
  index: number,
  changeT: number,
  records: readonly ReplicaRecord[],
  how: Sharpening,
): MeasuredLatency {
  const point = points[index];
  const previous = points[index - 1];
  if (!point || !previous || point.resolutionMs < AGGREGATE_RESOLUTION_MS || records.length === 0) return coarse;
  const fromT = how.kind === 'first-increase' ? Math.max(changeT, previous.t) : previous.t;
  const inside = records.filter((r) => r.t > fromT && r.t <= point.t);
  if (inside.some((r) => r.type === 'replica-stopped')) return coarse;
  const type: PlatformEventType = how.kind === 'first-increase' ? 'scale-up' : 'replica-ready';
  const needed = how.kind === 'first-increase' ? 1 : how.target - previous.value;
  if (needed < 1) return coarse;
  const hit = inside.filter((r) => r.type === type)[needed - 1];
  // A record no sharper than the point itself adds nothing.
  if (!hit || hit.t <= changeT || hit.resolutionMs >= coarse.marginMs) return coarse;
  const valueMs = hit.t - changeT;
  return { valueMs, marginMs: Math.min(valueMs, hit.resolutionMs), atT: hit.t };
}
