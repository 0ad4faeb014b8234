/**
 * The shares of N agents ARE the plan: for any plan (ramps up and down, instant jumps, holds)
 * and any N, share i's j-th arrival is the plan's arrival i + 1 + jN at exactly the plan's
 * time (no drift, however long), the shares partition the arrivals, and per window they add
 * up to the plan's own count. The agent walks its share with the engine's ArrivalCursor, which
 * is checked against the same closed form here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrivalCursor, arrivalTime, arrivalsBefore, buildPlan, type PlanInput } from '../../../src/load/plan.js';
import { monoAt, planArrival, shareArrivalTime, shareArrivalsBefore, shareArrivalsBetween, shareTotal, checkShare } from '../../../src/distributed/plan-share.js';

const stageArb = fc.record({ duration: fc.integer({ min: 0, max: 6_000 }), rate: fc.integer({ min: 0, max: 300 }) });
const planArb = fc.record({ start: fc.integer({ min: 0, max: 300 }), stages: fc.array(stageArb, { minLength: 1, maxLength: 5 }) }).map((p): PlanInput => ({ model: 'open', start: p.start, stages: p.stages }));

function shareTimes(input: PlanInput, index: number, shares: number): number[] {
  const plan = buildPlan(input);
  const c = new ArrivalCursor(plan, index + 1, shares);
  const out: number[] = [];
  for (let t = c.peek(); t !== null; c.advance(), t = c.peek()) out.push(t);
  return out;
}

describe('plan shares', () => {
  it('the shares together are exactly the plan: every arrival once, at the plan time', () => {
    fc.assert(
      fc.property(planArb, fc.integer({ min: 1, max: 7 }), (input, n) => {
        const plan = buildPlan(input);
        const merged: Array<[number, number]> = [];
        for (let i = 0; i < n; i++) {
          const times = shareTimes(input, i, n);
          const share = { index: i, shares: n };
          expect(times.length).toBe(shareTotal(plan, share));
          const want = times.map((_, j) => arrivalTime(plan, planArrival(share, j)));
          if (times.some((t, j) => t !== want[j] || t !== shareArrivalTime(plan, share, j))) expect(times).toEqual(want);
          times.forEach((t, j) => merged.push([planArrival(share, j), t]));
        }
        merged.sort((a, b) => a[0] - b[0]);
        expect(merged.length).toBe(plan.totalArrivals);
        expect(merged.every((m, k) => m[0] === k + 1 && (k === 0 || m[1] >= merged[k - 1][1]))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('per window, the shares add up to the plan count (ramps included)', () => {
    fc.assert(
      fc.property(planArb, fc.integer({ min: 1, max: 9 }), fc.constantFrom(250, 1000), (input, n, windowMs) => {
        const plan = buildPlan(input);
        for (let from = 0; from < plan.durationMs + windowMs; from += windowMs) {
          const want = arrivalsBefore(plan, from + windowMs) - arrivalsBefore(plan, from);
          let sum = 0;
          for (let i = 0; i < n; i++) sum += shareArrivalsBetween(plan, { index: i, shares: n }, from, from + windowMs);
          expect(sum).toBe(want);
        }
        let total = 0;
        for (let i = 0; i < n; i++) total += shareTotal(plan, { index: i, shares: n });
        expect(total).toBe(plan.totalArrivals);
      }),
      { numRuns: 150 },
    );
  });

  it('no drift over a long run: the 3 shares of a 2 h plan at 1234.5 req/s land on the plan times to the nanosecond', () => {
    const input: PlanInput = { model: 'open', start: 0, stages: [{ duration: 600_000, rate: 1234.5 }, { duration: 6_600_000, rate: 1234.5 }] };
    const plan = buildPlan(input);
    for (let i = 0; i < 3; i++) {
      const share = { index: i, shares: 3 };
      const last = shareTotal(plan, share) - 1;
      for (const j of [0, 1, 1000, Math.floor(last / 2), last]) {
        const t = shareArrivalTime(plan, share, j)!;
        expect(t).toBe(arrivalTime(plan, i + 1 + 3 * j));
      }
      // The share's count before any instant is the plan's count split by k mod 3.
      for (const t of [1, 599_999, 600_000, 3_600_000, 7_199_999]) {
        const k = arrivalsBefore(plan, t);
        expect(shareArrivalsBefore(plan, share, t)).toBe(Math.floor(k / 3) + (k % 3 > i ? 1 : 0));
      }
    }
    expect(shareArrivalTime(plan, { index: 0, shares: 3 }, shareTotal(plan, { index: 0, shares: 3 }))).toBeNull();
  });

  it('an agent maps the common start instant onto its own clock', () => {
    expect(monoAt(1_700_000_003_000, 1_700_000_000_000, 52.5)).toBe(3052.5);
    expect(monoAt(1_700_000_000_000, 1_700_000_000_250, 1000)).toBe(750);
  });

  it('rejects a share outside 0..N-1', () => {
    expect(() => checkShare({ index: 3, shares: 3 })).toThrow(/bad share/);
    expect(() => checkShare({ index: -1, shares: 3 })).toThrow(/bad share/);
    expect(() => checkShare({ index: 0, shares: 0 })).toThrow(/bad share/);
    expect(() => checkShare({ index: 2, shares: 3 })).not.toThrow();
  });
});
