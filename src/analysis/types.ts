/**
 * What the analysis produces. Every latency is measured from a point we know exactly (a load
 * stage boundary on our own clock) to a point seen in the platform's samples, so it carries
 * a margin: the gap since the previous sample plus the source's own resolution. The true
 * value lies in [valueMs - marginMs, valueMs].
 */
import type { LatencySummary, ErrorClass } from '../timeline/types.js';
import type { Insights } from '../insights/types.js';

/** Which scale-down moment `targets.autoscaling.scale_down_time` checks: 'traffic-stopped' (ready) or 'gone' (running). */
export type { ScaleDownMoment } from '../profile/schema.js';

export interface MeasuredLatency {
  /** ms from the load change to the milestone, or null when the milestone was never seen. */
  valueMs: number | null;
  /** Uncertainty below valueMs (poll gap + source resolution). */
  marginMs: number;
  /** t (ms since run start) at which the milestone was observed. */
  atT: number | null;
}

/** Load, latency and errors over an interval (a transition, a stage, the whole run). */
export interface LoadSlice {
  fromT: number;
  toT: number;
  requests: number;
  /** Responses of any status plus transport failures. */
  completed: number;
  ok: number;
  errors: Record<ErrorClass, number>;
  throttled: number;
  dropped: number;
  /** Responses that arrived but failed a request's checks (status set, JSON path, body): not transport errors. */
  checkFailures: number;
  /** errors (all classes) / completed. */
  errorRate: number;
  latency: LatencySummary;
  /**
   * True when every window carried an `hdr` histogram, so the percentiles are exact merges.
   * False when some did not: their percentiles then count as the max of those windows'
   * percentiles, an upper bound (count, mean and max stay exact).
   */
  latencyExact: boolean;
  /** completed / seconds spanned by the windows (first window start to last window end). */
  throughput: number;
}

/** Users not served over users who came (see unserved.ts for what each model counts). */
export interface UnservedRate {
  /** The denominator: planned arrivals (open model), or requests sent plus dropped (closed). */
  basis: 'planned-arrivals' | 'sent-requests';
  total: number;
  /** Arrivals the generator could not start (in-flight cap); 0 in the closed model. */
  dropped: number;
  /** Failed responses and transport failures (every class error_rate counts). */
  errors: number;
  /** (dropped + errors) / total, or null when total is 0. */
  rate: number | null;
}

export interface ScaleUpTransition {
  /** Load change that triggered it (ms since run start) and the planned levels. */
  loadChangeT: number;
  fromLevel: number;
  toLevel: number;
  /** Desired replicas just before the change. */
  baselineReplicas: number | null;
  /** End of the window watched for this transition: the next load change or the end of the run. */
  windowEndT: number;
  /** Highest desired count reached before the next load change. */
  peakDesired: number | null;
  /** load change -> utilization above the CPU target (when a target and CPU samples exist). */
  utilizationAboveTarget: MeasuredLatency | null;
  /** load change -> first sample with desired > baseline. */
  firstDesiredIncrease: MeasuredLatency;
  /** load change -> first sample with ready >= peakDesired. The scale-up latency. */
  readyAtPeak: MeasuredLatency;
  /** 'scaled' | 'no-scale' (replicas never rose) | 'incomplete' (ready never caught up) | 'unknown' (a gap hides it). */
  outcome: 'scaled' | 'no-scale' | 'incomplete' | 'unknown';
  /** Load while scaling: from the change until ready reached the peak (or the window end). */
  during: LoadSlice | null;
}

export interface ScaleDownTransition {
  loadChangeT: number;
  fromLevel: number;
  toLevel: number;
  baselineReplicas: number | null;
  /** End of the window watched for this transition: the next load change or the end of the run. */
  windowEndT: number;
  /** Lowest desired count the autoscaler settled on before the next load change / run end. */
  settledDesired: number | null;
  firstDesiredDecrease: MeasuredLatency;
  /**
   * "Stopped receiving traffic": load change -> first sample with ready <= settledDesired.
   * The scale-down latency `scale_down_time` checks by default.
   */
  readyAtSettled: MeasuredLatency;
  /** Outcome of the "stopped receiving traffic" moment (ready). */
  outcome: 'scaled' | 'no-scale' | 'incomplete' | 'unknown';
  /**
   * "Gone": load change -> first sample with running <= settledDesired: the surplus replicas no
   * longer exist and are no longer billed (draining, deregistration delay and idle instances
   * end here). null when the provider emits no `running` series: unknown, never a guess.
   */
  runningAtSettled: MeasuredLatency | null;
  /** Outcome of the "gone" moment (running), null with runningAtSettled. */
  runningOutcome: ScaleDownTransition['outcome'] | null;
  /** Load from the change until ready reached the settled count (or the window end). */
  during: LoadSlice | null;
}

export interface FlapReport {
  windowMs: number;
  /** Each pair of opposite desired-replica moves closer than windowMs. */
  flaps: Array<{ firstT: number; secondT: number; first: 'up' | 'down' }>;
  /**
   * Reversals closer than windowMs that followed the planned load (the load moved in the
   * second move's direction in between): reported, not counted as flaps.
   */
  loadDriven: Array<{ firstT: number; secondT: number; first: 'up' | 'down' }>;
}

export interface ReplicaStats {
  minDesired: number | null;
  maxDesired: number | null;
  minReady: number | null;
  maxReady: number | null;
  /** Integral of ready replicas over the run, in replica-seconds (for cost). */
  readyReplicaSeconds: number | null;
}

export interface CheckResult {
  /** Stable id, e.g. `latency.p95`, `requests.search.p99`, `autoscaling.scale_up_time`. */
  id: string;
  /** Human statement of the target, e.g. `p95 <= 500ms`. */
  target: string;
  /** Human measured value, e.g. `412ms`, or `unknown`. */
  measured: string;
  /** Error margin in words when the measurement has one, e.g. `±1.2s`. */
  margin?: string;
  status: 'pass' | 'fail' | 'unknown';
  /** Why it failed or is unknown, in one line. */
  detail?: string;
}

export interface PlatformClockSummary {
  source: string;
  /** Platform minus ours, ms. */
  offsetMs: number;
  /** The true offset lies within offsetMs +- boundMs. */
  boundMs: number;
  observations: number;
  steps: number;
}

export interface AnalysisResult {
  runId: string;
  profileName: string;
  provider: string | null;
  startedAtWall: number;
  durationMs: number;
  endStatus: 'completed' | 'interrupted' | 'aborted' | 'failed' | 'unknown';
  /** Whole-run load, and per request name. */
  load: LoadSlice | null;
  loadByRequest: Record<string, LoadSlice>;
  /** Whole-run load per request tag, keyed `tag=value`. */
  loadByTag: Record<string, LoadSlice>;
  /** Best `throughputWindowMs` average of successful responses per second. */
  sustainedThroughput: number | null;
  /** Whole-run unserved rate (null without load windows), and per request name. */
  unserved?: { run: UnservedRate | null; byRequest: Record<string, UnservedRate> };
  /** The same per request name (null when that request has no windows). */
  sustainedThroughputByRequest: Record<string, number | null>;
  replicas: ReplicaStats;
  cpu: { meanPct: number | null; maxPct: number | null };
  memory: { meanPct: number | null; maxPct: number | null };
  scaleUps: ScaleUpTransition[];
  scaleDowns: ScaleDownTransition[];
  flapping: FlapReport;
  checks: CheckResult[];
  /** 'pass' when every check passed; 'fail' when any failed; 'unknown' when none failed but some are unknown. */
  verdict: 'pass' | 'fail' | 'unknown';
  /**
   * The platform's clock against this machine's, per source (the last estimate of the run;
   * `steps` counts the times it stepped). Platform-stamped times were converted with it and their
   * margins widened by its bound. Absent when the provider gave no estimate.
   */
  platformClocks?: PlatformClockSummary[];
  /** Things the reader must know: gaps, generator saturation, skipped lines. */
  notes: string[];
  /** Test-type report, capacity per replica, right-sizing and cost (src/insights). */
  insights?: Insights;
}
