/**
 * Types of the Kubernetes HorizontalPodAutoscaler model (autoscaling/v2 with `behavior`).
 * Units: every time is milliseconds (`...Ms`), every utilization a FRACTION of the pod's
 * resource request (0.6 = 60 %), replica counts are whole numbers.
 */

/** `Pods`: add/remove up to `value` pods per period. `Percent`: up to `value` % of the count at the period start. */
export type HpaPolicyType = 'Pods' | 'Percent';

export interface HpaScalingPolicy {
  readonly type: HpaPolicyType;
  /** Pods, or percent (100 = double on the way up, remove all on the way down). */
  readonly value: number;
  /** Look-back window of the policy (`periodSeconds` × 1000). */
  readonly periodMs: number;
}

/** `Max`: the policy allowing the largest change wins (default); `Min`: the smallest; `Disabled`: no scaling in this direction. */
export type HpaSelectPolicy = 'Max' | 'Min' | 'Disabled';

/** `behavior.scaleUp` / `behavior.scaleDown`. */
export interface HpaScalingRules {
  /** `stabilizationWindowSeconds` × 1000. */
  readonly stabilizationWindowMs: number;
  readonly selectPolicy: HpaSelectPolicy;
  readonly policies: readonly HpaScalingPolicy[];
}

export interface HpaBehavior {
  readonly scaleUp: HpaScalingRules;
  readonly scaleDown: HpaScalingRules;
}

/** What the HPA object says. Build one with `hpaSpec()` to get the Kubernetes defaults. */
export interface HpaSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** `target.averageUtilization` / 100: 0.6 for 60 %. */
  readonly targetUtilization: number;
  /** `--horizontal-pod-autoscaler-tolerance`: no change while |ratio − 1| ≤ tolerance. */
  readonly tolerance: number;
  readonly behavior: HpaBehavior;
  /** Names the metric in the scale-up reason; default `cpu resource utilization (percentage of request)`. */
  readonly metricName?: string;
}

/** One pod of the scale target as the controller sees it at a sync. */
export interface HpaPod {
  /**
   * False for pods still starting (Pending, or not yet Ready within the CPU initialization
   * period): the HPA sets them aside, and counts them as 0 % on a scale-up.
   */
  readonly ready: boolean;
  /** Measured utilization as a fraction of the request; undefined when the pod has no metric yet. */
  readonly utilization?: number;
}

export interface HpaInput {
  /** `scale.spec.replicas`: the count the controller last set (pods may still be starting). */
  readonly currentReplicas: number;
  /** The pods matched by the selector (deleted and failed pods already left out). */
  readonly pods: readonly HpaPod[];
}

export interface TimestampedRecommendation {
  readonly atMs: number;
  readonly replicas: number;
}

export interface TimestampedScaleEvent {
  readonly atMs: number;
  /** Absolute number of replicas added (scale-up list) or removed (scale-down list). */
  readonly change: number;
}

/**
 * What the controller remembers between syncs (kept in memory by the real one too, so it is
 * lost on a controller restart). Treat it as opaque and immutable: `hpaStep` returns the next one.
 */
export interface HpaState {
  /** Unstabilized recommendations of recent syncs, for the stabilization windows. */
  readonly recommendations: readonly TimestampedRecommendation[];
  /** Rescales issued recently, for the rate-limiting policies. */
  readonly scaleUpEvents: readonly TimestampedScaleEvent[];
  readonly scaleDownEvents: readonly TimestampedScaleEvent[];
}

/** Kubernetes `ScalingLimited` reasons: why `desired` differs from the stabilized recommendation. */
export type HpaLimit = 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas';

/** Kubernetes `AbleToScale` reasons raised by the stabilization windows. */
export type HpaStabilization = 'ScaleUpStabilized' | 'ScaleDownStabilized';

export interface HpaDecision {
  /** The replica count to set now (equal to `currentReplicas` when nothing changes). */
  readonly desired: number;
  /** True when `desired` differs from `currentReplicas`: the controller rescales. */
  readonly rescale: boolean;
  /**
   * Why, worded like the HPA's `SuccessfulRescale` event ("cpu resource utilization (percentage
   * of request) above target", "All metrics below target", "Current number of replicas above
   * Spec.MaxReplicas") or, with no usable metric, "no metrics for the ready pods".
   */
  readonly reason: string;
  /** Set when min/max or a rate policy held `desired` back from the recommendation. */
  readonly limitedBy?: HpaLimit;
  /** Set when a stabilization window changed the metric recommendation. */
  readonly stabilizedBy?: HpaStabilization;
  /** Mean utilization of the ready pods with metrics, unadjusted (what `kubectl get hpa` shows). */
  readonly utilization?: number;
  /** Replicas the metric alone asks for, before stabilization and limits. */
  readonly metricReplicas?: number;
  /** The state to pass to the next `hpaStep`. */
  readonly state: HpaState;
}
