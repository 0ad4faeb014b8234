/**
 * A pure model of one Kubernetes HorizontalPodAutoscaler (autoscaling/v2, one Resource
 * utilization metric), for the local platform and for fake control planes in tests.
 *
 *   let state = initialHpaState();
 *   every sync period:
 *     const d = hpaStep(spec, state, { currentReplicas, pods }, nowMs);
 *     state = d.state;
 *     if (d.rescale) setReplicas(d.desired);   // hpaStep assumes the rescale is applied
 *
 * One sync = `reconcileAutoscaler` in kubernetes `pkg/controller/podautoscaler/horizontal.go`:
 *   1. current outside [min, max]        -> desired = the violated bound, no stabilization
 *   2. metric recommendation             -> ceil(current × utilization / target), see hpa-replicas.ts
 *   3. stabilization windows             -> min over the scale-up window, max over the scale-down window
 *   4. rate policies and min/max clamp   -> see hpa-behavior.ts
 * Time never comes from the environment: `nowMs` is any monotonic millisecond clock, used only
 * to compare with earlier `nowMs` values.
 */
import { DEFAULT_HPA_BEHAVIOR, limitRate, stabilize } from './hpa-behavior.js';
import { metricReplicas } from './hpa-replicas.js';
import type { HpaBehavior, HpaDecision, HpaInput, HpaScalingRules, HpaSpec, HpaState } from './hpa-types.js';

export type * from './hpa-types.js';
export { DEFAULT_HPA_BEHAVIOR } from './hpa-behavior.js';

/** Default `--horizontal-pod-autoscaler-tolerance`. */
export const DEFAULT_HPA_TOLERANCE = 0.1;

/** Wording of the scale-up reason, as in the upstream `SuccessfulRescale` event for CPU. */
export const CPU_METRIC_NAME = 'cpu resource utilization (percentage of request)';

export interface HpaSpecInput {
  minReplicas?: number;
  maxReplicas: number;
  targetUtilization: number;
  tolerance?: number;
  metricName?: string;
  /** Per-direction overrides; missing parts take the Kubernetes defaults. */
  behavior?: { scaleUp?: Partial<HpaScalingRules>; scaleDown?: Partial<HpaScalingRules> };
}

/** Fills in the Kubernetes defaults (minReplicas 1, tolerance 0.1, default behavior). */
export function hpaSpec(input: HpaSpecInput): HpaSpec {
  const behavior: HpaBehavior = {
    scaleUp: { ...DEFAULT_HPA_BEHAVIOR.scaleUp, ...input.behavior?.scaleUp },
    scaleDown: { ...DEFAULT_HPA_BEHAVIOR.scaleDown, ...input.behavior?.scaleDown },
  };
  const minReplicas = input.minReplicas ?? 1;
  if (minReplicas > input.maxReplicas) throw new RangeError(`minReplicas ${minReplicas} is above maxReplicas ${input.maxReplicas}`);
  if (!(input.targetUtilization > 0)) throw new RangeError('targetUtilization must be above 0');
  return { minReplicas, maxReplicas: input.maxReplicas, targetUtilization: input.targetUtilization, tolerance: input.tolerance ?? DEFAULT_HPA_TOLERANCE, behavior, metricName: input.metricName ?? CPU_METRIC_NAME };
}

export function initialHpaState(): HpaState {
  return { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
}

/** One controller sync. Pure: the same arguments always give the same decision and next state. */
export function hpaStep(spec: HpaSpec, state: HpaState, input: HpaInput, nowMs: number): HpaDecision {
  const current = input.currentReplicas;
  const { minReplicas, maxReplicas, behavior } = spec;

  // A target scaled to 0 by hand while minReplicas > 0 is Kubernetes' "scaling disabled".
  if (current === 0 && minReplicas > 0) return { desired: 0, rescale: false, reason: 'scaling is disabled since the replica count of the target is zero', state };
  if (current > maxReplicas) return rescaled(state, current, maxReplicas, 'Current number of replicas above Spec.MaxReplicas', nowMs, behavior);
  if (current < minReplicas) return rescaled(state, current, minReplicas, 'Current number of replicas below Spec.MinReplicas', nowMs, behavior);

  const metric = metricReplicas(current, input.pods, spec.targetUtilization, spec.tolerance);
  if (metric === null) return { desired: current, rescale: false, reason: 'no metrics for the ready pods', state };

  const stabilized = stabilize(behavior, state.recommendations, current, metric.replicas, nowMs);
  const limited = limitRate(behavior, spec, current, stabilized.replicas, { up: state.scaleUpEvents, down: state.scaleDownEvents }, nowMs);
  const keepMs = Math.max(behavior.scaleUp.stabilizationWindowMs, behavior.scaleDown.stabilizationWindowMs);
  const withRecommendation: HpaState = {
    ...state,
    recommendations: [...state.recommendations.filter((r) => r.atMs > nowMs - keepMs), { atMs: nowMs, replicas: metric.replicas }],
  };
  const reason =
    limited.replicas === current
      ? explainNoChange(current, metric.replicas, stabilized.stabilizedBy, limited.limitedBy)
      : metric.replicas < current
        ? 'All metrics below target'
        : `${spec.metricName ?? CPU_METRIC_NAME} above target`;
  const decision = rescaled(withRecommendation, current, limited.replicas, reason, nowMs, behavior);
  return {
    ...decision,
    ...(limited.limitedBy ? { limitedBy: limited.limitedBy } : {}),
    ...(stabilized.stabilizedBy ? { stabilizedBy: stabilized.stabilizedBy } : {}),
    ...(metric.utilization === undefined ? {} : { utilization: metric.utilization }),
    metricReplicas: metric.replicas,
  };
}

function explainNoChange(current: number, recommended: number, stabilizedBy?: string, limitedBy?: string): string {
  if (recommended === current) return 'recommended size matches current size';
  if (limitedBy) return `recommendation ${recommended} held at ${current} (${limitedBy})`;
  return `recommendation ${recommended} held at ${current} (${stabilizedBy ?? 'stabilized'})`;
}

/** The decision, and the scale event recorded when the count changes (the rate policies count these). */
function rescaled(state: HpaState, current: number, desired: number, reason: string, nowMs: number, behavior: HpaBehavior): HpaDecision {
  if (desired === current) return { desired, rescale: false, reason, state };
  const longest = (r: HpaScalingRules) => Math.max(0, ...r.policies.map((p) => p.periodMs));
  // Both lists feed both directions' policies, so keep events as long as the longest period.
  const keepMs = Math.max(longest(behavior.scaleUp), longest(behavior.scaleDown));
  const up = state.scaleUpEvents.filter((e) => e.atMs > nowMs - keepMs);
  const down = state.scaleDownEvents.filter((e) => e.atMs > nowMs - keepMs);
  const event = { atMs: nowMs, change: Math.abs(desired - current) };
  const next: HpaState = desired > current ? { ...state, scaleUpEvents: [...up, event], scaleDownEvents: down } : { ...state, scaleUpEvents: up, scaleDownEvents: [...down, event] };
  return { desired, rescale: true, reason, state: next };
}
