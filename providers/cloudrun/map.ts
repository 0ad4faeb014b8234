/**
 * PURE mapping for Cloud Run: the Admin API v2 Service -> scaling configuration and warnings;
 * Cloud Monitoring time series -> samples (instances active/idle, CPU) and request events; gRPC
 * failures -> ProviderError. Objects are the plain shapes the Google clients return (int64 as
 * strings, Timestamps as {seconds, nanos}, enums as names or numbers).
 */
import { ProviderError } from '../../src/errors.js';
import type { PlatformEvent, PlatformSample, ScalingConfig } from '../../src/provider.js';

export const PROVIDER = 'cloud-run';

export type Int64 = string | number | { toString(): string } | null | undefined;
export interface Timestamp {
  seconds?: Int64;
  nanos?: number | null;
}

export interface Condition {
  type?: string | null;
  state?: string | number | null;
  message?: string | null;
  reason?: string | number | null;
  lastTransitionTime?: Timestamp | null;
}

export interface Container {
  name?: string | null;
  image?: string | null;
  resources?: { limits?: Record<string, string> | null; cpuIdle?: boolean | null; startupCpuBoost?: boolean | null } | null;
}

export interface Service {
  name?: string | null;
  uri?: string | null;
  generation?: Int64;
  observedGeneration?: Int64;
  reconciling?: boolean | null;
  scaling?: { minInstanceCount?: number | null; maxInstanceCount?: number | null; scalingMode?: string | number | null; manualInstanceCount?: number | null } | null;
  template?: {
    revision?: string | null;
    scaling?: { minInstanceCount?: number | null; maxInstanceCount?: number | null } | null;
    maxInstanceRequestConcurrency?: number | null;
    containers?: Container[] | null;
  } | null;
  traffic?: Array<{ type?: string | number | null; revision?: string | null; percent?: number | null }> | null;
  terminalCondition?: Condition | null;
  latestReadyRevision?: string | null;
  latestCreatedRevision?: string | null;
}

export interface Point {
  interval?: { startTime?: Timestamp | null; endTime?: Timestamp | null } | null;
  value?: { int64Value?: Int64; doubleValue?: number | null; distributionValue?: { count?: Int64; mean?: number | null } | null; value?: string } | null;
}

export interface TimeSeries {
  metric?: { type?: string | null; labels?: Record<string, string> | null } | null;
  resource?: { type?: string | null; labels?: Record<string, string> | null } | null;
  metricKind?: string | number | null;
  valueType?: string | number | null;
  points?: Point[] | null;
}

export const METRICS = {
  instances: 'run.googleapis.com/container/instance_count',
  cpu: 'run.googleapis.com/container/cpu/utilizations',
  requests: 'run.googleapis.com/request_count',
  latencies: 'run.googleapis.com/request_latencies',
} as const;

/** Cloud Run's documented scaling defaults (about-instance-autoscaling, about-concurrency). */
export const CLOUD_RUN = {
  defaultMaxInstances: 100,
  defaultMaxConcurrency: 80,
  targetUtilization: 60,
  windowMs: 60_000,
  idleRetentionMs: 900_000,
  samplingMs: 60_000,
} as const;

export function timestampMs(t: Timestamp | null | undefined): number | undefined {
  if (!t || t.seconds === undefined || t.seconds === null) return undefined;
  const s = Number(String(t.seconds));
  return Number.isFinite(s) ? s * 1000 + Math.round((t.nanos ?? 0) / 1e6) : undefined;
}

/** Proto enum as its name, whether the client gave a name or a number. */
export function enumName(v: string | number | null | undefined, names: readonly string[]): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? names[v] : v;
}

const CONDITION_STATES = ['STATE_UNSPECIFIED', 'CONDITION_PENDING', 'CONDITION_RECONCILING', 'CONDITION_FAILED', 'CONDITION_SUCCEEDED'] as const;
const SCALING_MODES = ['SCALING_MODE_UNSPECIFIED', 'AUTOMATIC', 'MANUAL'] as const;

// ------------------------------------------------------------------ configuration

export function serviceName(project: string, region: string, service: string): string {
  return `projects/${project}/locations/${region}/services/${service}`;
}

/** Admin API Service -> ScalingConfig. Revision-level (template) scaling wins over service-level. */
export function scalingConfig(svc: Service, metricDelayMs: number): ScalingConfig {
  const t = svc.template ?? {};
  const c = t.containers?.[0];
  const mode = enumName(svc.scaling?.scalingMode, SCALING_MODES) ?? 'AUTOMATIC';
  const minInstances = Math.max(t.scaling?.minInstanceCount ?? 0, svc.scaling?.minInstanceCount ?? 0);
  const maxRev = t.scaling?.maxInstanceCount || undefined;
  const maxSvc = svc.scaling?.maxInstanceCount || undefined;
  const maxInstances = Math.min(maxRev ?? CLOUD_RUN.defaultMaxInstances, maxSvc ?? Infinity);
  const concurrency = t.maxInstanceRequestConcurrency || CLOUD_RUN.defaultMaxConcurrency;
  const manual = mode === 'MANUAL';
  const n = svc.scaling?.manualInstanceCount ?? minInstances;
  return {
    minReplicas: manual ? n : minInstances,
    maxReplicas: manual ? n : maxInstances,
    rules: manual
      ? []
      : [
          { metric: 'concurrency', target: Math.round(concurrency * CLOUD_RUN.targetUtilization) / 100, unit: 'requests per instance', description: `${CLOUD_RUN.targetUtilization}% of max concurrency ${concurrency}, 1-minute average` },
          { metric: 'cpu', target: CLOUD_RUN.targetUtilization, unit: '%', description: 'average CPU utilization of instances, 1-minute average' },
        ],
    timings: {
      // Cloud Run scales on 1-minute averages, and Cloud Monitoring only shows 1-minute points.
      metricResolutionMs: CLOUD_RUN.windowMs,
      observationResolutionMs: CLOUD_RUN.samplingMs,
      metricDelayMs,
      idleInstanceRetentionMs: CLOUD_RUN.idleRetentionMs,
    },
    details: {
      scalingMode: mode,
      serviceScaling: svc.scaling ?? {},
      revisionScaling: t.scaling ?? {},
      maxConcurrency: concurrency,
      cpuLimit: c?.resources?.limits?.cpu ?? '1 (default)',
      memoryLimit: c?.resources?.limits?.memory,
      cpuAllocation: c?.resources?.cpuIdle === false ? 'always allocated (instance-based billing)' : 'only during requests (request-based billing)',
      startupCpuBoost: c?.resources?.startupCpuBoost ?? false,
      latestReadyRevision: svc.latestReadyRevision,
      ...(maxRev === undefined && maxSvc === undefined ? { note: `max instances not set: the server default of ${CLOUD_RUN.defaultMaxInstances} applies` } : {}),
    },
  };
}

/** What can make a run untrustworthy, or a target unreachable by design. */
export function serviceWarnings(svc: Service, metricDelayMs: number, readsLogs = false): string[] {
  const out: string[] = [];
  const name = svc.name?.split('/').pop() ?? 'service';
  const tc = svc.terminalCondition;
  const state = enumName(tc?.state, CONDITION_STATES);
  if (tc && state !== 'CONDITION_SUCCEEDED') out.push(`Cloud Run service ${name} is not Ready (${state ?? 'unknown'}${tc.message ? `: ${tc.message}` : ''})`);
  if (svc.reconciling) out.push(`Cloud Run service ${name} is still rolling out a change (reconciling): instances of two revisions may be counted`);
  if (enumName(svc.scaling?.scalingMode, SCALING_MODES) === 'MANUAL') out.push(`Cloud Run service ${name} uses manual scaling: it does not autoscale`);
  const revMin = svc.template?.scaling?.minInstanceCount ?? 0;
  const svcMin = svc.scaling?.minInstanceCount ?? 0;
  if (revMin > 0 && svcMin > 0 && revMin !== svcMin) out.push(`min instances differ between the service (${svcMin}) and the revision template (${revMin}): the larger applies`);
  const split = (svc.traffic ?? []).filter((t) => (t.percent ?? 0) > 0 && (t.percent ?? 0) < 100);
  if (split.length > 0) out.push(`traffic is split across ${split.length} revisions: instance counts cover all of them`);
  const c = svc.template?.containers?.[0];
  if (c?.resources?.cpuIdle !== false) {
    out.push('CPU is only allocated during requests: CPU utilization reflects request processing, and idle instances show none');
  }
  const late = `Cloud Monitoring samples Cloud Run every 60s and shows points up to ${Math.round(metricDelayMs / 1000)}s late: instance counts and CPU are per minute`;
  out.push(
    readsLogs
      ? `${late}. Scale-up times are placed inside their minute from the system log's instance starts and STARTUP-probe lines; scale-down has no such line and is only known to about ±60s`
      : `${late}, so scale-up/down times are only known to about ±60s; targets under a minute cannot be verified from these metrics`,
  );
  out.push('idle instances may be kept up to 15 minutes after load drops, so scale-down is measured on ACTIVE instances (ready), not on all instances (desired)');
  return out;
}

// ------------------------------------------------------------------ monitoring

export function metricFilter(metricType: string, service: string, region: string): string {
  return `metric.type="${metricType}" AND resource.type="cloud_run_revision" AND resource.labels.service_name="${service}" AND resource.labels.location="${region}"`;
}

export function pointValue(p: Point): number | undefined {
  const v = p.value;
  if (!v) return undefined;
  if (v.doubleValue !== undefined && v.doubleValue !== null && (v.value === undefined || v.value === 'doubleValue')) return v.doubleValue;
  if (v.int64Value !== undefined && v.int64Value !== null && (v.value === undefined || v.value === 'int64Value')) return Number(String(v.int64Value));
  if (v.distributionValue) return v.distributionValue.mean ?? undefined;
  return undefined;
}

/** A point's time: the END of its interval (what it describes ends there), and its width. */
export function pointTime(p: Point, alignmentMs: number): { atWall: number; resolutionMs: number } | undefined {
  const end = timestampMs(p.interval?.endTime);
  if (end === undefined) return undefined;
  const start = timestampMs(p.interval?.startTime);
  const width = start !== undefined && start < end ? end - start : alignmentMs;
  return { atWall: end, resolutionMs: width };
}

/**
 * instance_count series grouped by `state` (active/idle) -> one sample per minute:
 * desired = running = active + idle (the instances that exist; Cloud Run exposes no desired
 * count), ready = active (instances processing requests). A state without a point that minute
 * counts as 0.
 */
export function instanceSamples(series: readonly TimeSeries[], alignmentMs: number, source = 'cloud-monitoring:instance_count'): PlatformSample[] {
  const byTime = new Map<number, { resolutionMs: number; active: number; idle: number }>();
  for (const s of series) {
    const state = s.metric?.labels?.state ?? 'active';
    for (const p of s.points ?? []) {
      const t = pointTime(p, alignmentMs);
      const v = pointValue(p);
      if (!t || v === undefined) continue;
      const e = byTime.get(t.atWall) ?? { resolutionMs: t.resolutionMs, active: 0, idle: 0 };
      if (state === 'idle') e.idle += v;
      else e.active += v;
      byTime.set(t.atWall, e);
    }
  }
  return [...byTime]
    .sort((a, b) => a[0] - b[0])
    .map(([atWall, e]) => ({ atWall, resolutionMs: e.resolutionMs, source, desired: e.active + e.idle, ready: e.active, running: e.active + e.idle }));
}

/** container/cpu/utilizations (ALIGN_MEAN + REDUCE_MEAN, a fraction) -> cpuPct samples. */
export function cpuSamples(series: readonly TimeSeries[], alignmentMs: number, source = 'cloud-monitoring:cpu'): PlatformSample[] {
  const out: PlatformSample[] = [];
  for (const s of series) {
    for (const p of s.points ?? []) {
      const t = pointTime(p, alignmentMs);
      const v = pointValue(p);
      if (t && v !== undefined) out.push({ ...t, source, cpuPct: Math.round(v * 10_000) / 100 });
    }
  }
  return out.sort((a, b) => a.atWall - b.atWall);
}

/**
 * request_count (ALIGN_RATE, req/s) and request_latencies (ALIGN_PERCENTILE_95, ms) -> one
 * `info` event per minute: the platform's own view of the load. The id carries the values,
 * so a minute whose late data changed it is emitted again.
 */
export function requestEvents(rate: readonly TimeSeries[], p95: readonly TimeSeries[], alignmentMs: number): PlatformEvent[] {
  const byTime = new Map<number, { resolutionMs: number; rate?: number; p95?: number }>();
  const add = (series: readonly TimeSeries[], key: 'rate' | 'p95', sum: boolean) => {
    for (const s of series) {
      for (const p of s.points ?? []) {
        const t = pointTime(p, alignmentMs);
        const v = pointValue(p);
        if (!t || v === undefined) continue;
        const e = byTime.get(t.atWall) ?? { resolutionMs: t.resolutionMs };
        e[key] = sum ? (e[key] ?? 0) + v : Math.max(e[key] ?? 0, v);
        byTime.set(t.atWall, e);
      }
    }
  };
  add(rate, 'rate', true);
  add(p95, 'p95', false);
  return [...byTime]
    .sort((a, b) => a[0] - b[0])
    .map(([atWall, e]) => {
      const parts = [e.rate === undefined ? null : `${round1(e.rate)} req/s`, e.p95 === undefined ? null : `p95 latency ${round1(e.p95)} ms`].filter(Boolean);
      return { atWall, resolutionMs: e.resolutionMs, source: 'cloud-monitoring:requests', type: 'info' as const, id: `requests:${atWall}:${e.rate ?? ''}:${e.p95 ?? ''}`, message: `Cloud Run served ${parts.join(', ')}` };
    });
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Identity of a sample for "emit once, again only if changed". */
export function sampleKey(s: PlatformSample): { key: string; value: string } {
  const { atWall, source, resolutionMs: _r, ...values } = s;
  return { key: `${source}|${atWall}`, value: JSON.stringify(values) };
}

// ------------------------------------------------------------------ errors

/** gRPC status codes (google-gax surfaces them as `err.code`). */
const GRPC = { CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

/** One API call, for messages. */
export interface GcpCall {
  /** e.g. `get Cloud Run service projects/p/locations/r/services/web`. */
  what: string;
  /** IAM permission it needs, e.g. `run.services.get`. */
  permission: string;
  /** A predefined role that grants it, e.g. `roles/run.viewer`. */
  role: string;
  project: string;
}

export function toProviderError(err: unknown, call: GcpCall, credentials: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = (err ?? {}) as { code?: unknown; details?: unknown; message?: unknown; status?: unknown };
  const code = typeof e.code === 'number' ? e.code : undefined;
  const detail = String(e.details ?? e.message ?? err).split('\n')[0]!.replace(/^\d+ [A-Z_]+: /, '');
  // REST transport reports HTTP statuses instead of gRPC codes.
  const http = code !== undefined && code >= 100 ? code : undefined;
  const is = (grpc: number, httpStatus: number) => code === grpc || http === httpStatus;
  if (is(GRPC.UNAUTHENTICATED, 401) || /Could not load the default credentials|invalid_grant|invalid_rapt|reauth|Unable to read the credential file|Unable to detect a Project Id/i.test(detail)) {
    return new ProviderError(PROVIDER, 'credentials', `no usable Google credentials to ${call.what} (tried ${credentials}): ${detail}`, {
      hint: 'run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, then retry',
      cause: err,
    });
  }
  if (is(GRPC.PERMISSION_DENIED, 403)) {
    return new ProviderError(PROVIDER, 'access-denied', `permission ${call.permission} denied to ${call.what} (credentials: ${credentials}): ${detail}`, {
      hint: `grant ${call.role} (or a role with ${call.permission}) on project ${call.project} to that identity`,
      cause: err,
    });
  }
  if (is(GRPC.NOT_FOUND, 404)) {
    return new ProviderError(PROVIDER, 'not-found', `cannot ${call.what}: not found (${detail})`, {
      hint: `check project, region and service: \`gcloud run services list --project ${call.project}\``,
      cause: err,
    });
  }
  if (is(GRPC.RESOURCE_EXHAUSTED, 429)) return new ProviderError(PROVIDER, 'throttled', `quota exceeded to ${call.what}: ${detail}`, { cause: err });
  if (is(GRPC.UNAVAILABLE, 503) || is(GRPC.DEADLINE_EXCEEDED, 504) || code === GRPC.INTERNAL || code === GRPC.UNKNOWN || code === GRPC.CANCELLED || (http !== undefined && http >= 500)) {
    return new ProviderError(PROVIDER, 'unavailable', `could not ${call.what}: ${detail}`, { cause: err });
  }
  if (is(GRPC.INVALID_ARGUMENT, 400) || code === GRPC.FAILED_PRECONDITION) {
    return new ProviderError(PROVIDER, 'config', `the API rejected the request to ${call.what}: ${detail}`, { cause: err });
  }
  return new ProviderError(PROVIDER, 'unavailable', `could not ${call.what}: ${detail}`, { cause: err });
}
