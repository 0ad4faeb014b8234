import { describe, expect, it } from 'vitest';
import { meanOf, newLatencyHistogram, recordMs } from '../../../src/load/latency-histogram.js';

describe('meanOf', () => {
  it('equals the library mean, scanning only up to the max bucket', () => {
    const h = newLatencyHistogram();
    expect(meanOf(h)).toBe(0);
    for (let i = 0; i < 5000; i++) recordMs(h, 0.05 + ((i * 7919) % 20011) / 100);
    recordMs(h, 3_000);
    expect(meanOf(h)).toBeCloseTo(h.mean, 6);
  });
});
