/**
 * PURE: scalable target + scaling policies (+ their CloudWatch alarms when readable) -> the
 * ScalingConfig `check` prints and the run compares targets with, and the warnings a user
 * should see before trusting a run.
 *
 * Timings, per target tracking policy (AWS defaults when the alarms cannot be read):
 *   period            AlarmHigh Period, else 20 s for a *HighResolution metric, else 60 s
 *   earliestScaleUp   AlarmHigh DatapointsToAlarm (3) × period
 *   earliestScaleDown AlarmLow DatapointsToAlarm (15) × period. The ScaleInCooldown (300 s) is not
 *                     added: AWS applies it "after a scale-in activity completes before another
 *                     scale-in activity can start", so it spaces later steps, not the first one.
 * Several policies: any may scale out (the soonest wins), scale-in needs all (the latest wins).
 */
import type { ScalableTarget, ScalingPolicy } from '@aws-sdk/client-application-auto-scaling';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { ScalingConfig, ScalingRule } from '../../src/provider.js';
import { formatDuration } from '../../src/units.js';

export interface EcsConfigInput {
  target: ScalableTarget | undefined;
  policies: readonly ScalingPolicy[];
  /** The policies' alarms; undefined when cloudwatch:DescribeAlarms was not allowed. */
  alarms: readonly MetricAlarm[] | undefined;
  desiredCount?: number;
}

export interface PolicyTiming {
  policy: string;
  periodMs: number;
  scaleOutDatapoints: number;
  scaleInDatapoints: number;
  scaleOutCooldownMs: number;
  scaleInCooldownMs: number;
  disableScaleIn: boolean;
  /** True when the numbers come from the alarms themselves, false when they are AWS defaults. */
  fromAlarms: boolean;
}

const PREDEFINED: Record<string, { metric: string; unit: string }> = {
  ECSServiceAverageCPUUtilization: { metric: 'cpu', unit: '%' },
  ECSServiceAverageCPUUtilizationHighResolution: { metric: 'cpu', unit: '%' },
  ECSServiceAverageMemoryUtilization: { metric: 'memory', unit: '%' },
  ECSServiceAverageMemoryUtilizationHighResolution: { metric: 'memory', unit: '%' },
  ALBRequestCountPerTarget: { metric: 'requests-per-target', unit: ' req/target/min' },
};

const isHighRes = (p: ScalingPolicy) => /HighResolution$/.test(p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType ?? '');

function alarmOf(p: ScalingPolicy, alarms: readonly MetricAlarm[] | undefined, kind: 'AlarmHigh' | 'AlarmLow'): MetricAlarm | undefined {
  const names = new Set((p.Alarms ?? []).map((a) => a.AlarmName));
  return alarms?.find((a) => a.AlarmName && names.has(a.AlarmName) && a.AlarmName.includes(kind));
}

const datapoints = (a: MetricAlarm | undefined, dflt: number) => a?.DatapointsToAlarm ?? a?.EvaluationPeriods ?? dflt;

/** The timing knobs of one target tracking policy. */
export function targetTrackingTiming(p: ScalingPolicy, alarms: readonly MetricAlarm[] | undefined): PolicyTiming {
  const tt = p.TargetTrackingScalingPolicyConfiguration ?? { TargetValue: undefined };
  const high = alarmOf(p, alarms, 'AlarmHigh');
  const low = alarmOf(p, alarms, 'AlarmLow');
  const periodS = high?.Period ?? low?.Period ?? (isHighRes(p) ? 20 : 60);
  return {
    policy: p.PolicyName ?? '?',
    periodMs: periodS * 1000,
    scaleOutDatapoints: datapoints(high, 3),
    scaleInDatapoints: datapoints(low, 15),
    scaleOutCooldownMs: (tt.ScaleOutCooldown ?? 300) * 1000,
    scaleInCooldownMs: (tt.ScaleInCooldown ?? 300) * 1000,
    disableScaleIn: tt.DisableScaleIn === true,
    fromAlarms: high !== undefined,
  };
}

function ttRule(p: ScalingPolicy, t: PolicyTiming): ScalingRule {
  const tt = p.TargetTrackingScalingPolicyConfiguration!;
  const pre = tt.PredefinedMetricSpecification?.PredefinedMetricType;
  const custom = tt.CustomizedMetricSpecification;
  const known = pre ? PREDEFINED[pre] : undefined;
  const metric = known?.metric ?? (pre ? pre : custom?.MetricName ? `${custom.Namespace ?? '?'}/${custom.MetricName}` : 'metric math');
  const parts = [
    `target tracking "${t.policy}" on ${pre ?? 'a customized metric'}`,
    `${t.scaleOutDatapoints} × ${formatDuration(t.periodMs)} datapoints to scale out, ${t.scaleInDatapoints} to scale in${t.fromAlarms ? '' : ' (AWS defaults; alarms not read)'}`,
    `cooldowns out ${formatDuration(t.scaleOutCooldownMs)} / in ${formatDuration(t.scaleInCooldownMs)}`,
  ];
  if (t.disableScaleIn) parts.push('scale-in disabled');
  return { metric, target: tt.TargetValue ?? NaN, unit: known?.unit ?? '', description: parts.join('; ') };
}

function stepRule(p: ScalingPolicy, alarms: readonly MetricAlarm[] | undefined): { rule: ScalingRule; decideMs?: number; direction: 'up' | 'down' | '?' } {
  const cfg = p.StepScalingPolicyConfiguration ?? {};
  const names = new Set((p.Alarms ?? []).map((a) => a.AlarmName));
  const alarm = alarms?.find((a) => a.AlarmName && names.has(a.AlarmName));
  const steps = (cfg.StepAdjustments ?? []).map((s) => `[${s.MetricIntervalLowerBound ?? '-∞'}, ${s.MetricIntervalUpperBound ?? '+∞'}) → ${(s.ScalingAdjustment ?? 0) > 0 ? '+' : ''}${s.ScalingAdjustment}`);
  const adj = (cfg.StepAdjustments ?? []).map((s) => s.ScalingAdjustment ?? 0);
  const direction = adj.length && adj.every((a) => a > 0) ? 'up' : adj.length && adj.every((a) => a < 0) ? 'down' : '?';
  const decideMs = alarm?.Period !== undefined ? datapoints(alarm, 1) * alarm.Period * 1000 : undefined;
  const description = [
    `step scaling "${p.PolicyName ?? '?'}" (${cfg.AdjustmentType ?? 'ChangeInCapacity'}): ${steps.join(', ') || 'no steps'}`,
    `cooldown ${formatDuration((cfg.Cooldown ?? 0) * 1000)}`,
    alarm ? `alarm ${alarm.AlarmName}: ${alarm.MetricName ?? 'metric'} ${alarm.ComparisonOperator ?? ''} ${alarm.Threshold ?? '?'} for ${datapoints(alarm, 1)} × ${alarm.Period ?? '?'}s` : 'alarm not read',
  ].join('; ');
  const rule: ScalingRule = { metric: alarm?.MetricName ?? 'step', target: alarm?.Threshold ?? NaN, unit: alarm?.Unit === 'Percent' || /Utilization/.test(alarm?.MetricName ?? '') ? '%' : '', description };
  return { rule, direction, ...(decideMs !== undefined ? { decideMs } : {}) };
}

/** The ScalingConfig and the warnings a user should read first. */
export function ecsScalingConfig(input: EcsConfigInput): { scaling: ScalingConfig; warnings: string[] } {
  const { target, policies, alarms } = input;
  const warnings: string[] = [];
  const rules: ScalingRule[] = [];
  const timings: Record<string, number> = {};
  if (!target) {
    warnings.push('the service is not registered with Application Auto Scaling (no scalable target for ecs:service:DesiredCount): its desired count changes only by hand or by deployments');
    return { scaling: { rules, timings }, warnings };
  }
  const tts = policies.filter((p) => p.PolicyType === 'TargetTrackingScaling' && p.TargetTrackingScalingPolicyConfiguration);
  const ttTimings = tts.map((p) => targetTrackingTiming(p, alarms));
  tts.forEach((p, i) => rules.push(ttRule(p, ttTimings[i]!)));
  const steps = policies.filter((p) => p.PolicyType === 'StepScaling').map((p) => stepRule(p, alarms));
  for (const s of steps) rules.push(s.rule);
  for (const p of policies.filter((p) => p.PolicyType === 'PredictiveScaling')) rules.push({ metric: 'predictive', target: NaN, unit: '', description: `predictive scaling "${p.PolicyName}": capacity scheduled from forecasts, not measured here` });

  const ups = [...ttTimings.map((t) => t.scaleOutDatapoints * t.periodMs), ...steps.filter((s) => s.direction === 'up' && s.decideMs !== undefined).map((s) => s.decideMs!)];
  if (ups.length) timings.earliestScaleUpMs = Math.min(...ups);
  const downs = ttTimings.filter((t) => !t.disableScaleIn).map((t) => t.scaleInDatapoints * t.periodMs);
  if (downs.length) timings.earliestScaleDownMs = Math.max(...downs);
  else {
    const stepDowns = steps.filter((s) => s.direction === 'down' && s.decideMs !== undefined).map((s) => s.decideMs!);
    if (stepDowns.length) timings.earliestScaleDownMs = Math.min(...stepDowns);
  }
  if (ttTimings.length) {
    timings.metricResolutionMs = Math.min(...ttTimings.map((t) => t.periodMs));
    timings.scaleOutCooldownMs = ttTimings[0]!.scaleOutCooldownMs;
    timings.scaleInCooldownMs = ttTimings[0]!.scaleInCooldownMs;
  }

  if (policies.length === 0) warnings.push('the scalable target has no scaling policies: Application Auto Scaling will not change the desired count');
  for (const t of ttTimings) {
    const period = formatDuration(t.periodMs);
    warnings.push(
      `target tracking "${t.policy}" needs ${t.scaleOutDatapoints} breaching ${period} datapoints to scale out (a decision no sooner than ${formatDuration(t.scaleOutDatapoints * t.periodMs)} after load rises, plus CloudWatch publication delay and task start-up)` +
        (t.disableScaleIn ? ' and never scales in (DisableScaleIn)' : ` and ${t.scaleInDatapoints} low datapoints to scale in (${formatDuration(t.scaleInDatapoints * t.periodMs)}), then ${formatDuration(t.scaleInCooldownMs)} scale-in cooldown between steps`),
    );
  }
  if (tts.length > 0 && alarms === undefined) warnings.push('could not read the target tracking alarms (cloudwatch:DescribeAlarms): timings assume the AWS defaults of 3 and 15 datapoints');
  const suspended = target.SuspendedState;
  if (suspended?.DynamicScalingOutSuspended) warnings.push('dynamic scale-out is SUSPENDED on the scalable target: the service will not scale out');
  if (suspended?.DynamicScalingInSuspended) warnings.push('dynamic scale-in is SUSPENDED on the scalable target: the service will not scale in');
  const d = input.desiredCount;
  if (d !== undefined && target.MinCapacity !== undefined && target.MaxCapacity !== undefined && (d < target.MinCapacity || d > target.MaxCapacity))
    warnings.push(`the desired count ${d} is outside the scalable target's ${target.MinCapacity}..${target.MaxCapacity}: the first activity will move it inside`);

  const details: Record<string, unknown> = { resourceId: target.ResourceId, policies: policies.map((p) => `${p.PolicyName} (${p.PolicyType})`) };
  if (target.RoleARN) details.roleArn = target.RoleARN;
  return {
    scaling: {
      ...(target.MinCapacity !== undefined ? { minReplicas: target.MinCapacity } : {}),
      ...(target.MaxCapacity !== undefined ? { maxReplicas: target.MaxCapacity } : {}),
      rules,
      timings,
      details,
    },
    warnings,
  };
}
