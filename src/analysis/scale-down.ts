/**
 * Scale-down after each load decrease, the mirror of scale-up (see transition.ts):
 *
 *   load  ‾‾‾‾\__________________________
 *   want  ‾‾‾‾‾‾‾‾‾‾‾‾\_______________      (settled = lowest desired in the window)
 *   ready ‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾\___________
 *         |            |   |
 *       change         |   readyAtSettled (the scale-down latency)
 *              firstDesiredDecrease
 */
import type { LoadChange } from './load-changes.js';
import { loadSlice } from './load-slices.js';
import type { ReplicaSeries } from './scale-up.js';
import { followTransition } from './transition.js';
import type { ScaleDownTransition } from './types.js';

export function analyzeScaleDown(change: LoadChange, data: ReplicaSeries): ScaleDownTransition {
  const followed = followTransition(change, data.desired, data.ready, data.gaps, 'down');
  return {
    loadChangeT: change.t,
    fromLevel: change.fromLevel,
    toLevel: change.toLevel,
    baselineReplicas: followed.baseline,
    windowEndT: change.windowEndT,
    settledDesired: followed.extreme,
    firstDesiredDecrease: followed.first,
    readyAtSettled: followed.ready,
    outcome: followed.outcome,
    during: loadSlice(data.load, change.t, followed.ready.atT ?? change.windowEndT),
  };
}
