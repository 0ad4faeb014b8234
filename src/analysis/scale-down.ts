/**
 * Scale-down after each load decrease, the mirror of scale-up (see transition.ts), in two moments:
 *
 *   load    ‾‾‾‾\__________________________
 *   want    ‾‾‾‾‾‾‾‾‾‾‾‾\_______________      (settled = lowest desired in the window)
 *   ready   ‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾\___________      stopped receiving traffic
 *   running ‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾\_____      gone: no longer exist, no longer billed
 *           |            |   |     |
 *         change         |   |     runningAtSettled
 *                        |   readyAtSettled (the default scale-down latency)
 *                firstDesiredDecrease
 *
 * A replica that stops receiving traffic can go on existing (draining, a deregistration delay,
 * an idle instance kept warm, a pod terminating), so the two moments differ. "Gone" is measured
 * only from a `running` series the provider emits; without one it is null, never guessed from ready.
 */
import type { LoadChange } from './load-changes.js';
import { loadSlice } from './load-slices.js';
import type { ReplicaSeries } from './scale-up.js';
import { followTransition } from './transition.js';
import type { ScaleDownMoment, ScaleDownTransition } from './types.js';

export function analyzeScaleDown(change: LoadChange, data: ReplicaSeries): ScaleDownTransition {
  const stopped = followTransition(change, data.desired, data.ready, data.gaps, 'down');
  const running = data.running ?? [];
  const gone = running.length > 0 ? followTransition(change, data.desired, running, data.gaps, 'down') : null;
  return {
    loadChangeT: change.t,
    fromLevel: change.fromLevel,
    toLevel: change.toLevel,
    baselineReplicas: stopped.baseline,
    windowEndT: change.windowEndT,
    settledDesired: stopped.extreme,
    firstDesiredDecrease: stopped.first,
    readyAtSettled: stopped.ready,
    outcome: stopped.outcome,
    runningAtSettled: gone ? gone.ready : null,
    runningOutcome: gone ? gone.outcome : null,
    during: loadSlice(data.load, change.t, stopped.ready.atT ?? change.windowEndT),
  };
}

/** The moment `scale_down_time` checks: its latency and outcome (both null for "gone" without a running series). */
export function checkedMoment(t: ScaleDownTransition, moment: ScaleDownMoment): { latency: ScaleDownTransition['runningAtSettled']; outcome: ScaleDownTransition['runningOutcome'] } {
  return moment === 'gone' ? { latency: t.runningAtSettled, outcome: t.runningOutcome } : { latency: t.readyAtSettled, outcome: t.outcome };
}
