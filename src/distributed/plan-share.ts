/**
 * Shares of the arrival plan, PURE. Agent i of N sends arrivals k ≡ i + 1 (mod N), the same
 * rule the engine's worker threads use (plan.ts ArrivalCursor with first = i + 1, stride = N):
 *
 *   arrivals  1  2  3  4  5  6  7  8  9 …
 *   agent 0   ●        ●        ●          k = 1, 4, 7, …
 *   agent 1      ●        ●        ●       k = 2, 5, 8, …
 *   agent 2         ●        ●        ●    k = 3, 6, 9, …
 *
 * Every time is the plan's own arrivalTime(k), computed from k alone, so no share drifts from
 * another however long the run, and the shares together are the plan exactly, ramps included.
 * Agents start the plan at one wall-clock instant; each converts it to its own monotonic clock.
 */
import { arrivalTime, arrivalsBefore, shardCount, type LoadPlan } from '../load/plan.js';

/** A share of the plan: agent `index` (0-based) of `shares`. */
export interface Share {
  index: number;
  shares: number;
}

export function checkShare(share: Share): void {
  if (!Number.isInteger(share.shares) || share.shares < 1 || !Number.isInteger(share.index) || share.index < 0 || share.index >= share.shares) {
    throw new RangeError(`bad share ${share.index} of ${share.shares}`);
  }
}

/** Plan arrival number (1-based) of the share's `j`-th arrival (0-based). */
export function planArrival(share: Share, j: number): number {
  return share.index + 1 + j * share.shares;
}

/** Time (ms since the plan start) of the share's `j`-th arrival (0-based), or null past the plan. */
export function shareArrivalTime(plan: LoadPlan, share: Share, j: number): number | null {
  return arrivalTime(plan, planArrival(share, j));
}

/** Arrivals of the share due strictly before `tMs`. */
export function shareArrivalsBefore(plan: LoadPlan, share: Share, tMs: number): number {
  return shardCount(arrivalsBefore(plan, tMs), share.index + 1, share.shares);
}

/** All arrivals of the share. */
export function shareTotal(plan: LoadPlan, share: Share): number {
  return shardCount(plan.totalArrivals, share.index + 1, share.shares);
}

/** Arrivals of the share in [fromMs, toMs) (e.g. one window). */
export function shareArrivalsBetween(plan: LoadPlan, share: Share, fromMs: number, toMs: number): number {
  return shareArrivalsBefore(plan, share, toMs) - shareArrivalsBefore(plan, share, fromMs);
}

/**
 * The monotonic clock value of a wall-clock instant, read from one (wall, mono) pair taken
 * together: each agent maps the common start instant onto its own clock this way.
 */
export function monoAt(atWall: number, nowWall: number, nowMono: number): number {
  return nowMono + (atWall - nowWall);
}
