/**
 * A pure model of Cloud Run instance autoscaling (metrics-based scaling), for fake control
 * planes in tests and for reasoning about what a configuration allows.
 *
 * What Google documents (about-instance-autoscaling, about-concurrency, scaling-controls):
 * - two signals, each averaged over a 1-minute window: request concurrency per instance, kept
 *   at `targetConcurrency` (60 %) of `maxConcurrency`, and CPU utilization of the instances,
 *   kept at `targetCpu` (60 %); the recommendation is the larger of the two;
 * - evaluated periodically (every few seconds); scaling up is fast, and a burst that exceeds
 *   what the instances can take (in flight > instances × maxConcurrency) starts instances at
 *   once (request-driven);
 * - instances beyond the recommendation turn IDLE and may be kept up to 15 minutes before they
 *   are shut down; min instances are kept; never above max instances.
 * Cloud Monitoring's `container/instance_count` splits instances into `active` (processing
 * requests) and `idle`; `activeInstances` gives that split.
 *
 * Units: times in ms (any monotonic clock, passed in), utilizations as FRACTIONS (0.6 = 60 %).
 */

export interface CloudRunScalingSpec {
  readonly minInstances: number;
  readonly maxInstances: number;
  /** `maxInstanceRequestConcurrency` (default 80). */
  readonly maxConcurrency: number;
  /** Fraction of maxConcurrency the autoscaler aims for (default 0.6). */
  readonly targetConcurrency: number;
  /** CPU utilization the autoscaler aims for (default 0.6). */
  readonly targetCpu: number;
  /** Averaging window of both signals (default 60 s). */
  readonly windowMs: number;
  /** How long an idle surplus instance is kept before shutdown (default 15 min). */
  readonly idleRetentionMs: number;
}

export const CLOUD_RUN_DEFAULTS = {
  minInstances: 0,
  maxInstances: 100,
  maxConcurrency: 80,
  targetConcurrency: 0.6,
  targetCpu: 0.6,
  windowMs: 60_000,
  idleRetentionMs: 900_000,
} as const satisfies CloudRunScalingSpec;

export function cloudRunSpec(input: Partial<CloudRunScalingSpec> = {}): CloudRunScalingSpec {
  const spec = { ...CLOUD_RUN_DEFAULTS, ...input };
  if (spec.minInstances > spec.maxInstances) throw new RangeError(`minInstances ${spec.minInstances} is above maxInstances ${spec.maxInstances}`);
  if (!(spec.maxConcurrency >= 1)) throw new RangeError('maxConcurrency must be at least 1');
  if (!(spec.targetConcurrency > 0 && spec.targetConcurrency <= 1)) throw new RangeError('targetConcurrency must be in (0, 1]');
  if (!(spec.targetCpu > 0 && spec.targetCpu <= 1)) throw new RangeError('targetCpu must be in (0, 1]');
  return spec;
}

/** What the autoscaler sees at one evaluation. */
export interface CloudRunObservation {
  readonly atMs: number;
  /** Requests in flight across all instances. */
  readonly inFlight: number;
  /** Mean CPU utilization of the serving instances (fraction of their CPU limit). */
  readonly cpu: number;
  /** Instances able to serve when observed. */
  readonly instances: number;
}

export interface CloudRunState {
  /** Observations inside the averaging window, oldest first. */
  readonly window: readonly CloudRunObservation[];
  /** Instance count the autoscaler has asked for (its last decision). */
  readonly wanted: number;
  /** When the recommendation last fell below `wanted` (start of the idle period), or null. */
  readonly surplusSince: number | null;
}

export function initialCloudRunState(instances: number): CloudRunState {
  return { window: [], wanted: instances, surplusSince: null };
}

export interface CloudRunDecision {
  /** Instances to keep (serving or idle): rises at once, falls only after idle retention. */
  readonly instances: number;
  /** Instances the signals ask for right now (before idle retention). */
  readonly recommended: number;
  readonly changed: boolean;
  readonly reason: string;
  /** Window averages the recommendation came from. */
  readonly avgConcurrencyPerInstance: number;
  readonly avgCpu: number;
  readonly state: CloudRunState;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Instances the signals ask for, from window averages. Pure. */
export function recommendInstances(spec: CloudRunScalingSpec, window: readonly CloudRunObservation[], latest: CloudRunObservation): { replicas: number; byConcurrency: number; byCpu: number; burst: number; reason: string } {
  const avgInFlight = mean(window.map((o) => o.inFlight));
  const avgCpuInstances = mean(window.map((o) => o.cpu * o.instances));
  const perInstanceTarget = spec.maxConcurrency * spec.targetConcurrency;
  const byConcurrency = Math.ceil(avgInFlight / perInstanceTarget - 1e-9);
  const byCpu = Math.ceil(avgCpuInstances / spec.targetCpu - 1e-9);
  // Request-driven: what is in flight now must fit in maxConcurrency per instance.
  const burst = Math.ceil(latest.inFlight / spec.maxConcurrency - 1e-9);
  const raw = Math.max(byConcurrency, byCpu, burst);
  const replicas = Math.min(spec.maxInstances, Math.max(spec.minInstances, raw));
  const reason =
    raw > spec.maxInstances
      ? 'capped at max instances'
      : raw < spec.minInstances
        ? 'held at min instances'
        : burst > byConcurrency && burst > byCpu
          ? 'requests in flight exceed max concurrency'
          : byCpu > byConcurrency
            ? 'CPU utilization above target'
            : 'request concurrency';
  return { replicas, byConcurrency, byCpu, burst, reason };
}

/**
 * One evaluation. Scale-up follows the recommendation at once; when the recommendation falls,
 * the surplus instances stay (idle) until they have been surplus for `idleRetentionMs`.
 */
export function cloudRunStep(spec: CloudRunScalingSpec, state: CloudRunState, obs: CloudRunObservation): CloudRunDecision {
  const window = [...state.window.filter((o) => o.atMs > obs.atMs - spec.windowMs), obs];
  const rec = recommendInstances(spec, window, obs);
  let instances = state.wanted;
  let surplusSince = state.surplusSince;
  let reason = rec.reason;
  if (rec.replicas > state.wanted) {
    instances = rec.replicas;
    surplusSince = null;
  } else if (rec.replicas < state.wanted) {
    surplusSince ??= obs.atMs;
    if (obs.atMs - surplusSince >= spec.idleRetentionMs) {
      instances = rec.replicas;
      surplusSince = null;
      reason = 'idle instances retired';
    } else reason = `${state.wanted - rec.replicas} surplus instance(s) kept idle`;
  } else surplusSince = null;
  instances = Math.min(spec.maxInstances, Math.max(spec.minInstances, instances));
  const avgCpu = mean(window.map((o) => o.cpu));
  const avgConc = mean(window.map((o) => (o.instances > 0 ? o.inFlight / o.instances : 0)));
  return {
    instances,
    recommended: rec.replicas,
    changed: instances !== state.wanted,
    reason,
    avgConcurrencyPerInstance: avgConc,
    avgCpu,
    state: { window, wanted: instances, surplusSince },
  };
}

/**
 * Split of existing instances into active (processing requests) and idle, as Cloud Monitoring
 * reports it. Model assumption: the router packs requests onto as few instances as keep each
 * busy at no less than HALF the autoscaler's targets; above that the load is spread over all
 * of them. So at the load the autoscaler sized the service for, every instance is active, and
 * after the load drops the surplus shows as idle. `cpuLoad` is CPU in use in
 * instance-equivalents (mean utilization × serving instances).
 */
export function activeInstances(spec: CloudRunScalingSpec, instances: number, inFlight: number, cpuLoad = 0): { active: number; idle: number } {
  if (instances <= 0) return { active: 0, idle: 0 };
  if (inFlight <= 0 && cpuLoad <= 0) return { active: 0, idle: instances };
  const byConcurrency = Math.ceil(inFlight / ((spec.maxConcurrency * spec.targetConcurrency) / 2) - 1e-9);
  const byCpu = Math.ceil(cpuLoad / (spec.targetCpu / 2) - 1e-9);
  const active = Math.min(instances, Math.max(1, byConcurrency, byCpu));
  return { active, idle: instances - active };
}
