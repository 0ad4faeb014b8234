/**
 * History -> a trend table (pure): per profile, each run's headline metrics and how each moved
 * against the run before it, with regressions judged by the suite's tolerances.
 */
import { compareMetrics, type Comparison, type DeltaStatus } from './compare.js';
import type { RunMetrics } from './metrics.js';
import { DEFAULT_TOLERANCES, METRIC_IDS, type MetricId, type Tolerances } from './suite.js';

export interface TrendRow {
  run: RunMetrics;
  /** Against the previous run of the same profile; null for the first. */
  vsPrevious: Comparison | null;
  status: Record<MetricId, DeltaStatus | null>;
}

export interface Trend {
  /** Profile name -> its runs, oldest first. */
  profiles: Record<string, TrendRow[]>;
  /** The LATEST run of some profile regressed against the one before it: the CLI exits 1. */
  regression: boolean;
}

export function buildTrend(runs: readonly RunMetrics[], tolerances: Tolerances = DEFAULT_TOLERANCES): Trend {
  const profiles: Record<string, TrendRow[]> = {};
  const sorted = [...runs].sort((a, b) => a.startedAtWall - b.startedAtWall);
  for (const run of sorted) {
    const rows = (profiles[run.profileName] ??= []);
    const prev = rows[rows.length - 1];
    const vsPrevious = prev ? compareMetrics(prev.run, run, tolerances) : null;
    const status = Object.fromEntries(METRIC_IDS.map((id) => [id, vsPrevious?.deltas.find((d) => d.metric === id)?.status ?? null])) as TrendRow['status'];
    rows.push({ run, vsPrevious, status });
  }
  const regression = Object.values(profiles).some((rows) => rows[rows.length - 1]?.vsPrevious?.regression === true);
  return { profiles, regression };
}

/**
 * The run `current` is compared with: `previous` = the latest earlier run of the same profile;
 * anything else names a run by folder name or run id. Null when there is none.
 */
export function pickBaseline<T extends RunMetrics & { dir?: string }>(runs: readonly T[], current: RunMetrics, baseline = 'previous'): T | null {
  if (baseline !== 'previous') {
    const wanted = baseline.replace(/[\\/]+$/, '');
    return runs.find((r) => r.runId === wanted || (r.dir !== undefined && (r.dir === wanted || r.dir.endsWith(`/${wanted.split(/[\\/]/).pop()}`)))) ?? null;
  }
  const earlier = runs.filter((r) => r.profileName === current.profileName && r.startedAtWall < current.startedAtWall && r.runId !== current.runId);
  return earlier.sort((a, b) => b.startedAtWall - a.startedAtWall)[0] ?? null;
}
