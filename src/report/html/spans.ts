/**
 * Each measured scale-up / scale-down as a span on the time axis (pure), with its phases:
 *
 *   load change        first desired change           ready at peak / settled
 *       |---- decide ---------|------------ provision ------------|
 *                       [margin]                           [margin]
 *
 * A milestone seen at atT really happened somewhere in [atT - marginMs, atT]. A milestone that
 * never came leaves the span open until the transition's window ends (next load change or run end).
 * A scale-down's span ends when the surplus stopped receiving traffic (ready); when the provider
 * also counts running replicas, `gone` marks when they no longer existed (drawn as a "linger" phase).
 */
import type { AnalysisResult, MeasuredLatency } from '../../analysis/types.js';

export interface ScalingSpan {
  kind: 'scale-up' | 'scale-down';
  /** Position within its kind (0-based), as in result.scaleUps / result.scaleDowns. */
  index: number;
  fromLevel: number;
  toLevel: number;
  startT: number;
  /** First desired-replica change, when seen. */
  decided: MeasuredLatency;
  /** Ready replicas reached the peak (up) or settled count (down), when seen. */
  ready: MeasuredLatency;
  /** Scale-down only: running replicas reached the settled count (gone); null when not counted (and for scale-ups). */
  gone: MeasuredLatency | null;
  /** Where the drawing stops: ready.atT, or the open end. */
  endT: number;
  outcome: 'scaled' | 'no-scale' | 'incomplete' | 'unknown';
}

export function scalingSpans(result: AnalysisResult, runEndT: number): ScalingSpan[] {
  const openEnd = (windowEndT: number | undefined) => Math.min(windowEndT ?? runEndT, runEndT);
  const ups = result.scaleUps.map((s, index): ScalingSpan => ({
    kind: 'scale-up',
    index,
    fromLevel: s.fromLevel,
    toLevel: s.toLevel,
    startT: s.loadChangeT,
    decided: s.firstDesiredIncrease,
    ready: s.readyAtPeak,
    gone: null,
    endT: s.readyAtPeak.atT ?? openEnd(s.windowEndT),
    outcome: s.outcome,
  }));
  const downs = result.scaleDowns.map((s, index): ScalingSpan => ({
    kind: 'scale-down',
    index,
    fromLevel: s.fromLevel,
    toLevel: s.toLevel,
    startT: s.loadChangeT,
    decided: s.firstDesiredDecrease,
    ready: s.readyAtSettled,
    gone: s.runningAtSettled,
    endT: s.readyAtSettled.atT ?? openEnd(s.windowEndT),
    outcome: s.outcome,
  }));
  return [...ups, ...downs].sort((a, b) => a.startT - b.startT);
}
