/**
 * One field of the platform samples as a time series, and the one way every latency in the
 * analysis is measured from it.
 *
 * A milestone first seen in sample s happened somewhere after the previous sample carrying the
 * same field (p) and no later than s, and s's own timestamp is only good to its resolution:
 *
 *   load change        p            s
 *        |-------------|============|        valueMs  = s.t - change
 *                      (  true moment ]     marginMs = (s.t - p.t) + s.resolutionMs
 *
 * The margin is capped at valueMs: the milestone follows the change, so the lower bound of the
 * true value is never below 0. Without a previous sample the margin is valueMs.
 */
import type { GapRecord, SampleRecord } from '../timeline/types.js';
import type { MeasuredLatency } from './types.js';

export type SampleField = 'desired' | 'ready' | 'running' | 'cpuPct' | 'memPct';

export interface Point {
  t: number;
  value: number;
  resolutionMs: number;
}

export const NOT_SEEN: MeasuredLatency = { valueMs: null, marginMs: 0, atT: null };

/** The samples that carry `field`, in time order (the input is sorted by t). */
export function series(samples: readonly SampleRecord[], field: SampleField): Point[] {
  const points: Point[] = [];
  for (const s of samples) {
    const value = s[field];
    if (typeof value === 'number' && Number.isFinite(value)) points.push({ t: s.t, value, resolutionMs: s.resolutionMs });
  }
  return points;
}

/** Largest / smallest of many numbers (spreading a day of 1 s samples into Math.max overflows the stack). */
export function maxOf(values: Iterable<number>): number {
  let best = -Infinity;
  for (const v of values) if (v > best) best = v;
  return best;
}

export function minOf(values: Iterable<number>): number {
  let best = Infinity;
  for (const v of values) if (v < best) best = v;
  return best;
}

/** Index of the last point at or before t, or -1. */
export function lastIndexAtOrBefore(points: readonly Point[], t: number): number {
  let found = -1;
  for (let i = 0; i < points.length && points[i]!.t <= t; i++) found = i;
  return found;
}

/** Index of the first point in (fromT, toT] that satisfies `test`, or -1. */
export function findIndexIn(points: readonly Point[], fromT: number, toT: number, test: (value: number) => boolean): number {
  return points.findIndex((p) => p.t > fromT && p.t <= toT && test(p.value));
}

/** Values of the points in (fromT, toT]. */
export function valuesIn(points: readonly Point[], fromT: number, toT: number): number[] {
  return points.filter((p) => p.t > fromT && p.t <= toT).map((p) => p.value);
}

/** The latency from `changeT` to points[index], with its margin (see the file comment). */
export function measure(points: readonly Point[], index: number, changeT: number): MeasuredLatency {
  const point = points[index]!;
  const valueMs = point.t - changeT;
  const previous = points[index - 1];
  const margin = previous ? point.t - previous.t + point.resolutionMs : Infinity;
  return { valueMs, marginMs: Math.max(0, Math.min(valueMs, margin)), atT: point.t };
}

/** True when a gap overlaps (fromT, toT]: nothing could be read in part of it. */
export function gapOverlaps(gaps: readonly GapRecord[], fromT: number, toT: number): boolean {
  return gaps.some((g) => g.t < toT && g.untilT > fromT);
}

/** True when a gap overlaps the interval in which the milestone at points[index] fell. */
export function gapBefore(gaps: readonly GapRecord[], points: readonly Point[], index: number, changeT: number): boolean {
  const previousT = points[index - 1]?.t ?? -Infinity;
  return gapOverlaps(gaps, Math.max(previousT, changeT), points[index]!.t);
}
