/**
 * Spike test: a sudden burst. The spike is the largest single rise in the planned load; it
 * lasts until the next fall.
 *
 *   load   ____|‾‾‾‾‾‾‾‾‾‾‾‾‾|________
 *   ready  _______/‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾\___   back to baseline: drop -> ready <= ready at start
 *              |    |absorbed       |
 *            start  first sustained run of windows under the latency target after the first
 *                   window over it (0 when latency never went over)
 *
 * Errors, dropped arrivals and latency are over the windows in [start, end).
 */
import { loadSlice } from '../analysis/load-slices.js';
import type { AnalysisResult } from '../analysis/types.js';
import type { Timeline } from '../timeline/types.js';
import { insightContext, type InsightContext } from './context.js';
import { moves } from './levels.js';
import type { SpikeTypeReport } from './types.js';
import { firstWindow, stepMax, sustainedUnderTarget, valueAt, windowMeets } from './windows.js';

export function spikeReport(timeline: Timeline, analysis: AnalysisResult): SpikeTypeReport {
  return spikeReportIn(insightContext(timeline, analysis));
}

export function spikeReportIn(cx: InsightContext): SpikeTypeReport {
  const notes: string[] = [];
  const all = moves(cx.timeline, cx.endT);
  const rise = [...all].filter((m) => m.to > m.from).sort((a, b) => b.to - b.from - (a.to - a.from) || a.t - b.t)[0];
  const report: SpikeTypeReport = {
    type: 'spike', spikeStartT: null, spikeEndT: null, fromLevel: null, toLevel: null, absorbMs: null, errors: 0, errorRate: 0, dropped: 0,
    latencyP95Ms: null, latencyMaxMs: null, baselineReady: null, peakReady: null, replicasAdded: null, backToBaselineMs: null, notes,
  };
  if (!rise) return { ...report, notes: ['the planned load never rises: there is no spike'] };
  const fall = all.find((m) => m.t > rise.t && m.to < m.from);
  const endT = fall?.t ?? cx.endT;
  if (!fall) notes.push('the load never falls after the spike: it is measured to the end of the run');
  const toLevel = Math.max(rise.to, ...all.filter((m) => m.t >= rise.t && m.t < endT).map((m) => m.to));
  Object.assign(report, { spikeStartT: rise.t, spikeEndT: endT, fromLevel: rise.from, toLevel });
  const slice = loadSlice(cx.load, rise.t, endT);
  if (slice) {
    Object.assign(report, {
      errors: Object.values(slice.errors).reduce((a, b) => a + b, 0),
      errorRate: slice.errorRate,
      dropped: slice.dropped,
      latencyP95Ms: slice.latency.count ? slice.latency.p95 : null,
      latencyMaxMs: slice.latency.count ? slice.latency.max : null,
    });
  } else notes.push('no load windows during the spike');
  report.absorbMs = absorb(cx, rise.t, endT, notes);
  Object.assign(report, replicas(cx, rise.t, endT, fall !== undefined, notes));
  return report;
}

function absorb(cx: InsightContext, startT: number, endT: number, notes: string[]): number | null {
  if (cx.limits.length === 0) {
    notes.push('no latency target: the time to absorb the spike cannot be measured');
    return null;
  }
  const over = firstWindow(cx.load, startT, endT, (r) => !windowMeets(r, cx.limits));
  if (over === null) return 0;
  const back = sustainedUnderTarget(cx.load, over, endT, cx.limits);
  if (back === null) notes.push('latency stayed over target until the spike ended: the burst was not absorbed');
  return back === null ? null : back - startT;
}

function replicas(cx: InsightContext, startT: number, endT: number, fell: boolean, notes: string[]): Partial<SpikeTypeReport> {
  const baselineReady = valueAt(cx.ready, startT);
  const peakReady = stepMax(cx.ready, startT, endT + 1);
  if (baselineReady === null || peakReady === null) {
    notes.push('no ready-replica samples around the spike');
    return {};
  }
  const back = fell ? cx.ready.find((p) => p.t >= endT && p.value <= baselineReady) : undefined;
  if (fell && !back) notes.push(`ready replicas never returned to the baseline of ${baselineReady} before the run ended`);
  return { baselineReady, peakReady, replicasAdded: peakReady - baselineReady, backToBaselineMs: back ? back.t - endT : null };
}
