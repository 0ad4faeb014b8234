import { describe, expect, it } from 'vitest';
import { downsampleMinMax, type Point } from '../../../src/report/html/downsample.js';

describe('downsampleMinMax', () => {
  it('returns small inputs unchanged', () => {
    const pts: Point[] = [[0, 1], [1000, 2]];
    expect(downsampleMinMax(pts, 0, 1000, 100)).toEqual(pts);
  });

  it('keeps every 1-second spike and dip in a day of windows, in time order, with few points', () => {
    const pts: Point[] = [];
    for (let i = 0; i < 86_400; i++) pts.push([i * 1000, 10]);
    pts[12_345]![1] = 500; // spike
    pts[70_001]![1] = -3; // dip
    const out = downsampleMinMax(pts, 0, 86_400_000, 1000);
    expect(out.length).toBeLessThanOrEqual(4000);
    expect(out).toContainEqual([12_345_000, 500]);
    expect(out).toContainEqual([70_001_000, -3]);
    expect(out[0]).toEqual([0, 10]);
    expect(out[out.length - 1]).toEqual([86_399_000, 10]);
    for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0]);
  });

  it('keeps a break (null) so lines stop at gaps', () => {
    const pts: Point[] = [];
    for (let i = 0; i < 10_000; i++) pts.push([i, i === 5000 ? null : 1]);
    const out = downsampleMinMax(pts, 0, 10_000, 100);
    expect(out).toContainEqual([5000, null]);
  });
});
