/**
 * Downsampling for drawing (M4): split the time range into pixel-sized buckets and keep, per
 * bucket, the first, last, lowest and highest point, in time order. A line drawn through what
 * is kept covers exactly the same pixels as one drawn through every point, so a 1-second spike
 * in a 24-hour run stays visible. A `null` value is a break in the line and is kept too.
 */

/** [t (ms since run start), value or null for "no data here"]. */
export type Point = [number, number | null];

/** Keeps at most about 4 points per bucket; returns the input when it is already small enough. */
export function downsampleMinMax(points: readonly Point[], fromT: number, toT: number, buckets: number): Point[] {
  if (points.length <= buckets * 4 || toT <= fromT) return points.slice();
  const out: Point[] = [];
  const span = (toT - fromT) / buckets;
  let bucket = -1;
  // Indexes kept for the current bucket: first, last, lowest, highest, first null.
  let firstI = -1, lastI = -1, minI = -1, maxI = -1, nullI = -1;
  const flush = () => {
    if (firstI < 0) return;
    const idx = [...new Set([firstI, lastI, minI, maxI, nullI].filter((i) => i >= 0))].sort((a, b) => a - b);
    for (const i of idx) out.push(points[i]!);
  };
  for (let i = 0; i < points.length; i++) {
    const [t, v] = points[i]!;
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((t - fromT) / span)));
    if (b !== bucket) {
      flush();
      bucket = b;
      firstI = i;
      minI = maxI = nullI = -1;
    }
    lastI = i;
    if (v === null) {
      if (nullI < 0) nullI = i;
      continue;
    }
    if (minI < 0 || v < (points[minI]![1] as number)) minI = i;
    if (maxI < 0 || v > (points[maxI]![1] as number)) maxI = i;
  }
  flush();
  return out;
}
