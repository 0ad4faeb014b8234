/**
 * Insights: what a run says beyond pass/fail. Pure, like the analysis it builds on: the same
 * timeline and analysis always give the same insights.
 *
 *   typeReport    per test type (load, stress, spike, endurance, scalability)
 *   capacity      req/s one replica sustains at the CPU or latency target
 *   rightSizing   CPU / memory / replica bounds / scaling target advice
 *   cost          instance time, cost per 1,000 requests, over-provisioning
 */
import type { AnalysisResult } from '../analysis/types.js';
import type { Timeline } from '../timeline/types.js';
import { capacityIn } from './capacity.js';
import { insightContext } from './context.js';
import { costIn } from './cost.js';
import { rightSizingIn } from './right-sizing.js';
import { typeReportIn } from './type-report.js';
import type { Insights, InsightsOptions } from './types.js';

export type * from './types.js';
export { capacityPerReplica } from './capacity.js';
export { typeReport } from './type-report.js';
export { loadReport } from './type-load.js';
export { stressReport } from './type-stress.js';
export { spikeReport } from './type-spike.js';
export { enduranceReport } from './type-endurance.js';
export { scalabilityReport } from './type-scalability.js';
export { renderInsightsMarkdown, renderInsightsText } from './render.js';

export function computeInsights(timeline: Timeline, analysis: AnalysisResult, opts: InsightsOptions = {}): Insights {
  const cx = insightContext(timeline, analysis, opts);
  const capacity = capacityIn(cx);
  return {
    type: timeline.header.profile.type ?? null,
    typeReport: typeReportIn(cx, capacity.perReplica),
    capacity,
    rightSizing: rightSizingIn(cx, capacity.perReplica),
    cost: costIn(cx, capacity.perReplica),
  };
}
