/**
 * Endurance test: does anything drift over a long run? Least-squares lines against time in
 * hours over the trend window: the steady part of the longest hold (the ramp would otherwise
 * read as drift), or the whole load when there is no hold.
 *
 *   latency drift   p95 of each load window (ms)              -> ms per hour
 *   error drift     error rate of each window (fraction)      -> per hour
 *   memory growth   memPct of each sample (percentage points) -> points per hour;
 *                   leak warning when above the threshold and r² >= LEAK_MIN_R2
 *   churn           desired-replica changes over the whole run, per hour of run
 */
import type { AnalysisResult } from '../analysis/types.js';
import type { Timeline } from '../timeline/types.js';
import { insightContext, type InsightContext } from './context.js';
import { loadEndT } from './levels.js';
import { linearFit } from './stats.js';
import { steadyPart } from './steady.js';
import type { EnduranceTypeReport, Trend } from './types.js';
import { changesIn, windowErrorRate } from './windows.js';

const HOUR_MS = 3_600_000;
export const LEAK_MIN_R2 = 0.5;
const MIN_POINTS = 3;

export function enduranceReport(timeline: Timeline, analysis: AnalysisResult): EnduranceTypeReport {
  return enduranceReportIn(insightContext(timeline, analysis));
}

export function enduranceReportIn(cx: InsightContext): EnduranceTypeReport {
  const notes: string[] = [];
  const { fromT, toT } = trendWindow(cx, notes);
  const windows = cx.load.filter((r) => r.t >= fromT && r.t < toT && r.latency.count > 0);
  const mid = (t: number, w: number) => (t + w / 2) / HOUR_MS;
  const latencyP95 = trend(windows.map((r) => mid(r.t, r.windowMs)), windows.map((r) => r.latency.p95));
  const errorRate = trend(windows.map((r) => mid(r.t, r.windowMs)), windows.map(windowErrorRate));
  const mem = cx.mem.filter((p) => p.t >= fromT && p.t < toT);
  const memory = trend(mem.map((p) => p.t / HOUR_MS), mem.map((p) => p.value));
  if (!memory) notes.push('fewer than 3 memory samples in the trend window: memory growth is unknown');
  const leakWarning = memory !== null && memory.slopePerHour > cx.leakPctPerHour && memory.r2 >= LEAK_MIN_R2;
  if (leakWarning) notes.push(`memory grows ${memory.slopePerHour.toFixed(2)} points per hour (threshold ${cx.leakPctPerHour}): possible leak`);
  const durationHours = cx.endT / HOUR_MS;
  const scalingMoves = changesIn(cx.desired, -Infinity, Infinity);
  return {
    type: 'endurance',
    durationHours,
    latencyP95,
    errorRate,
    memory,
    leakWarning,
    hoursToMemoryFull: memory && memory.slopePerHour > 0 ? Math.max(0, (100 - (memory.intercept + memory.slopePerHour * (toT / HOUR_MS))) / memory.slopePerHour) : null,
    scalingMoves,
    scalingMovesPerHour: durationHours > 0 ? scalingMoves / durationHours : null,
    notes,
  };
}

function trendWindow(cx: InsightContext, notes: string[]): { fromT: number; toT: number } {
  const longest = [...cx.levels].sort((a, b) => b.endT - b.startT - (a.endT - a.startT))[0];
  if (!longest) {
    notes.push('no hold stage: trends are over the whole load');
    return { fromT: 0, toT: loadEndT(cx.timeline, cx.endT) };
  }
  const steady = steadyPart(longest, cx.analysis);
  if (steady.note) notes.push(steady.note);
  return { fromT: steady.fromT, toT: steady.toT };
}

function trend(xs: number[], ys: number[]): Trend | null {
  if (xs.length < MIN_POINTS) return null;
  const fit = linearFit(xs, ys);
  return fit ? { slopePerHour: fit.slope, intercept: fit.intercept, r2: fit.r2, points: fit.n } : null;
}
