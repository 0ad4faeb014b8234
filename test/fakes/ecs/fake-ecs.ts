/**
 * A fake AWS control plane for one ECS service on 127.0.0.1, speaking the real wire protocols
 * (see /work/shared/reference/sdk-fakes.md §2): ECS and Application Auto Scaling over AWS JSON
 * 1.1, CloudWatch over JSON 1.0, all `POST /` dispatched on `x-amz-target`; Elastic Load
 * Balancing v2 (DescribeTargetHealth only) over awsQuery: a form-encoded `Action=...` body and an
 * XML answer.
 *
 * Network mode: `awsvpc` (default, Fargate: each task has an ENI, its target is IP + container
 * port) or `bridge` (EC2: tasks placed round-robin on `instances` container instances, each with
 * a host port from its instance's ephemeral range, 32768 up, so tasks on different instances
 * share host ports; its target is EC2 instance id + host port, and DescribeContainerInstances
 * maps a task's containerInstanceArn to that instance id).
 *
 * It also runs the service: an APP endpoint (CapacityApp) whose capacity follows the RUNNING
 * tasks, and the target tracking model of src/scaling-models/ecs-target-tracking.ts evaluated
 * at every metric period. Time is compressed by configuration, not faked: a "minute" is
 * `periodMs` of real time (1 s by default, which CloudWatch also accepts as a high-resolution
 * period), so every timestamp it reports is real epoch time the provider can align.
 *
 * Unkind CloudWatch modes (`unkind`, see test/fakes/README.md, shared/unkind-points.ts), each as
 * the CloudWatch documentation allows:
 *   latePoints            a period's point appears only `afterMs` after the period ended. "CloudWatch
 *                         data is generally available from the service within one minute from the end
 *                         of the time period requested in the query (the aggregation period). In some
 *                         cases, delays in data propagation might cause a delay in data becoming
 *                         available to CloudWatch." (http://docs.amazonwebservices.com/AmazonCloudWatch/latest/DeveloperGuide/arch-Amazon-CloudWatch-statistics.html)
 *   revisedPoints         a period is first served with a provisional value, corrected later;
 *   partialCurrentPeriod  the still-filling period is served with its data so far (CPU since the
 *                         period began, task counts now), under the timestamp its full value
 *                         will have. Both follow the CloudWatch guide on live data: live data is
 *                         data published within the last minute that has not been fully
 *                         aggregated; the most recent data point is shown as soon as any data is
 *                         published for its aggregation period, and may change on each refresh as
 *                         more data for that period is published
 *                         (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-live-data.html;
 *                         the stored copy read was the Japanese page, rendered here in English).
 *
 * Ground truth for tests: `decisions` (every desired-count change the model made) and
 * `readiness` (every change of the count of tasks that serve: RUNNING, and HEALTHY when the
 * task definition has a container health check, `healthCheckMs` after the task started; with
 * `loadBalancer`, also a healthy target, `healthyAfterMs` later) and `targetHealthy` (when each
 * task's target turned healthy) and `placements` (bridge: each task's instance and host port).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CapacityApp, readBody, type CapacityAppOptions } from '../shared/capacity-app.js';
import { servedValue, visibleAt, type UnkindPointModes } from '../shared/unkind-points.js';
import { FakePlatformClock, type PlatformClockOptions } from '../shared/platform-clock.js';
import { ecsTargetTrackingSpec, ecsTargetTrackingStep, initialEcsTargetTrackingState, type EcsTargetTrackingDecision, type EcsTargetTrackingState } from '../../../src/scaling-models/ecs-target-tracking.js';

export type FakeAwsFault = 'not-found' | 'access-denied' | 'throttled' | 'bad-credentials' | 'server-error';

export interface FakeEcsOptions {
  cluster?: string;
  service?: string;
  region?: string;
  account?: string;
  minCapacity?: number;
  maxCapacity?: number;
  initialDesired?: number;
  /** CPU target in percent. */
  targetValue?: number;
  /** Real ms per CloudWatch period (a multiple of 1000). */
  periodMs?: number;
  scaleOutDatapoints?: number;
  scaleInDatapoints?: number;
  scaleOutCooldownMs?: number;
  scaleInCooldownMs?: number;
  /** PENDING -> RUNNING time of a new task. */
  taskStartMs?: number;
  /** 0: no container health check. Else the task turns HEALTHY this long after RUNNING (and serves only then). */
  healthCheckMs?: number;
  /** How long after its period ends a CloudWatch point becomes visible. */
  metricDelayMs?: number;
  containerInsights?: boolean;
  /** Scaling activities per DescribeScalingActivities page (small, to exercise pagination). */
  activitiesPageSize?: number;
  /** Register a scalable target and a policy (false: a service with no autoscaling). */
  autoscaling?: boolean;
  /**
   * Put the service behind a target group: DescribeServices reports it in `loadBalancers`, every
   * task's target (awsvpc: ENI IP + container port; bridge: instance id + host port) goes `initial` at RUNNING and
   * `healthy` `healthyAfterMs` after the task serves (RUNNING, +HEALTHY with a health check).
   * A stopped task's target is `draining` for `healthyAfterMs`.
   */
  loadBalancer?: { targetGroupArn?: string; healthyAfterMs: number; containerName?: string; containerPort?: number };
  /** `awsvpc` (default, Fargate) or `bridge` (EC2 container instances, dynamic host ports). */
  networkMode?: 'awsvpc' | 'bridge';
  /** Bridge: how many EC2 container instances the tasks are placed on, round-robin. */
  instances?: number;
  app?: CapacityAppOptions;
  /** What real ECS does that a kind fake would not (test/fakes/README.md, "Unkind modes"). */
  /** What real ECS / CloudWatch does that a kind fake would not (test/fakes/README.md, "Unkind modes"); the metric modes are also settable mid-test on `fake.unkind`. */
  unkind?: FakeEcsUnkind & UnkindPointModes;
}

/**
 * Unkind modes of the fake ECS, each from the ECS documentation. Defaults: what ECS always does
 * (pages, a token bucket at the documented size); off what only happens sometimes (a lag, a
 * linger long enough to matter).
 */
export interface FakeEcsUnkind {
  /**
   * ListTasks page size (the caller's maxResults caps it). ECS: "If this parameter is not used,
   * then ListTasks returns up to 100 results and a nextToken value if applicable."
   * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html). Default 2,
   * smaller than ECS's, so every test follows more than one page.
   */
  listTasksPageSize?: number;
  /**
   * A token bucket per ECS API action (one account, one Region); an empty bucket answers
   * ThrottlingException "Rate exceeded", with no Retry-After. ECS: "Amazon ECS uses the token
   * bucket algorithm to implement API throttling." and its example "cluster read actions" bucket
   * holds 50 tokens refilled at 20 a second
   * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html).
   * Default that example; false: off.
   */
  throttle?: { burst: number; refillPerSec: number } | false;
  /**
   * DescribeServices and ListTasks answer from the service's state this long ago (DescribeTasks
   * of a named task answers its current state). ECS (RunTask): "The Amazon ECS API follows an
   * eventual consistency model. This is because of the distributed nature of the system
   * supporting the API. This means that the result of an API command you run that affects your
   * Amazon ECS resources might not be immediately visible to all subsequent commands you run."
   * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html). Default 0.
   */
  consistencyLagMs?: number;
  /**
   * A stopped task stays describable with desiredStatus STOPPED and lastStatus RUNNING (first
   * half), then DEACTIVATING, STOPPING, DEPROVISIONING, for this long, then STOPPED; ListTasks
   * lists it under desiredStatus STOPPED only (RUNNING is the default filter). ECS task
   * lifecycle: RUNNING -> DEACTIVATING -> STOPPING -> DEPROVISIONING -> STOPPED
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html);
   * DescribeTasks: "Currently, stopped tasks appear in the returned results for at least one
   * hour." (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html).
   * Default 0 (a stopped task is STOPPED at once, and still described).
   */
  lingerMs?: number;
}

export interface FakeDecision {
  atWall: number;
  from: number;
  to: number;
  trigger: 'AlarmHigh' | 'AlarmLow' | 'bounds';
}

interface Point {
  ts: number;
  cpu?: number;
  mem?: number;
  running: number;
  pending: number;
  desired: number;
}

interface Task {
  id: string;
  createdAt: number;
  /** RUNNING from here (startedAt). */
  readyAt: number;
  /** Private IPv4 of its ENI (the target Id behind a load balancer, awsvpc). */
  ip: string;
  /** Bridge: the container instance it runs on (index into the instances) and its host port. */
  instance?: number;
  hostPort?: number;
}

/** A bridge-mode EC2 container instance. */
interface ContainerInstance {
  arn: string;
  ec2InstanceId: string;
  registeredAt: number;
}

/** Where a bridge task runs: the ground truth of which target is whose. */
export interface FakePlacement {
  taskId: string;
  containerInstanceArn: string;
  ec2InstanceId: string;
  hostPort: number;
}

/** An ELBv2 target: IP (awsvpc) or EC2 instance id (bridge), and its port. */
interface TargetKey {
  id: string;
  port: number;
}

/** Start of Linux's ephemeral port range, where Docker's dynamic host ports begin. */
const FIRST_EPHEMERAL_PORT = 32768;

const XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const xmlEscape = (v: unknown) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const sec = (ms: number) => ms / 1000;

export class FakeEcs {
  readonly o: Required<Omit<FakeEcsOptions, 'app' | 'loadBalancer' | 'unkind'>> & { app: CapacityAppOptions; loadBalancer?: Required<NonNullable<FakeEcsOptions['loadBalancer']>> };
  readonly app: CapacityApp;
  readonly decisions: FakeDecision[] = [];
  readonly #readiness: { atWall: number; running: number }[] = [];
  readonly #targetHealthy: { taskId: string; ip: string; target: TargetKey; atWall: number }[] = [];
  readonly #placements: FakePlacement[] = [];
  readonly #instances: ContainerInstance[] = [];
  /** Bridge: the next dynamic host port of each instance. */
  readonly #nextHostPort: number[] = [];
  #placed = 0;
  /** ELBv2 calls are recorded as `ElasticLoadBalancing_v10.<Action>` with the form parameters as body. */
  readonly requests: { target: string; body: unknown; accessKeyId?: string }[] = [];
  readonly #server = http.createServer((req, res) => void this.#handle(req, res));
  #faults: { op: string; fault: FakeAwsFault; times: number }[] = [];
  #tasks: Task[] = [];
  #desired: number;
  #state: EcsTargetTrackingState = initialEcsTargetTrackingState();
  #points: Point[] = [];
  #events: { id: string; createdAt: number; message: string }[] = [];
  #activities: Record<string, unknown>[] = [];
  #lastDecision: EcsTargetTrackingDecision | undefined;
  #timers: NodeJS.Timeout[] = [];
  /** Targets of stopped tasks, draining until `until`. */
  #draining: { target: TargetKey; until: number }[] = [];
  #seq = 0;
  url = '';
  /** Unkind modes, defaults applied. */
  readonly unkind: Required<FakeEcsUnkind> & UnkindPointModes;
  /** Every task the service stopped, and when (eventual consistency, lingering). */
  readonly #stopped: { task: Task; stoppedAt: number }[] = [];
  /** ECS token bucket (throttle), and how many calls it refused. */
  throttledCalls = 0;
  /** One bucket per API action, as the ECS throttling table lists them. */
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: FakeEcsOptions & PlatformClockOptions = {}) {
    const { loadBalancer, unkind, clockOffsetMs, clockStep, ...rest } = options;
    this.unkind = { listTasksPageSize: 2, throttle: { burst: 50, refillPerSec: 20 }, consistencyLagMs: 0, lingerMs: 0, ...unkind };

    this.o = {
      cluster: 'demo',
      service: 'web',
      region: 'us-east-1',
      account: '123456789012',
      minCapacity: 1,
      maxCapacity: 10,
      initialDesired: 1,
      targetValue: 50,
      periodMs: 1000,
      scaleOutDatapoints: 3,
      scaleInDatapoints: 15,
      scaleOutCooldownMs: 3000,
      scaleInCooldownMs: 3000,
      taskStartMs: 500,
      healthCheckMs: 0,
      metricDelayMs: 1500,
      containerInsights: false,
      activitiesPageSize: 2,
      autoscaling: true,
      networkMode: 'awsvpc',
      instances: 2,
      app: {},
      ...rest,
    };
    if (loadBalancer) {
      const tg = `arn:aws:elasticloadbalancing:${this.o.region}:${this.o.account}:targetgroup/${this.o.service}-tg/73e2d6bc24d8a067`;
      this.o.loadBalancer = { targetGroupArn: loadBalancer.targetGroupArn ?? tg, healthyAfterMs: loadBalancer.healthyAfterMs, containerName: loadBalancer.containerName ?? 'app', containerPort: loadBalancer.containerPort ?? 8080 };
    }
    this.app = new CapacityApp(this.o.app);
    this.#clock = new FakePlatformClock({ ...(clockOffsetMs === undefined ? {} : { clockOffsetMs }), ...(clockStep ? { clockStep } : {}) });
    this.#desired = this.o.initialDesired;
    if (this.#bridge) this.#registerInstances();
  }

  /** AWS's clock (clockOffsetMs / clockStep): what it serves is stamped with it; the ground truth stays on ours. */
  readonly #clock: FakePlatformClock;
  #at(ourMs: number): number {
    return sec(this.#clock.toPlatform(ourMs));
  }

  get #bridge(): boolean {
    return this.o.networkMode === 'bridge';
  }

  #registerInstances(): void {
    for (let i = 0; i < this.o.instances; i++) {
      const hex = (i + 1).toString(16);
      this.#instances.push({
        arn: `arn:aws:ecs:${this.o.region}:${this.o.account}:container-instance/${this.o.cluster}/${hex.padStart(32, '0')}`,
        ec2InstanceId: `i-0abc${hex.padStart(13, '0')}`,
        registeredAt: Date.now() - 86_400_000,
      });
      this.#nextHostPort.push(FIRST_EPHEMERAL_PORT);
    }
  }

  // The ground truth is brought up to date when read: the 25 ms tick that also records it can
  // lag on a busy machine, and a test that saw `serving` reach a count must find it recorded.
  /** `running`: tasks that serve (see the file comment). */
  get readiness(): readonly { atWall: number; running: number }[] {
    this.#catchUp();
    return this.#readiness;
  }
  /** Each target's turn to healthy: the task, its IP, its target (IP or instance id, and port), the real wall ms. */
  get targetHealthy(): readonly { taskId: string; ip: string; target: TargetKey; atWall: number }[] {
    this.#catchUp();
    return this.#targetHealthy;
  }
  /** Bridge: every task ever placed, with its container instance and host port. */
  get placements(): readonly FakePlacement[] {
    this.#catchUp();
    return this.#placements;
  }
  #catchUp(): void {
    if (this.url && this.#timers.length > 0) this.#reconcile();
  }

  get resourceId(): string {
    return `service/${this.o.cluster}/${this.o.service}`;
  }
  get desired(): number {
    return this.#desired;
  }
  get running(): number {
    return this.#tasks.filter((t) => t.readyAt <= Date.now()).length;
  }
  /** Tasks that serve: RUNNING, and HEALTHY when there is a health check, and a healthy target behind a load balancer. */
  get serving(): number {
    return this.#tasks.filter((t) => this.#servesAt(t) <= Date.now()).length;
  }

  #servesAt(t: Task): number {
    return t.readyAt + this.o.healthCheckMs + (this.o.loadBalancer?.healthyAfterMs ?? 0);
  }

  /** Make the next `times` calls of `op` (e.g. `DescribeServices`, or `*`) fail. */
  inject(op: string, fault: FakeAwsFault, times = Infinity): void {
    this.#faults.push({ op, fault, times });
  }
  clearFaults(): void {
    this.#faults = [];
  }

  async start(): Promise<void> {
    await this.app.start();
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    // Start the initial tasks as already running.
    for (let i = 0; i < this.#desired; i++) this.#tasks.push(this.#newTask(Date.now() - 60_000, Date.now() - 30_000));
    this.#syncApp();
    this.app.takeUsage();
    this.#timers.push(setInterval(() => this.#reconcile(), 25));
    const p = this.o.periodMs;
    const first = Math.ceil(Date.now() / p) * p - Date.now();
    this.#timers.push(
      setTimeout(() => {
        this.#period();
        this.#timers.push(setInterval(() => this.#period(), p));
      }, first),
    );
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await this.app.close();
  }

  #taskId(): string {
    return `${(++this.#seq).toString(16).padStart(8, '0')}aaaabbbbccccdddd`;
  }

  #newTask(createdAt: number, readyAt: number): Task {
    const n = ++this.#seq;
    const task: Task = { id: this.#taskId(), createdAt, readyAt, ip: `10.0.${(n >> 8) & 255}.${n & 255}` };
    if (this.#bridge) this.#place(task);
    return task;
  }

  /** Bridge: the next instance in turn, and that instance's next dynamic host port. */
  #place(task: Task): void {
    const i = this.#placed++ % this.#instances.length;
    task.instance = i;
    task.hostPort = this.#nextHostPort[i]!++;
    const ci = this.#instances[i]!;
    this.#placements.push({ taskId: task.id, containerInstanceArn: ci.arn, ec2InstanceId: ci.ec2InstanceId, hostPort: task.hostPort });
  }

  /** The task's ELBv2 target: instance id + host port (bridge), else ENI IP + container port. */
  #targetOf(t: Task): TargetKey {
    const port = this.o.loadBalancer?.containerPort ?? 8080;
    return t.instance !== undefined ? { id: this.#instances[t.instance]!.ec2InstanceId, port: t.hostPort! } : { id: t.ip, port };
  }

  #event(message: string): void {
    this.#events.unshift({ id: `ev-${++this.#seq}`, createdAt: this.#at(Date.now()), message: `(service ${this.o.service}) ${message}` });
    this.#events.length = Math.min(this.#events.length, 100);
  }

  #syncApp(): void {
    const running = this.serving;
    if (running !== this.app.replicas) {
      const now = Date.now();
      // A task serves from its own time (startedAt, plus the health check), which this 25 ms tick
      // only notices later: the ground truth is that time, not the tick's.
      const servingSince = this.#tasks.map((t) => this.#servesAt(t)).filter((x) => x <= now);
      const atWall = running > this.app.replicas && servingSince.length > 0 ? Math.max(...servingSince) : now;
      this.app.setReplicas(running);
      this.#readiness.push({ atWall, running });
      if (running === this.#desired) this.#event('has reached a steady state.');
    }
  }

  /** Ground truth of the targets: each one's turn to healthy, at its own time (not this tick's). */
  #syncTargets(now: number): void {
    if (!this.o.loadBalancer) return;
    this.#draining = this.#draining.filter((d) => d.until > now);
    for (const t of this.#tasks) {
      const at = this.#servesAt(t);
      if (at <= now && !this.#targetHealthy.some((h) => h.taskId === t.id)) this.#targetHealthy.push({ taskId: t.id, ip: t.ip, target: this.#targetOf(t), atWall: at });
    }
  }

  /** Tasks follow the desired count: new ones start PENDING, removed ones stop at once. */
  #reconcile(): void {
    const now = Date.now();
    if (this.#tasks.length < this.#desired) {
      const fresh = Array.from({ length: this.#desired - this.#tasks.length }, () => this.#newTask(now, now + this.o.taskStartMs));
      this.#tasks.push(...fresh);
      this.#event(`has started ${fresh.length} tasks: ${fresh.map((t) => `(task ${t.id})`).join(' ')}.`);
    } else if (this.#tasks.length > this.#desired) {
      const gone = this.#tasks.splice(this.#desired);
      this.#stopped.push(...gone.map((task) => ({ task, stoppedAt: now })));
      this.#event(`has stopped ${gone.length} running tasks: ${gone.map((t) => `(task ${t.id})`).join(' ')}.`);
      if (this.o.loadBalancer) this.#draining.push(...gone.map((t) => ({ target: this.#targetOf(t), until: now + this.o.loadBalancer!.healthyAfterMs })));
    }
    this.#syncTargets(now);
    this.#syncApp();
  }

  /** End of a metric period: publish the datapoint, evaluate the policy. */
  #period(): void {
    const now = Math.round(Date.now() / this.o.periodMs) * this.o.periodMs;
    const usage = this.app.takeUsage();
    const running = this.running;
    const cpu = usage.utilization === undefined || running === 0 ? undefined : usage.utilization * 100;
    this.#points.push({ ts: now - this.o.periodMs, ...(cpu === undefined ? {} : { cpu, mem: 20 + cpu / 10 }), running, pending: this.#tasks.length - running, desired: this.#desired });
    if (!this.o.autoscaling) return;
    const spec = ecsTargetTrackingSpec({
      minCapacity: this.o.minCapacity,
      maxCapacity: this.o.maxCapacity,
      targetValue: this.o.targetValue,
      periodMs: this.o.periodMs,
      scaleOutDatapoints: this.o.scaleOutDatapoints,
      scaleInDatapoints: this.o.scaleInDatapoints,
      scaleOutCooldownMs: this.o.scaleOutCooldownMs,
      scaleInCooldownMs: this.o.scaleInCooldownMs,
    });
    const d = ecsTargetTrackingStep(spec, this.#state, { metric: cpu, desiredCapacity: this.#desired, measuredCapacity: running }, Date.now());
    this.#state = d.state;
    this.#lastDecision = d;
    const alarm = d.trigger ? `TargetTracking-${this.resourceId}-${d.trigger}-0000` : undefined;
    const base = { ActivityId: `act-${++this.#seq}`, ServiceNamespace: 'ecs', ResourceId: this.resourceId, ScalableDimension: 'ecs:service:DesiredCount', StartTime: this.#at(Date.now()) };
    const cause = `monitor alarm ${alarm} in state ALARM triggered policy cpu-target-tracking`;
    if (d.rescale) {
      const from = this.#desired;
      this.decisions.push({ atWall: Date.now(), from, to: d.desired, trigger: d.trigger ?? 'bounds' });
      this.#desired = d.desired;
      this.#activities.unshift({ ...base, Description: `Setting desired count to ${d.desired}.`, Cause: cause, EndTime: this.#at(Date.now() + 5), StatusCode: 'Successful', StatusMessage: `Successfully set desired count to ${d.desired}. Change successfully fulfilled by ecs.` });
      this.#reconcile();
    } else if (d.notScaled && alarm) {
      this.#activities.unshift({ ...base, Description: `Attempting to set desired count.`, Cause: cause, StatusCode: 'Successful', StatusMessage: 'Not scaled', NotScaledReasons: [{ Code: d.notScaled, CurrentCapacity: this.#desired, MinCapacity: this.o.minCapacity, MaxCapacity: this.o.maxCapacity }] });
    }
  }

  #takeFault(op: string): FakeAwsFault | undefined {
    const f = this.#faults.find((x) => (x.op === op || x.op === '*') && x.times > 0);
    if (!f) return undefined;
    f.times--;
    return f.fault;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = String(req.headers['content-type'] ?? 'application/x-amz-json-1.1');
    const raw = await readBody(req);
    if (contentType.startsWith('application/x-www-form-urlencoded')) return this.#handleQuery(req, res, raw);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    this.requests.push({ target, body, ...(accessKeyId ? { accessKeyId } : {}) });
    const [prefix, op = ''] = target.split('.');
    const cw = prefix === 'GraniteServiceVersion20100801';
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': `req-${++this.#seq}`, date: this.#clock.dateHeader(), ...headers }).end(JSON.stringify(payload));
    };
    const fail = (status: number, type: string, message: string) => send(status, { __type: type, message }, cw ? { 'x-amzn-query-error': `${type};Sender` } : {});
    const fault = accessKeyId === 'AKIDBAD' ? 'bad-credentials' : this.#takeFault(op);
    const action = `${cw ? 'cloudwatch' : prefix === 'AnyScaleFrontendService' ? 'application-autoscaling' : 'ecs'}:${op}`;
    if (fault === 'bad-credentials') return cw ? fail(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.') : fail(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (fault === 'access-denied')
      return cw
        ? fail(403, 'AccessDenied', `User: arn:aws:iam::${this.o.account}:user/tester is not authorized to perform: ${action}`)
        : fail(400, 'AccessDeniedException', `User: arn:aws:iam::${this.o.account}:user/tester is not authorized to perform: ${action} on resource: *`);
    if (fault === 'throttled') return cw ? fail(400, 'Throttling', 'Rate exceeded') : fail(400, 'ThrottlingException', 'Rate exceeded');
    if (fault === 'server-error') return fail(500, cw ? 'InternalServiceError' : 'ServerException', 'internal failure');
    if (fault === 'not-found') return cw ? fail(404, 'ResourceNotFound', 'not found') : prefix === 'AnyScaleFrontendService' ? fail(400, 'ObjectNotFoundException', 'No scalable target found') : fail(400, 'ClusterNotFoundException', 'Cluster not found.');
    const handler = (this.#handlers as Record<string, ((b: Record<string, unknown>) => unknown) | undefined>)[op];
    if (!handler) return fail(400, 'UnknownOperationException', `fake does not implement ${target}`);
    if (!cw && prefix !== 'AnyScaleFrontendService' && !this.#takeToken(op)) return fail(400, 'ThrottlingException', 'Rate exceeded');
    const result = this.#unkindAnswer(op, body, handler(body));
    if (result instanceof Error) return fail(400, result.name, result.message);
    send(200, result);
  }

  readonly #handlers = {
    DescribeServices: (b: Record<string, unknown>) => {
      if (b.cluster !== this.o.cluster && !String(b.cluster).endsWith(`/${this.o.cluster}`)) return Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' });
      const names = (b.services as string[]) ?? [];
      const arn = `arn:aws:ecs:${this.o.region}:${this.o.account}:service/${this.o.cluster}/${this.o.service}`;
      const found = names.some((n) => n === this.o.service || n === arn);
      const running = this.running;
      return found
        ? {
            services: [
              {
                serviceArn: arn,
                serviceName: this.o.service,
                clusterArn: `arn:aws:ecs:${this.o.region}:${this.o.account}:cluster/${this.o.cluster}`,
                status: 'ACTIVE',
                desiredCount: this.#desired,
                runningCount: running,
                pendingCount: this.#tasks.length - running,
                launchType: this.#bridge ? 'EC2' : 'FARGATE',
                ...(this.o.loadBalancer ? { loadBalancers: [{ targetGroupArn: this.o.loadBalancer.targetGroupArn, containerName: this.o.loadBalancer.containerName, containerPort: this.o.loadBalancer.containerPort }] } : {}),
                taskDefinition: `arn:aws:ecs:${this.o.region}:${this.o.account}:task-definition/web:7`,
                deployments: [{ id: 'ecs-svc/1111', status: 'PRIMARY', desiredCount: this.#desired, runningCount: running, pendingCount: this.#tasks.length - running, rolloutState: 'COMPLETED', createdAt: sec(Date.now() - 3_600_000), updatedAt: sec(Date.now() - 3_000_000), taskDefinition: 'arn:aws:ecs:::task-definition/web:7' }],
                events: this.#events,
              },
            ],
            failures: [],
          }
        : { services: [], failures: names.map((n) => ({ arn: n, reason: 'MISSING' })) };
    },
    DescribeClusters: () => ({
      clusters: [{ clusterName: this.o.cluster, clusterArn: `arn:aws:ecs:${this.o.region}:${this.o.account}:cluster/${this.o.cluster}`, status: 'ACTIVE', settings: [{ name: 'containerInsights', value: this.o.containerInsights ? 'enabled' : 'disabled' }] }],
      failures: [],
    }),
    DescribeScalableTargets: () => ({
      ScalableTargets: this.o.autoscaling
        ? [{ ServiceNamespace: 'ecs', ResourceId: this.resourceId, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: this.o.minCapacity, MaxCapacity: this.o.maxCapacity, RoleARN: `arn:aws:iam::${this.o.account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`, CreationTime: sec(Date.now() - 86_400_000), SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false } }]
        : [],
    }),
    DescribeScalingPolicies: () => ({
      ScalingPolicies: [
        {
          PolicyARN: `arn:aws:autoscaling:${this.o.region}:${this.o.account}:scalingPolicy:0000:resource/ecs/${this.resourceId}:policyName/cpu-target-tracking`,
          PolicyName: 'cpu-target-tracking',
          ServiceNamespace: 'ecs',
          ResourceId: this.resourceId,
          ScalableDimension: 'ecs:service:DesiredCount',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: { TargetValue: this.o.targetValue, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, ScaleOutCooldown: sec(this.o.scaleOutCooldownMs), ScaleInCooldown: sec(this.o.scaleInCooldownMs) },
          Alarms: ['AlarmHigh', 'AlarmLow'].map((k) => ({ AlarmName: `TargetTracking-${this.resourceId}-${k}-0000`, AlarmARN: `arn:aws:cloudwatch:${this.o.region}:${this.o.account}:alarm:TargetTracking-${this.resourceId}-${k}-0000` })),
          CreationTime: sec(Date.now() - 86_400_000),
        },
      ],
    }),
    DescribeAlarms: (b: Record<string, unknown>) => ({
      MetricAlarms: ((b.AlarmNames as string[]) ?? []).map((name) => {
        const high = name.includes('AlarmHigh');
        const n = high ? this.o.scaleOutDatapoints : this.o.scaleInDatapoints;
        const state = this.#lastDecision ? (high ? this.#lastDecision.alarmHigh : this.#lastDecision.alarmLow) : 'INSUFFICIENT_DATA';
        return { AlarmName: name, MetricName: 'CPUUtilization', Namespace: 'AWS/ECS', Statistic: 'Average', Period: sec(this.o.periodMs), EvaluationPeriods: n, DatapointsToAlarm: n, Threshold: high ? this.o.targetValue : this.o.targetValue * 0.9, ComparisonOperator: high ? 'GreaterThanThreshold' : 'LessThanThreshold', StateValue: state };
      }),
      CompositeAlarms: [],
    }),
    DescribeScalingActivities: (b: Record<string, unknown>) => {
      const all = this.#activities.filter((a) => b.IncludeNotScaledActivities || !a.NotScaledReasons);
      const size = Math.min(Number(b.MaxResults ?? 50), this.o.activitiesPageSize);
      const from = Number(b.NextToken ?? 0);
      const page = all.slice(from, from + size);
      return { ScalingActivities: page, ...(from + size < all.length ? { NextToken: String(from + size) } : {}) };
    },
    GetMetricData: (b: Record<string, unknown>) => this.#metricData(b),
    ListTasks: (b: Record<string, unknown>) => this.#listTasks(b),
    DescribeTasks: (b: Record<string, unknown>) => {
      const wanted = new Set((b.tasks as string[]) ?? []);
      const now = Date.now();
      const hc = this.o.healthCheckMs > 0;
      const tasks = this.#tasks
        .filter((t) => wanted.has(this.#taskArn(t)))
        .map((t) => {
          const running = t.readyAt <= now;
          const health = hc && running && t.readyAt + this.o.healthCheckMs <= now ? 'HEALTHY' : 'UNKNOWN';
          return {
            taskArn: this.#taskArn(t),
            group: `service:${this.o.service}`,
            lastStatus: running ? 'RUNNING' : 'PENDING',
            desiredStatus: 'RUNNING',
            healthStatus: health,
            createdAt: this.#at(t.createdAt),
            ...(running ? { startedAt: this.#at(t.readyAt) } : {}),
            taskDefinitionArn: `arn:aws:ecs:${this.o.region}:${this.o.account}:task-definition/web:7`,
            ...(t.instance !== undefined ? this.#bridgeNetworking(t, running, health) : this.#awsvpcNetworking(t, running, health)),
          };
        });
      return { tasks, failures: [] };
    },
    DescribeContainerInstances: (b: Record<string, unknown>) => {
      if (b.cluster !== this.o.cluster && !String(b.cluster).endsWith(`/${this.o.cluster}`)) return Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException' });
      const wanted = (b.containerInstances as string[]) ?? [];
      if (wanted.length > 100) return Object.assign(new Error('containerInstances can have at most 100 items.'), { name: 'InvalidParameterException' });
      const find = (w: string) => this.#instances.find((ci) => ci.arn === w || ci.arn.endsWith(`/${w}`));
      return {
        containerInstances: wanted.map(find).filter((ci): ci is ContainerInstance => !!ci).map((ci) => this.#describeContainerInstance(ci)),
        failures: wanted.filter((w) => !find(w)).map((w) => ({ arn: w, reason: 'MISSING' })),
      };
    },
    DescribeTaskDefinition: () => ({
      taskDefinition: {
        family: 'web',
        revision: 7,
        containerDefinitions: [
          { name: 'app', image: 'example.invalid/web:7', ...(this.o.healthCheckMs > 0 ? { healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], interval: 5, timeout: 2, retries: 3 } } : {}) },
        ],
      },
    }),
  };

  /** awsQuery (ELBv2): `Action=...&Version=...` form body, XML answer, XML errors with an HTTP status. */
  #handleQuery(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const params = Object.fromEntries(new URLSearchParams(raw));
    const op = params.Action ?? '';
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    this.requests.push({ target: `ElasticLoadBalancing_v10.${op}`, body: params, ...(accessKeyId ? { accessKeyId } : {}) });
    const requestId = `req-${++this.#seq}`;
    const send = (status: number, xml: string): void => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, date: this.#clock.dateHeader() }).end(xml);
    };
    const fail = (status: number, code: string, message: string) =>
      send(status, `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    const fault = accessKeyId === 'AKIDBAD' ? 'bad-credentials' : this.#takeFault(op);
    if (fault === 'bad-credentials') return fail(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (fault === 'access-denied') return fail(403, 'AccessDenied', `User: arn:aws:iam::${this.o.account}:user/tester is not authorized to perform: elasticloadbalancing:${op} because no identity-based policy allows the elasticloadbalancing:${op} action`);
    if (fault === 'throttled') return fail(400, 'Throttling', 'Rate exceeded');
    if (fault === 'server-error') return fail(500, 'InternalFailure', 'internal failure');
    const lb = this.o.loadBalancer;
    if (fault === 'not-found' || (op === 'DescribeTargetHealth' && params.TargetGroupArn !== lb?.targetGroupArn))
      return fail(400, 'TargetGroupNotFound', `Target groups '${params.TargetGroupArn}' not found`);
    if (op !== 'DescribeTargetHealth') return fail(400, 'InvalidAction', `fake does not implement ${op}`);
    const member = ({ id, port }: TargetKey, state: string, reason = '') =>
      `<member><Target><Id>${id}</Id><Port>${port}</Port><AvailabilityZone>${this.o.region}a</AvailabilityZone></Target><HealthCheckPort>${port}</HealthCheckPort><TargetHealth><State>${state}</State>${reason}</TargetHealth></member>`;
    const now = Date.now();
    const members = [
      ...this.#tasks
        .filter((t) => t.readyAt <= now) // registered once RUNNING
        .map((t) => (this.#servesAt(t) <= now ? member(this.#targetOf(t), 'healthy') : member(this.#targetOf(t), 'initial', '<Reason>Elb.RegistrationInProgress</Reason><Description>Target registration is in progress</Description>'))),
      ...this.#draining.filter((d) => d.until > now).map((d) => member(d.target, 'draining', '<Reason>Target.DeregistrationInProgress</Reason><Description>Target deregistration is in progress</Description>')),
    ];
    send(
      200,
      `<DescribeTargetHealthResponse xmlns="${XMLNS}"><DescribeTargetHealthResult><TargetHealthDescriptions>${members.join('')}</TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DescribeTargetHealthResponse>`,
    );
  }

  /** Fargate is awsvpc: the ENI's private IP is the target Id behind a load balancer. */
  #awsvpcNetworking(t: Task, running: boolean, health: string): Record<string, unknown> {
    return {
      containers: [{ name: 'app', lastStatus: running ? 'RUNNING' : 'PENDING', healthStatus: health, networkInterfaces: [{ attachmentId: `eni-attach-${t.id}`, privateIpv4Address: t.ip }] }],
      attachments: [
        {
          id: `eni-attach-${t.id}`,
          type: 'ElasticNetworkInterface',
          status: 'ATTACHED',
          details: [
            { name: 'subnetId', value: 'subnet-0fake' },
            { name: 'networkInterfaceId', value: `eni-${t.id.slice(0, 17)}` },
            { name: 'privateIPv4Address', value: t.ip },
          ],
        },
      ],
    };
  }

  /** Bridge: no ENI; the task names its container instance, and the host port is bound once it runs. */
  #bridgeNetworking(t: Task, running: boolean, health: string): Record<string, unknown> {
    const containerPort = this.o.loadBalancer?.containerPort ?? 8080;
    const bindings = running ? { networkBindings: [{ bindIP: '0.0.0.0', containerPort, hostPort: t.hostPort, protocol: 'tcp' }] } : {};
    return {
      launchType: 'EC2',
      containerInstanceArn: this.#instances[t.instance!]!.arn,
      containers: [{ name: this.o.loadBalancer?.containerName ?? 'app', lastStatus: running ? 'RUNNING' : 'PENDING', healthStatus: health, ...bindings }],
      attachments: [],
    };
  }

  #describeContainerInstance(ci: ContainerInstance): Record<string, unknown> {
    const i = this.#instances.indexOf(ci);
    const tasks = this.#tasks.filter((t) => t.instance === i);
    return {
      containerInstanceArn: ci.arn,
      ec2InstanceId: ci.ec2InstanceId,
      status: 'ACTIVE',
      agentConnected: true,
      runningTasksCount: tasks.filter((t) => t.readyAt <= Date.now()).length,
      pendingTasksCount: tasks.filter((t) => t.readyAt > Date.now()).length,
      registeredAt: sec(ci.registeredAt),
      attributes: [{ name: 'ecs.os-type', value: 'linux' }],
    };
  }

  // ---- Unkind modes (see FakeEcsUnkind) ----

  /** One token of the ECS bucket, refilled by the time since the last call; false: throttled. */
  #takeToken(op: string): boolean {
    const bucket = this.unkind.throttle;
    if (!bucket) return true;
    const now = Date.now();
    const b = this.#buckets.get(op) ?? { tokens: bucket.burst, at: now };
    b.tokens = Math.min(bucket.burst, b.tokens + ((now - b.at) / 1000) * bucket.refillPerSec);
    b.at = now;
    this.#buckets.set(op, b);
    if (b.tokens < 1) return (this.throttledCalls++, false);
    b.tokens -= 1;
    return true;
  }

  /** The moment reads of the service's state answer from (eventual consistency). */
  get #asOf(): number {
    return Date.now() - this.unkind.consistencyLagMs;
  }

  /** Desired count at `at`, from the model's own decisions. */
  #desiredAt(at: number): number {
    let desired = this.decisions[0]?.from ?? this.#desired;
    for (const d of this.decisions) if (d.atWall <= at) desired = d.to;
    return desired;
  }

  /** The service's tasks (not yet stopped) at `at`: created by then, stopped after it. */
  #tasksAt(at: number): Task[] {
    return [...this.#stopped.filter((s) => s.stoppedAt > at).map((s) => s.task), ...this.#tasks].filter((t) => t.createdAt <= at);
  }

  /** ListTasks: desiredStatus RUNNING (the default) as of `#asOf`, or STOPPED (lingering and stopped), in pages. */
  #listTasks(b: Record<string, unknown>): unknown {
    if (b.serviceName !== undefined && b.serviceName !== this.o.service) return { taskArns: [] };
    const at = this.#asOf;
    const tasks = b.desiredStatus === 'STOPPED' ? this.#stopped.filter((s) => s.stoppedAt <= at).map((s) => s.task) : this.#tasksAt(at);
    // The token is the last ARN given (keyset): a task stopping between two pages shifts no other.
    const after = b.nextToken ? Buffer.from(String(b.nextToken), 'base64url').toString() : '';
    const arns = tasks.map((t) => this.#taskArn(t)).sort().filter((a) => a > after);
    const size = Math.min(Number(b.maxResults ?? 100), this.unkind.listTasksPageSize);
    const page = arns.slice(0, size);
    return { taskArns: page, ...(size < arns.length ? { nextToken: Buffer.from(page.at(-1)!).toString('base64url') } : {}) };
  }

  /** Answers as real ECS would: DescribeServices as of `#asOf`, DescribeTasks also describing stopped tasks. */
  #unkindAnswer(op: string, b: Record<string, unknown>, result: unknown): unknown {
    if (result instanceof Error) return result;
    if (op === 'DescribeServices' && this.unkind.consistencyLagMs > 0) {
      const at = this.#asOf;
      const tasks = this.#tasksAt(at);
      const running = tasks.filter((t) => t.readyAt <= at).length;
      const counts = { desiredCount: this.#desiredAt(at), runningCount: running, pendingCount: tasks.length - running };
      const out = result as { services: Record<string, unknown>[] };
      for (const svc of out.services) {
        Object.assign(svc, counts, { events: this.#events.filter((e) => e.createdAt <= sec(at)) });
        for (const dep of (svc.deployments as Record<string, unknown>[] | undefined) ?? []) Object.assign(dep, counts);
      }
    }
    if (op === 'DescribeTasks') {
      const out = result as { tasks: Record<string, unknown>[] };
      const wanted = new Set((b.tasks as string[]) ?? []);
      for (const s of this.#stopped) if (wanted.has(this.#taskArn(s.task))) out.tasks.push(this.#describeStopped(s.task, s.stoppedAt));
    }
    return result;
  }

  /** A task the service stopped: desiredStatus STOPPED, and where it is on its way down. */
  #describeStopped(t: Task, stoppedAt: number): Record<string, unknown> {
    const now = Date.now();
    const linger = this.unkind.lingerMs;
    const phase = (now - stoppedAt) / Math.max(1, linger);
    const wasRunning = t.readyAt <= stoppedAt;
    const lastStatus = phase >= 1 ? 'STOPPED' : !wasRunning ? 'STOPPING' : phase < 0.5 ? 'RUNNING' : phase < 0.7 ? 'DEACTIVATING' : phase < 0.85 ? 'STOPPING' : 'DEPROVISIONING';
    const health = this.o.healthCheckMs > 0 && wasRunning && t.readyAt + this.o.healthCheckMs <= stoppedAt ? 'HEALTHY' : 'UNKNOWN';
    return {
      taskArn: this.#taskArn(t),
      group: `service:${this.o.service}`,
      lastStatus,
      desiredStatus: 'STOPPED',
      healthStatus: health,
      createdAt: sec(t.createdAt),
      ...(wasRunning ? { startedAt: sec(t.readyAt) } : {}),
      stoppingAt: sec(stoppedAt),
      ...(lastStatus === 'STOPPED' ? { stoppedAt: sec(stoppedAt + linger), stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1111)' } : {}),
      taskDefinitionArn: `arn:aws:ecs:${this.o.region}:${this.o.account}:task-definition/web:7`,
      ...(t.instance !== undefined ? this.#bridgeNetworking(t, lastStatus === 'RUNNING', health) : this.#awsvpcNetworking(t, lastStatus === 'RUNNING', health)),
    };
  }

  #taskArn(t: Task): string {
    return `arn:aws:ecs:${this.o.region}:${this.o.account}:task/${this.o.cluster}/${t.id}`;
  }

  #metricData(b: Record<string, unknown>): unknown {
    const start = this.#clock.toOurs(Number(b.StartTime) * 1000);
    const end = this.#clock.toOurs(Number(b.EndTime) * 1000);
    const now = Date.now();
    const period = this.o.periodMs;
    const visible = this.#points.filter((p) => p.ts >= start && p.ts < end && visibleAt(this.unkind, p.ts, p.ts + period, this.o.metricDelayMs) <= now);
    // The still-filling period, stamped (like CloudWatch) at its start, as its full point will be.
    const current = this.#currentPoint(now);
    const partial = this.unkind.partialCurrentPeriod && current.ts >= start && current.ts < end ? [current] : [];
    const pick: Record<string, (p: Point) => number | undefined> = { CPUUtilization: (p) => p.cpu, MemoryUtilization: (p) => p.mem, RunningTaskCount: (p) => p.running, PendingTaskCount: (p) => p.pending, DesiredTaskCount: (p) => p.desired };
    const results = ((b.MetricDataQueries as { Id: string; MetricStat: { Metric: { Namespace: string; MetricName: string }; Period: number } }[]) ?? []).map((q) => {
      const name = q.MetricStat.Metric.MetricName;
      const insights = q.MetricStat.Metric.Namespace === 'ECS/ContainerInsights';
      const periodMs = q.MetricStat.Period * 1000;
      const buckets = new Map<number, number[]>();
      for (const p of insights && !this.o.containerInsights ? [] : [...visible, ...partial]) {
        const raw = pick[name]?.(p);
        if (raw === undefined) continue;
        const v = p === current ? raw : servedValue(this.unkind, name, p.ts, p.ts + period, raw, now);
        const k = Math.floor(p.ts / periodMs) * periodMs;
        buckets.set(k, [...(buckets.get(k) ?? []), v]);
      }
      const keys = [...buckets.keys()].sort((x, y) => (b.ScanBy === 'TimestampAscending' ? x - y : y - x));
      return { Id: q.Id, Label: name, Timestamps: keys.map((k) => this.#at(k)), Values: keys.map((k) => buckets.get(k)!.reduce((s, v) => s + v, 0) / buckets.get(k)!.length), StatusCode: 'Complete' };
    });
    return { MetricDataResults: results, Messages: [] };
  }

  /** The current period's data so far: CPU since it began (the app's usage not yet taken), counts now. */
  #currentPoint(now: number): Point {
    const ts = Math.floor(now / this.o.periodMs) * this.o.periodMs;
    const running = this.running;
    const utilization = this.app.peekUsage().utilization;
    const cpu = utilization === undefined || running === 0 ? undefined : utilization * 100;
    return { ts, ...(cpu === undefined ? {} : { cpu, mem: 20 + cpu / 10 }), running, pending: this.#tasks.length - running, desired: this.#desired };
  }
}
