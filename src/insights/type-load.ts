/**
 * Load test: does the service meet its targets at the target rate, once it has scaled?
 * The steady window is the hold at the highest planned level (the longest one on a tie),
 * minus the scale-up that led into it (see steady.ts). Latency, error rate and throughput
 * targets are evaluated over that window only.
 */
import type { AnalysisResult } from '../analysis/types.js';
import type { Timeline } from '../timeline/types.js';
import { insightContext, type InsightContext } from './context.js';
import { steadyPart } from './steady.js';
import { allMet, evaluateTargets } from './targets.js';
import type { LoadTypeReport } from './types.js';
import { interval } from './windows.js';

export function loadReport(timeline: Timeline, analysis: AnalysisResult): LoadTypeReport {
  return loadReportIn(insightContext(timeline, analysis));
}

export function loadReportIn(cx: InsightContext): LoadTypeReport {
  const notes: string[] = [];
  const peak = [...cx.levels].sort((a, b) => b.level - a.level || b.endT - b.startT - (a.endT - a.startT) || a.startT - b.startT)[0];
  if (!peak) return { type: 'load', steady: null, met: null, notes: ['no hold stage in the load: there is no steady state to evaluate'] };
  const steady = steadyPart(peak, cx.analysis);
  if (steady.note) notes.push(steady.note);
  const numbers = interval(cx.load, steady.fromT, steady.toT, peak.level);
  if (!numbers) return { type: 'load', steady: null, met: null, notes: [...notes, 'no load windows in the steady window'] };
  const targets = evaluateTargets(cx.targets, cx.load, numbers, { throughput: true });
  if (targets.length === 0) notes.push('the profile sets no latency, error-rate or throughput target: numbers only');
  return { type: 'load', steady: { ...numbers, targets }, met: allMet(targets), notes };
}
