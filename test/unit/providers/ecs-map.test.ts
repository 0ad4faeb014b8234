import { describe, expect, it } from 'vitest';
import type { Service, Task } from '@aws-sdk/client-ecs';
import type { ScalingActivity, ScalingPolicy } from '@aws-sdk/client-application-auto-scaling';
import type { MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { activityEvents, deploymentEvents, mergeMetricPages, metricSamples, readyEvents, readySamples, serviceEvents, serviceSample, taskReadiness } from '../../../providers/ecs/map.js';
import { ecsScalingConfig } from '../../../providers/ecs/config-map.js';
import { designWarnings } from '../../../src/run/design-warnings.js';
import { PointDedupe } from '../../../providers/ecs/point-dedupe.js';
import { toProviderError } from '../../../providers/ecs/errors.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const d = (ms: number) => new Date(ms);

// As the SDK returns DescribeServices (dates already Date objects).
const service: Service = {
  serviceName: 'web',
  status: 'ACTIVE',
  desiredCount: 4,
  runningCount: 3,
  pendingCount: 1,
  deployments: [
    { id: 'ecs-svc/1', status: 'PRIMARY', desiredCount: 4, runningCount: 3, pendingCount: 1, rolloutState: 'IN_PROGRESS', createdAt: d(T0), updatedAt: d(T0 + 5000), taskDefinition: 'arn:aws:ecs:us-east-1:1:task-definition/web:8' },
    { id: 'ecs-svc/0', status: 'ACTIVE', desiredCount: 0, runningCount: 1, rolloutState: 'FAILED', rolloutStateReason: 'circuit breaker', createdAt: d(T0 - 9000) },
  ],
  events: [
    { id: 'e2', createdAt: d(T0 + 1500), message: '(service web) has started 2 tasks: (task a) (task b).' },
    { id: 'e1', createdAt: d(T0 + 500), message: '(service web) was unable to place a task because no container instance met all of its requirements.' },
    { id: 'e0', createdAt: d(T0), message: '(service web) has stopped 1 running tasks: (task z).' },
  ],
};

describe('ECS map: DescribeServices', () => {
  it('maps counts as a point read at the response time', () => {
    expect(serviceSample(service, T0 + 7000)).toEqual({ atWall: T0 + 7000, resolutionMs: 0, source: 'ecs:DescribeServices', desired: 4, running: 3, ready: 3, pending: 1 });
  });
  it('keeps zero tasks as zero', () => {
    expect(serviceSample({ desiredCount: 0, runningCount: 0, pendingCount: 0 }, T0)).toMatchObject({ desired: 0, running: 0, ready: 0, pending: 0 });
  });
  it('maps service events with their ids and kinds', () => {
    const ev = serviceEvents(service.events);
    expect(ev.map((e) => [e.id, e.type, e.atWall])).toEqual([
      ['ecs-event:e2', 'info', T0 + 1500],
      ['ecs-event:e1', 'warning', T0 + 500],
      ['ecs-event:e0', 'replica-stopped', T0],
    ]);
    expect(serviceEvents(undefined)).toEqual([]);
  });
  it('maps deployments to one event per rollout state', () => {
    const ev = deploymentEvents(service.deployments);
    expect(ev[0]).toMatchObject({ id: 'deployment:ecs-svc/1:IN_PROGRESS', atWall: T0 + 5000, type: 'info' });
    expect(ev[0]!.message).toContain('web:8');
    expect(ev[1]).toMatchObject({ id: 'deployment:ecs-svc/0:FAILED', type: 'warning' });
    expect(ev[1]!.message).toContain('circuit breaker');
  });
});

describe('ECS map: scaling activities', () => {
  const acts: ScalingActivity[] = [
    { ActivityId: 'a3', ServiceNamespace: 'ecs', ResourceId: 'service/demo/web', ScalableDimension: 'ecs:service:DesiredCount', Description: 'Setting desired count to 2.', Cause: 'monitor alarm TargetTracking-service/demo/web-AlarmLow-x in state ALARM triggered policy cpu', StartTime: d(T0 + 30_000), StatusCode: 'InProgress' },
    { ActivityId: 'a2', ServiceNamespace: 'ecs', ResourceId: 'service/demo/web', ScalableDimension: 'ecs:service:DesiredCount', Description: 'Attempting to set desired count.', Cause: 'monitor alarm ... AlarmHigh', StartTime: d(T0 + 20_000), StatusCode: 'Successful', NotScaledReasons: [{ Code: 'AlreadyAtMaxCapacity', CurrentCapacity: 4, MinCapacity: 1, MaxCapacity: 4 }] },
    { ActivityId: 'a1', ServiceNamespace: 'ecs', ResourceId: 'service/demo/web', ScalableDimension: 'ecs:service:DesiredCount', Description: 'Setting desired count to 4.', Cause: 'monitor alarm TargetTracking-service/demo/web-AlarmHigh-x in state ALARM triggered policy cpu', StartTime: d(T0 + 10_000), EndTime: d(T0 + 11_000), StatusCode: 'Failed', StatusMessage: 'Failed to set desired count to 4: service is draining' },
  ];
  it('uses the desired count seen before the activity for direction and from', () => {
    const history = (at: number) => (at > T0 + 25_000 ? 4 : 1);
    const ev = activityEvents(acts, history);
    expect(ev.find((e) => e.id === 'aas:a3')).toMatchObject({ type: 'scale-down', from: 4, to: 2, atWall: T0 + 30_000 });
    expect(ev.find((e) => e.id === 'aas:a2')).toMatchObject({ type: 'info' });
    expect(ev.find((e) => e.id === 'aas:a2')!.message).toMatch(/not scaled: AlreadyAtMaxCapacity \(current 4, min 1, max 4\)/);
    expect(ev.find((e) => e.id === 'aas:a1')).toMatchObject({ type: 'scale-up', from: 1, to: 4 });
    expect(ev.find((e) => e.id === 'aas:a1:Failed')).toMatchObject({ type: 'warning', atWall: T0 + 11_000 });
  });
  it('falls back to the alarm name when the earlier count is unknown', () => {
    const ev = activityEvents(acts, () => undefined);
    expect(ev.find((e) => e.id === 'aas:a3')!.type).toBe('scale-down');
    expect(ev.find((e) => e.id === 'aas:a1')!.type).toBe('scale-up');
  });
});

describe('ECS map: CloudWatch', () => {
  const page1: MetricDataResult[] = [
    { Id: 'cpu', Label: 'CPUUtilization', Timestamps: [d(T0 + 60_000), d(T0)], Values: [71.5, 42.25], StatusCode: 'PartialData' },
    { Id: 'mem', Label: 'MemoryUtilization', Timestamps: [], Values: [], StatusCode: 'Complete' },
  ];
  const page2: MetricDataResult[] = [{ Id: 'cpu', Label: 'CPUUtilization', Timestamps: [d(T0 - 60_000)], Values: [10], StatusCode: 'Complete' }];
  const meaning = { cpu: { source: 'cloudwatch:CPUUtilization', field: 'cpuPct' as const }, mem: { source: 'cloudwatch:MemoryUtilization', field: 'memPct' as const } };

  it('merges pages and stamps each point at the end of its period', () => {
    const samples = metricSamples(mergeMetricPages([page1, page2]), meaning, 60_000);
    expect(samples).toEqual([
      { atWall: T0, resolutionMs: 60_000, source: 'cloudwatch:CPUUtilization', cpuPct: 10 },
      { atWall: T0 + 60_000, resolutionMs: 60_000, source: 'cloudwatch:CPUUtilization', cpuPct: 42.25 },
      { atWall: T0 + 120_000, resolutionMs: 60_000, source: 'cloudwatch:CPUUtilization', cpuPct: 71.5 },
    ]);
  });
  it('treats a metric without points (no running tasks) as no data, not zero', () => {
    expect(metricSamples([{ Id: 'mem', Timestamps: [], Values: [] }, { Id: 'cpu' }], meaning, 60_000)).toEqual([]);
  });
  it('combines Container Insights counts of one period into one sample', () => {
    const m = { r: { source: 'cloudwatch:ContainerInsights', field: 'running' as const, periodMs: 60_000 }, p: { source: 'cloudwatch:ContainerInsights', field: 'pending' as const, periodMs: 60_000 } };
    expect(metricSamples([{ Id: 'r', Timestamps: [d(T0)], Values: [2.6] }, { Id: 'p', Timestamps: [d(T0)], Values: [1] }], m, 20_000)).toEqual([{ atWall: T0 + 60_000, resolutionMs: 60_000, source: 'cloudwatch:ContainerInsights', running: 3, pending: 1 }]);
  });
  it('emits a late point once, and again only when CloudWatch revises it', () => {
    const dd = new PointDedupe();
    const read = (v: number[]) => metricSamples([{ Id: 'cpu', Timestamps: v.map((_, i) => d(T0 + i * 60_000)), Values: v }], meaning, 60_000);
    expect(dd.fresh(read([40]))).toHaveLength(1);
    expect(dd.fresh(read([40, 55]))).toEqual([expect.objectContaining({ atWall: T0 + 120_000, cpuPct: 55 })]);
    expect(dd.fresh(read([40, 55]))).toEqual([]);
    expect(dd.fresh(read([40, 61]))).toEqual([expect.objectContaining({ atWall: T0 + 120_000, cpuPct: 61 })]);
  });
});

describe('ECS scaling configuration', () => {
  const target = { ServiceNamespace: 'ecs' as const, ResourceId: 'service/demo/web', ScalableDimension: 'ecs:service:DesiredCount' as const, MinCapacity: 2, MaxCapacity: 20, RoleARN: 'arn:role', CreationTime: d(T0) };
  const tt = (name: string, type: string, extra: object = {}): ScalingPolicy => ({
    PolicyARN: `arn:${name}`,
    PolicyName: name,
    ServiceNamespace: 'ecs',
    ResourceId: 'service/demo/web',
    ScalableDimension: 'ecs:service:DesiredCount',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: type as never }, ...extra },
    Alarms: [{ AlarmName: `TargetTracking-${name}-AlarmHigh-1`, AlarmARN: 'x' }, { AlarmName: `TargetTracking-${name}-AlarmLow-1`, AlarmARN: 'y' }],
    CreationTime: d(T0),
  });

  it('uses AWS defaults when the alarms cannot be read: 3 × 60 s up, 15 × 60 s down (the scale-in cooldown spaces later steps, not the first)', () => {
    const { scaling, warnings } = ecsScalingConfig({ target, policies: [tt('cpu', 'ECSServiceAverageCPUUtilization')], alarms: undefined });
    expect(scaling).toMatchObject({ minReplicas: 2, maxReplicas: 20, timings: { earliestScaleUpMs: 180_000, earliestScaleDownMs: 900_000, metricResolutionMs: 60_000, scaleInCooldownMs: 300_000 } });
    expect(scaling.rules[0]).toMatchObject({ metric: 'cpu', target: 70, unit: '%' });
    expect(warnings.join('\n')).toMatch(/needs 3 breaching 1m datapoints to scale out .* 15 low datapoints to scale in \(15m\), then 5m scale-in cooldown/);
    expect(warnings.join('\n')).toMatch(/assume the AWS defaults/);
  });
  it('check accepts a 16-minute scale-down target with default target tracking (the first scale-in waits for 15 low minutes, no cooldown)', () => {
    const { scaling } = ecsScalingConfig({ target, policies: [tt('cpu', 'ECSServiceAverageCPUUtilization')], alarms: undefined });
    const scaleDownWarnings = (minutes: number) => designWarnings({ autoscaling: { scale_down_time: minutes * 60_000 } } as never, scaling).filter((w) => w.includes('scale_down_time'));
    expect(scaleDownWarnings(16)).toEqual([]);
    expect(scaleDownWarnings(15)).toEqual([]);
    expect(scaleDownWarnings(14)).toEqual([expect.stringMatching(/cannot scale down sooner than 15m/)]);
  });
  it('uses 20 s for high-resolution metrics and the real alarm datapoints when readable', () => {
    const alarms = [
      { AlarmName: 'TargetTracking-hr-AlarmHigh-1', Period: 20, EvaluationPeriods: 3, DatapointsToAlarm: 3 },
      { AlarmName: 'TargetTracking-hr-AlarmLow-1', Period: 20, EvaluationPeriods: 45, DatapointsToAlarm: 45 },
    ];
    const { scaling } = ecsScalingConfig({ target, policies: [tt('hr', 'ECSServiceAverageCPUUtilizationHighResolution', { ScaleInCooldown: 60 })], alarms });
    expect(scaling.timings).toMatchObject({ earliestScaleUpMs: 60_000, earliestScaleDownMs: 45 * 20_000, metricResolutionMs: 20_000 });
    const { scaling: noAlarms } = ecsScalingConfig({ target, policies: [tt('hr', 'ECSServiceAverageCPUUtilizationHighResolution')], alarms: undefined });
    expect(noAlarms.timings.earliestScaleUpMs).toBe(60_000);
  });
  it('combines policies: the soonest scale-out, the latest scale-in; DisableScaleIn never scales in', () => {
    const { scaling, warnings } = ecsScalingConfig({ target, policies: [tt('a', 'ECSServiceAverageCPUUtilizationHighResolution'), tt('b', 'ECSServiceAverageMemoryUtilization', { DisableScaleIn: true })], alarms: undefined });
    expect(scaling.timings.earliestScaleUpMs).toBe(60_000);
    expect(scaling.timings.earliestScaleDownMs).toBe(15 * 20_000);
    expect(warnings.join('\n')).toContain('never scales in');
  });
  it('describes step scaling from its alarm', () => {
    const step: ScalingPolicy = { PolicyARN: 'x', PolicyName: 'out', ServiceNamespace: 'ecs', ResourceId: 'service/demo/web', ScalableDimension: 'ecs:service:DesiredCount', PolicyType: 'StepScaling', StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }], Cooldown: 60 }, Alarms: [{ AlarmName: 'cpu-high', AlarmARN: 'a' }], CreationTime: d(T0) };
    const { scaling } = ecsScalingConfig({ target, policies: [step], alarms: [{ AlarmName: 'cpu-high', MetricName: 'CPUUtilization', Threshold: 80, ComparisonOperator: 'GreaterThanThreshold', Period: 60, EvaluationPeriods: 2 }] });
    expect(scaling.rules[0]).toMatchObject({ metric: 'CPUUtilization', target: 80, unit: '%' });
    expect(scaling.rules[0]!.description).toMatch(/step scaling "out".*\[0, \+∞\) → \+2.*cooldown 1m/);
    expect(scaling.timings.earliestScaleUpMs).toBe(120_000);
  });
  it('warns about a service without a scalable target and about suspended scaling', () => {
    expect(ecsScalingConfig({ target: undefined, policies: [], alarms: [] }).warnings[0]).toMatch(/not registered with Application Auto Scaling/);
    const s = ecsScalingConfig({ target: { ...target, SuspendedState: { DynamicScalingOutSuspended: true } }, policies: [], alarms: [], desiredCount: 30 });
    expect(s.warnings.join('\n')).toMatch(/scale-out is SUSPENDED/);
    expect(s.warnings.join('\n')).toMatch(/desired count 30 is outside/);
    expect(s.warnings.join('\n')).toMatch(/no scaling policies/);
  });
});

describe('ECS errors', () => {
  const id = { region: 'eu-west-1', chain: 'profile "dev"', profile: 'dev' };
  const call = { action: 'ecs:DescribeServices', about: 'service web in cluster demo' };
  it('maps SDK error shapes to kinds with actionable messages', () => {
    expect(toProviderError({ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }, call, id)).toMatchObject({ kind: 'credentials' });
    expect(toProviderError({ name: 'CredentialsProviderError', message: 'x' }, call, id).message).toContain('profile "dev" from ~/.aws/config');
    expect(toProviderError({ name: 'ExpiredTokenException', $metadata: { httpStatusCode: 400 } }, call, id).hint).toContain('aws sso login --profile dev');
    const denied = toProviderError({ name: 'AccessDeniedException', message: 'User: x is not authorized', $metadata: { httpStatusCode: 400 } }, call, id);
    expect(denied).toMatchObject({ kind: 'access-denied', retryable: false });
    expect(denied.hint).toContain('grant ecs:DescribeServices');
    expect(toProviderError({ name: 'InvalidParameterValueException', Code: 'Throttling', $metadata: { httpStatusCode: 400 } }, call, id)).toMatchObject({ kind: 'throttled', retryable: true });
    expect(toProviderError({ name: 'ServerException', $metadata: { httpStatusCode: 503 } }, call, id)).toMatchObject({ kind: 'unavailable' });
    expect(toProviderError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), { ...call, endpoint: 'http://127.0.0.1:9' }, id).hint).toContain('http://127.0.0.1:9');
  });
});

describe('tasks -> ready', () => {
  const t0 = 1_800_000_000_000;
  const task = (id: string, status: string, startedMs?: number, health = 'UNKNOWN'): Task => ({
    taskArn: `arn:aws:ecs:us-east-1:1:task/demo/${id}`,
    lastStatus: status,
    healthStatus: health as Task['healthStatus'],
    ...(startedMs === undefined ? {} : { startedAt: new Date(t0 + startedMs) }),
  });

  it('without a health check: the count just before and at each start since the previous read, then at the read', () => {
    const tasks = [task('a', 'RUNNING', -60_000), task('b', 'RUNNING', 300), task('c', 'RUNNING', 700), task('d', 'PENDING')];
    const s = readySamples(tasks, taskReadiness(false), t0 + 1000, t0);
    expect(s.map((x) => [x.atWall - t0, x.ready])).toEqual([
      [299, 1],
      [300, 2],
      [699, 2],
      [700, 3],
      [1000, 3],
    ]);
    expect(s.every((x) => x.resolutionMs === 0 && x.source === 'ecs:tasks')).toBe(true);
    // The first read has no "since": only the count at the read.
    expect(readySamples(tasks, taskReadiness(false), t0 + 1000, null)).toHaveLength(1);
  });

  it('with a health check: HEALTHY only, at the read; events carry the time since the previous read', () => {
    const tasks = [task('a', 'RUNNING', -60_000, 'HEALTHY'), task('b', 'RUNNING', 300, 'UNKNOWN'), task('c', 'RUNNING', 400, 'HEALTHY')];
    expect(readySamples(tasks, taskReadiness(true), t0 + 1000, t0)).toEqual([{ atWall: t0 + 1000, resolutionMs: 0, source: 'ecs:tasks', ready: 2 }]);
    const ev = readyEvents(tasks, taskReadiness(true), t0 + 1000, t0);
    expect(ev.map((e) => [e.id, e.atWall - t0, e.resolutionMs])).toEqual([
      ['ecs-task-ready:a', 1000, 1000],
      ['ecs-task-ready:c', 1000, 1000],
    ]);
    // Healthy before the first read: no event (when is unknown).
    expect(readyEvents(tasks, taskReadiness(true), t0 + 1000, null)).toEqual([]);
    // Without a health check: at startedAt, exact; an UNHEALTHY task is never ready.
    const plain = readyEvents([task('b', 'RUNNING', 300), task('x', 'RUNNING', 100, 'UNHEALTHY')], taskReadiness(false), t0 + 1000, t0);
    expect(plain.map((e) => [e.atWall - t0, e.resolutionMs])).toEqual([[300, 0]]);
  });

  it('a task ECS is stopping (desiredStatus STOPPED, lastStatus still RUNNING) is not ready', () => {
    const stopping: Task = { ...task('s', 'RUNNING', -60_000), desiredStatus: 'STOPPED' };
    const tasks = [task('a', 'RUNNING', -60_000), stopping];
    expect(readySamples(tasks, taskReadiness(false), t0 + 1000, null)).toEqual([{ atWall: t0 + 1000, resolutionMs: 0, source: 'ecs:tasks', ready: 1 }]);
    expect(readySamples([{ ...stopping, healthStatus: 'HEALTHY' }], taskReadiness(true), t0 + 1000, t0)[0]!.ready).toBe(0);
  });

  it('a task first listed after a read that did not see it (ListTasks lags): no counts placed before that read, the read spans back to its start', () => {
    // The previous read began at t0 and saw only `a`; `b` started 2 s before it but was not listed yet.
    const tasks = [task('a', 'RUNNING', -60_000), task('b', 'RUNNING', -2000), task('c', 'RUNNING', 300)];
    const prevReady = new Set([tasks[0]!.taskArn!]);
    const s = readySamples(tasks, taskReadiness(false), t0 + 1000, t0, 20, { startWall: t0, ready: prevReady });
    // Only the read: a count at 299 ms would say 2 (b included), which the previous read denied.
    expect(s).toEqual([{ atWall: t0 + 1000, resolutionMs: 3000, source: 'ecs:tasks', ready: 3 }]);
    // Everything new started after the previous read: placed at the starts, as before.
    const fresh = readySamples(tasks, taskReadiness(false), t0 + 1000, t0, 20, { startWall: t0, ready: new Set(tasks.slice(0, 2).map((t) => t.taskArn!)) });
    // A failed read in between (prev reset to null) says nothing: the last successful read still counts.
    expect(readySamples(tasks, taskReadiness(false), t0 + 1000, null, 20, { startWall: t0, ready: prevReady })).toEqual([{ atWall: t0 + 1000, resolutionMs: 3000, source: 'ecs:tasks', ready: 3 }]);
    expect(fresh.map((x) => [x.atWall - t0, x.ready, x.resolutionMs])).toEqual([
      [299, 2, 0],
      [300, 3, 0],
      [1000, 3, 20],
    ]);
  });
});
