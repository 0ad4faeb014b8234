/**
 * The load plan, PURE: the planned level over time and, for the open model, the exact time of
 * every arrival. Each stage moves linearly from the previous level to its own (`duration: 0` is
 * an instant jump), so the rate r(t) is piecewise linear and the planned arrivals
 * A(t) = ∫ r dt / 1000 (r in req/s, t in ms) are piecewise quadratic:
 *
 *   r |        ______              A |                  ___----
 *     |       /      \               |            __---
 *     |  ____/        \___           |      __---
 *     | /                            |  _--
 *     +-------------------> t        +-------------------> t
 *
 * Arrival k (k = 1, 2, …) is due when A(t) = k - 1/2: a constant 200 req/s puts arrivals at
 * 2.5, 7.5, … 1997.5 ms, exactly 200 in every second, and a ramp from 0 starts half an
 * arrival in rather than at t = 0. Each time is solved in closed form from k itself (never by
 * adding intervals), so a long run has no drift.
 */
import type { LoadSpec } from '../profile/schema.js';

/** A stage in plan time (ms since the load started). */
export interface PlanStage {
  index: number;
  name?: string;
  startMs: number;
  durationMs: number;
  /** Level (req/s or virtual users) at the start and the end of the stage. */
  from: number;
  to: number;
  /** Planned arrivals A(t) at the stage start, and within the stage (fractional). */
  arrivalsBefore: number;
  arrivals: number;
}

export interface LoadPlan {
  model: 'open' | 'closed';
  /** Level before the first stage. */
  start: number;
  stages: readonly PlanStage[];
  durationMs: number;
  /** Highest level anywhere in the plan. */
  peak: number;
  /** Number of arrivals whose time is before `durationMs` (open model). */
  totalArrivals: number;
}

export type PlanInput = Pick<LoadSpec, 'model' | 'start' | 'stages'>;

/** Half-arrival offset: arrival k is due at A(t) = k - HALF. */
const HALF = 0.5;
const EPS = 1e-9;

export function buildPlan(load: PlanInput): LoadPlan {
  let startMs = 0;
  let level = load.start;
  let arrivalsBefore = 0;
  const stages = load.stages.map((s, index): PlanStage => {
    const to = (load.model === 'closed' ? s.vus : s.rate) ?? 0;
    const arrivals = ((level + to) / 2) * (s.duration / 1000);
    const stage: PlanStage = { index, ...(s.name === undefined ? {} : { name: s.name }), startMs, durationMs: s.duration, from: level, to, arrivalsBefore, arrivals };
    startMs += s.duration;
    level = to;
    arrivalsBefore += arrivals;
    return stage;
  });
  const peak = Math.max(load.start, ...stages.map((s) => s.to));
  return { model: load.model, start: load.start, stages, durationMs: startMs, peak, totalArrivals: countBelow(arrivalsBefore) };
}

/** Arrivals strictly before a point where A = a: all k with k - 1/2 < a. */
function countBelow(a: number): number {
  return Math.max(0, Math.ceil(a + HALF - EPS) - 1);
}

/** Planned level at `tMs` (req/s or users). Before the plan: `start`; after it: the last level. */
export function levelAt(plan: LoadPlan, tMs: number): number {
  if (tMs < 0) return plan.start;
  for (const s of plan.stages) {
    if (tMs < s.startMs + s.durationMs) return s.from + ((s.to - s.from) * (tMs - s.startMs)) / s.durationMs;
  }
  return plan.stages.at(-1)?.to ?? plan.start;
}

/** Planned virtual users at `tMs` (closed model): user i runs while the level is at least i. */
export function vusAt(plan: LoadPlan, tMs: number): number {
  return Math.max(0, Math.floor(levelAt(plan, tMs) + EPS));
}

/** A(t): planned arrivals from the plan start to `tMs` (fractional, clamped to the plan). */
export function plannedArrivals(plan: LoadPlan, tMs: number): number {
  if (tMs <= 0) return 0;
  for (const s of plan.stages) {
    if (tMs < s.startMs + s.durationMs) {
      const x = Math.max(0, tMs - s.startMs);
      return s.arrivalsBefore + (s.from * x + ((s.to - s.from) * x * x) / (2 * s.durationMs)) / 1000;
    }
  }
  const last = plan.stages.at(-1);
  return last ? last.arrivalsBefore + last.arrivals : 0;
}

/** Number of arrivals due strictly before `tMs`. */
export function arrivalsBefore(plan: LoadPlan, tMs: number): number {
  return Math.min(plan.totalArrivals, countBelow(plannedArrivals(plan, tMs)));
}

/** Time (ms since the plan start) of arrival `k` (1-based), or null when k is beyond the plan. */
export function arrivalTime(plan: LoadPlan, k: number): number | null {
  if (!Number.isInteger(k) || k < 1 || k > plan.totalArrivals) return null;
  const target = k - HALF;
  for (const s of plan.stages) {
    if (s.arrivals > 0 && target < s.arrivalsBefore + s.arrivals + EPS) return s.startMs + timeWithinStage(s, target - s.arrivalsBefore);
  }
  return null;
}

/**
 * Solves from·x + (to - from)·x²/(2D) = 1000·n for x in [0, D]. The form
 * x = 2000n / (from + √(from² + 2000n(to - from)/D)) is the quadratic root without the
 * cancellation of the textbook formula, and reduces to 1000n/from on a constant stage.
 */
function timeWithinStage(s: PlanStage, n: number): number {
  const m = Math.max(0, n) * 1000;
  const disc = Math.max(0, s.from * s.from + (2 * m * (s.to - s.from)) / s.durationMs);
  const denom = s.from + Math.sqrt(disc);
  return denom > 0 ? Math.min(s.durationMs, (2 * m) / denom) : 0;
}

/**
 * Walks the arrivals in order without searching the stages each time: the engine's cursor.
 * Each time is still computed from k alone. A shard of a multi-worker run walks arrivals
 * k = first, first + stride, … (worker i of N: first = i + 1, stride = N), so the shards
 * together send exactly the plan and none drifts from the others.
 */
export class ArrivalCursor {
  readonly #plan: LoadPlan;
  readonly #stride: number;
  #k: number;
  #stage = 0;

  constructor(plan: LoadPlan, first = 1, stride = 1) {
    if (!Number.isInteger(first) || first < 1 || !Number.isInteger(stride) || stride < 1) throw new RangeError(`arrival cursor: bad shard ${first}/${stride}`);
    this.#plan = plan;
    this.#k = first;
    this.#stride = stride;
  }

  /** 1-based index of the next arrival. */
  get next(): number {
    return this.#k;
  }

  /** Index of the stage the next arrival falls in (after a peek). */
  get stage(): number {
    return this.#stage;
  }

  /** Time of the next arrival without consuming it, or null when the plan has no more. */
  peek(): number | null {
    if (this.#k > this.#plan.totalArrivals) return null;
    const target = this.#k - HALF;
    const stages = this.#plan.stages;
    while (this.#stage < stages.length) {
      const s = stages[this.#stage];
      if (s.arrivals > 0 && target < s.arrivalsBefore + s.arrivals + EPS) return s.startMs + timeWithinStage(s, target - s.arrivalsBefore);
      this.#stage++;
    }
    return null;
  }

  advance(): void {
    this.#k += this.#stride;
  }
}

/** Arrivals of a shard (k ≡ first mod stride) among arrivals 1..n. */
export function shardCount(n: number, first: number, stride: number): number {
  return n >= first ? Math.floor((n - first) / stride) + 1 : 0;
}

/** Virtual users a shard runs when the plan wants `total`: user j (0-based) runs on shard j mod shards. */
export function shardVus(total: number, shard: number, shards: number): number {
  return shardCount(total, shard + 1, shards);
}

/** An even split of `total` (connections, in-flight cap) over shards, each getting at least `min`. */
export function shareOf(total: number, shard: number, shards: number, min = 1): number {
  return Math.max(min, Math.floor(total / shards) + (shard < total % shards ? 1 : 0));
}

/** Arrivals of each stage (whole arrivals whose time falls in it), for achieved-vs-planned rates. */
export function arrivalsPerStage(plan: LoadPlan): number[] {
  return plan.stages.map((s) => Math.min(plan.totalArrivals, countBelow(s.arrivalsBefore + s.arrivals)) - Math.min(plan.totalArrivals, countBelow(s.arrivalsBefore)));
}
