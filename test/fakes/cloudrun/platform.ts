/**
 * A simulated Cloud Run service: instances driven by the pure autoscaling model
 * (src/scaling-models/cloud-run.ts), evaluated every few (model) seconds on the load the APP
 * endpoint receives; and a Cloud Monitoring back end that aggregates what happened into
 * per-"minute" buckets which become visible only after a delay, the idle series later than the
 * active one (so a minute can change after it was first read). Model time runs `timeScale`
 * times faster than real time; every timestamp it serves is real wall time.
 *
 * Ground truth (`truth`): every decision and every change of the instance counts, real wall ms.
 *
 * Unkind Cloud Monitoring modes (`unkind`, see test/fakes/README.md, shared/unkind-points.ts), on
 * top of `idleExtraDelayMs` (a late series: the idle count of a minute shows after its active count):
 *   latePoints            a bucket's points appear only `afterMs` (real ms) after the bucket ended;
 *   revisedPoints         a bucket is first served with provisional values, corrected later;
 *   partialCurrentPeriod  the bucket still filling is served, at its own end time, with its data so far.
 * What they follow: "Sampled every 60 seconds. After sampling, data is not visible for up to 240
 * seconds." and "The values in the statement vary for specific metrics"
 * (https://cloud.google.com/monitoring/api/v3/latency-n-retention): points sampled in one minute
 * become visible at different times, so a minute read early is short of the points still to come
 * and changes when they arrive; and an aligner: "Except for ALIGN_NONE, all alignments cause all
 * the data points in an alignment_period to be mathematically grouped together, resulting in a
 * single data point for each alignment_period with end timestamp at the end of the period."
 * (https://cloud.google.com/dotnet/docs/reference/Google.Cloud.Monitoring.V3/latest/Google.Cloud.Monitoring.V3.Aggregation.Types.Aligner,
 * googleapis.dev Aligner enum; read in the Monitoring API v3 Aggregation.perSeriesAligner
 * description), so a query whose interval ends now aligns the current period from
 * the points it has so far, stamped at that period's end.
 */
import { servedValue, visibleAt, type UnkindPointModes } from '../shared/unkind-points.js';
import { activeInstances, cloudRunSpec, cloudRunStep, initialCloudRunState, type CloudRunScalingSpec, type CloudRunState } from '../../../src/scaling-models/cloud-run.js';

export interface FakeCloudRunOptions {
  project?: string;
  region?: string;
  service?: string;
  timeScale?: number;
  initialInstances?: number;
  scaling?: Partial<CloudRunScalingSpec>;
  /** Model ms between autoscaler evaluations. */
  evalPeriodMs?: number;
  /** Model ms from an instance starting to it serving. */
  startupMs?: number;
  /** Model ms of one Monitoring sampling period ("a minute"). */
  bucketMs?: number;
  /** Model ms after a bucket ends until its active/CPU points are visible. */
  visibilityDelayMs?: number;
  /** Model ms after an instance line is written until Cloud Logging shows it. */
  logDelayMs?: number;
  /** Extra model ms before the idle series of a bucket is visible. */
  idleExtraDelayMs?: number;
  /** CPU only during requests (request-based billing). */
  cpuIdle?: boolean;
  /** Real ms between simulation ticks. */
  tickMs?: number;
  /** Utilization of each serving instance (fraction of its CPU), usually ScaledApp.utilization. */
  utilization?: () => number;
  /** Requests in flight now. */
  inFlight?: () => number;
  /** Requests served so far (for request_count). */
  served?: () => number;
  /** URL of the service (the APP endpoint). */
  uri?: string;
  /** Unkind Cloud Monitoring modes (see the file comment); also settable mid-test on `platform.unkind`. */
  unkind?: UnkindPointModes;
}

export interface Bucket {
  startWall: number;
  endWall: number;
  active: number;
  idle: number;
  /** Mean CPU utilization of serving instances (fraction), undefined with none serving. */
  cpu?: number;
  requestRate: number;
  p95LatencyMs: number;
  visibleAt: number;
  idleVisibleAt: number;
}

/** A line of the system log (run.googleapis.com/varlog/system), as Cloud Run writes it. */
export interface SystemLogLine {
  atWall: number;
  visibleAt: number;
  insertId: string;
  instanceId: string;
  text: string;
}

interface Instance {
  id: string;
  startedModel: number;
  ready: boolean;
}

export class FakeCloudRun {
  readonly o: Required<Omit<FakeCloudRunOptions, 'scaling' | 'uri' | 'unkind'>> & { uri: string };
  /** Unkind Cloud Monitoring modes in force (see the file comment). */
  unkind: UnkindPointModes;
  readonly spec: CloudRunScalingSpec;
  readonly truth = {
    decisions: [] as Array<{ atWall: number; from: number; to: number; reason: string }>,
    instances: [] as Array<{ atWall: number; total: number; ready: number; active: number }>,
  };
  readonly buckets: Bucket[] = [];
  readonly systemLog: SystemLogLine[] = [];
  instances: Instance[] = [];
  #state: CloudRunState;
  #timer: NodeJS.Timeout | null = null;
  #startReal = 0;
  #lastEval = -Infinity;
  #seq = 0;
  #acc: { startWall: number; active: number; idle: number; cpuSum: number; cpuN: number; servedAtStart: number } | null = null;
  #last = '';

  constructor(options: FakeCloudRunOptions = {}) {
    this.o = {
      project: 'demo-project',
      region: 'us-central1',
      service: 'web',
      timeScale: 20,
      initialInstances: 1,
      evalPeriodMs: 5_000,
      startupMs: 10_000,
      bucketMs: 60_000,
      visibilityDelayMs: 60_000,
      idleExtraDelayMs: 0,
      logDelayMs: 20_000,
      cpuIdle: true,
      tickMs: 25,
      utilization: () => 0,
      inFlight: () => 0,
      served: () => 0,
      ...options,
      uri: options.uri ?? 'http://127.0.0.1:9',
    };
    this.unkind = options.unkind ?? {};
    this.spec = cloudRunSpec({ minInstances: 1, maxInstances: 10, idleRetentionMs: 60_000, ...options.scaling });
    for (let i = 0; i < this.o.initialInstances; i++) this.instances.push({ id: this.#id(), startedModel: -1e9, ready: true });
    this.#state = initialCloudRunState(this.o.initialInstances);
  }

  get name(): string {
    return `projects/${this.o.project}/locations/${this.o.region}/services/${this.o.service}`;
  }

  get bucketRealMs(): number {
    return this.o.bucketMs / this.o.timeScale;
  }

  modelNow(): number {
    return (Date.now() - this.#startReal) * this.o.timeScale;
  }

  readyCount(): number {
    return this.instances.filter((i) => i.ready).length;
  }

  start(): void {
    this.#startReal = Date.now();
    this.#record();
    this.#timer = setInterval(() => this.tick(), this.o.tickMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #id(): string {
    return `00${++this.#seq}ac${(this.#seq * 7919).toString(16)}`;
  }

  tick(): void {
    const model = this.modelNow();
    for (const i of this.instances) {
      if (!i.ready && model >= i.startedModel + this.o.startupMs) {
        i.ready = true;
        this.#log(i.id, 'Default STARTUP TCP probe succeeded after 1 attempt for container "app" on port 8080.');
      }
    }
    if (model - this.#lastEval >= this.o.evalPeriodMs) {
      this.#lastEval = model;
      const d = cloudRunStep(this.spec, this.#state, { atMs: model, inFlight: this.o.inFlight(), cpu: this.cpu(), instances: this.readyCount() });
      this.#state = d.state;
      if (d.changed) {
        const from = this.instances.length;
        this.truth.decisions.push({ atWall: Date.now(), from, to: d.instances, reason: d.reason });
        while (this.instances.length < d.instances) {
          const instance = { id: this.#id(), startedModel: model, ready: false };
          this.instances.push(instance);
          this.#log(
            instance.id,
            'Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.',
          );
        }
        if (this.instances.length > d.instances) this.instances = this.instances.slice(0, d.instances);
      }
    }
    this.#record();
    this.#monitor();
  }

  #log(instanceId: string, text: string): void {
    const atWall = Date.now();
    this.systemLog.push({ atWall, visibleAt: atWall + this.o.logDelayMs / this.o.timeScale, insertId: `${atWall.toString(36)}${this.systemLog.length}`, instanceId, text });
  }

  /** CPU utilization of the serving instances: a fraction of their limit, so at most 1. */
  cpu(): number {
    return Math.min(1, this.o.utilization());
  }

  #split(): { active: number; idle: number } {
    const ready = this.readyCount();
    const util = this.cpu();
    const { active } = activeInstances(this.spec, ready, this.o.inFlight(), util * ready);
    return { active, idle: this.instances.length - active };
  }

  #record(): void {
    const s = this.#split();
    const key = `${this.instances.length}/${this.readyCount()}/${s.active}`;
    if (key !== this.#last) {
      this.#last = key;
      this.truth.instances.push({ atWall: Date.now(), total: this.instances.length, ready: this.readyCount(), active: s.active });
    }
  }

  /**
   * The buckets as Monitoring serves them at `now`, with the unkind modes applied: late buckets
   * visible later, provisional values until corrected, and the bucket still filling (if served).
   */
  servedBuckets(now: number): Bucket[] {
    const out = this.buckets.map((b) => {
      const shown = visibleAt(this.unkind, b.startWall, b.endWall, b.visibleAt - b.endWall);
      const v = (metric: string, value: number) => servedValue(this.unkind, metric, b.startWall, b.endWall, value, now);
      return {
        ...b,
        active: v('instance_count:active', b.active),
        idle: v('instance_count:idle', b.idle),
        ...(b.cpu !== undefined ? { cpu: v('cpu', b.cpu) } : {}),
        requestRate: v('request_count', b.requestRate),
        visibleAt: shown,
        idleVisibleAt: Math.max(b.idleVisibleAt, shown),
      };
    });
    const a = this.#acc;
    if (this.unkind.partialCurrentPeriod && a) {
      const served = this.o.served() - a.servedAtStart;
      out.push({
        startWall: a.startWall,
        endWall: a.startWall + this.bucketRealMs,
        active: a.active,
        idle: a.idle,
        ...(a.cpuN > 0 ? { cpu: a.cpuSum / a.cpuN } : {}),
        requestRate: served / (this.o.bucketMs / 1000),
        p95LatencyMs: 12,
        visibleAt: now,
        idleVisibleAt: now,
      });
    }
    return out;
  }

  /** Cloud Monitoring: sample the gauges into the current bucket; close buckets on their boundary. */
  #monitor(): void {
    const now = Date.now();
    const b = this.bucketRealMs;
    const bucketStart = Math.floor(now / b) * b;
    if (this.#acc && this.#acc.startWall !== bucketStart) {
      const a = this.#acc;
      const endWall = a.startWall + b;
      const served = this.o.served() - a.servedAtStart;
      const realDelay = this.o.visibilityDelayMs / this.o.timeScale;
      this.buckets.push({
        startWall: a.startWall,
        endWall,
        active: a.active,
        idle: a.idle,
        ...(a.cpuN > 0 ? { cpu: a.cpuSum / a.cpuN } : {}),
        // Per model second, like Cloud Monitoring's ALIGN_RATE over the minute.
        requestRate: served / (this.o.bucketMs / 1000),
        p95LatencyMs: 12,
        visibleAt: endWall + realDelay,
        idleVisibleAt: endWall + realDelay + this.o.idleExtraDelayMs / this.o.timeScale,
      });
      this.#acc = null;
    }
    this.#acc ??= { startWall: bucketStart, active: 0, idle: 0, cpuSum: 0, cpuN: 0, servedAtStart: this.o.served() };
    // instance_count is a gauge sampled once per period: the bucket holds the latest reading.
    const s = this.#split();
    this.#acc.active = s.active;
    this.#acc.idle = s.idle;
    if (this.readyCount() > 0) {
      this.#acc.cpuSum += this.o.cpuIdle && s.active === 0 ? 0 : this.cpu();
      this.#acc.cpuN++;
    }
  }

  /** The Admin API v2 Service, as the gRPC handler returns it (camelCase, int64 as strings, enums as names). */
  service(): Record<string, unknown> {
    const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: 0 });
    const t = this.#startReal || Date.now();
    const rev = `${this.name.replace('/services/', '/services/')}/revisions/${this.o.service}-00003-kex`;
    return {
      name: this.name,
      uid: '8f0c8c9e-0000-4000-8000-000000000003',
      generation: '3',
      observedGeneration: '3',
      createTime: ts(t - 86_400_000),
      updateTime: ts(t - 3_600_000),
      uri: this.o.uri,
      scaling: { minInstanceCount: 0, scalingMode: 'AUTOMATIC' },
      template: {
        revision: '',
        scaling: { minInstanceCount: this.spec.minInstances, maxInstanceCount: this.spec.maxInstances },
        maxInstanceRequestConcurrency: this.spec.maxConcurrency,
        containers: [{ name: 'app', image: 'us-docker.pkg.dev/demo-project/app/web:3', resources: { limits: { cpu: '1', memory: '512Mi' }, cpuIdle: this.o.cpuIdle, startupCpuBoost: true } }],
      },
      traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
      terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED', lastTransitionTime: ts(t - 3_600_000) },
      latestReadyRevision: rev,
      latestCreatedRevision: rev,
      reconciling: false,
    };
  }
}
