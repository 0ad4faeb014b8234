import { describe, expect, it } from 'vitest';
import { ArrivalCursor, arrivalTime, arrivalsBefore, buildPlan, levelAt, plannedArrivals, vusAt, type PlanInput } from '../../../src/load/plan.js';

const open = (start: number, stages: Array<[durationMs: number, rate: number]>): PlanInput => ({
  model: 'open',
  start,
  stages: stages.map(([duration, rate]) => ({ duration, rate })),
});

/** All arrival times, read through the cursor. */
function allTimes(input: PlanInput): number[] {
  const cursor = new ArrivalCursor(buildPlan(input));
  const times: number[] = [];
  for (let t = cursor.peek(); t !== null; t = cursor.peek()) {
    times.push(t);
    cursor.advance();
  }
  return times;
}

/** Arrivals with a time in [fromMs, toMs). */
const countIn = (times: number[], fromMs: number, toMs: number) => times.filter((t) => t >= fromMs && t < toMs).length;

describe('open plan: arrival counts and times', () => {
  it('constant rate: 200 req/s for 2 s is 400 arrivals, half an interval in, 200 per second', () => {
    const input = open(200, [[2000, 200]]);
    const plan = buildPlan(input);
    expect(plan.totalArrivals).toBe(400);
    expect(arrivalTime(plan, 1)).toBe(2.5);
    expect(arrivalTime(plan, 2)).toBe(7.5);
    expect(arrivalTime(plan, 400)).toBe(1997.5);
    expect(arrivalTime(plan, 401)).toBeNull();
    const times = allTimes(input);
    expect(times).toHaveLength(400);
    expect(countIn(times, 0, 1000)).toBe(200);
    expect(countIn(times, 1000, 2000)).toBe(200);
    expect(arrivalsBefore(plan, 1000)).toBe(200);
  });

  it('ramp 0 -> 100 req/s over 10 s: 500 arrivals at t_k = sqrt(200000 (k - 1/2))', () => {
    const input = open(0, [[10_000, 100]]);
    const plan = buildPlan(input);
    expect(plan.totalArrivals).toBe(500);
    const times = allTimes(input);
    expect(times).toHaveLength(500);
    times.forEach((t, i) => expect(t).toBeCloseTo(Math.sqrt(200_000 * (i + 0.5)), 9));
    // A(t) = 5 t² (t in s): 5, 20, 45 … arrivals by the end of each second.
    for (let s = 1; s <= 10; s++) expect(countIn(times, 0, s * 1000)).toBe(5 * s * s);
    expect(levelAt(plan, 2500)).toBe(25);
  });

  it('instant jump: a 0 s stage switches the rate at once', () => {
    const input = open(0, [[0, 100], [1000, 100]]);
    const plan = buildPlan(input);
    expect(levelAt(plan, 0)).toBe(100);
    expect(plan.totalArrivals).toBe(100);
    expect(arrivalTime(plan, 1)).toBe(5);
    expect(allTimes(input)).toHaveLength(100);
  });

  it('spike: 10 req/s, jump to 100 for 2 s, back to 10', () => {
    const input = open(10, [[10_000, 10], [0, 100], [2000, 100], [0, 10], [5000, 10]]);
    const plan = buildPlan(input);
    expect(plan.totalArrivals).toBe(100 + 200 + 50);
    expect(plan.peak).toBe(100);
    const times = allTimes(input);
    expect(countIn(times, 0, 10_000)).toBe(100);
    expect(countIn(times, 10_000, 11_000)).toBe(100);
    expect(countIn(times, 11_000, 12_000)).toBe(100);
    expect(countIn(times, 12_000, 17_000)).toBe(50);
    expect(times[99]).toBe(9950);
    expect(times[100]).toBe(10_005);
    expect(times[300]).toBe(12_050);
    expect(levelAt(plan, 9999)).toBe(10);
    expect(levelAt(plan, 10_000)).toBe(100);
    expect(levelAt(plan, 12_000)).toBe(10);
  });

  it('multi-stage ramp up, hold, ramp down: counts match the integral and times are increasing', () => {
    const input = open(50, [[2000, 150], [2000, 150], [1000, 0]]);
    const plan = buildPlan(input);
    expect(plan.totalArrivals).toBe(200 + 300 + 75);
    const times = allTimes(input);
    expect(times).toHaveLength(575);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
    // Each time solves A(t) = k - 1/2 exactly.
    times.forEach((t, i) => expect(plannedArrivals(plan, t)).toBeCloseTo(i + 0.5, 9));
    expect(times.at(-1)).toBeLessThan(5000);
    expect(arrivalTime(plan, 575)).toBe(times.at(-1));
  });

  it('fractional rates and idle stages', () => {
    const plan = buildPlan(open(0, [[5000, 0], [0, 0.5], [10_000, 0.5]]));
    expect(plan.totalArrivals).toBe(5);
    expect([1, 2, 3, 4, 5].map((k) => arrivalTime(plan, k))).toEqual([6000, 8000, 10_000, 12_000, 14_000]);
  });

  it('no drift over an hour at 1000 req/s', () => {
    const input = open(1000, [[3_600_000, 1000]]);
    const plan = buildPlan(input);
    expect(plan.totalArrivals).toBe(3_600_000);
    expect(arrivalTime(plan, 3_600_000)).toBe(3_599_999.5);
    const cursor = new ArrivalCursor(plan);
    let last = 0;
    for (let k = 1; k <= 3_600_000; k++) {
      last = cursor.peek() as number;
      cursor.advance();
    }
    expect(last).toBe(3_599_999.5);
    expect(cursor.peek()).toBeNull();
  });
});

describe('closed plan: virtual users over time', () => {
  const plan = buildPlan({ model: 'closed', start: 0, stages: [{ duration: 10_000, vus: 10 }, { duration: 5000, vus: 10 }, { duration: 0, vus: 2 }, { duration: 5000, vus: 0 }] });

  it('ramps add one user per planned step, jumps change the count at once', () => {
    expect(vusAt(plan, 0)).toBe(0);
    expect(vusAt(plan, 999)).toBe(0);
    expect(vusAt(plan, 1000)).toBe(1);
    expect(vusAt(plan, 9999)).toBe(9);
    expect(vusAt(plan, 10_000)).toBe(10);
    expect(vusAt(plan, 14_999)).toBe(10);
    expect(vusAt(plan, 15_000)).toBe(2);
    expect(vusAt(plan, 17_499)).toBe(1);
    expect(vusAt(plan, 17_500)).toBe(1);
    expect(vusAt(plan, 17_501)).toBe(0);
    expect(plan.peak).toBe(10);
    expect(plan.durationMs).toBe(20_000);
  });
});
