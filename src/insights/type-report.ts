/** The report section of the profile's test type (profile `type`), or null without a type. */
import type { AnalysisResult } from '../analysis/types.js';
import type { Timeline } from '../timeline/types.js';
import { insightContext, type InsightContext } from './context.js';
import { enduranceReportIn } from './type-endurance.js';
import { loadReportIn } from './type-load.js';
import { scalabilityReportIn } from './type-scalability.js';
import { spikeReportIn } from './type-spike.js';
import { stressReportIn } from './type-stress.js';
import type { TestType, TypeReport } from './types.js';

export function typeReport(timeline: Timeline, analysis: AnalysisResult, capacity: number | null = null): TypeReport | null {
  return typeReportIn(insightContext(timeline, analysis), capacity);
}

export function typeReportIn(cx: InsightContext, capacity: number | null): TypeReport | null {
  const type: TestType | undefined = cx.timeline.header.profile.type;
  switch (type) {
    case 'load': return loadReportIn(cx);
    case 'stress': return stressReportIn(cx);
    case 'spike': return spikeReportIn(cx);
    case 'endurance': return enduranceReportIn(cx);
    case 'scalability': return scalabilityReportIn(cx, capacity);
    case undefined: return null;
  }
}
