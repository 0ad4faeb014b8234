/**
 * Scale-up after each load increase (see transition.ts for the shared rules):
 *
 *   load  ____/‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾
 *   cpu   ______/‾‾‾‾‾‾‾‾‾‾‾\_______________
 *   want  __________/‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾   (peak = highest desired in the window)
 *   ready _______________________/‾‾‾‾‾‾‾‾
 *         |     |    |            |
 *       change  |  firstDesiredIncrease
 *     utilizationAboveTarget      readyAtPeak (the scale-up latency)
 *
 * `during` is the load from the change until ready reached the peak (or the window end).
 */
import type { GapRecord, LoadRecord } from '../timeline/types.js';
import type { LoadChange } from './load-changes.js';
import { loadSlice } from './load-slices.js';
import { NOT_SEEN, findIndexIn, measure, type Point } from './series.js';
import type { ReplicaRecord } from './replica-records.js';
import { followTransition } from './transition.js';
import type { MeasuredLatency, ScaleUpTransition } from './types.js';

export interface ReplicaSeries {
  desired: readonly Point[];
  ready: readonly Point[];
  /** Replicas that exist and are billed (ready or not, terminating included); absent or empty when the provider does not emit them. */
  running?: readonly Point[];
  cpuPct: readonly Point[];
  gaps: readonly GapRecord[];
  load: readonly LoadRecord[];
  /** The platform's scale-up, replica-ready and replica-stopped events, in time order. */
  replicaRecords?: readonly ReplicaRecord[];
}

export function analyzeScaleUp(change: LoadChange, data: ReplicaSeries, cpuTarget: number | undefined): ScaleUpTransition {
  const followed = followTransition(change, data.desired, data.ready, data.gaps, 'up', data.replicaRecords);
  return {
    loadChangeT: change.t,
    fromLevel: change.fromLevel,
    toLevel: change.toLevel,
    baselineReplicas: followed.baseline,
    windowEndT: change.windowEndT,
    peakDesired: followed.extreme,
    utilizationAboveTarget: utilizationAbove(change, data.cpuPct, cpuTarget),
    firstDesiredIncrease: followed.first,
    readyAtPeak: followed.ready,
    outcome: followed.outcome,
    during: loadSlice(data.load, change.t, followed.ready.atT ?? change.windowEndT),
  };
}

/** change -> first CPU sample above the target (a fraction; samples are percent). */
function utilizationAbove(change: LoadChange, cpu: readonly Point[], target: number | undefined): MeasuredLatency | null {
  if (target === undefined || cpu.length === 0) return null;
  const index = findIndexIn(cpu, change.t, change.windowEndT, (pct) => pct > target * 100);
  return index < 0 ? NOT_SEEN : measure(cpu, index, change.t);
}
