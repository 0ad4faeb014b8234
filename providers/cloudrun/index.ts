/**
 * The `cloud-run` provider: a Cloud Run service's scaling settings from the Admin API v2, and
 * what it did from Cloud Monitoring (instances active/idle, CPU, requests). Monitoring samples
 * every 60 s and shows points minutes late, so every read re-reads the last `lookback`, places
 * each point at its own timestamp, emits it once (again only if late data changed it), and
 * `metricDelayMs` tells the run to keep observing until the delayed points have arrived.
 * With `logs` (the default) it also reads the system log in Cloud Logging for each instance's
 * start and STARTUP-probe success (logs.ts): the only per-instance times Cloud Run publishes.
 * Credentials: Application Default Credentials (or a key file); `insecure` is for emulators.
 */
import * as grpc from '@grpc/grpc-js';
import { LoggingServiceV2Client } from '@google-cloud/logging-api';
import { MetricServiceClient } from '@google-cloud/monitoring';
import { ServicesClient } from '@google-cloud/run';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { ProviderError } from '../../src/errors.js';
import type { HasMetricDelay, HasServerClock, PlatformClock, PlatformEvent, PlatformSample, Provider, ProviderContext, ProviderFactory, TargetDescription } from '../../src/provider.js';
import { grpcDateOptions, PlatformServerClock } from '../server-clock.js';
import {
  METRICS,
  PROVIDER,
  cpuSamples,
  instanceSamples,
  metricFilter,
  requestEvents,
  sampleKey,
  scalingConfig,
  serviceName,
  serviceWarnings,
  toProviderError,
  type GcpCall,
  type Service,
  type TimeSeries,
} from './map.js';
import { instanceEvent, systemLogFilter, type LogEntry } from './logs.js';
import type { CloudRunSettings } from './settings.js';

export { cloudRunSettingsSchema } from './settings.js';

type Aggregation = { perSeriesAligner: string; crossSeriesReducer: string; groupByFields?: string[] };

const QUERIES = {
  instances: { metric: METRICS.instances, aggregation: { perSeriesAligner: 'ALIGN_MAX', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['metric.labels.state'] } },
  cpu: { metric: METRICS.cpu, aggregation: { perSeriesAligner: 'ALIGN_MEAN', crossSeriesReducer: 'REDUCE_MEAN' } },
  requests: { metric: METRICS.requests, aggregation: { perSeriesAligner: 'ALIGN_RATE', crossSeriesReducer: 'REDUCE_SUM' } },
  latencies: { metric: METRICS.latencies, aggregation: { perSeriesAligner: 'ALIGN_PERCENTILE_95', crossSeriesReducer: 'REDUCE_MAX' } },
} satisfies Record<string, { metric: string; aggregation: Aggregation }>;

function splitEndpoint(endpoint: string): { apiEndpoint: string; port?: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(endpoint);
  const host = (m?.[1] ?? endpoint).replace(/^\[|\]$/g, '');
  return m?.[2] ? { apiEndpoint: host, port: Number(m[2]) } : { apiEndpoint: host };
}

/** Pages of system-log lines per read (1000 lines each): a read never runs away on a busy log. */
const MAX_LOG_PAGES = 20;

export const createCloudRunProvider: ProviderFactory<CloudRunSettings> = (settings, ctx) => new CloudRunProvider(settings, ctx);

export class CloudRunProvider implements Provider, HasMetricDelay, HasServerClock {
  readonly name = PROVIDER;
  readonly metricDelayMs: number;
  readonly #s: CloudRunSettings;
  readonly #ctx: ProviderContext;
  readonly #run: ServicesClient;
  readonly #mon: MetricServiceClient;
  readonly #logs: LoggingServiceV2Client | null;
  readonly #credentials: string;
  readonly #name: string;
  /** key -> value of every sample already returned (emit once, again only if changed). */
  readonly #emitted = new Map<string, string>();
  #requestEvents: PlatformEvent[] = [];
  /** Instance events from the system log, by id; re-read over `lookback` because logs arrive late. */
  readonly #logEvents = new Map<string, PlatformEvent>();
  /** Why the system log is not read (permission denied), once known. */
  #logsOff: string | null = null;
  #logsFailing = false;
  /** When the system log was last read (wall ms), and until when its read quota keeps it paused. */
  #lastLogReadAt = -Infinity;
  #logsPausedUntil = -Infinity;
  #logQuotaWarned = false;
  #closed = false;
  /** Google's clock from the `date` header of each gRPC answer; metric points and log lines are on it. */
  readonly #serverClock: PlatformServerClock;

  constructor(settings: CloudRunSettings, ctx: ProviderContext) {
    this.#s = settings;
    this.#ctx = ctx;
    this.metricDelayMs = settings.metric_delay;
    this.#name = serviceName(settings.project, settings.region, settings.service);
    const runEndpoint = settings.endpoint ? splitEndpoint(settings.endpoint) : {};
    const monEndpoint = settings.monitoring_endpoint ? splitEndpoint(settings.monitoring_endpoint) : runEndpoint;
    const logEndpoint = settings.logging_endpoint ? splitEndpoint(settings.logging_endpoint) : runEndpoint;
    this.#serverClock = new PlatformServerClock(ctx.clock, 'http-date:google-cloud');
    const clockOptions = grpcDateOptions(this.#serverClock, grpc);
    if (settings.insecure) {
      // Emulator mode: plaintext, and a static token so the SDK never looks for credentials
      // (no ADC lookup, no metadata-server probe).
      const authClient = new OAuth2Client();
      authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 365 * 24 * 3600e3 });
      const common = { sslCreds: grpc.credentials.createInsecure(), authClient, ...clockOptions };
      this.#run = new ServicesClient({ ...common, ...runEndpoint });
      this.#mon = new MetricServiceClient({ ...common, ...monEndpoint });
      this.#logs = settings.logs ? new LoggingServiceV2Client({ ...common, ...logEndpoint }) : null;
      this.#credentials = `none (insecure emulator mode, ${settings.endpoint})`;
    } else {
      const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'], ...(settings.credentials_file ? { keyFilename: settings.credentials_file } : {}) });
      this.#run = new ServicesClient({ auth, ...clockOptions, ...runEndpoint });
      this.#mon = new MetricServiceClient({ auth, ...clockOptions, ...monEndpoint });
      this.#logs = settings.logs ? new LoggingServiceV2Client({ auth, ...clockOptions, ...logEndpoint }) : null;
      const gac = ctx.env.GOOGLE_APPLICATION_CREDENTIALS;
      this.#credentials = settings.credentials_file
        ? `the service-account key ${settings.credentials_file} (settings.credentials_file)`
        : `Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS (${gac ? gac : 'not set'}), then gcloud's application_default_credentials.json, then the metadata server's service account`;
    }
  }

  #call(what: string, permission: string, role: string): GcpCall {
    return { what, permission, role, project: this.#s.project };
  }

  async #getService(signal?: AbortSignal): Promise<Service> {
    signal?.throwIfAborted();
    try {
      const [svc] = await this.#run.getService({ name: this.#name }, { timeout: 20_000, maxRetries: 0 });
      return svc as Service;
    } catch (err) {
      throw toProviderError(err, this.#call(`read Cloud Run service ${this.#name}`, 'run.services.get', 'roles/run.viewer'), this.#credentials);
    }
  }

  async #series(q: { metric: string; aggregation: Aggregation }, startWall: number, endWall: number, signal?: AbortSignal): Promise<TimeSeries[]> {
    signal?.throwIfAborted();
    const sec = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: 0 });
    try {
      const [series] = await this.#mon.listTimeSeries(
        {
          name: `projects/${this.#s.project}`,
          filter: metricFilter(q.metric, this.#s.service, this.#s.region),
          interval: { startTime: sec(startWall), endTime: sec(endWall) },
          aggregation: { alignmentPeriod: { seconds: Math.max(1, Math.round(this.#s.alignment_period / 1000)) }, ...q.aggregation } as never,
          view: 'FULL',
        },
        // No SDK retries: the poller reads again at the next interval, and records a gap meanwhile.
        { timeout: 20_000, maxRetries: 0 },
      );
      return series as TimeSeries[];
    } catch (err) {
      throw toProviderError(err, this.#call(`read ${q.metric} from Cloud Monitoring in project ${this.#s.project}`, 'monitoring.timeSeries.list', 'roles/monitoring.viewer'), this.#credentials);
    }
  }

  /**
   * Reads the system log's instance lines since `sinceWall` into #logEvents. Never throws: the
   * log only sharpens what Monitoring shows, so without it the run goes on per minute. Denied
   * access turns it off with one warning; other failures are retried at the next poll.
   */
  /**
   * The system log during the run: at most every `log_interval` (its read quota is per project
   * per minute, shared with the console), and not before the minute after a quota refusal.
   */
  async #readLogsSparingly(sinceWall: number, now: number, signal?: AbortSignal): Promise<void> {
    if (now - this.#lastLogReadAt < this.#s.log_interval || now < this.#logsPausedUntil) return;
    this.#lastLogReadAt = now;
    await this.#readLogs(sinceWall, signal);
  }

  async #readLogs(sinceWall: number, signal?: AbortSignal, quiet = false): Promise<void> {
    if (!this.#logs || this.#logsOff || signal?.aborted) return;
    try {
      type ListRequest = Parameters<LoggingServiceV2Client['listLogEntries']>[0];
      let request: ListRequest | null | undefined = {
        resourceNames: [`projects/${this.#s.project}`],
        filter: systemLogFilter(this.#s.project, this.#s.service, this.#s.region, sinceWall),
        orderBy: 'timestamp asc',
        pageSize: 1000,
      };
      // Page by hand: a bounded number of pages per read (the next read continues the window).
      for (let page = 0; request && page < MAX_LOG_PAGES; page++) {
        signal?.throwIfAborted();
        const [entries, next]: [unknown[], ListRequest | null | undefined, unknown] = await this.#logs.listLogEntries(request, { timeout: 20_000, maxRetries: 0, autoPaginate: false });
        for (const entry of entries) {
          const event = instanceEvent(entry as LogEntry);
          if (event?.id) this.#logEvents.set(event.id, this.#toOurs(event));
        }
        request = next;
      }
      for (const [id, e] of this.#logEvents) if (e.atWall < sinceWall) this.#logEvents.delete(id);
      if (this.#logsFailing) this.#ctx.log.info('Cloud Logging readable again');
      this.#logsFailing = false;
    } catch (err) {
      if (signal?.aborted) return; // the poll was cut short: not a failure of the log
      const e = toProviderError(err, this.#call(`read the Cloud Run system log from Cloud Logging in project ${this.#s.project}`, 'logging.logEntries.list', 'roles/logging.viewer'), this.#credentials);
      if (e.kind === 'throttled') {
        // The read quota is per minute: try again in the next one (4 intervals: a minute by
        // default), and say so once.
        this.#logsPausedUntil = this.#ctx.clock.wallNow() + 4 * this.#s.log_interval;
        if (!this.#logQuotaWarned && !quiet) this.#ctx.log.warn(`Cloud Logging read quota reached (${e.message}); the system log is read again after ${Math.round((4 * this.#s.log_interval) / 1000)}s, and scale-up times may stay per minute meanwhile`);
        this.#logQuotaWarned ||= !quiet;
      } else if (e.kind === 'access-denied') {
        this.#logsOff = `${e.message.replace(/\.+$/, '')}. Scale-up times stay per minute; ${e.hint ?? 'set logs: false to stop trying'}`;
        // describe() shows it among its warnings; a read during the run says it once here.
        if (!quiet) this.#ctx.log.warn(this.#logsOff);
      } else if (!this.#logsFailing) {
        this.#logsFailing = true;
        this.#ctx.log.warn(`${e.message} (retried at the next poll)`);
      }
    }
  }

  async describe(signal: AbortSignal): Promise<TargetDescription> {
    const now = this.#ctx.clock.wallNow();
    // Try both APIs, so a missing permission on each is reported together.
    const [svc, instances] = await Promise.allSettled([
      this.#getService(signal),
      this.#series(QUERIES.instances, now - this.#s.lookback, now, signal),
      this.#readLogs(now - this.#s.lookback, signal, true),
    ]);
    const failures = [svc, instances].flatMap((r) => (r.status === 'rejected' ? [r.reason as ProviderError] : []));
    if (failures.length === 2 && failures.every((f) => f.kind === 'access-denied')) {
      throw new ProviderError(PROVIDER, 'access-denied', `missing permissions run.services.get (roles/run.viewer) and monitoring.timeSeries.list (roles/monitoring.viewer) on project ${this.#s.project} for ${this.#credentials}`, {
        hint: `grant roles/run.viewer and roles/monitoring.viewer on project ${this.#s.project} to that identity`,
        cause: failures[0],
      });
    }
    if (failures.length > 0) throw failures[0]!;
    const service = (svc as PromiseFulfilledResult<Service>).value;
    const series = (instances as PromiseFulfilledResult<TimeSeries[]>).value;
    const warnings = serviceWarnings(service, this.metricDelayMs, this.#logs !== null && this.#logsOff === null);
    if (this.#logsOff) warnings.push(this.#logsOff);
    if (series.length === 0) {
      warnings.push(`Cloud Monitoring has no instance_count points for ${this.#s.service} in the last ${Math.round(this.#s.lookback / 60_000)} min (no instance ran, or the points are not visible yet)`);
    }
    const scaling = scalingConfig(service, this.metricDelayMs);
    scaling.details = { ...scaling.details, service: this.#name, credentials: this.#credentials };
    const revision = service.latestReadyRevision?.split('/').pop();
    return {
      summary: `Cloud Run service ${this.#s.service} in project ${this.#s.project} (${this.#s.region})${revision ? `, revision ${revision}` : ''}`,
      scaling,
      warnings,
      ...(service.uri ? { serviceUrl: service.uri } : {}),
    };
  }

  /** Only what is new or changed since the last read. */
  #fresh(samples: PlatformSample[]): PlatformSample[] {
    return samples.filter((s) => {
      const { key, value } = sampleKey(s);
      if (this.#emitted.get(key) === value) return false;
      this.#emitted.set(key, value);
      if (this.#emitted.size > 50_000) this.#emitted.delete(this.#emitted.keys().next().value as string);
      return true;
    });
  }

  async sample(signal: AbortSignal): Promise<PlatformSample[]> {
    if (this.#closed) throw new ProviderError(PROVIDER, 'config', 'the provider is closed');
    const end = this.#ctx.clock.wallNow();
    const start = end - this.#s.lookback;
    const [inst, cpu, req, lat] = await Promise.all([
      this.#series(QUERIES.instances, start, end, signal),
      this.#series(QUERIES.cpu, start, end, signal),
      this.#series(QUERIES.requests, start, end, signal).catch(() => [] as TimeSeries[]),
      this.#series(QUERIES.latencies, start, end, signal).catch(() => [] as TimeSeries[]),
      this.#readLogsSparingly(start, end, signal),
    ]);
    const align = this.#s.alignment_period;
    this.#requestEvents = requestEvents(req, lat, align).map((e) => this.#toOurs(e));
    // Keyed on the platform's own times (stable across reads), then converted.
    return this.#fresh([...instanceSamples(inst, align), ...cpuSamples(cpu, align)]).map((s) => this.#toOurs(s));
  }

  /** Every Cloud Run time (metric point, log line) is Google's: on our clock, marked as such. */
  #toOurs<T extends { atWall: number }>(x: T): T {
    return { ...x, atWall: this.#serverClock.toOurs(x.atWall), platformStamped: true };
  }

  serverClockForRead(): PlatformClock | null {
    return this.#serverClock.forRead();
  }

  async events(sinceWall: number): Promise<PlatformEvent[]> {
    // Log lines may arrive minutes late, older than `sinceWall`: all of the lookback is
    // returned, and the poller drops the ids it already has.
    return [...this.#requestEvents.filter((e) => e.atWall >= sinceWall), ...this.#logEvents.values()];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([this.#run.close(), this.#mon.close(), this.#logs?.close()]);
  }
}
