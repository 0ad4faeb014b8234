/**
 * Stress test: step the load up until something gives, then watch it recover.
 *
 *   level 400 |                    ____ x  first failing level (the breaking point)
 *         300 |              ____ /    \
 *         200 |        ____ /  ok       \____ 100   <- recovery: drop -> latency back under
 *         100 |  ____ / ok                          target for SUSTAIN_MS
 *               ok
 *
 * Each hold is evaluated over its steady part (steady.ts) against the latency and error-rate
 * targets, plus saturation in the open model: ok/s below SATURATION of the planned rate.
 * In the first failing level, what broke first is the earliest of: the first window over a
 * latency limit (when latency failed), over the error-rate target (when errors failed), under
 * the saturation rate (when throughput failed), and ready replicas at the max (the target's
 * max_instances, else the platform's maxReplicas) from the moment the load moved towards it.
 */
import type { AnalysisResult } from '../analysis/types.js';
import type { Timeline } from '../timeline/types.js';
import { insightContext, type InsightContext } from './context.js';
import type { Level } from './levels.js';
import { moves } from './levels.js';
import { steadyPart } from './steady.js';
import { allMet, evaluateTargets } from './targets.js';
import type { BreakCause, LevelReport, StressTypeReport } from './types.js';
import { firstWindow, interval, stepMax, stepMean, sustainedUnderTarget, windowErrorRate, windowMeets } from './windows.js';

export const SATURATION = 0.95;

export function stressReport(timeline: Timeline, analysis: AnalysisResult): StressTypeReport {
  return stressReportIn(insightContext(timeline, analysis));
}

export function stressReportIn(cx: InsightContext): StressTypeReport {
  const notes: string[] = [];
  const levels = cx.levels.map((l) => levelReport(cx, l, notes)).filter((l): l is LevelReport => l !== null);
  const empty: StressTypeReport = { type: 'stress', levels, highestPassingLevel: null, firstFailingLevel: null, causes: [], brokeFirst: null, recoveryMs: null, recoveryFromT: null, notes };
  if (levels.length === 0) return { ...empty, notes: [...notes, 'no hold stages with load windows: the load levels cannot be told apart'] };
  const failIndex = levels.findIndex((l) => l.met === false);
  const before = failIndex < 0 ? levels : levels.slice(0, failIndex);
  const passing = before.filter((l) => l.met === true).map((l) => l.plannedLevel);
  const report: StressTypeReport = { ...empty, highestPassingLevel: passing.length ? Math.max(...passing) : null };
  const failing = failIndex < 0 ? null : levels[failIndex]!;
  if (!failing) notes.push('no level missed a target: the breaking point is above the highest level applied');
  else {
    report.firstFailingLevel = failing.plannedLevel;
    report.causes = causes(cx, failing, cx.levels[failing.index]!);
    report.brokeFirst = report.causes[0]?.cause ?? null;
  }
  const after = failing ?? [...levels].sort((a, b) => b.plannedLevel - a.plannedLevel)[0]!;
  Object.assign(report, recovery(cx, after.toT, notes));
  return report;
}

function levelReport(cx: InsightContext, level: Level, notes: string[]): LevelReport | null {
  const steady = steadyPart(level, cx.analysis);
  if (steady.note) notes.push(steady.note);
  const numbers = interval(cx.load, steady.fromT, steady.toT, level.level);
  if (!numbers) return null;
  const targets = evaluateTargets(cx.targets, cx.load, numbers, { throughput: false });
  if (cx.timeline.header.profile.load?.model !== 'closed') {
    const limit = SATURATION * level.level;
    targets.push({ id: 'throughput', limit, measured: numbers.okPerSecond, met: numbers.okPerSecond >= limit });
  }
  return {
    ...numbers,
    fromT: level.startT,
    index: level.index,
    evaluatedFromT: steady.fromT,
    meanReady: stepMean(cx.ready, level.startT, level.endT),
    maxReady: stepMax(cx.ready, level.startT, level.endT),
    targets,
    met: allMet(targets),
  };
}

function causes(cx: InsightContext, report: LevelReport, level: Level): Array<{ cause: BreakCause; atT: number }> {
  const failed = (prefix: string) => report.targets.some((t) => t.id.startsWith(prefix) && t.met === false);
  const from = report.evaluatedFromT, to = report.toT;
  const list: Array<{ cause: BreakCause; atT: number }> = [];
  if (failed('latency.')) list.push({ cause: 'latency', atT: firstWindow(cx.load, from, to, (r) => !windowMeets(r, cx.limits)) ?? from });
  const errorLimit = cx.targets.error_rate;
  if (failed('error_rate') && errorLimit !== undefined) list.push({ cause: 'errors', atT: firstWindow(cx.load, from, to, (r) => windowErrorRate(r) > errorLimit) ?? from });
  if (failed('throughput')) list.push({ cause: 'throughput', atT: firstWindow(cx.load, from, to, (r) => r.ok / (r.windowMs / 1000) < SATURATION * level.level) ?? from });
  const max = cx.targets.autoscaling?.max_instances ?? cx.timeline.target?.description.scaling.maxReplicas;
  if (max !== undefined) {
    const atMax = atOrAbove(cx, max, level.approachT, to);
    if (atMax !== null) list.push({ cause: 'replicas-at-max', atT: atMax });
  }
  // On a tie, replicas at the max come first: the ceiling explains the rest.
  return list.sort((a, b) => a.atT - b.atT || Number(b.cause === 'replicas-at-max') - Number(a.cause === 'replicas-at-max'));
}

/** First moment in [fromT, toT) when ready replicas were at or above `max`. */
function atOrAbove(cx: InsightContext, max: number, fromT: number, toT: number): number | null {
  if ((stepMax(cx.ready, fromT, fromT + 1) ?? -Infinity) >= max) return fromT;
  return cx.ready.find((p) => p.t > fromT && p.t < toT && p.value >= max)?.t ?? null;
}

function recovery(cx: InsightContext, afterT: number, notes: string[]): Pick<StressTypeReport, 'recoveryMs' | 'recoveryFromT'> {
  const none = { recoveryMs: null, recoveryFromT: null };
  const drop = moves(cx.timeline, cx.endT).find((m) => m.t >= afterT && m.to < m.from);
  if (!drop) return none;
  if (drop.to === 0) {
    notes.push('the load stopped after the last level: add a lower stage after it to measure recovery');
    return none;
  }
  if (cx.limits.length === 0) {
    notes.push('no latency target: recovery (latency back under target) cannot be measured');
    return none;
  }
  const back = sustainedUnderTarget(cx.load, drop.t, cx.endT, cx.limits);
  if (back === null) notes.push('latency never got back under target after the load dropped');
  return { recoveryMs: back === null ? null : back - drop.t, recoveryFromT: drop.t };
}
