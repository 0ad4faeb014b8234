/**
 * The aws-ecs provider behind a load balancer with EC2 tasks in bridge network mode, with the real
 * AWS SDK clients against the fake control plane on 127.0.0.1 (test/fakes/ecs).
 *
 * The fake places tasks round-robin on two container instances with dynamic host ports from
 * 32768 on each, so tasks on different instances share host ports: their targets (EC2 instance
 * id + host port) can only be told apart through ecs:DescribeContainerInstances. The service
 * scales out from 1 to its minimum of 4 on its own (a bounds rescale: no load needed); the fake
 * records when each target turned healthy (`targetHealthy`) and where each task runs
 * (`placements`), the ground truth `ready` is measured against.
 */
import { describe, expect, it } from 'vitest';
import type { FakeEcs } from '../../fakes/ecs/fake-ecs.js';
import type { Provider } from '../../../src/provider.js';
import { ecsProvider, expectSeenByTheFirstReadAfter, expectWindowIsOneRead, firstReadyAtLeast, nthTargetHealthyAt, pollPast, signal, startEcsFake, taskReads, useEcsTestEnv } from './ecs-helpers.js';

const HEALTHY_AFTER_MS = 1000;
const POLL_MS = 200;
/** 1 -> 4 on 2 instances: i0:32768 (the first task), then i1:32768, i0:32769, i1:32769. */
const PEAK = 4;

let fake: FakeEcs;
useEcsTestEnv();
const ops = (op: string) => fake.requests.filter((r) => r.target.split('.')[1] === op);

async function startFake(): Promise<void> {
  fake = await startEcsFake({ networkMode: 'bridge', instances: 2, initialDesired: 1, minCapacity: PEAK, maxCapacity: PEAK + 1, taskStartMs: 200, loadBalancer: { healthyAfterMs: HEALTHY_AFTER_MS } });
}

/** Polls like the poller, every POLL_MS, until the fake has recorded every target of the peak healthy, then once more. */
const pollUntilPeakHealthy = (p: Provider) => pollPast(p, POLL_MS, () => fake.targetHealthy.length >= PEAK);

/** Every container instance ARN the provider asked DescribeContainerInstances for, in order. */
const askedInstanceArns = () => ops('DescribeContainerInstances').flatMap((r) => (r.body as { containerInstances: string[] }).containerInstances);

describe('aws-ecs provider, bridge network mode behind a load balancer (targets = EC2 instance id + host port)', () => {
  it('matches each task to its own instance target although host ports are shared: ready at the peak within one poll after the truth, never before', async () => {
    await startFake();
    const warnings: string[] = [];
    const p = ecsProvider(fake.url, {}, warnings);
    const d = await p.describe(signal());
    expect(d.warnings.join('\n')).not.toMatch(/DescribeContainerInstances|DescribeTargetHealth|target health/);
    const { samples, events } = await pollUntilPeakHealthy(p);
    expect(warnings).toEqual([]);

    // The case to prove: two tasks of the peak on different instances share a host port.
    const placements = fake.placements.slice(0, PEAK);
    const ports = placements.map((x) => x.hostPort);
    expect(new Set(ports).size).toBeLessThan(PEAK);
    expect(new Set(placements.map((x) => x.ec2InstanceId)).size).toBe(2);

    // ready comes from the targets and reaches the peak only once the last target is healthy.
    expect(samples.filter((s) => s.ready !== undefined).every((s) => s.source === 'elbv2:targets')).toBe(true);
    const healthyAt = nthTargetHealthyAt(fake, PEAK);
    const reads = taskReads(samples, 'elbv2:targets');
    expectSeenByTheFirstReadAfter(reads, PEAK, healthyAt);

    // Each new task's replica-ready is at the read that first saw ITS target healthy.
    const lb = [...events.values()].filter((e) => e.type === 'replica-ready');
    expect(lb).toHaveLength(PEAK - 1);
    for (const truth of fake.targetHealthy.slice(1, PEAK)) {
      const e = lb.find((x) => x.id === `ecs-target-ready:${truth.taskId}`)!;
      expect(e, truth.taskId).toBeDefined();
      expect(e.atWall).toBeGreaterThanOrEqual(truth.atWall);
      expect(e.atWall - e.resolutionMs).toBeLessThanOrEqual(truth.atWall);
      expectWindowIsOneRead(reads, e);
    }

    // DescribeContainerInstances only for container instances not seen before: each ARN once
    // over the whole run (check and polls), not once per poll.
    const asked = askedInstanceArns();
    const distinct = new Set(fake.placements.map((x) => x.containerInstanceArn));
    expect(asked).toHaveLength(distinct.size);
    expect(new Set(asked)).toEqual(distinct);
    expect(ops('DescribeContainerInstances').every((r) => (r.body as { cluster: string }).cluster === 'demo')).toBe(true);
    expect(ops('DescribeTargetHealth').length).toBeGreaterThan(5);
  });

  it('without ecs:DescribeContainerInstances: one warning naming it, the run goes on, and shared host ports fall back to the tasks alone', async () => {
    await startFake();
    fake.inject('DescribeContainerInstances', 'access-denied');
    const warnings: string[] = [];
    const p = ecsProvider(fake.url, {}, warnings);
    const { samples } = await pollUntilPeakHealthy(p);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not allowed ecs:DescribeContainerInstances.*grant ecs:DescribeContainerInstances.*no longer reading it this run: bridge \/ host tasks are matched to their targets by host port alone/);
    expect(ops('DescribeContainerInstances')).toHaveLength(1);

    // Target health is still read every poll; a task whose host port is shared is `unknown`,
    // so it counts from the task alone: the peak is reached at RUNNING, before its targets are healthy.
    expect(ops('DescribeTargetHealth').length).toBeGreaterThan(5);
    const ready = firstReadyAtLeast(samples, PEAK);
    expect(ready.source).toBe('elbv2:targets');
    expect(ready.atWall).toBeLessThan(nthTargetHealthyAt(fake, PEAK));

    // `check` lists the missing permission and what it costs.
    const d = await ecsProvider(fake.url).describe(signal());
    expect(d.warnings.join('\n')).toMatch(/not allowed ecs:DescribeContainerInstances[\s\S]*without ecs:DescribeContainerInstances, bridge \/ host tasks are matched to their targets by host port alone/);
  });
});
