/**
 * The one contract every platform plugin implements (AWS ECS, Cloud Run, Kubernetes HPA,
 * Azure Container Apps, local). The core never imports a provider: it gets one from the
 * registry in providers/index.ts by name, and only ever sees this shape.
 *
 * Times are epoch milliseconds as the PLATFORM reports them. The run converts them to the
 * timeline's clock (ms since run start). Each sample says how coarse its timestamp is
 * (`resolutionMs`): the analysis adds that to its error margins.
 */
import type { Clock } from './clock.js';
import type { Logger } from './log.js';
import type { ZodType } from 'zod';
import type { ServerClockEstimate } from './run/server-clock.js';

/** One observation of the platform. Fields the source does not expose are left out. */
export interface PlatformSample {
  /** Epoch ms the platform says this describes (not when it was fetched). */
  atWall: number;
  /** Width of the interval this value stands for: 0 for a point read, 60000 for a 1-minute metric. */
  resolutionMs: number;
  /** Where it came from, e.g. `ecs:DescribeServices`, `cloudwatch:CPUUtilization`, `local:control`. */
  source: string;
  /**
   * True when atWall is a time the PLATFORM stamped (converted to our clock by the provider's
   * server clock estimate), so it is only as good as that estimate; absent for times read on
   * our own clock (when the response arrived), which are never converted.
   */
  platformStamped?: boolean;
  /** Replicas the autoscaler wants right now. */
  desired?: number;
  /** Replicas able to serve traffic. */
  ready?: number;
  /** Replicas starting, not yet ready. */
  pending?: number;
  /** Replicas running (ready or not). */
  running?: number;
  /** Average CPU utilization across replicas, percent of the request/limit the platform scales on. */
  cpuPct?: number;
  /** Average memory utilization across replicas, percent. */
  memPct?: number;
}

export type PlatformEventType = 'scale-up' | 'scale-down' | 'replica-ready' | 'replica-stopped' | 'info' | 'warning';

/** Something the platform says happened: a scaling decision, a task started, a warning. */
export interface PlatformEvent {
  atWall: number;
  resolutionMs: number;
  source: string;
  type: PlatformEventType;
  message: string;
  /** See PlatformSample.platformStamped. */
  platformStamped?: boolean;
  /** Stable id from the platform when it has one; the poller de-duplicates on it. */
  id?: string;
  /** Replica counts before and after, for scaling decisions. */
  from?: number;
  to?: number;
}

/** What the target is and what it was configured to do: shown in reports and used by `check`. */
export interface TargetDescription {
  /** One line: "ECS service web in cluster prod (us-east-1)". */
  summary: string;
  scaling: ScalingConfig;
  /** Anything the user should know before trusting the run (e.g. no CPU requests set). */
  warnings: string[];
  /** The URL that receives load, when the provider runs or knows the service. */
  serviceUrl?: string;
}

export interface ScalingConfig {
  minReplicas?: number;
  maxReplicas?: number;
  /** Each rule the autoscaler follows, e.g. `{ metric: 'cpu', target: 70, unit: '%' }`. */
  rules: ScalingRule[];
  /**
   * Timing knobs that bound what latency is achievable, in ms: sync period, cooldowns,
   * stabilization windows, metric resolution. Well-known keys the core compares with targets:
   * - `earliestScaleUpMs`: the soonest a scale-up decision can follow a load increase by design
   *   (e.g. ECS target tracking: 3 one-minute datapoints = 180000);
   * - `earliestScaleDownMs`: the soonest a scale-down can follow a load decrease by design
   *   (e.g. HPA: the 300 s downscale stabilization window);
   * - `metricResolutionMs`: the resolution of the metric the platform scales on.
   */
  timings: Record<string, number>;
  /** Provider-specific detail worth showing, already free of secrets. */
  details?: Record<string, unknown>;
}

export interface ScalingRule {
  metric: string;
  target: number;
  unit: string;
  description?: string;
}

/** What a provider gets when it is created. */
export interface ProviderContext {
  clock: Clock;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  /** Folder of the current run (for providers that keep their own logs); undefined for `check`. */
  runDir?: string;
}

export interface Provider {
  /** Registry name, e.g. `aws-ecs`. */
  readonly name: string;
  /** Read the target and its scaling configuration; throws ProviderError when unreachable. */
  describe(signal: AbortSignal): Promise<TargetDescription>;
  /**
   * Read the platform now. May return several samples (a replica count now plus metric points
   * that arrived late for earlier minutes). Throw ProviderError({retryable}) on API failure.
   */
  sample(signal: AbortSignal): Promise<PlatformSample[]>;
  /** Events at or after `sinceWall`; may repeat earlier ones (the poller de-duplicates). */
  events(sinceWall: number, signal: AbortSignal): Promise<PlatformEvent[]>;
  /** Release clients, watches and processes. Must be safe to call twice. */
  close(): Promise<void>;
}

/** Optional capability: the provider runs the service itself (the local provider). */
export interface ManagesService {
  /** Start the service; resolves with the URL that receives load once it can serve. */
  start(signal: AbortSignal): Promise<{ url: string }>;
}

export function managesService(p: Provider): p is Provider & ManagesService {
  return typeof (p as Partial<ManagesService>).start === 'function';
}

/**
 * Optional capability: how long after the load stops this provider's delayed metrics keep
 * arriving (Cloud Monitoring, CloudWatch), so the run can extend observation until they have.
 */
export interface HasMetricDelay {
  readonly metricDelayMs: number;
}

/** A platform clock estimate and what it came from (e.g. `http-date:ecs`). */
export interface PlatformClock extends ServerClockEstimate {
  source: string;
}

/**
 * Optional capability: the provider estimates the platform's clock offset from its answers
 * (HTTP `Date` headers) and converts platform-stamped times with it (`platformStamped`).
 */
export interface HasServerClock {
  /**
   * The estimate the provider converts platform-stamped times with until the next call. The
   * poller calls it before each read, so it widens exactly the times converted with it.
   * null while no answer has carried a usable time (times are then left as the platform says).
   */
  serverClockForRead(): PlatformClock | null;
}

export function hasServerClock(p: Provider): p is Provider & HasServerClock {
  return typeof (p as Partial<HasServerClock>).serverClockForRead === 'function';
}

/** Creates a provider from its validated settings. */
export type ProviderFactory<S = any> = (settings: S, ctx: ProviderContext) => Provider;

/**
 * A registry entry. Both halves are imported lazily, so `--help` or `validate` never load a
 * cloud SDK: `settings` must be cheap (zod only), `load` may pull in the SDK.
 */
export interface ProviderEntry {
  /** One line for `--help` and error messages. */
  readonly summary: string;
  /** zod schema for `provider.settings`; also feeds the published JSON Schema. */
  settings(): Promise<ZodType>;
  /** The factory; importing it may load the platform SDK. */
  load(): Promise<ProviderFactory>;
}
