/**
 * `behavior` of an autoscaling/v2 HPA: stabilization windows and rate-limiting policies.
 * Mirrors `stabilizeRecommendationWithBehaviors`, `convertDesiredReplicasWithBehaviorRate`,
 * `calculateScaleUpLimitWithScalingRules` and `calculateScaleDownLimitWithBehaviors` in
 * kubernetes `pkg/controller/podautoscaler/horizontal.go`. Pure: `nowMs` is passed in.
 */
import type {
  HpaBehavior,
  HpaLimit,
  HpaScalingRules,
  HpaStabilization,
  TimestampedRecommendation,
  TimestampedScaleEvent,
} from './hpa-types.js';

/** The Kubernetes defaults: up max(+100 %, +4 pods) per 15 s at once; down 100 % per 15 s after 300 s of stabilization. */
export const DEFAULT_HPA_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowMs: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodMs: 15_000 },
      { type: 'Pods', value: 4, periodMs: 15_000 },
    ],
  },
  scaleDown: {
    stabilizationWindowMs: 300_000,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodMs: 15_000 }],
  },
};

export interface Stabilized {
  readonly replicas: number;
  readonly stabilizedBy?: HpaStabilization;
}

/**
 * Scale-up follows the LOWEST recommendation inside its window and scale-down the HIGHEST inside
 * its window, so a brief spike or dip does not move the count. `recommendations` excludes the
 * current one (`desired`), which always takes part.
 */
export function stabilize(
  behavior: HpaBehavior,
  recommendations: readonly TimestampedRecommendation[],
  currentReplicas: number,
  desired: number,
  nowMs: number,
): Stabilized {
  const upCutoffMs = nowMs - behavior.scaleUp.stabilizationWindowMs;
  const downCutoffMs = nowMs - behavior.scaleDown.stabilizationWindowMs;
  let upRecommendation = desired;
  let downRecommendation = desired;
  for (const r of recommendations) {
    // Strictly after the cutoff, as upstream's `timestamp.After(cutoff)`.
    if (r.atMs > upCutoffMs) upRecommendation = Math.min(upRecommendation, r.replicas);
    if (r.atMs > downCutoffMs) downRecommendation = Math.max(downRecommendation, r.replicas);
  }
  const replicas = Math.min(Math.max(currentReplicas, upRecommendation), downRecommendation);
  if (replicas === desired) return { replicas };
  return { replicas, stabilizedBy: desired >= currentReplicas ? 'ScaleUpStabilized' : 'ScaleDownStabilized' };
}

const changeWithin = (periodMs: number, events: readonly TimestampedScaleEvent[], nowMs: number): number =>
  events.reduce((sum, e) => (e.atMs > nowMs - periodMs ? sum + e.change : sum), 0);

/** Highest count the scale-up policies allow now, counting what was added and removed inside each policy period. */
export function scaleUpLimit(rules: HpaScalingRules, currentReplicas: number, up: readonly TimestampedScaleEvent[], down: readonly TimestampedScaleEvent[], nowMs: number): number {
  if (rules.selectPolicy === 'Disabled' || rules.policies.length === 0) return currentReplicas;
  const proposals = rules.policies.map((p) => {
    const periodStart = currentReplicas - changeWithin(p.periodMs, up, nowMs) + changeWithin(p.periodMs, down, nowMs);
    // Percent rounds up so that a small count can still grow (1 × 110 % must give 2, not 1).
    return p.type === 'Pods' ? periodStart + p.value : Math.ceil(periodStart * (1 + p.value / 100));
  });
  return rules.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals);
}

/** Lowest count the scale-down policies allow now. */
export function scaleDownLimit(rules: HpaScalingRules, currentReplicas: number, up: readonly TimestampedScaleEvent[], down: readonly TimestampedScaleEvent[], nowMs: number): number {
  if (rules.selectPolicy === 'Disabled' || rules.policies.length === 0) return currentReplicas;
  const proposals = rules.policies.map((p) => {
    const periodStart = currentReplicas - changeWithin(p.periodMs, up, nowMs) + changeWithin(p.periodMs, down, nowMs);
    return p.type === 'Pods' ? periodStart - p.value : Math.trunc(periodStart * (1 - p.value / 100));
  });
  // For scale-down the largest change is the LOWEST count, so `Max` picks the minimum.
  return rules.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals);
}

export interface Limited {
  readonly replicas: number;
  readonly limitedBy?: HpaLimit;
}

/** Applies min/max and the rate policies to the stabilized recommendation. */
export function limitRate(
  behavior: HpaBehavior,
  bounds: { minReplicas: number; maxReplicas: number },
  currentReplicas: number,
  desired: number,
  events: { up: readonly TimestampedScaleEvent[]; down: readonly TimestampedScaleEvent[] },
  nowMs: number,
): Limited {
  if (desired > currentReplicas) {
    // Never below the current count: a limit under it just means "not now".
    const rateMax = Math.max(currentReplicas, scaleUpLimit(behavior.scaleUp, currentReplicas, events.up, events.down, nowMs));
    const allowed = Math.min(bounds.maxReplicas, rateMax);
    const limitedBy: HpaLimit = bounds.maxReplicas > rateMax ? 'ScaleUpLimit' : 'TooManyReplicas';
    return desired > allowed ? { replicas: allowed, limitedBy } : { replicas: desired };
  }
  if (desired < currentReplicas) {
    const rateMin = Math.min(currentReplicas, scaleDownLimit(behavior.scaleDown, currentReplicas, events.up, events.down, nowMs));
    const allowed = Math.max(bounds.minReplicas, rateMin);
    const limitedBy: HpaLimit = bounds.minReplicas < rateMin ? 'ScaleDownLimit' : 'TooFewReplicas';
    return desired < allowed ? { replicas: allowed, limitedBy } : { replicas: desired };
  }
  return { replicas: desired };
}
