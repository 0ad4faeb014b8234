/**
 * Small statistics for the insights: mean, nearest-rank percentile, least-squares line and
 * Pearson correlation. Pure; each returns null when the data cannot support the answer.
 */

export function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

export interface LinearFit {
  slope: number;
  intercept: number;
  /** 1 - residual / total sum of squares; 1 for a perfect fit, 0 when y is constant around it. */
  r2: number;
  n: number;
  meanX: number;
  /** Sum of squared deviations of x from its mean. */
  sxx: number;
  /** Residual standard deviation (n - 2 degrees of freedom), 0 when n = 2. */
  residualSd: number;
}

/**
 * y = intercept + slope * x by ordinary least squares.
 *
 *   slope = Σ(x - x̄)(y - ȳ) / Σ(x - x̄)²     intercept = ȳ - slope * x̄
 *
 * Null with fewer than 2 points or when every x is the same.
 */
export function linearFit(xs: readonly number[], ys: readonly number[]): LinearFit | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  const meanX = mean(xs.slice(0, n))!;
  const meanY = mean(ys.slice(0, n))!;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX, dy = ys[i]! - meanY;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const sse = Math.max(0, syy - slope * sxy);
  const r2 = syy === 0 ? 1 : Math.max(0, 1 - sse / syy);
  const residualSd = n > 2 ? Math.sqrt(sse / (n - 2)) : 0;
  return { slope, intercept, r2, n, meanX, sxx, residualSd };
}

/** Pearson correlation, or null with fewer than 2 points or a constant series. */
export function correlation(xs: readonly number[], ys: readonly number[]): number | null {
  const fit = linearFit(xs, ys);
  if (!fit) return null;
  const my = mean(ys)!;
  if (ys.every((y) => y === my)) return null;
  return Math.sign(fit.slope) * Math.sqrt(fit.r2);
}

/** Standard deviation / mean (population), or null for an empty list or a zero mean. */
export function variation(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null || m === 0) return null;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
  return sd / m;
}

/** Two-sided 95% Student t quantile for `df` degrees of freedom (table to 30, then 1.96). */
export function t95(df: number): number {
  const TABLE = [12.71, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  if (df < 1) return Infinity;
  return df <= 30 ? TABLE[df - 1]! : 1.96;
}
