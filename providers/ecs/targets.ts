/**
 * PURE: a service's tasks + ELBv2 DescribeTargetHealth of its target groups -> readiness as the
 * load balancer sees it. A task behind an ALB/NLB only gets traffic once its target is `healthy`,
 * which can be well after RUNNING/HEALTHY (health check interval x healthy threshold).
 *
 * Which target is a task's (services[].loadBalancers gives the container name and port), the way
 * ECS registers it:
 * - awsvpc (Fargate, or EC2 with awsvpc): target Id = the private IPv4 of the task's ENI,
 *   Port = the containerPort. Exact.
 * - bridge / host: target Id = the EC2 instance id, Port = the host port of the container's
 *   network binding. The task only names its container instance (containerInstanceArn); the
 *   caller resolves that to the EC2 instance id (ecs:DescribeContainerInstances) and passes the
 *   map in. With the instance id known: exact (Id + Port), no target = `unregistered`.
 * - bridge / host whose instance id is not known (the call was denied or failed): the host port
 *   alone identifies the target, and only when exactly one task of the service and one instance
 *   target of the group use it; otherwise the target is `unknown` and that group does not hold
 *   the task back. Dynamic host ports start at the same number on every instance, so this
 *   fallback is often `unknown`.
 *
 * Target health has no timestamp: readiness from it is never `precise` (map.ts readyEvents).
 */
import type { LoadBalancer, Task } from '@aws-sdk/client-ecs';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SOURCE, taskServes, type Readiness } from './map.js';

/** One DescribeTargetHealth answer. */
export interface TargetGroupRead {
  targetGroupArn: string;
  targets: readonly TargetHealthDescription[];
}

/** A task's target state in one group: ELBv2's state, `unregistered` (no target), `unknown` (cannot tell which). */
export type TaskTargetState = string;

/** The service's load balancer entries that name a target group (a classic ELB has none). */
export function serviceTargetGroups(lbs: readonly LoadBalancer[] | undefined): LoadBalancer[] {
  const seen = new Set<string>();
  return (lbs ?? []).filter((lb) => {
    const key = `${lb.targetGroupArn}|${lb.containerName}|${lb.containerPort}`;
    if (!lb.targetGroupArn || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `arn:...:targetgroup/web-tg/73e2d6bc24d8a067` -> `web-tg`. */
export function targetGroupName(arn: string): string {
  return /targetgroup\/([^/]+)/.exec(arn)?.[1] ?? arn;
}

/** The private IPv4 of an awsvpc task's ENI, if it has one. */
export function taskPrivateIp(t: Task): string | undefined {
  for (const a of t.attachments ?? []) {
    if (a.type !== 'ElasticNetworkInterface') continue;
    const ip = a.details?.find((d) => d.name === 'privateIPv4Address')?.value;
    if (ip) return ip;
  }
  return undefined;
}

/** Host port of the load-balanced container port (bridge / host network mode). */
function hostPort(t: Task, lb: LoadBalancer): number | undefined {
  const c = (t.containers ?? []).find((x) => x.name === lb.containerName);
  return c?.networkBindings?.find((b) => b.containerPort === lb.containerPort && b.hostPort !== undefined)?.hostPort;
}

const isInstanceId = (id: string | undefined) => !!id && /^i-[0-9a-f]+$/.test(id);

/** Container instance ARN -> EC2 instance id (ecs:DescribeContainerInstances), as far as known. */
export type InstanceIds = ReadonlyMap<string, string>;

const NO_INSTANCE_IDS: InstanceIds = new Map();

/** The container instances of the tasks registered by instance (bridge / host: no ENI), once each. */
export function bridgeContainerInstanceArns(tasks: readonly Task[]): string[] {
  const arns = tasks.filter((t) => !taskPrivateIp(t) && t.containerInstanceArn).map((t) => t.containerInstanceArn!);
  return [...new Set(arns)];
}

/** The EC2 instance id a bridge / host task runs on, when its container instance was resolved. */
function taskInstanceId(t: Task, instanceIds: InstanceIds): string | undefined {
  return t.containerInstanceArn ? instanceIds.get(t.containerInstanceArn) : undefined;
}

/**
 * Each task's target state in one target group, by task ARN. `instanceIds` (container instance
 * ARN -> EC2 instance id) makes bridge / host tasks exact; without it they fall back to the host
 * port alone.
 */
export function taskTargetStates(tasks: readonly Task[], lb: LoadBalancer, read: TargetGroupRead, instanceIds: InstanceIds = NO_INSTANCE_IDS): Map<string, TaskTargetState> {
  // A target without a state is not known to be healthy: not `unknown`, which lets it through.
  const state = (d: TargetHealthDescription | undefined) => (d ? (d.TargetHealth?.State ?? 'no state') : 'unregistered');
  const byIp = (ip: string) => read.targets.find((d) => d.Target?.Id === ip && (d.Target.Port === undefined || lb.containerPort === undefined || d.Target.Port === lb.containerPort));
  const byInstance = (id: string, port: number) => read.targets.find((d) => d.Target?.Id === id && d.Target.Port === port);
  const instanceTargets = read.targets.filter((d) => isInstanceId(d.Target?.Id));
  const ports = tasks.map((t) => (taskPrivateIp(t) ? undefined : hostPort(t, lb)));
  const byPortAlone = (port: number): TaskTargetState => {
    const matches = instanceTargets.filter((d) => d.Target?.Port === port);
    // Two tasks or two instances on one port: which target is whose cannot be told apart.
    if (ports.filter((p) => p === port).length > 1 || matches.length > 1) return 'unknown';
    return state(matches[0]);
  };
  const one = (t: Task, port: number | undefined): TaskTargetState => {
    const ip = taskPrivateIp(t);
    if (ip) return state(byIp(ip));
    if (port === undefined) return 'unknown';
    const instanceId = taskInstanceId(t, instanceIds);
    return instanceId ? state(byInstance(instanceId, port)) : byPortAlone(port);
  };
  const out = new Map<string, TaskTargetState>();
  tasks.forEach((t, i) => t.taskArn && out.set(t.taskArn, one(t, ports[i])));
  return out;
}

/**
 * Ready = the task serves (RUNNING, +HEALTHY with a container health check) AND its target is
 * `healthy` in every target group of the service. `initial`, `unhealthy`, `draining`, `unused`,
 * `unavailable` and `unregistered` are not ready; `unknown` (a bridge target that cannot be told
 * apart: its instance id is not known and its host port is shared) leaves that group out of the
 * decision.
 */
export function targetReadiness(tasks: readonly Task[], lbs: readonly LoadBalancer[], reads: readonly TargetGroupRead[], hasHealthCheck: boolean, instanceIds: InstanceIds = NO_INSTANCE_IDS): Readiness {
  const groups = lbs
    .map((lb) => ({ lb, read: reads.find((r) => r.targetGroupArn === lb.targetGroupArn) }))
    .filter((g): g is { lb: LoadBalancer; read: TargetGroupRead } => !!g.read)
    .map((g) => ({ name: targetGroupName(g.read.targetGroupArn), states: taskTargetStates(tasks, g.lb, g.read, instanceIds) }));
  const states = (t: Task) => groups.map((g) => ({ name: g.name, state: g.states.get(t.taskArn ?? '') ?? 'unknown' }));
  return {
    source: SOURCE.targets,
    ready: (t) => taskServes(t, hasHealthCheck) && states(t).every((s) => s.state === 'healthy' || s.state === 'unknown'),
    precise: false,
    idPrefix: 'ecs-target-ready',
    what: (t) => {
      const healthy = states(t).filter((s) => s.state === 'healthy').map((s) => s.name);
      return healthy.length ? `healthy in target group${healthy.length > 1 ? 's' : ''} ${healthy.join(', ')}` : 'ready (target not identified)';
    },
  };
}
