import { describe, expect, it } from 'vitest';
import { ecsEarliestDecisionMs, ecsTargetTrackingSpec, ecsTargetTrackingStep, initialEcsTargetTrackingState, type EcsTargetTrackingDecision } from '../../../src/scaling-models/ecs-target-tracking.js';

const MIN = 60_000;

/** Runs the model over one metric value per minute; returns every decision. */
function run(spec: ReturnType<typeof ecsTargetTrackingSpec>, metrics: (number | undefined)[], desired0: number, measured?: (desired: number) => number) {
  let state = initialEcsTargetTrackingState();
  let desired = desired0;
  const out: (EcsTargetTrackingDecision & { minute: number })[] = [];
  metrics.forEach((metric, i) => {
    const d = ecsTargetTrackingStep(spec, state, { metric, desiredCapacity: desired, measuredCapacity: measured ? measured(desired) : desired }, (i + 1) * MIN);
    state = d.state;
    if (d.rescale) desired = d.desired;
    out.push({ ...d, minute: i + 1 });
  });
  return out;
}

describe('ECS target tracking model', () => {
  const spec = ecsTargetTrackingSpec({ minCapacity: 1, maxCapacity: 10, targetValue: 50 });

  it('has the AWS defaults and their earliest decisions', () => {
    expect(spec).toMatchObject({ periodMs: 60_000, scaleOutDatapoints: 3, scaleInDatapoints: 15, scaleOutCooldownMs: 300_000, scaleInCooldownMs: 300_000 });
    expect(ecsEarliestDecisionMs(spec)).toEqual({ scaleUpMs: 180_000, scaleDownMs: 15 * MIN });
    expect(() => ecsTargetTrackingSpec({ minCapacity: 5, maxCapacity: 2, targetValue: 50 })).toThrow(RangeError);
  });

  it('scales out only after 3 breaching datapoints, proportionally', () => {
    const d = run(spec, [90, 90, 90], 2);
    expect(d.map((x) => x.alarmHigh)).toEqual(['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA', 'ALARM']);
    expect(d[2]).toMatchObject({ rescale: true, desired: 4, trigger: 'AlarmHigh' }); // ceil(2 × 90 / 50)
  });

  it('does not scale out when a datapoint in the window is missing or below target', () => {
    expect(run(spec, [90, undefined, 90], 2).some((x) => x.rescale)).toBe(false);
    expect(run(spec, [90, 40, 90, 90], 2).filter((x) => x.rescale).map((x) => x.minute)).toEqual([]);
    expect(run(spec, [90, 40, 90, 90, 90], 2).filter((x) => x.rescale).map((x) => x.minute)).toEqual([5]);
  });

  it('during the scale-out cooldown only scales out beyond the capacity already added', () => {
    // Tasks take a while: the metric is still measured over 2 running tasks.
    const d = run(spec, [90, 90, 90, 90, 100], 2, () => 2);
    expect(d.filter((x) => x.rescale).map((x) => [x.minute, x.desired])).toEqual([[3, 4]]);
    expect(d[4]).toMatchObject({ rescale: false, notScaled: 'AlreadyAtDesiredCapacity' });
  });

  it('caps at max and records AlreadyAtMaxCapacity', () => {
    const d = run(ecsTargetTrackingSpec({ minCapacity: 1, maxCapacity: 3, targetValue: 50 }), [100, 100, 100, 100], 3);
    expect(d[2]).toMatchObject({ rescale: false, notScaled: 'AlreadyAtMaxCapacity' });
  });

  it('scales in after 15 low datapoints below 90 % of target, step by step with the cooldown', () => {
    const low = Array(25).fill(10);
    const d = run(spec, low, 6);
    const ins = d.filter((x) => x.rescale);
    expect(ins[0]).toMatchObject({ minute: 15, trigger: 'AlarmLow', desired: 2 }); // ceil(6 × 10 / 50) = 2
    expect(ins[1]).toMatchObject({ minute: 20, desired: 1 }); // after the 5-minute scale-in cooldown
    expect(d[15]).toMatchObject({ blockedBy: 'ScaleInCooldown' });
    // The scale-in threshold is 90 % of the target: 46 % is above 45 %, so it never scales in.
    expect(run(spec, Array(16).fill(46), 6).some((x) => x.rescale)).toBe(false);
  });

  it('never scales in with DisableScaleIn, nor below min', () => {
    expect(run(ecsTargetTrackingSpec({ minCapacity: 1, maxCapacity: 10, targetValue: 50, disableScaleIn: true }), Array(16).fill(5), 4).some((x) => x.rescale)).toBe(false);
    expect(run(spec, Array(16).fill(5), 1)[14]).toMatchObject({ rescale: false, notScaled: 'AlreadyAtMinCapacity' });
  });

  it('moves a count outside [min, max] to the bound at once', () => {
    expect(run(spec, [50], 14)[0]).toMatchObject({ rescale: true, desired: 10 });
  });
});
