/**
 * The analysis: a pure function from a timeline to numbers, transitions, checks and a verdict.
 * No IO and no clock: the same timeline always gives the same result, so reports can be rebuilt
 * offline from the NDJSON file alone.
 */
import type { Timeline, TimelineRecord } from '../timeline/types.js';
import { computeInsights } from '../insights/index.js';
import { overallVerdict } from './check-util.js';
import { loadChecks, requestScope, runScope } from './checks-load.js';
import { platformChecks } from './checks-platform.js';
import { findFlaps } from './flapping.js';
import { findLoadChanges } from './load-changes.js';
import { mergeUnfinishedChanges } from './merge-changes.js';
import { sustainedThroughput, wholeRunSlice } from './load-slices.js';
import { collectNotes } from './notes.js';
import { clockNotes, platformClocks } from './clocks.js';
import { replicaStats, utilization } from './replicas.js';
import { analyzeScaleDown, checkedMoment } from './scale-down.js';
import { analyzeScaleUp, type ReplicaSeries } from './scale-up.js';
import { maxOf, series } from './series.js';
import type { AnalysisResult, LoadSlice, ScaleDownMoment, ScaleDownTransition, UnservedRate } from './types.js';
import { unservedRate } from './unserved.js';

export type * from './types.js';
export { findLoadChanges, type LoadChange } from './load-changes.js';
export { loadSlice, sustainedThroughput } from './load-slices.js';

export function analyze(timeline: Timeline): AnalysisResult {
  const { header } = timeline;
  const profile = header.profile;
  const byT = <T extends { t: number }>(list: readonly T[]) => [...list].sort((a, b) => a.t - b.t);
  const samples = byT(timeline.samples);
  const load = byT(timeline.load);
  const durationMs = runEnd(timeline);
  const data: ReplicaSeries = {
    desired: series(samples, 'desired'),
    ready: series(samples, 'ready'),
    running: series(samples, 'running'),
    cpuPct: series(samples, 'cpuPct'),
    gaps: timeline.gaps,
    load,
    replicaRecords: byT(timeline.events).filter((e) => e.type === 'scale-up' || e.type === 'replica-ready' || e.type === 'replica-stopped'),
  };
  const cpuTarget = profile.targets.cpu?.target ?? platformCpuTarget(timeline);
  const timings = timeline.target?.description.scaling.timings ?? {};
  const downMoment = profile.targets.autoscaling?.scale_down_until ?? 'traffic-stopped';
  const changes = mergeUnfinishedChanges(
    findLoadChanges(timeline, durationMs),
    // Finished means the moment the target checks was reached (with "gone" and no running series: the ready one).
    (c) => (c.direction === 'increase' ? analyzeScaleUp(c, data, cpuTarget).outcome : finishedDown(analyzeScaleDown(c, data), downMoment)) === 'scaled',
    (direction) =>
      direction === 'increase'
        ? (profile.targets.autoscaling?.scale_up_time ?? timings.earliestScaleUpMs)
        : (profile.targets.autoscaling?.scale_down_time ?? timings.earliestScaleDownMs),
  );

  const runSlice = wholeRunSlice(load, durationMs);
  const model = profile.load?.model ?? 'open';
  const unservedRun = unservedRate(load, model);
  const loadByRequest: Record<string, LoadSlice> = {};
  const sustainedByRequest: Record<string, number | null> = {};
  const unservedByRequest: Record<string, UnservedRate> = {};
  for (const [name, records] of timeline.loadByRequest) {
    const sorted = byT(records);
    const slice = wholeRunSlice(sorted, durationMs);
    if (slice) loadByRequest[name] = slice;
    sustainedByRequest[name] = sustainedThroughput(sorted, profile.analysis.throughput_window);
    const unserved = unservedRate(sorted, model);
    if (unserved) unservedByRequest[name] = unserved;
  }

  const loadByTag: Record<string, LoadSlice> = {};
  for (const [key, records] of timeline.loadByTag) {
    const slice = wholeRunSlice(byT(records), durationMs);
    if (slice) loadByTag[key] = slice;
  }

  const clocks = platformClocks(timeline);
  const result: AnalysisResult = {
    runId: header.runId,
    profileName: profile.name ?? header.profilePath,
    provider: header.provider,
    startedAtWall: header.startedAtWall,
    durationMs,
    endStatus: timeline.end?.status ?? 'unknown',
    load: runSlice,
    loadByRequest,
    loadByTag,
    sustainedThroughput: sustainedThroughput(load, profile.analysis.throughput_window),
    sustainedThroughputByRequest: sustainedByRequest,
    unserved: { run: unservedRun, byRequest: unservedByRequest },
    replicas: replicaStats(samples, durationMs),
    cpu: utilization(samples, 'cpuPct'),
    memory: utilization(samples, 'memPct'),
    scaleUps: changes.filter((c) => c.direction === 'increase').map((c) => analyzeScaleUp(c, data, cpuTarget)),
    scaleDowns: changes.filter((c) => c.direction === 'decrease').map((c) => analyzeScaleDown(c, data)),
    flapping: findFlaps(data.desired, changes, profile.analysis.flap_window),
    checks: [],
    verdict: 'pass',
    notes: [...clockNotes(clocks), ...collectNotes(timeline, runSlice)],
    ...(clocks.length ? { platformClocks: clocks } : {}),
  };
  const requestScopes = Object.fromEntries(
    Object.keys(profile.targets.requests ?? {}).map((name) => [name, requestScope(name, loadByRequest[name] ?? null, sustainedByRequest[name] ?? null, unservedByRequest[name] ?? null)]),
  );
  result.checks = [...loadChecks(profile.targets, runScope(runSlice, result.sustainedThroughput, unservedRun), requestScopes), ...platformChecks(profile.targets, result, timeline.target?.description.scaling.minReplicas)];
  result.verdict = overallVerdict(result.checks);
  result.insights = computeInsights(timeline, result);
  return result;
}

function finishedDown(t: ScaleDownTransition, moment: ScaleDownMoment): ScaleDownTransition['outcome'] {
  return checkedMoment(t, moment).outcome ?? t.outcome;
}

/** The CPU target the platform itself scales on (a fraction), when the profile names none. */
function platformCpuTarget(timeline: Timeline): number | undefined {
  const rule = timeline.target?.description.scaling.rules.find((r) => r.metric === 'cpu' && r.unit === '%');
  return rule ? rule.target / 100 : undefined;
}

/** The end record's t, or (for a run that was killed) the latest time any record mentions. */
function runEnd(timeline: Timeline): number {
  if (timeline.end) return timeline.end.t;
  const times: number[] = [0];
  const add = (records: readonly Pick<TimelineRecord & { t: number }, 't'>[]) => records.forEach((r) => times.push(r.t));
  add(timeline.stages);
  add(timeline.phases);
  add(timeline.samples);
  add(timeline.events);
  add(timeline.notes);
  timeline.load.forEach((r) => times.push(r.t + r.windowMs));
  timeline.gaps.forEach((g) => times.push(g.untilT));
  return maxOf(times);
}
