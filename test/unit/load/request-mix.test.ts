import { describe, expect, it } from 'vitest';
import { RequestMix } from '../../../src/load/request-mix.js';

const picks = (weights: number[], n: number) => {
  const mix = new RequestMix(weights.map((weight) => ({ weight })));
  return Array.from({ length: n }, () => mix.next());
};
const tally = (xs: number[], size: number) => xs.reduce((acc, i) => (acc[i]++, acc), new Array<number>(size).fill(0));

describe('RequestMix', () => {
  it('matches whole weights exactly in every cycle of sum(weights) picks', () => {
    const xs = picks([5, 1, 1], 7 * 20);
    for (let c = 0; c < 20; c++) expect(tally(xs.slice(c * 7, c * 7 + 7), 3)).toEqual([5, 1, 1]);
  });

  it('interleaves instead of bursting (smooth)', () => {
    expect(picks([5, 1, 1], 7)).toEqual([0, 0, 1, 0, 2, 0, 0]);
    expect(picks([1, 1], 6)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('never picks a zero weight and follows fractional weights', () => {
    const counts = tally(picks([0, 0.25, 0.75], 1000), 3);
    expect(counts).toEqual([0, 250, 750]);
  });

  it('is deterministic', () => {
    expect(picks([3, 2, 7], 500)).toEqual(picks([3, 2, 7], 500));
  });

  it('refuses a mix where every weight is 0', () => {
    expect(() => new RequestMix([{ weight: 0 }])).toThrow(/weight above 0/);
  });
});
