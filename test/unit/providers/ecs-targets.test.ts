import { describe, expect, it } from 'vitest';
import type { LoadBalancer, Task } from '@aws-sdk/client-ecs';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { readyEvents, readySamples, readyTaskArns } from '../../../providers/ecs/map.js';
import { bridgeContainerInstanceArns, serviceTargetGroups, targetGroupName, targetReadiness, taskPrivateIp, taskTargetStates, type TargetGroupRead } from '../../../providers/ecs/targets.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const TG_A = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-a/73e2d6bc24d8a067';
const TG_B = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-b/0123456789abcdef';
const lbA: LoadBalancer = { targetGroupArn: TG_A, containerName: 'app', containerPort: 8080 };
const lbB: LoadBalancer = { targetGroupArn: TG_B, containerName: 'app', containerPort: 8080 };

/** An awsvpc task (ENI with a private IP), as DescribeTasks returns it. */
const vpcTask = (id: string, ip: string, health: Task['healthStatus'] = 'UNKNOWN', status = 'RUNNING'): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:1:task/demo/${id}`,
  lastStatus: status,
  healthStatus: health,
  startedAt: new Date(T0 - 5000),
  attachments: [{ type: 'ElasticNetworkInterface', status: 'ATTACHED', details: [{ name: 'subnetId', value: 'subnet-1' }, { name: 'privateIPv4Address', value: ip }] }],
});
/** A bridge-mode task: no ENI, the container's port bound to a host port, optionally on a container instance. */
const bridgeTask = (id: string, hostPort: number, containerInstanceArn?: string): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:1:task/demo/${id}`,
  lastStatus: 'RUNNING',
  healthStatus: 'UNKNOWN',
  startedAt: new Date(T0 - 5000),
  containers: [{ name: 'app', networkBindings: [{ containerPort: 8080, hostPort, protocol: 'tcp' }] }],
  ...(containerInstanceArn ? { containerInstanceArn } : {}),
});
const CI_1 = 'arn:aws:ecs:us-east-1:1:container-instance/demo/11111111111111111111111111111111';
const CI_2 = 'arn:aws:ecs:us-east-1:1:container-instance/demo/22222222222222222222222222222222';
/** What DescribeContainerInstances resolved: container instance ARN -> EC2 instance id. */
const instanceIds = new Map([
  [CI_1, 'i-0abc'],
  [CI_2, 'i-0def'],
]);
const target = (id: string, port: number, state: string): TargetHealthDescription => ({ Target: { Id: id, Port: port }, HealthCheckPort: String(port), TargetHealth: { State: state as never } });
const read = (arn: string, ...targets: TargetHealthDescription[]): TargetGroupRead => ({ targetGroupArn: arn, targets });

describe('ECS targets: which target is a task', () => {
  it('takes the target groups of the service, once each, ignoring classic ELBs', () => {
    expect(serviceTargetGroups([lbA, { loadBalancerName: 'classic', containerName: 'app', containerPort: 80 }, lbA, lbB])).toEqual([lbA, lbB]);
    expect(serviceTargetGroups(undefined)).toEqual([]);
    expect(targetGroupName(TG_A)).toBe('web-a');
  });

  it('awsvpc: the target Id is the ENI private IP and the Port the container port', () => {
    const t = vpcTask('a', '10.0.1.23');
    expect(taskPrivateIp(t)).toBe('10.0.1.23');
    expect(taskTargetStates([t], lbA, read(TG_A, target('10.0.1.23', 8080, 'healthy'))).get(t.taskArn!)).toBe('healthy');
    // Same IP, another port (another container or listener): not this task's target.
    expect(taskTargetStates([t], lbA, read(TG_A, target('10.0.1.23', 9090, 'healthy'))).get(t.taskArn!)).toBe('unregistered');
    // Another task's target, or none at all yet.
    expect(taskTargetStates([t], lbA, read(TG_A, target('10.0.1.24', 8080, 'healthy'))).get(t.taskArn!)).toBe('unregistered');
    // No state reported is not healthy.
    expect(taskTargetStates([t], lbA, read(TG_A, { Target: { Id: '10.0.1.23', Port: 8080 } })).get(t.taskArn!)).toBe('no state');
  });

  it('bridge/host: by the host port, only when one task and one instance target use it', () => {
    const a = bridgeTask('a', 32768);
    const b = bridgeTask('b', 32769);
    const states = taskTargetStates([a, b], lbA, read(TG_A, target('i-0abc', 32768, 'healthy'), target('i-0def', 32769, 'initial')));
    expect(states.get(a.taskArn!)).toBe('healthy');
    expect(states.get(b.taskArn!)).toBe('initial');
    // Static host port: two tasks on one port (different instances) cannot be told apart.
    const c = bridgeTask('c', 80);
    const d = bridgeTask('d', 80);
    const same = taskTargetStates([c, d], lbA, read(TG_A, target('i-0abc', 80, 'healthy'), target('i-0def', 80, 'initial')));
    expect([same.get(c.taskArn!), same.get(d.taskArn!)]).toEqual(['unknown', 'unknown']);
    // A draining target of a stopped task on another instance shares the port: ambiguous too.
    expect(taskTargetStates([a], lbA, read(TG_A, target('i-0abc', 32768, 'initial'), target('i-0aaa', 32768, 'draining'))).get(a.taskArn!)).toBe('unknown');
    // No binding for the load-balanced container port yet: unknown; a binding but no target: unregistered.
    expect(taskTargetStates([{ ...a, containers: [] }], lbA, read(TG_A)).get(a.taskArn!)).toBe('unknown');
    expect(taskTargetStates([a], lbA, read(TG_A)).get(a.taskArn!)).toBe('unregistered');
  });
});

describe('ECS targets: bridge/host tasks with their EC2 instance ids known (ecs:DescribeContainerInstances)', () => {
  // Dynamic host ports start at 32768 on every instance: one task on each, same host port.
  const a = bridgeTask('a', 32768, CI_1);
  const b = bridgeTask('b', 32768, CI_2);
  const targets = read(TG_A, target('i-0abc', 32768, 'healthy'), target('i-0def', 32768, 'initial'));

  it('matches the target with Id = the instance id and Port = the host port, exactly, although the host port is shared', () => {
    const states = taskTargetStates([a, b], lbA, targets, instanceIds);
    expect([states.get(a.taskArn!), states.get(b.taskArn!)]).toEqual(['healthy', 'initial']);
    const r = targetReadiness([a, b], [lbA], [targets], false, instanceIds);
    expect([a, b].filter((t) => r.ready(t)).map((t) => t.taskArn!.split('/').pop())).toEqual(['a']);
    expect(r.what(a)).toBe('healthy in target group web-a');
  });

  it('without the instance ids, the shared host port stays `unknown` (the host-port fallback, as before)', () => {
    const states = taskTargetStates([a, b], lbA, targets);
    expect([states.get(a.taskArn!), states.get(b.taskArn!)]).toEqual(['unknown', 'unknown']);
    const r = targetReadiness([a, b], [lbA], [targets], false);
    expect([r.ready(a), r.ready(b)]).toEqual([true, true]);
  });

  it('a task whose (instance, host port) has no target is `unregistered`, not ready, even when the port alone would match', () => {
    // Its instance has a target on another port, and another instance has one on its port.
    const c = bridgeTask('c', 32769, CI_1);
    const only = read(TG_A, target('i-0abc', 32768, 'healthy'), target('i-0def', 32769, 'healthy'));
    expect(taskTargetStates([c], lbA, only, instanceIds).get(c.taskArn!)).toBe('unregistered');
    // Without the instance id, the port alone picks the other instance's target: the old guess.
    expect(taskTargetStates([c], lbA, only).get(c.taskArn!)).toBe('healthy');
    expect(targetReadiness([c], [lbA], [only], false, instanceIds).ready(c)).toBe(false);
  });

  it('a draining target of a stopped task on another instance, same port, does not matter once the instance is known', () => {
    const draining = read(TG_A, target('i-0abc', 32768, 'initial'), target('i-0def', 32768, 'draining'));
    expect(taskTargetStates([a], lbA, draining, instanceIds).get(a.taskArn!)).toBe('initial');
  });

  it('falls back to the host port only for a task whose container instance was not resolved', () => {
    const unresolved = bridgeTask('u', 32770, 'arn:aws:ecs:us-east-1:1:container-instance/demo/33333333333333333333333333333333');
    const all = read(TG_A, target('i-0abc', 32768, 'healthy'), target('i-0def', 32768, 'initial'), target('i-0fff', 32770, 'healthy'));
    const states = taskTargetStates([a, b, unresolved], lbA, all, instanceIds);
    expect([states.get(a.taskArn!), states.get(b.taskArn!), states.get(unresolved.taskArn!)]).toEqual(['healthy', 'initial', 'healthy']);
  });

  it('the ARNs to resolve: bridge/host tasks only (an awsvpc task on EC2 has its ENI IP), once each', () => {
    const vpcOnEc2: Task = { ...vpcTask('v', '10.0.0.9'), containerInstanceArn: CI_2 };
    expect(bridgeContainerInstanceArns([a, bridgeTask('a2', 32769, CI_1), vpcOnEc2, bridgeTask('x', 80)])).toEqual([CI_1]);
  });
});

describe('ECS targets: ready = the task serves AND its target is healthy in every target group', () => {
  it('counts only healthy targets; initial, unhealthy, draining, unused, unavailable and unregistered are not ready', () => {
    const states = ['healthy', 'initial', 'unhealthy', 'draining', 'unused', 'unavailable'];
    const tasks = states.map((s, i) => vpcTask(s, `10.0.0.${i}`));
    const extra = vpcTask('unregistered', '10.0.0.99');
    const r = targetReadiness([...tasks, extra], [lbA], [read(TG_A, ...states.map((s, i) => target(`10.0.0.${i}`, 8080, s)))], false);
    expect([...tasks, extra].filter((t) => r.ready(t)).map((t) => t.taskArn!.split('/').pop())).toEqual(['healthy']);
    expect(r.precise).toBe(false);
    expect(r.source).toBe('elbv2:targets');
  });

  it('needs every target group: healthy in one and initial in the other is not ready', () => {
    const a = vpcTask('a', '10.0.0.1');
    const b = vpcTask('b', '10.0.0.2');
    const reads = [read(TG_A, target('10.0.0.1', 8080, 'healthy'), target('10.0.0.2', 8080, 'healthy')), read(TG_B, target('10.0.0.1', 8080, 'healthy'), target('10.0.0.2', 8080, 'initial'))];
    const r = targetReadiness([a, b], [lbA, lbB], reads, false);
    expect([r.ready(a), r.ready(b)]).toEqual([true, false]);
    expect(r.what(a)).toBe('healthy in target groups web-a, web-b');
  });

  it('still needs the task itself to serve: a healthy target of a task failing its container health check is not ready', () => {
    const a = vpcTask('a', '10.0.0.1', 'UNHEALTHY');
    const b = vpcTask('b', '10.0.0.2', 'HEALTHY');
    const c = vpcTask('c', '10.0.0.3', 'UNKNOWN', 'PENDING');
    const r = targetReadiness([a, b, c], [lbA], [read(TG_A, target('10.0.0.1', 8080, 'healthy'), target('10.0.0.2', 8080, 'healthy'), target('10.0.0.3', 8080, 'healthy'))], true);
    expect([r.ready(a), r.ready(b), r.ready(c)]).toEqual([false, true, false]);
  });

  it('an unidentifiable bridge target leaves that group out: the task counts by itself', () => {
    const c = bridgeTask('c', 80);
    const d = bridgeTask('d', 80);
    const r = targetReadiness([c, d], [lbA], [read(TG_A, target('i-0abc', 80, 'healthy'), target('i-0def', 80, 'initial'))], false);
    expect([r.ready(c), r.ready(d)]).toEqual([true, true]);
  });
});

describe('ECS targets: timing (target health has no timestamp)', () => {
  const a = vpcTask('a', '10.0.0.1');
  const b = vpcTask('b', '10.0.0.2');
  const reads1 = [read(TG_A, target('10.0.0.1', 8080, 'healthy'), target('10.0.0.2', 8080, 'initial'))];
  const reads2 = [read(TG_A, target('10.0.0.1', 8080, 'healthy'), target('10.0.0.2', 8080, 'healthy'))];
  const r1 = targetReadiness([a, b], [lbA], reads1, false);
  const r2 = targetReadiness([a, b], [lbA], reads2, false);

  it('the count stands at the read, never at startedAt (a task RUNNING is not a task in service)', () => {
    // Both tasks started between the reads: with task readiness (no health check) that would add
    // samples at each startedAt; with target health only the read's own count.
    const fresh = [{ ...a, startedAt: new Date(T0 + 300) }, { ...b, startedAt: new Date(T0 + 600) }];
    const r = targetReadiness(fresh, [lbA], reads2, false);
    expect(readySamples(fresh, r, T0 + 1000, T0, 40)).toEqual([{ atWall: T0 + 1000, resolutionMs: 40, source: 'elbv2:targets', ready: 2 }]);
  });

  it('a target healthy at read N and not at N-1 is ready in (N-1, N]: at the read, resolution = the time since N-1; once', () => {
    // First read: a is already healthy (when is unknown: no event), b is initial.
    expect(readyEvents([a, b], r1, T0 + 1000, null)).toEqual([]);
    const prev = readyTaskArns([a, b], r1);
    expect([...prev]).toEqual([a.taskArn]);
    // Second read, 700 ms later: b turned healthy in between; a is not news.
    const ev = readyEvents([a, b], r2, T0 + 1700, T0 + 1000, prev);
    expect(ev).toEqual([
      {
        atWall: T0 + 1700,
        resolutionMs: 700,
        source: 'elbv2:targets',
        type: 'replica-ready',
        id: 'ecs-target-ready:b',
        message: 'task b healthy in target group web-a (started 6.7 s before this read)',
      },
    ]);
    // Third read: b was ready at the second read, so nothing new (the id is also stable for the poller).
    expect(readyEvents([a, b], r2, T0 + 2400, T0 + 1700, readyTaskArns([a, b], r2))).toEqual([]);
  });
});
