/**
 * What every insight reads from a timeline and its analysis, prepared once: sorted load
 * windows, sample series, the load levels, the latency limits and the price.
 */
import { series, type Point } from '../analysis/series.js';
import type { AnalysisResult } from '../analysis/types.js';
import type { Targets } from '../profile/schema.js';
import type { LoadRecord, Timeline } from '../timeline/types.js';
import { findLevels, type Level } from './levels.js';
import type { InsightsOptions } from './types.js';
import { latencyLimits, type LatencyLimit } from './windows.js';

export interface InsightContext {
  timeline: Timeline;
  analysis: AnalysisResult;
  targets: Targets;
  /** Aggregate windows in time order. */
  load: LoadRecord[];
  desired: Point[];
  ready: Point[];
  cpu: Point[];
  mem: Point[];
  endT: number;
  levels: Level[];
  limits: LatencyLimit[];
  price: number | null;
  currency: string | null;
  leakPctPerHour: number;
}

export function insightContext(timeline: Timeline, analysis: AnalysisResult, opts: InsightsOptions = {}): InsightContext {
  const samples = [...timeline.samples].sort((a, b) => a.t - b.t);
  const profile = timeline.header.profile;
  return {
    timeline,
    analysis,
    targets: profile.targets,
    load: [...timeline.load].sort((a, b) => a.t - b.t),
    desired: series(samples, 'desired'),
    ready: series(samples, 'ready'),
    cpu: series(samples, 'cpuPct'),
    mem: series(samples, 'memPct'),
    endT: analysis.durationMs,
    levels: findLevels(timeline, analysis.durationMs),
    limits: latencyLimits(profile.targets),
    price: opts.pricePerInstanceHour ?? profile.cost?.instance_hour ?? null,
    currency: profile.cost?.currency ?? null,
    leakPctPerHour: opts.leakPctPerHour ?? 2,
  };
}
