/**
 * The headline numbers an audit tracks from run to run, taken from an AnalysisResult or from
 * a report.json (both carry the same scaleUps/scaleDowns/replicas/load shapes). Pure.
 */
import type { AnalysisResult, MeasuredLatency } from '../analysis/types.js';
import type { MetricId } from './suite.js';

/** What metrics are read from: an AnalysisResult fits, and so does a report.json body. */
export type MetricSource = Pick<AnalysisResult, 'scaleUps' | 'scaleDowns' | 'replicas' | 'load' | 'verdict'>;

export interface RunIdentity {
  runId: string;
  profileName: string;
  startedAtWall: number;
}

export interface MetricValue {
  /** null: not measured (no transition, no load) or never reached (a scale-up that never completed). */
  value: number | null;
  /** The true value may be up to this much lower (scaling times only). */
  marginMs: number;
  /** Why value is null, when it is: `no transition`, `never ready`, `no load`, `no samples`. */
  missing?: string;
}

export interface RunMetrics extends RunIdentity {
  verdict: AnalysisResult['verdict'];
  metrics: Record<MetricId, MetricValue>;
}

export const METRIC_LABELS: Record<MetricId, string> = {
  scale_up_time: 'scale-up time (worst)',
  scale_down_time: 'scale-down time (worst)',
  peak_replicas: 'peak replicas',
  p95: 'p95 latency',
  error_rate: 'error rate',
};

export function runMetrics(source: MetricSource, id: RunIdentity): RunMetrics {
  const peak = source.replicas.maxDesired ?? source.replicas.maxReady;
  return {
    ...id,
    verdict: source.verdict,
    metrics: {
      scale_up_time: worst(source.scaleUps.map((s) => ({ m: s.readyAtPeak, outcome: s.outcome }))),
      scale_down_time: worst(source.scaleDowns.map((s) => ({ m: s.readyAtSettled, outcome: s.outcome }))),
      peak_replicas: peak === null ? { value: null, marginMs: 0, missing: 'no samples' } : { value: peak, marginMs: 0 },
      p95: source.load && source.load.latency.count > 0 ? { value: source.load.latency.p95, marginMs: 0 } : { value: null, marginMs: 0, missing: 'no load' },
      error_rate: source.load ? { value: source.load.errorRate, marginMs: 0 } : { value: null, marginMs: 0, missing: 'no load' },
    },
  };
}

/** The slowest transition that scaled; a transition that never became ready makes the whole metric "never ready". */
function worst(list: Array<{ m: MeasuredLatency; outcome: string }>): MetricValue {
  const scaling = list.filter((x) => x.outcome !== 'no-scale');
  if (scaling.length === 0) return { value: null, marginMs: 0, missing: 'no transition' };
  if (scaling.some((x) => x.outcome === 'incomplete' || x.m.valueMs === null)) return { value: null, marginMs: 0, missing: 'never ready' };
  const top = scaling.reduce((a, b) => ((b.m.valueMs as number) > (a.m.valueMs as number) ? b : a));
  return { value: top.m.valueMs, marginMs: top.m.marginMs };
}
