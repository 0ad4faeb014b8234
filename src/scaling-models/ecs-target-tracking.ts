/**
 * A pure model of Application Auto Scaling target tracking for one ECS service (one policy),
 * for fake control planes in tests and a later what-if simulator.
 *
 * Target tracking creates two CloudWatch alarms it manages itself:
 *
 *   AlarmHigh  metric > target          for `scaleOutDatapoints` of as many periods (default 3 of 3)
 *   AlarmLow   metric < target × 0.9    for `scaleInDatapoints`  of as many periods (default 15 of 15)
 *
 * and while an alarm is in ALARM it asks for capacity proportional to the metric:
 *
 *   proposed = ceil(measuredCapacity × metric / target)            (clamped to [min, max])
 *
 *   period  |  1  |  2  |  3  |  4  |  5  |
 *   metric    90    95    92    80    ...       target 50
 *   AlarmHigh  .     .   ALARM ALARM           -> scale out at the end of period 3
 *
 * Cooldowns (defaults 300 s for ECS): during the scale-out cooldown the capacity already added
 * counts, so only a proposal above the current desired count scales out again (the proposal
 * is measured over the running tasks, the desired count already includes the pending ones); a
 * scale-in waits for the scale-in cooldown after the previous scale-in and removes capacity
 * gradually (at least one task, at most down to the proposal). Missing datapoints (a service with no running tasks publishes none) do not
 * breach either alarm.
 *
 * Call `ecsTargetTrackingStep` once per completed metric period. Time never comes from the
 * environment: `nowMs` is any monotonic millisecond clock.
 */

export interface EcsTargetTrackingSpec {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** TargetValue, in the metric's unit (percent for CPUUtilization). */
  readonly targetValue: number;
  /** CloudWatch period of the alarms: 60000, or 20000 with high-resolution metrics. */
  readonly periodMs: number;
  /** Breaching datapoints to scale out (AlarmHigh DatapointsToAlarm). */
  readonly scaleOutDatapoints: number;
  /** Low datapoints to scale in (AlarmLow DatapointsToAlarm). */
  readonly scaleInDatapoints: number;
  /** AlarmLow threshold as a fraction of the target (0.9: 30 % target -> 27 %). */
  readonly scaleInThresholdRatio: number;
  readonly scaleOutCooldownMs: number;
  readonly scaleInCooldownMs: number;
  readonly disableScaleIn: boolean;
}

export type EcsTargetTrackingSpecInput = Pick<EcsTargetTrackingSpec, 'minCapacity' | 'maxCapacity' | 'targetValue'> & Partial<EcsTargetTrackingSpec>;

/** AWS defaults for an ECS service: 1-minute period, 3 / 15 datapoints, 300 s cooldowns. */
export function ecsTargetTrackingSpec(input: EcsTargetTrackingSpecInput): EcsTargetTrackingSpec {
  const spec: EcsTargetTrackingSpec = {
    periodMs: 60_000,
    scaleOutDatapoints: 3,
    scaleInDatapoints: 15,
    scaleInThresholdRatio: 0.9,
    scaleOutCooldownMs: 300_000,
    scaleInCooldownMs: 300_000,
    disableScaleIn: false,
    ...input,
  };
  if (spec.minCapacity > spec.maxCapacity) throw new RangeError(`minCapacity ${spec.minCapacity} is above maxCapacity ${spec.maxCapacity}`);
  if (!(spec.targetValue > 0)) throw new RangeError('targetValue must be above 0');
  if (!(spec.periodMs > 0)) throw new RangeError('periodMs must be above 0');
  return spec;
}

/**
 * The soonest a scale-out / scale-in can follow a load change, by design: the breaching
 * datapoints of AlarmHigh; the low datapoints of AlarmLow. The scale-in cooldown does not delay
 * the FIRST scale-in: it runs "after a scale-in activity completes before another scale-in
 * activity can start" (Application Auto Scaling, TargetTrackingScalingPolicyConfiguration).
 */
export function ecsEarliestDecisionMs(spec: Pick<EcsTargetTrackingSpec, 'periodMs' | 'scaleOutDatapoints' | 'scaleInDatapoints'>): {
  scaleUpMs: number;
  scaleDownMs: number;
} {
  return { scaleUpMs: spec.scaleOutDatapoints * spec.periodMs, scaleDownMs: spec.scaleInDatapoints * spec.periodMs };
}

export type EcsAlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface EcsTargetTrackingState {
  /** Recent datapoints, oldest first; undefined = no data for that period. */
  readonly datapoints: readonly (number | undefined)[];
  readonly lastScaleOutAtMs?: number;
  readonly lastScaleInAtMs?: number;
}

export function initialEcsTargetTrackingState(): EcsTargetTrackingState {
  return { datapoints: [] };
}

export interface EcsTargetTrackingInput {
  /** The metric's value over the period that just ended; undefined when none was published. */
  readonly metric: number | undefined;
  /** Desired count now. */
  readonly desiredCapacity: number;
  /** Tasks the metric was measured over (running tasks); defaults to desiredCapacity. */
  readonly measuredCapacity?: number;
}

/** Application Auto Scaling NotScaledReason codes the model can produce. */
export type EcsNotScaledReason = 'AlreadyAtMaxCapacity' | 'AlreadyAtMinCapacity' | 'AlreadyAtDesiredCapacity';

export interface EcsTargetTrackingDecision {
  readonly desired: number;
  readonly rescale: boolean;
  readonly alarmHigh: EcsAlarmState;
  readonly alarmLow: EcsAlarmState;
  /** Which alarm triggered the policy, when one is in ALARM. */
  readonly trigger?: 'AlarmHigh' | 'AlarmLow';
  /** Set when an alarm fired but the capacity did not change. */
  readonly notScaled?: EcsNotScaledReason;
  /** Set when an alarm fired but a cooldown held the change back. */
  readonly blockedBy?: 'ScaleInCooldown' | 'DisableScaleIn';
  readonly state: EcsTargetTrackingState;
}

function alarm(points: readonly (number | undefined)[], n: number, breaching: (v: number) => boolean): EcsAlarmState {
  if (points.length < n) return 'INSUFFICIENT_DATA';
  const last = points.slice(-n);
  if (last.every((v) => v !== undefined && breaching(v))) return 'ALARM';
  if (last.every((v) => v === undefined)) return 'INSUFFICIENT_DATA';
  return 'OK';
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** One evaluation at the end of a metric period. Pure. */
export function ecsTargetTrackingStep(spec: EcsTargetTrackingSpec, state: EcsTargetTrackingState, input: EcsTargetTrackingInput, nowMs: number): EcsTargetTrackingDecision {
  const keep = Math.max(spec.scaleOutDatapoints, spec.scaleInDatapoints);
  const datapoints = [...state.datapoints, input.metric].slice(-keep);
  const next: EcsTargetTrackingState = { ...state, datapoints };
  const alarmHigh = alarm(datapoints, spec.scaleOutDatapoints, (v) => v > spec.targetValue);
  const alarmLow = alarm(datapoints, spec.scaleInDatapoints, (v) => v < spec.targetValue * spec.scaleInThresholdRatio);
  const current = input.desiredCapacity;
  const base = { desired: current, rescale: false, alarmHigh, alarmLow } as const;
  // Outside [min, max] (min/max changed): move to the bound first.
  if (current < spec.minCapacity || current > spec.maxCapacity) {
    const desired = clamp(current, spec.minCapacity, spec.maxCapacity);
    return { ...base, desired, rescale: true, state: desired > current ? { ...next, lastScaleOutAtMs: nowMs } : { ...next, lastScaleInAtMs: nowMs } };
  }
  const metric = input.metric;
  if (metric === undefined) return { ...base, state: next };
  const measured = Math.max(1, input.measuredCapacity ?? current);
  const proposed = clamp(Math.ceil((measured * metric) / spec.targetValue), spec.minCapacity, spec.maxCapacity);

  if (alarmHigh === 'ALARM') {
    if (proposed > current) return { ...base, desired: proposed, rescale: true, trigger: 'AlarmHigh', state: { ...next, lastScaleOutAtMs: nowMs } };
    const notScaled: EcsNotScaledReason = current >= spec.maxCapacity ? 'AlreadyAtMaxCapacity' : 'AlreadyAtDesiredCapacity';
    return { ...base, trigger: 'AlarmHigh', notScaled, state: next };
  }
  if (alarmLow === 'ALARM') {
    if (spec.disableScaleIn) return { ...base, trigger: 'AlarmLow', blockedBy: 'DisableScaleIn', state: next };
    if (current <= spec.minCapacity) return { ...base, trigger: 'AlarmLow', notScaled: 'AlreadyAtMinCapacity', state: next };
    if (state.lastScaleInAtMs !== undefined && nowMs - state.lastScaleInAtMs < spec.scaleInCooldownMs) return { ...base, trigger: 'AlarmLow', blockedBy: 'ScaleInCooldown', state: next };
    const desired = Math.min(current - 1, proposed);
    return { ...base, desired, rescale: true, trigger: 'AlarmLow', state: { ...next, lastScaleInAtMs: nowMs } };
  }
  return { ...base, state: next };
}
