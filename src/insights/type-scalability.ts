/**
 * Scalability test: per load step, what it took to serve it, and how closely capacity
 * followed load.
 *
 *   step            the ramp into a hold plus the hold: [approach, hold end)
 *   okPerSecond, latency, meanReady     over the steady part of the hold (steady.ts)
 *   okPerSecondPerReplica               okPerSecond / meanReady
 *   scaleEvents                         desired-replica changes in the step
 *   costPer1000     ready replica-seconds in the step * price / 3600 / (ok responses / 1000)
 *   capacityToLoad  meanReady * capacity per replica / planned rate (open model):
 *                   1 = exactly enough, above 1 = headroom, below 1 = short
 * Across steps: the Pearson correlation of planned rate and mean ready replicas, and the
 * coefficient of variation of ok/s per replica (near 0 when throughput scales linearly).
 */
import { loadSlice } from '../analysis/load-slices.js';
import type { AnalysisResult } from '../analysis/types.js';
import type { Timeline } from '../timeline/types.js';
import { capacityIn } from './capacity.js';
import { insightContext, type InsightContext } from './context.js';
import type { Level } from './levels.js';
import { correlation, variation } from './stats.js';
import { steadyPart } from './steady.js';
import type { ScalabilityStep, ScalabilityTypeReport } from './types.js';
import { changesIn, interval, stepMean, stepSeconds } from './windows.js';

export function scalabilityReport(timeline: Timeline, analysis: AnalysisResult): ScalabilityTypeReport {
  const cx = insightContext(timeline, analysis);
  return scalabilityReportIn(cx, capacityIn(cx).perReplica);
}

export function scalabilityReportIn(cx: InsightContext, capacity: number | null): ScalabilityTypeReport {
  const notes: string[] = [];
  const steps = cx.levels.map((l) => step(cx, l, capacity)).filter((s): s is ScalabilityStep => s !== null);
  if (steps.length === 0) notes.push('no hold stages with load windows: there are no steps to compare');
  if (cx.price === null) notes.push('no price per instance-hour (profile cost.instance_hour): cost per 1,000 requests is unknown');
  if (capacity === null) notes.push('capacity per replica is unknown: capacity-to-load ratios are not computed');
  const withReady = steps.filter((s) => s.meanReady !== null);
  const perReplica = steps.map((s) => s.okPerSecondPerReplica).filter((v): v is number => v !== null);
  return {
    type: 'scalability',
    steps,
    replicasLoadCorrelation: correlation(withReady.map((s) => s.plannedLevel), withReady.map((s) => s.meanReady!)),
    perReplicaVariation: perReplica.length >= 2 ? variation(perReplica) : null,
    notes,
  };
}

function step(cx: InsightContext, level: Level, capacity: number | null): ScalabilityStep | null {
  const steady = steadyPart(level, cx.analysis);
  const numbers = interval(cx.load, steady.fromT, steady.toT, level.level);
  if (!numbers) return null;
  const meanReady = stepMean(cx.ready, steady.fromT, steady.toT);
  const readyReplicaSeconds = stepSeconds(cx.ready, level.approachT, level.endT);
  const ok = loadSlice(cx.load, level.approachT, level.endT)?.ok ?? 0;
  const open = cx.timeline.header.profile.load?.model !== 'closed';
  return {
    ...numbers,
    index: level.index,
    meanReady,
    okPerSecondPerReplica: meanReady ? numbers.okPerSecond / meanReady : null,
    scaleEvents: changesIn(cx.desired, level.approachT, level.endT),
    readyReplicaSeconds,
    costPer1000: cx.price !== null && readyReplicaSeconds !== null && ok > 0 ? (readyReplicaSeconds / 3600) * cx.price / (ok / 1000) : null,
    capacityToLoad: open && capacity !== null && meanReady !== null && level.level > 0 ? (meanReady * capacity) / level.level : null,
  };
}
