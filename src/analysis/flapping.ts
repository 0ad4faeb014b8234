/**
 * Flapping: desired replicas reversing direction quickly. Every change of desired between
 * consecutive samples is a move (up or down; equal values are no move). Two consecutive moves
 * in opposite directions less than `windowMs` apart are a reversal.
 *
 *   desired   4 |   __        __
 *             3 |__|  |______|  |__      up, down, up, down: three reversals
 *
 * A reversal that follows the plan is not a flap: when the planned load moved in the second
 * move's direction after the move before the first one (and at most `windowMs` before the
 * first), the autoscaler is following the load (up during a spike, down after it). Those are
 * reported as `loadDriven`.
 */
import type { LoadChange } from './load-changes.js';
import type { Point } from './series.js';
import type { FlapReport } from './types.js';

type Way = 'up' | 'down';
interface Move {
  t: number;
  way: Way;
}

export function findFlaps(desired: readonly Point[], changes: readonly LoadChange[], windowMs: number): FlapReport {
  const moves: Move[] = [];
  for (let i = 1; i < desired.length; i++) {
    const delta = desired[i]!.value - desired[i - 1]!.value;
    if (delta !== 0) moves.push({ t: desired[i]!.t, way: delta > 0 ? 'up' : 'down' });
  }
  const report: FlapReport = { windowMs, flaps: [], loadDriven: [] };
  for (let i = 1; i < moves.length; i++) {
    const first = moves[i - 1]!;
    const second = moves[i]!;
    if (first.way === second.way || second.t - first.t >= windowMs) continue;
    const pair = { firstT: first.t, secondT: second.t, first: first.way };
    const since = Math.max(moves[i - 2]?.t ?? -Infinity, first.t - windowMs);
    const loadWay = second.way === 'up' ? 'increase' : 'decrease';
    const followsLoad = changes.some((c) => c.direction === loadWay && c.t > since && c.t <= second.t);
    (followsLoad ? report.loadDriven : report.flaps).push(pair);
  }
  return report;
}
