/**
 * The aws-ecs provider behind a load balancer, with the real AWS SDK clients (ECS over JSON 1.1,
 * ELBv2 over awsQuery) against the fake control plane on 127.0.0.1 (test/fakes/ecs).
 *
 * The service scales out from 1 to its minimum of 3 on its own (a bounds rescale: no load
 * needed). Each new task's target turns healthy HEALTHY_AFTER_MS after the task is RUNNING; the
 * fake records that moment (`targetHealthy`), the ground truth `ready` is measured against.
 */
import { describe, expect, it } from 'vitest';
import type { FakeEcs } from '../../fakes/ecs/fake-ecs.js';
import type { EcsSettingsInput } from '../../../providers/ecs/settings.js';
import type { Provider } from '../../../src/provider.js';
import { ecsProvider, expectSeenByTheFirstReadAfter, expectWindowIsOneRead, firstReadyAtLeast, nthTargetHealthyAt, pollPast, signal, startEcsFake, taskReads, useEcsTestEnv } from './ecs-helpers.js';

const HEALTHY_AFTER_MS = 1000;
const POLL_MS = 200;
const PEAK = 3;

let fake: FakeEcs;
const provider = (extra: Partial<EcsSettingsInput> = {}, warnings: string[] = []) => ecsProvider(fake.url, extra, warnings);
useEcsTestEnv();
const ops = (op: string) => fake.requests.filter((r) => r.target.split('.')[1] === op);

async function startFake(): Promise<void> {
  fake = await startEcsFake({ initialDesired: 1, minCapacity: PEAK, maxCapacity: 4, taskStartMs: 200, loadBalancer: { healthyAfterMs: HEALTHY_AFTER_MS } });
}

/** Polls like the poller, every POLL_MS, until the fake has recorded every target of the peak healthy, then once more. */
const pollUntilServing = (p: Provider) => pollPast(p, POLL_MS, () => fake.targetHealthy.length >= PEAK);

describe('aws-ecs provider behind a load balancer (ELBv2 target health)', () => {
  it('counts a task ready only once its target is healthy: within one poll after the truth, never before', async () => {
    await startFake();
    const warnings: string[] = [];
    const p = provider({}, warnings);
    const d = await p.describe(signal());
    expect(d.scaling.details).toMatchObject({ targetGroups: ['web-tg'] });
    expect(d.warnings.join('\n')).not.toMatch(/DescribeTargetHealth|target health/);
    const { samples, events, changed } = await pollUntilServing(p);

    // One DescribeTargetHealth per poll, the whole group (no Targets filter), over awsQuery.
    const calls = ops('DescribeTargetHealth');
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.every((c) => JSON.stringify(c.body) === JSON.stringify({ Action: 'DescribeTargetHealth', Version: '2015-12-01', TargetGroupArn: fake.o.loadBalancer!.targetGroupArn }))).toBe(true);
    expect(warnings).toEqual([]);

    // ready comes only from the targets; DescribeServices keeps running and leaves ready out.
    expect(samples.filter((s) => s.ready !== undefined).every((s) => s.source === 'elbv2:targets')).toBe(true);
    const healthyAt = nthTargetHealthyAt(fake, PEAK);
    const ready = firstReadyAtLeast(samples, PEAK);
    const reads = taskReads(samples, 'elbv2:targets');
    expectSeenByTheFirstReadAfter(reads, PEAK, healthyAt);
    // ...after RUNNING, which DescribeServices saw before the targets were healthy.
    const running = samples.filter((s) => s.source === 'ecs:DescribeServices' && (s.running ?? 0) >= PEAK).sort((a, b) => a.atWall - b.atWall)[0]!;
    expect(running.atWall).toBeLessThan(healthyAt);
    expect(ready.atWall).toBeGreaterThan(running.atWall);

    // One replica-ready per new task, at the read that first saw its target healthy; the task
    // that was healthy before the first read is not news.
    const lb = [...events.values()].filter((e) => e.type === 'replica-ready');
    expect(lb.map((e) => e.source)).toEqual(['elbv2:targets', 'elbv2:targets']);
    // Each stays as first read: same time, same resolution, poll after poll.
    expect(changed).toEqual([]);
    for (const truth of fake.targetHealthy.slice(1)) {
      const e = lb.find((x) => x.id === `ecs-target-ready:${truth.taskId}`)!;
      expect(e, truth.taskId).toBeDefined();
      expect(e.message).toMatch(new RegExp(`^task ${truth.taskId} healthy in target group web-tg`));
      expect(e.atWall).toBeGreaterThanOrEqual(truth.atWall);
      // The truth lies in (previous read, this read]: resolution = the time since the previous read.
      expect(e.atWall - e.resolutionMs).toBeLessThanOrEqual(truth.atWall);
      expectWindowIsOneRead(reads, e);
    }
  });

  it('with load_balancer: false, ready rises at RUNNING, before the targets are healthy, and target health is never read', async () => {
    await startFake();
    const p = provider({ load_balancer: false });
    expect((await p.describe(signal())).scaling.details).toMatchObject({ targetGroups: ['web-tg'] });
    const { samples } = await pollUntilServing(p);
    expect(ops('DescribeTargetHealth')).toEqual([]);
    const ready = firstReadyAtLeast(samples, PEAK);
    expect(ready.source).toBe('ecs:tasks');
    expect(ready.atWall).toBeLessThan(nthTargetHealthyAt(fake, PEAK));
  });

  it('falls back to readiness from the tasks, with one warning naming the IAM action, when target health is denied', async () => {
    await startFake();
    fake.inject('DescribeTargetHealth', 'access-denied');
    const warnings: string[] = [];
    const p = provider({}, warnings);
    const { samples } = await pollUntilServing(p);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not allowed elasticloadbalancing:DescribeTargetHealth.*grant elasticloadbalancing:DescribeTargetHealth.*no longer reading it/);
    expect(ops('DescribeTargetHealth')).toHaveLength(1);
    const ready = firstReadyAtLeast(samples, PEAK);
    expect(ready.source).toBe('ecs:tasks');
    expect(ready.atWall).toBeLessThan(nthTargetHealthyAt(fake, PEAK));
    expect(samples[1]).toMatchObject({ source: 'ecs:tasks', ready: 1 }); // the first poll already: denied is not a gap

    // `check` lists the missing permission like the other optional ones.
    const d = await provider().describe(signal());
    expect(d.warnings.join('\n')).toMatch(/not allowed elasticloadbalancing:DescribeTargetHealth[\s\S]*without the target health, `ready` is from the tasks alone/);
  });
});
