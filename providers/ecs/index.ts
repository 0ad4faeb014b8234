/**
 * The `aws-ecs` provider: one ECS service scaled by Application Auto Scaling.
 *
 *   sample()   DescribeServices (desired / running / pending, a point read) and the service's
 *              tasks (ready = RUNNING and healthy, per-task start times; behind a load balancer
 *              also a healthy target in every target group, bridge / host tasks matched to
 *              their instance targets through their container instance's EC2 instance id,
 *              read once per container instance) every poll, plus
 *              CloudWatch CPU / memory (and Container Insights task counts) every
 *              metric_interval, re-reading metric_lookback because points arrive late; each
 *              metric point leaves once, again only if CloudWatch revised it.
 *   events()   service events (by id), deployment rollout states, scaling activities
 *              (paginated, including not-scaled ones with their reasons).
 *   describe() scalable target, policies and their alarms -> ScalingConfig and warnings.
 */
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, paginateListTasks, type Service, type Task } from '@aws-sdk/client-ecs';
import { DescribeScalableTargetsCommand, paginateDescribeScalingActivities, paginateDescribeScalingPolicies, type ScalingActivity, type ScalingPolicy } from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmsCommand, GetMetricDataCommand, type MetricAlarm, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { HasMetricDelay, HasServerClock, PlatformClock, PlatformEvent, PlatformSample, Provider, ProviderContext, ProviderFactory, TargetDescription } from '../../src/provider.js';
import { observeAwsDates, PlatformServerClock } from '../server-clock.js';
import { ProviderError } from '../../src/errors.js';
import { createEcsClients, type EcsClients } from './clients.js';
import { ecsScalingConfig } from './config-map.js';
import { toProviderError, type AwsCall } from './errors.js';
import { activityEvents, deploymentEvents, mergeMetricPages, metricSamples, readyEvents, readySamples, readyTaskArns, serviceEvents, serviceSample, SOURCE, taskReadiness, type MetricQueryMeaning } from './map.js';
import { bridgeContainerInstanceArns, serviceTargetGroups, targetGroupName, targetReadiness, type InstanceIds, type TargetGroupRead } from './targets.js';
import { ContainerInstanceIds, DESCRIBE_CONTAINER_INSTANCES } from './container-instances.js';
import { PointDedupe } from './point-dedupe.js';
import type { EcsSettings } from './settings.js';

export type { EcsSettings } from './settings.js';

const DIMENSION = 'ecs:service:DesiredCount';
const TARGET_HEALTH = 'elasticloadbalancing:DescribeTargetHealth';
/** What is lost without ecs:DescribeContainerInstances, for the warning. */
const WITHOUT_INSTANCE_IDS = 'bridge / host tasks are matched to their targets by host port alone, so a task whose host port another task of the service also uses (dynamic ports on several instances) counts as ready from the task alone, before its target is healthy';
/** One DescribeServices answer: the service, when it arrived, and the round trip. */
interface ServiceRead {
  svc: Service;
  atWall: number;
  roundTripMs: number;
}
const lastName = (arnOrName: string) => arnOrName.split('/').pop() ?? arnOrName;

/** Marks what carries a platform-stamped time (already converted to our clock by the client middleware). */
const stamped = <T extends object>(x: T): T => ({ ...x, platformStamped: true });

export class EcsProvider implements Provider, HasMetricDelay, HasServerClock {
  readonly name = 'aws-ecs';
  readonly metricDelayMs: number;
  readonly #s: EcsSettings;
  readonly #ctx: ProviderContext;
  readonly #c: EcsClients;
  readonly #dedupe = new PointDedupe();
  #service: { done: boolean; takenByEvents: boolean; promise: Promise<ServiceRead> } | null = null;
  #desiredHistory: { atWall: number; desired: number }[] = [];
  #periodMs: number | undefined;
  #insights: boolean | undefined;
  #lastMetricsAt = -Infinity;
  #disabled = new Set<string>();
  #warned = new Set<string>();
  #closed = false;
  /** Health check in the service's task definition, by task definition ARN (read once each). */
  #healthChecks = new Map<string, boolean>();
  /** When the previous task read BEGAN: whatever it did not see happened after that. */
  #lastTasksReadAt: number | null = null;
  /** Tasks ready at the previous read (ARNs), so a task already ready then is not reported as turning ready now. */
  #lastReady: ReadonlySet<string> | undefined;
  /** The last task read that succeeded (its start, its ready tasks): kept across failed reads, for tasks ListTasks lists late. */
  #lastOk: { startWall: number; ready: ReadonlySet<string> } | undefined;
  /** The tasks have been read at least once: from then on `ready` only comes from them. */
  #tasksRead = false;
  #taskEvents = new Map<string, PlatformEvent>();
  /** EC2 instance id of each container instance (bridge / host targets), asked once per ARN. */
  readonly #instances: ContainerInstanceIds;
  /** AWS's clock from its answers' Date headers; every Date in an answer is converted with it. */
  readonly #serverClock: PlatformServerClock;

  constructor(settings: EcsSettings, ctx: ProviderContext) {
    this.#s = settings;
    this.#ctx = ctx;
    this.#c = createEcsClients(settings, ctx.env);
    this.#serverClock = new PlatformServerClock(ctx.clock, 'http-date:aws-ecs');
    for (const client of [this.#c.ecs, this.#c.aas, this.#c.cw, this.#c.elb]) observeAwsDates(client, this.#serverClock);
    this.#instances = new ContainerInstanceIds(this.#c.ecs, settings.cluster, (fn) => this.#call(DESCRIBE_CONTAINER_INSTANCES, this.#c.endpoints.ecs, fn, `container instances of cluster ${this.#clusterName}`));
    this.metricDelayMs = settings.metric_delay;
    this.#periodMs = settings.metric_period;
  }

  get #clusterName() {
    return lastName(this.#s.cluster);
  }
  get #serviceName() {
    return lastName(this.#s.service);
  }
  get #resourceId() {
    return `service/${this.#clusterName}/${this.#serviceName}`;
  }
  get #about() {
    return `service ${this.#serviceName} in cluster ${this.#clusterName}`;
  }

  async #call<T>(action: string, endpoint: string | undefined, fn: () => Promise<T>, about = this.#about): Promise<T> {
    const call: AwsCall = { action, about, ...(endpoint ? { endpoint } : {}) };
    try {
      return await fn();
    } catch (err) {
      await this.#c.resolveRegion();
      throw toProviderError(err, call, this.#c.identity);
    }
  }

  /**
   * DescribeServices, once per poll. The poller calls sample() then events(): sample() reads (or
   * joins a read in flight), and events() takes the answer sample() got, once; any other call
   * reads. No age limit: the tasks, target health and CloudWatch reads that follow in sample()
   * can take longer than any constant on a real network, and the poll still reads the service once.
   */
  #describeService(signal: AbortSignal, forEvents = false): Promise<ServiceRead> {
    const last = this.#service;
    if (last && (!last.done || (forEvents && !last.takenByEvents))) {
      if (forEvents) last.takenByEvents = true;
      return last.promise;
    }
    const promise = this.#call('ecs:DescribeServices', this.#c.endpoints.ecs, async () => {
      const sentWall = this.#ctx.clock.wallNow();
      const out = await this.#c.ecs.send(new DescribeServicesCommand({ cluster: this.#s.cluster, services: [this.#s.service] }), { abortSignal: signal });
      const atWall = this.#ctx.clock.wallNow();
      const svc = out.services?.find((s) => s.serviceName === this.#serviceName || s.serviceArn === this.#s.service);
      if (!svc || svc.status === 'INACTIVE') {
        const reason = out.failures?.[0]?.reason ?? svc?.status ?? 'MISSING';
        throw new ProviderError(this.name, 'not-found', `${this.#about} not found (${reason}) in ${await this.#c.resolveRegion()}`, {
          hint: `check the names and region: \`aws ecs list-services --cluster ${this.#clusterName} --region ${this.#c.identity.region}\``,
        });
      }
      if (typeof svc.desiredCount === 'number') {
        this.#desiredHistory.push({ atWall, desired: svc.desiredCount });
        if (this.#desiredHistory.length > 2000) this.#desiredHistory.splice(0, 1000);
      }
      return { svc, atWall, roundTripMs: atWall - sentWall };
    });
    const entry = { done: false, takenByEvents: forEvents, promise };
    this.#service = entry;
    promise.then(
      () => (entry.done = true),
      () => {
        if (this.#service === entry) this.#service = null;
      },
    );
    return promise;
  }

  async describe(signal: AbortSignal): Promise<TargetDescription> {
    const { svc } = await this.#describeService(signal);
    const region = await this.#c.resolveRegion();
    const warnings: string[] = [];
    const soft = async <T>(action: string, fn: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof ProviderError) || err.kind === 'credentials') throw err;
        warnings.push(`${err.message}${err.hint ? ` (${err.hint})` : ''}`);
        if (err.kind === 'access-denied') this.#disabled.add(action);
        return undefined;
      }
    };
    let targetUnreadable = false;
    const target = await soft('application-autoscaling:DescribeScalableTargets', () =>
      this.#call('application-autoscaling:DescribeScalableTargets', this.#c.endpoints.aas, async () => {
        const out = await this.#c.aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [this.#resourceId], ScalableDimension: DIMENSION }), { abortSignal: signal });
        return out.ScalableTargets?.[0] ?? null;
      }),
    ).then((t) => {
      targetUnreadable = t === undefined;
      return t ?? undefined;
    });
    const policies = target
      ? ((await soft('application-autoscaling:DescribeScalingPolicies', () => this.#policies(signal))) ?? [])
      : [];
    const alarmNames = policies.flatMap((p) => (p.Alarms ?? []).map((a) => a.AlarmName!)).filter(Boolean);
    const alarms = alarmNames.length ? await soft('cloudwatch:DescribeAlarms', () => this.#alarms(alarmNames, signal)) : [];
    const config = ecsScalingConfig({ target, policies, alarms, ...(svc.desiredCount !== undefined ? { desiredCount: svc.desiredCount } : {}) });
    // Without the scalable target the configuration is unknown, not "no autoscaling".
    if (targetUnreadable) config.warnings.splice(0, config.warnings.length, 'the scaling configuration could not be read: timings and limits are unknown');
    const highRes = policies.some((p) => /HighResolution$/.test(p.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType ?? ''));
    this.#periodMs = this.#s.metric_period ?? (highRes ? 20_000 : 60_000);
    if (this.#s.container_insights !== 'off') await soft('ecs:DescribeClusters', () => this.#clusterInsights(signal, warnings));
    // Probe the metric and activity reads now, so a missing permission shows up in `check`.
    await soft('cloudwatch:GetMetricData', () => this.#metrics(signal, true));
    await soft('application-autoscaling:DescribeScalingActivities', () => this.#activities(this.#ctx.clock.wallNow() - 3_600_000, signal, 1));
    if (this.#s.tasks) {
      const tasks = await soft('ecs:ListTasks', () => this.#tasks(signal));
      if (tasks === undefined) warnings.push('without the tasks, `ready` is the RUNNING count: a task still failing its health check counts as ready');
      else if (svc.taskDefinition) await soft('ecs:DescribeTaskDefinition', () => this.#hasHealthCheck(svc.taskDefinition!, signal));
      const groups = this.#targetGroups(svc);
      if (tasks !== undefined && groups.length) {
        if ((await soft(TARGET_HEALTH, () => this.#targetHealth(groups, signal))) === undefined)
          warnings.push("without the target health, `ready` is from the tasks alone: a task counts before the load balancer's health check passes");
        // Resolved now (no call without bridge / host tasks), so `check` shows a missing permission.
        else if ((await soft(DESCRIBE_CONTAINER_INSTANCES, () => this.#instances.resolve(bridgeContainerInstanceArns(tasks), signal))) === undefined)
          warnings.push(`without ${DESCRIBE_CONTAINER_INSTANCES}, ${WITHOUT_INSTANCE_IDS}`);
      }
    }
    if ((svc.deployments?.length ?? 0) > 1) warnings.push(`${svc.deployments!.length} deployments are active: the counts include the tasks of all of them until the rollout completes`);
    if (!config.scaling.timings.metricResolutionMs) config.scaling.timings.metricResolutionMs = this.#periodMs;
    const targetGroups = serviceTargetGroups(svc.loadBalancers);
    config.scaling.details = {
      ...config.scaling.details,
      launchType: svc.launchType ?? svc.capacityProviderStrategy?.map((c) => c.capacityProvider).join(',') ?? '?',
      taskDefinition: svc.taskDefinition?.split('/').pop(),
      metricPeriodMs: this.#periodMs,
      containerInsights: this.#insights ?? false,
      ...(targetGroups.length ? { targetGroups: targetGroups.map((lb) => targetGroupName(lb.targetGroupArn!)) } : {}),
    };
    return {
      summary: `ECS service ${this.#serviceName} in cluster ${this.#clusterName} (${region}): desired ${svc.desiredCount ?? '?'}, running ${svc.runningCount ?? '?'}, pending ${svc.pendingCount ?? '?'}`,
      scaling: config.scaling,
      warnings: [...config.warnings, ...warnings],
    };
  }

  async #policies(signal: AbortSignal): Promise<ScalingPolicy[]> {
    return this.#call('application-autoscaling:DescribeScalingPolicies', this.#c.endpoints.aas, async () => {
      const out: ScalingPolicy[] = [];
      for await (const page of paginateDescribeScalingPolicies({ client: this.#c.aas }, { ServiceNamespace: 'ecs', ResourceId: this.#resourceId, ScalableDimension: DIMENSION }))
        out.push(...(page.ScalingPolicies ?? []));
      return out;
    });
  }

  async #alarms(names: string[], signal: AbortSignal): Promise<MetricAlarm[]> {
    return this.#call('cloudwatch:DescribeAlarms', this.#c.endpoints.cw, async () => {
      const out = await this.#c.cw.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(0, 100) }), { abortSignal: signal });
      return out.MetricAlarms ?? [];
    });
  }

  async #clusterInsights(signal: AbortSignal, warnings: string[]): Promise<void> {
    const out = await this.#call('ecs:DescribeClusters', this.#c.endpoints.ecs, () => this.#c.ecs.send(new DescribeClustersCommand({ clusters: [this.#s.cluster], include: ['SETTINGS'] }), { abortSignal: signal }), `cluster ${this.#clusterName}`);
    const value = out.clusters?.[0]?.settings?.find((s) => s.name === 'containerInsights')?.value;
    const enabled = value === 'enabled' || value === 'enhanced';
    this.#insights = this.#s.container_insights === 'on' || enabled;
    if (this.#s.container_insights === 'on' && !enabled) warnings.push(`Container Insights is ${value ?? 'not set'} on cluster ${this.#clusterName}: ECS/ContainerInsights task counts will be missing`);
  }

  #metricQueries(periodMs: number): { queries: MetricDataQuery[]; meaning: Record<string, MetricQueryMeaning> } {
    const dims = [
      { Name: 'ClusterName', Value: this.#clusterName },
      { Name: 'ServiceName', Value: this.#serviceName },
    ];
    const q = (Id: string, Namespace: string, MetricName: string, Period: number): MetricDataQuery => ({ Id, MetricStat: { Metric: { Namespace, MetricName, Dimensions: dims }, Period, Stat: 'Average' }, ReturnData: true });
    const period = periodMs / 1000;
    const queries = [q('cpu', 'AWS/ECS', 'CPUUtilization', period), q('mem', 'AWS/ECS', 'MemoryUtilization', period)];
    const meaning: Record<string, MetricQueryMeaning> = { cpu: { source: SOURCE.cpu, field: 'cpuPct' }, mem: { source: SOURCE.memory, field: 'memPct' } };
    if (this.#insights) {
      const ciPeriod = Math.max(60, period);
      queries.push(q('ci_running', 'ECS/ContainerInsights', 'RunningTaskCount', ciPeriod), q('ci_pending', 'ECS/ContainerInsights', 'PendingTaskCount', ciPeriod));
      meaning.ci_running = { source: SOURCE.insights, field: 'running', periodMs: ciPeriod * 1000 };
      meaning.ci_pending = { source: SOURCE.insights, field: 'pending', periodMs: ciPeriod * 1000 };
    }
    return { queries, meaning };
  }

  async #metrics(signal: AbortSignal, probe = false): Promise<PlatformSample[]> {
    const periodMs = this.#periodMs ?? 60_000;
    const { queries, meaning } = this.#metricQueries(periodMs);
    // CloudWatch reads the window on AWS's clock.
    const end = this.#serverClock.toPlatform(this.#ctx.clock.wallNow());
    const start = Math.floor((end - (probe ? periodMs * 5 : this.#s.metric_lookback)) / periodMs) * periodMs;
    const pages = await this.#call('cloudwatch:GetMetricData', this.#c.endpoints.cw, async () => {
      const out: MetricDataResult[][] = [];
      let token: string | undefined;
      do {
        const page = await this.#c.cw.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(start), EndTime: new Date(end), ScanBy: 'TimestampAscending', ...(token ? { NextToken: token } : {}) }), {
          abortSignal: signal,
        });
        out.push(page.MetricDataResults ?? []);
        token = page.NextToken;
      } while (token && out.length < 10);
      return out;
    });
    return metricSamples(mergeMetricPages(pages), meaning, periodMs).map(stamped);
  }

  /** The service's tasks: ListTasks (paginated) then DescribeTasks, 100 at a time. */
  async #tasks(signal: AbortSignal): Promise<Task[]> {
    const arns = await this.#call('ecs:ListTasks', this.#c.endpoints.ecs, async () => {
      const out: string[] = [];
      for await (const page of paginateListTasks({ client: this.#c.ecs, pageSize: 100 }, { cluster: this.#s.cluster, serviceName: this.#serviceName, desiredStatus: 'RUNNING' })) {
        if (signal.aborted) break;
        out.push(...(page.taskArns ?? []));
      }
      return out;
    });
    const tasks: Task[] = [];
    for (let i = 0; i < arns.length; i += 100) {
      const chunk = arns.slice(i, i + 100);
      const out = await this.#call('ecs:DescribeTasks', this.#c.endpoints.ecs, () => this.#c.ecs.send(new DescribeTasksCommand({ cluster: this.#s.cluster, tasks: chunk }), { abortSignal: signal }));
      tasks.push(...(out.tasks ?? []));
    }
    return tasks;
  }

  /** Whether a task definition has a container health check; unknown (unreadable) counts as none. */
  async #hasHealthCheck(taskDefinition: string, signal: AbortSignal): Promise<boolean> {
    const known = this.#healthChecks.get(taskDefinition);
    if (known !== undefined) return known;
    const out = await this.#call('ecs:DescribeTaskDefinition', this.#c.endpoints.ecs, () => this.#c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }), { abortSignal: signal }));
    const has = (out.taskDefinition?.containerDefinitions ?? []).some((c) => (c.healthCheck?.command?.length ?? 0) > 0);
    this.#healthChecks.set(taskDefinition, has);
    return has;
  }

  /**
   * The EC2 instance ids of the bridge / host tasks' container instances, asking only for those
   * not seen before. A failure is a warning (once); what is known stays, the rest is matched by
   * host port alone (targets.ts).
   */
  async #instanceIds(tasks: readonly Task[], signal: AbortSignal): Promise<InstanceIds> {
    if (this.#disabled.has(DESCRIBE_CONTAINER_INSTANCES)) return this.#instances.known;
    try {
      return await this.#instances.resolve(bridgeContainerInstanceArns(tasks), signal);
    } catch (err) {
      this.#soft(DESCRIBE_CONTAINER_INSTANCES, err, WITHOUT_INSTANCE_IDS);
      return this.#instances.known;
    }
  }

  /** The service's target groups whose target health is read (none when off or denied). */
  #targetGroups(svc: Service) {
    return this.#s.load_balancer && !this.#disabled.has(TARGET_HEALTH) ? serviceTargetGroups(svc.loadBalancers) : [];
  }

  /** DescribeTargetHealth of each target group, all targets (no Targets filter: one call per group). */
  async #targetHealth(groups: readonly { targetGroupArn?: string }[], signal: AbortSignal): Promise<TargetGroupRead[]> {
    return Promise.all(
      groups.map((g) =>
        this.#call(TARGET_HEALTH, this.#c.endpoints.elb, async () => {
          const out = await this.#c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: g.targetGroupArn! }), { abortSignal: signal });
          return { targetGroupArn: g.targetGroupArn!, targets: out.TargetHealthDescriptions ?? [] };
        }, `target group ${targetGroupName(g.targetGroupArn!)} of ${this.#about}`),
      ),
    );
  }

  /**
   * Ready samples and events from the tasks (and, behind a load balancer, their targets); null
   * when they cannot be read (ready then comes from DescribeServices, or is left out).
   */
  async #taskReadiness(svc: Service, signal: AbortSignal): Promise<PlatformSample[] | null> {
    if (!this.#s.tasks || this.#disabled.has('ecs:ListTasks') || this.#disabled.has('ecs:DescribeTasks')) return null;
    try {
      const startWall = this.#ctx.clock.wallNow();
      const tasks = await this.#tasks(signal);
      const tasksAt = this.#ctx.clock.wallNow();
      const defs = [...new Set(tasks.map((t) => t.taskDefinitionArn).filter((x): x is string => !!x))];
      let hasHc = false;
      for (const d of defs) {
        try {
          hasHc ||= await this.#hasHealthCheck(d, signal);
        } catch (err) {
          this.#soft('ecs:DescribeTaskDefinition', err);
          hasHc ||= tasks.some((t) => t.healthStatus === 'HEALTHY' || t.healthStatus === 'UNHEALTHY');
        }
      }
      const groups = this.#targetGroups(svc);
      let targets: TargetGroupRead[] | null = null;
      // Before the target health, so the read still ends with its answer (readAt below).
      const instanceIds = groups.length ? await this.#instanceIds(tasks, signal) : this.#instances.known;
      if (groups.length) {
        try {
          targets = await this.#targetHealth(groups, signal);
        } catch (err) {
          this.#soft(TARGET_HEALTH, err);
          // Denied: from now on ready is from the tasks alone. Any other failure: a gap, not a
          // count that means something else (the previous read stays the reference).
          if (!this.#disabled.has(TARGET_HEALTH)) return null;
        }
      }
      // After the last call: a target seen healthy was healthy by the time of its answer.
      const readAt = targets ? this.#ctx.clock.wallNow() : tasksAt;
      const readiness = targets ? targetReadiness(tasks, groups, targets, hasHc, instanceIds) : taskReadiness(hasHc);
      const prev = this.#lastTasksReadAt;
      this.#lastTasksReadAt = startWall;
      this.#tasksRead = true;
      for (const e of readyEvents(tasks, readiness, readAt, prev, this.#lastReady)) if (!this.#taskEvents.has(e.id!)) this.#taskEvents.set(e.id!, e);
      if (this.#taskEvents.size > 5000) this.#taskEvents.delete(this.#taskEvents.keys().next().value as string);
      const lastOk = this.#lastOk;
      this.#lastReady = readyTaskArns(tasks, readiness);
      this.#lastOk = { startWall, ready: this.#lastReady };
      return readySamples(tasks, readiness, readAt, prev, readAt - startWall, lastOk);
    } catch (err) {
      this.#soft('ecs:ListTasks', err);
      this.#lastTasksReadAt = null;
      this.#lastReady = undefined;
      return null;
    }
  }

  async sample(signal: AbortSignal): Promise<PlatformSample[]> {
    const { svc, atWall, roundTripMs } = await this.#describeService(signal);
    const ready = await this.#taskReadiness(svc, signal);
    // Once the tasks were read, a failed read leaves `ready` out (a gap) rather than mixing in
    // DescribeServices' RUNNING count, which means something else.
    const readyFromService = ready === null && (!this.#tasksRead || this.#disabled.has('ecs:ListTasks'));
    const out: PlatformSample[] = [serviceSample(svc, atWall, readyFromService, roundTripMs), ...(ready ?? [])];
    const periodMs = this.#periodMs ?? 60_000;
    const every = this.#s.metric_interval ?? Math.max(10_000, periodMs);
    const now = this.#ctx.clock.now();
    if (!this.#disabled.has('cloudwatch:GetMetricData') && now - this.#lastMetricsAt >= every) {
      this.#lastMetricsAt = now;
      try {
        out.push(...this.#dedupe.fresh(await this.#metrics(signal)));
      } catch (err) {
        this.#soft('cloudwatch:GetMetricData', err);
      }
    }
    return out;
  }

  /** A failed secondary read (metrics, activities) is logged, never fatal for the poll; `consequence` says what the run does without it. */
  #soft(action: string, err: unknown, consequence?: string): void {
    if (this.#closed || signalAborted(err)) return;
    const e = err instanceof ProviderError ? err : toProviderError(err, { action, about: this.#about }, this.#c.identity);
    if (e.kind === 'access-denied' || e.kind === 'credentials') this.#disabled.add(action);
    const key = `${action}|${e.kind}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#ctx.log.warn(`${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}${this.#disabled.has(action) ? '; no longer reading it this run' : ''}${consequence ? `: ${consequence}` : ''}`);
  }

  async #activities(sinceWall: number, signal: AbortSignal, maxPages = 10): Promise<ScalingActivity[]> {
    return this.#call('application-autoscaling:DescribeScalingActivities', this.#c.endpoints.aas, async () => {
      const out: ScalingActivity[] = [];
      let pages = 0;
      const pager = paginateDescribeScalingActivities(
        { client: this.#c.aas, pageSize: 50 },
        { ServiceNamespace: 'ecs', ResourceId: this.#resourceId, ScalableDimension: DIMENSION, IncludeNotScaledActivities: true },
      );
      for await (const page of pager) {
        if (signal.aborted) break;
        const acts = page.ScalingActivities ?? [];
        out.push(...acts);
        // Newest first: stop once a page reaches back before sinceWall.
        if (++pages >= maxPages || acts.some((a) => (a.StartTime?.getTime() ?? 0) < sinceWall)) break;
      }
      return out;
    });
  }

  async events(sinceWall: number, signal: AbortSignal): Promise<PlatformEvent[]> {
    const { svc } = await this.#describeService(signal, true);
    const out = [...serviceEvents(svc.events).map(stamped), ...deploymentEvents(svc.deployments).map(stamped), ...this.#taskEvents.values()];
    if (!this.#disabled.has('application-autoscaling:DescribeScalingActivities')) {
      try {
        const acts = await this.#activities(sinceWall, signal);
        out.push(...activityEvents(acts, (at) => this.#desiredBefore(at)).map(stamped));
      } catch (err) {
        this.#soft('application-autoscaling:DescribeScalingActivities', err);
      }
    }
    return out.filter((e) => e.atWall >= sinceWall).sort((a, b) => a.atWall - b.atWall);
  }

  #desiredBefore(atWall: number): number | undefined {
    let found: number | undefined;
    for (const h of this.#desiredHistory) {
      if (h.atWall >= atWall) break;
      found = h.desired;
    }
    return found;
  }

  serverClockForRead(): PlatformClock | null {
    return this.#serverClock.forRead();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#c.destroy();
  }
}

function signalAborted(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { cause?: { name?: string } }).cause?.name === 'AbortError');
}

export const createEcsProvider: ProviderFactory<EcsSettings> = (settings, ctx) => new EcsProvider(settings, ctx);
