import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrivalCursor, arrivalTime, arrivalsPerStage, buildPlan, shardCount, shardVus, shareOf } from '../../../src/load/plan.js';
import { RequestMix } from '../../../src/load/request-mix.js';

const plan = buildPlan({
  model: 'open',
  start: 0,
  stages: [
    { duration: 2000, rate: 300 }, // ramp
    { duration: 1000, rate: 300 }, // hold
    { duration: 0, rate: 900 }, // spike
    { duration: 500, rate: 900 },
    { duration: 1500, rate: 50 }, // ramp down
  ],
});

function walk(first: number, stride: number): Array<[number, number]> {
  const c = new ArrivalCursor(plan, first, stride);
  const out: Array<[number, number]> = [];
  for (let t = c.peek(); t !== null; t = c.peek()) {
    out.push([c.next, t]);
    c.advance();
  }
  return out;
}

describe('splitting the plan over workers', () => {
  it('worker i of N takes arrivals k ≡ i + 1 (mod N): exact counts per worker, summing to the plan, at the same times', () => {
    const whole = walk(1, 1);
    expect(whole.length).toBe(plan.totalArrivals);
    for (const n of [1, 2, 3, 7]) {
      const parts = Array.from({ length: n }, (_, i) => walk(i + 1, n));
      parts.forEach((p, i) => expect(p.length).toBe(shardCount(plan.totalArrivals, i + 1, n)));
      expect(parts.reduce((a, p) => a + p.length, 0)).toBe(plan.totalArrivals);
      const merged = parts.flat().sort((a, b) => a[0] - b[0]);
      expect(merged).toEqual(whole);
      for (const [k, t] of merged.slice(0, 50)) expect(t).toBe(arrivalTime(plan, k));
    }
  });

  it('counts arrivals per stage from the plan', () => {
    const perStage = arrivalsPerStage(plan);
    expect(perStage.reduce((a, b) => a + b, 0)).toBe(plan.totalArrivals);
    expect(perStage).toEqual([300, 300, 0, 450, 712]);
  });

  it('splits users, connections and the in-flight cap evenly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 16 }), (total, n) => {
        const vus = Array.from({ length: n }, (_, i) => shardVus(total, i, n));
        expect(vus.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...vus) - Math.min(...vus)).toBeLessThanOrEqual(1);
        const share = Array.from({ length: n }, (_, i) => shareOf(total, i, n, 0));
        expect(share.reduce((a, b) => a + b, 0)).toBe(total);
      }),
    );
    expect(shareOf(3, 5, 8)).toBe(1); // every worker gets at least one connection
  });

  it('keeps the request mix in step: worker picks interleave into the single-thread sequence', () => {
    const items = [{ weight: 3 }, { weight: 1 }, { weight: 2 }];
    const single = new RequestMix(items);
    const seq = Array.from({ length: 60 }, () => single.next());
    const n = 4;
    const merged: number[] = new Array(60);
    for (let i = 0; i < n; i++) {
      const mix = new RequestMix(items);
      mix.skip(i);
      for (let k = i; k < 60; k += n) {
        merged[k] = mix.next();
        mix.skip(n - 1);
      }
    }
    expect(merged).toEqual(seq);
  });
});
