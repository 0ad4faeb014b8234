/**
 * The aws-ecs provider with the real AWS SDK clients against the fake control plane on
 * 127.0.0.1 (test/fakes/ecs). Credentials come through the SDK default chain from the
 * environment, as they would for a user; IMDS and the shared config files are switched off.
 */
import { describe, expect, it } from 'vitest';
import type { FakeEcs } from '../../fakes/ecs/fake-ecs.js';
import { driveLoad } from '../../fakes/shared/drive-load.js';
import type { EcsSettingsInput } from '../../../providers/ecs/settings.js';
import { ProviderError } from '../../../src/errors.js';
import { awsEnv, ecsProvider, ecsProviderFrom, expectSeenByTheFirstReadAfter, expectWindowIsOneRead, pollInBackground, signal, startEcsFake, taskReads, useEcsTestEnv } from './ecs-helpers.js';

let fake: FakeEcs;
const provider = (fakeUrl: string, extra: Partial<EcsSettingsInput> = {}) => ecsProvider(fakeUrl, extra);
useEcsTestEnv();

async function rejection(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('aws-ecs provider against the fake control plane', () => {
  it('reads DescribeServices once per poll: events() takes the answer sample() just got, however long sample() took', async () => {
    fake = await startEcsFake();
    const p = provider(fake.url);
    const describeServices = () => fake.requests.filter((r) => r.target.endsWith('.DescribeServices')).length;
    await p.sample(signal());
    await p.events(Date.now() - 60_000, signal());
    expect(describeServices()).toBe(1);
    // An events() with no sample() since the last one reads the service itself.
    await p.events(Date.now() - 60_000, signal());
    expect(describeServices()).toBe(2);
    // A slow poll (on a real network the task, target and CloudWatch reads take a while) still reads it once.
    await p.sample(signal());
    await new Promise((r) => setTimeout(r, 300));
    await p.events(Date.now() - 60_000, signal());
    expect(describeServices()).toBe(3);
  });

  it('describes the scalable target, the target tracking policy and its alarms', async () => {
    fake = await startEcsFake({ minCapacity: 1, maxCapacity: 6, targetValue: 50, scaleOutDatapoints: 3, scaleInDatapoints: 15, scaleInCooldownMs: 3000 });
    const d = await provider(fake.url).describe(signal());
    expect(d.summary).toContain('ECS service web in cluster demo (us-east-1)');
    expect(d.scaling.minReplicas).toBe(1);
    expect(d.scaling.maxReplicas).toBe(6);
    expect(d.scaling.rules).toEqual([expect.objectContaining({ metric: 'cpu', target: 50, unit: '%' })]);
    expect(d.scaling.timings).toMatchObject({ earliestScaleUpMs: 3000, earliestScaleDownMs: 15 * 1000, metricResolutionMs: 1000, scaleInCooldownMs: 3000 });
    expect(d.warnings.join('\n')).toMatch(/needs 3 breaching 1s datapoints to scale out.*15 low datapoints to scale in/);
    const targets = fake.requests.map((r) => r.target.split('.')[1]);
    expect(targets).toEqual(expect.arrayContaining(['DescribeServices', 'DescribeScalableTargets', 'DescribeScalingPolicies', 'DescribeAlarms', 'DescribeClusters', 'GetMetricData', 'DescribeScalingActivities']));
  });

  it('warns when the service has no autoscaling', async () => {
    fake = await startEcsFake({ autoscaling: false });
    const d = await provider(fake.url).describe(signal());
    expect(d.warnings.join('\n')).toMatch(/not registered with Application Auto Scaling/);
    expect(d.scaling.rules).toEqual([]);
  });

  it('follows a scale-up and scale-down: counts, late CPU points once each, activities and service events', async () => {
    fake = await startEcsFake({ minCapacity: 1, maxCapacity: 5, targetValue: 50, scaleOutDatapoints: 2, scaleInDatapoints: 3, scaleOutCooldownMs: 1000, scaleInCooldownMs: 1000, taskStartMs: 300, metricDelayMs: 1200, app: { concurrency: 4, serviceMs: 40 } });
    const p = provider(fake.url);
    await p.describe(signal());
    const startWall = Date.now();
    const { samples, events, stop } = pollInBackground(p, startWall - 60_000, 200);
    await driveLoad(fake.app.url, 180, 7000);
    await new Promise((r) => setTimeout(r, 7000));
    await stop();

    const ups = fake.decisions.filter((d) => d.to > d.from);
    const downs = fake.decisions.filter((d) => d.to < d.from);
    expect(ups.length).toBeGreaterThan(0);
    expect(downs.length).toBeGreaterThan(0);
    const desired = samples.filter((s) => s.source === 'ecs:DescribeServices').map((s) => s.desired);
    expect(Math.max(...(desired as number[]))).toBe(Math.max(...fake.decisions.map((d) => d.to)));

    // Each scale decision is one event at its own StartTime, from/to as the fake decided.
    const scaleEvents = [...events.values()].filter((e) => e.type === 'scale-up' || e.type === 'scale-down');
    expect(scaleEvents.length).toBe(fake.decisions.length);
    for (const d of fake.decisions) {
      const e = scaleEvents.find((x) => x.to === d.to && Math.abs(x.atWall - d.atWall) < 50);
      expect(e, `event for ${JSON.stringify(d)}`).toBeDefined();
      expect(e!.type).toBe(d.to > d.from ? 'scale-up' : 'scale-down');
    }
    const serviceEvents = [...events.values()].filter((e) => e.source === 'ecs:events');
    expect(serviceEvents.some((e) => /has started \d+ tasks/.test(e.message))).toBe(true);
    expect(serviceEvents.every((e) => e.atWall > startWall - 120_000 && e.atWall <= Date.now())).toBe(true);

    // CloudWatch points: stamped at period ends, resolution 1 s, each emitted once.
    const cpu = samples.filter((s) => s.source === 'cloudwatch:CPUUtilization');
    expect(cpu.length).toBeGreaterThan(5);
    expect(cpu.every((s) => s.resolutionMs === 1000 && s.atWall % 1000 === 0)).toBe(true);
    expect(new Set(cpu.map((s) => s.atWall)).size).toBe(cpu.length);
    expect(Math.max(...cpu.map((s) => s.cpuPct!))).toBeGreaterThan(50);
    expect((p as unknown as { metricDelayMs: number }).metricDelayMs).toBe(3000);
  });

  it('reports a missing service and a missing cluster as not-found', async () => {
    fake = await startEcsFake();
    const e1 = await rejection(provider(fake.url, { service: 'nope' }).sample(signal()));
    expect(e1.kind).toBe('not-found');
    expect(e1.message).toMatch(/service nope in cluster demo not found \(MISSING\)/);
    const e2 = await rejection(provider(fake.url, { cluster: 'other' }).describe(signal()));
    expect(e2.kind).toBe('not-found');
    expect(e2.message).toMatch(/ClusterNotFoundException/);
  });

  it('names the missing IAM action on access denied', async () => {
    fake = await startEcsFake();
    fake.inject('DescribeServices', 'access-denied', 1);
    const e = await rejection(provider(fake.url).describe(signal()));
    expect(e.kind).toBe('access-denied');
    expect(e.message).toContain('not allowed ecs:DescribeServices');
    expect(e.hint).toContain('grant ecs:DescribeServices');
    // A missing secondary permission is a warning of describe(), not a failure.
    fake.inject('DescribeAlarms', 'access-denied');
    const d = await provider(fake.url).describe(signal());
    expect(d.warnings.join('\n')).toMatch(/not allowed cloudwatch:DescribeAlarms/);
    expect(d.warnings.join('\n')).toMatch(/assume the AWS defaults/);
    fake.inject('DescribeScalableTargets', 'access-denied', 1);
    const d2 = await provider(fake.url).describe(signal());
    expect(d2.warnings.join('\n')).toMatch(/not allowed application-autoscaling:DescribeScalableTargets.*grant application-autoscaling:DescribeScalableTargets/);
    expect(d2.warnings.join('\n')).toMatch(/could not be read/);
  });

  it('reports throttling as retryable and bad or missing credentials with the chain tried', async () => {
    fake = await startEcsFake();
    fake.inject('DescribeServices', 'throttled', 1);
    const t = await rejection(provider(fake.url).sample(signal()));
    expect(t.kind).toBe('throttled');
    expect(t.retryable).toBe(true);

    awsEnv('AKIDBAD');
    const c = await rejection(provider(fake.url).sample(signal()));
    expect(c.kind).toBe('credentials');
    expect(c.message).toMatch(/rejected the credentials from the default credential chain.*UnrecognizedClientException/);

    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const n = await rejection(provider(fake.url).sample(signal()));
    expect(n.kind).toBe('credentials');
    expect(n.message).toMatch(/no usable AWS credentials.*environment \(AWS_ACCESS_KEY_ID/);
    expect(n.hint).toMatch(/aws sso login|AWS_PROFILE/);
  });

  it('keeps sampling the service when CloudWatch is denied, and says so once', async () => {
    fake = await startEcsFake();
    fake.inject('GetMetricData', 'access-denied');
    const warnings: string[] = [];
    const p = ecsProviderFrom({ region: 'us-east-1', cluster: 'demo', service: 'web', endpoint: fake.url, metric_interval: '1s', max_attempts: 1 }, warnings);
    const s1 = await p.sample(signal());
    await new Promise((r) => setTimeout(r, 1100));
    const s2 = await p.sample(signal());
    expect(s1[0]!.desired).toBe(1);
    expect(s2[0]!.desired).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cloudwatch:GetMetricData.*no longer reading it/);
  });

  it('with a container health check, ready counts HEALTHY tasks only, from the tasks, while running counts RUNNING', async () => {
    fake = await startEcsFake({ minCapacity: 1, maxCapacity: 4, targetValue: 50, scaleOutDatapoints: 2, scaleOutCooldownMs: 1000, taskStartMs: 200, healthCheckMs: 800, app: { concurrency: 4, serviceMs: 40 } });
    const p = provider(fake.url);
    expect((await p.describe(signal())).warnings.join('\n')).not.toMatch(/without the tasks/);
    const startWall = Date.now();
    const { samples, events, stop } = pollInBackground(p, startWall, 100);
    await driveLoad(fake.app.url, 180, 4000);
    // Keep reading until the last tasks of the peak are HEALTHY (800 ms after RUNNING), then once more.
    const f = fake;
    const peak = Math.max(...fake.decisions.map((d) => d.to));
    expect(peak).toBeGreaterThan(1);
    for (let i = 0; i < 50 && f.serving < peak; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    await stop();
    // ready only from the tasks; DescribeServices keeps running/desired and leaves ready out.
    expect(samples.filter((s) => s.source === 'ecs:DescribeServices').every((s) => s.ready === undefined)).toBe(true);
    const healthyAt = fake.readiness.find((r) => r.atWall >= startWall && r.running >= peak)!.atWall;
    // Seen at the first read after the tasks turned HEALTHY (800 ms after RUNNING), not before.
    const reads = taskReads(samples, 'ecs:tasks');
    expectSeenByTheFirstReadAfter(reads, peak, healthyAt);
    const runningPeak = samples.filter((s) => s.source === 'ecs:DescribeServices' && (s.running ?? 0) >= peak).sort((a, b) => a.atWall - b.atWall)[0]!;
    expect(runningPeak.atWall).toBeLessThan(healthyAt);
    const ready = [...events.values()].filter((e) => e.source === 'ecs:tasks' && e.type === 'replica-ready');
    expect(ready.length).toBeGreaterThanOrEqual(peak - 1); // one per task started during the run (a scale-in and out adds more)
    expect(ready.every((e) => /healthy/.test(e.message))).toBe(true);
    for (const e of ready) expectWindowIsOneRead(reads, e);
  });

  it('falls back to ready = RUNNING, with a warning, when the tasks cannot be listed', async () => {
    fake = await startEcsFake();
    fake.inject('ListTasks', 'access-denied');
    const p = provider(fake.url);
    const d = await p.describe(signal());
    expect(d.warnings.join('\n')).toMatch(/ecs:ListTasks[\s\S]*without the tasks, `ready` is the RUNNING count/);
    const s = await p.sample(signal());
    expect(s.find((x) => x.source === 'ecs:DescribeServices')).toMatchObject({ running: 1, ready: 1 });
    expect(s.some((x) => x.source === 'ecs:tasks')).toBe(false);
  });
});
