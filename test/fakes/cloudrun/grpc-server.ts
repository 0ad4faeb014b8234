/**
 * Cloud Run Admin API v2 (`Services.GetService`), Cloud Monitoring v3
 * (`MetricService.ListTimeSeries`) and Cloud Logging v2 (`LoggingServiceV2.ListLogEntries`) over
 * insecure gRPC on 127.0.0.1, built from the protos shipped in @google-cloud/run,
 * @google-cloud/monitoring and @google-cloud/logging-api, serving a FakeCloudRun.
 * ListLogEntries serves the system log's lines once visible, honouring the filter's logName,
 * service and `timestamp>=`, oldest first, `pageSize` per page.
 * ListTimeSeries honours the filter's metric type and service, the interval, the aligner
 * (ALIGN_MEAN / ALIGN_RATE / ALIGN_PERCENTILE_* give doubles, else raw kinds), groupBy state,
 * only shows buckets whose visibility delay has passed (and the platform's unkind modes), newest point first, one series per
 * page (so the client's auto-pagination is exercised).
 * Faults: UNAUTHENTICATED (expired credentials), PERMISSION_DENIED per method, UNAVAILABLE.
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { FakeCloudRun } from './platform.js';
import { FakePlatformClock, type PlatformClockOptions } from '../shared/platform-clock.js';

const require = createRequire(import.meta.url);
const LOAD = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

type Handler = (call: { request: any; metadata: grpc.Metadata }, cb: (err: Partial<grpc.StatusObject> | null, value?: unknown) => void) => void;

export type FakeMethod = 'getService' | 'listTimeSeries' | 'listLogEntries';

export class FakeGoogleApis {
  readonly platform: FakeCloudRun;
  readonly #server = new grpc.Server();
  readonly calls: Array<{ method: FakeMethod; request: any }> = [];
  readonly faults = {
    unauthenticated: false,
    permissionDenied: new Set<FakeMethod>(),
    /** Fail this many next Admin API / Monitoring calls with UNAVAILABLE (the log has its own). */
    unavailable: 0,
  };
  endpoint = '';
  /** Google's clock (clockOffsetMs / clockStep): what the APIs serve is stamped with it; the truth stays on ours. */
  readonly clock: FakePlatformClock;
  /**
   * Unkind modes (test/fakes/README.md, "Unkind modes"); set before the provider reads.
   * - `logReadsPerMinute`: Cloud Logging's entries.list read quota, per project per (model)
   *   minute (60 s / timeScale real), answered RESOURCE_EXHAUSTED beyond it: 60 entries.list
   *   requests per minute per Google Cloud project (https://cloud.google.com/logging/quotas; not
   *   verified against the live page: searched the docs and pages corpora, whose copies stop
   *   before the Logging API table), shared with every console user. Default 60;
   *   0: no quota.
   * - `throttle`: a token bucket over GetService and ListTimeSeries answering
   *   RESOURCE_EXHAUSTED ("Quota exceeded"), as Google APIs do past a rate quota
   *   (https://cloud.google.com/apis/design/errors#handling_errors: RESOURCE_EXHAUSTED, "Either
   *   out of resource quota or reaching rate limiting"). Default false.
   * Pagination is always on: ListTimeSeries one series per page, ListLogEntries 3 entries.
   */
  readonly unkind: { logReadsPerMinute: number; throttle: { burst: number; refillPerSec: number } | false } = { logReadsPerMinute: 60, throttle: false };
  /** Calls refused with RESOURCE_EXHAUSTED, by method. */
  readonly exhausted = { listLogEntries: 0, other: 0 };
  readonly #logReads: number[] = [];
  #tokens = NaN;
  #tokensAt = Date.now();

  constructor(platform: FakeCloudRun, clock: PlatformClockOptions = {}) {
    this.platform = platform;
    this.clock = new FakePlatformClock(clock);
    const runPkg = grpc.loadPackageDefinition(protoLoader.fromJSON(require('@google-cloud/run/build/protos/protos.json'), LOAD)) as any;
    const monPkg = grpc.loadPackageDefinition(protoLoader.fromJSON(require('@google-cloud/monitoring/build/protos/protos.json'), LOAD)) as any;
    this.#server.addService(runPkg.google.cloud.run.v2.Services.service, { getService: this.#guard('getService', (call, cb) => this.#getService(call, cb)) });
    this.#server.addService(monPkg.google.monitoring.v3.MetricService.service, { listTimeSeries: this.#guard('listTimeSeries', (call, cb) => this.#listTimeSeries(call, cb)) });
    const logPkg = grpc.loadPackageDefinition(protoLoader.fromJSON(require('@google-cloud/logging-api/build/protos/protos.json'), LOAD)) as any;
    this.#server.addService(logPkg.google.logging.v2.LoggingServiceV2.service, { listLogEntries: this.#guard('listLogEntries', (call, cb) => this.#listLogEntries(call, cb)) });
  }

  async start(): Promise<string> {
    const port = await new Promise<number>((resolve, reject) => this.#server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    this.endpoint = `127.0.0.1:${port}`;
    return this.endpoint;
  }

  async stop(): Promise<void> {
    this.#server.forceShutdown();
  }

  #guard(method: FakeMethod, h: Handler): Handler {
    return (call, cb) => {
      this.calls.push({ method, request: call.request });
      // Google's front ends answer with a `date` header, in the initial metadata of a gRPC answer.
      const md = new grpc.Metadata();
      md.set('date', this.clock.dateHeader());
      (call as { sendMetadata?: (m: grpc.Metadata) => void }).sendMetadata?.(md);
      if (this.faults.unauthenticated) {
        return cb({
          code: grpc.status.UNAUTHENTICATED,
          details: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        });
      }
      if (this.faults.permissionDenied.has(method)) {
        const what =
          method === 'getService'
            ? `Permission 'run.services.get' denied on resource '${call.request.name}' (or resource may not exist).`
            : method === 'listTimeSeries'
              ? 'Permission monitoring.timeSeries.list denied (or the resource may not exist).'
              : "Permission 'logging.logEntries.list' denied on resource (or it may not exist).";
        return cb({ code: grpc.status.PERMISSION_DENIED, details: what });
      }
      const exhausted = this.#exhausted(method);
      if (exhausted) return cb({ code: grpc.status.RESOURCE_EXHAUSTED, details: exhausted });
      if (this.faults.unavailable > 0 && method !== 'listLogEntries') {
        this.faults.unavailable--;
        return cb({ code: grpc.status.UNAVAILABLE, details: 'The service is currently unavailable.' });
      }
      h(call, cb);
    };
  }

  /** The quota message when this call is refused (see `unkind`), else undefined. */
  #exhausted(method: FakeMethod): string | undefined {
    const now = Date.now();
    if (method === 'listLogEntries') {
      const limit = this.unkind.logReadsPerMinute;
      if (!limit) return undefined;
      const minute = 60_000 / this.platform.o.timeScale; // a model minute, in real ms
      while (this.#logReads.length && this.#logReads[0]! <= now - minute) this.#logReads.shift();
      if (this.#logReads.length >= limit) {
        this.exhausted.listLogEntries++;
        return `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'logging.googleapis.com' for consumer 'project_number:${this.platform.o.project}'.`;
      }
      this.#logReads.push(now);
      return undefined;
    }
    const bucket = this.unkind.throttle;
    if (!bucket) return undefined;
    if (Number.isNaN(this.#tokens)) this.#tokens = bucket.burst;
    this.#tokens = Math.min(bucket.burst, this.#tokens + ((now - this.#tokensAt) / 1000) * bucket.refillPerSec);
    this.#tokensAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return undefined;
    }
    this.exhausted.other++;
    return `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service '${method === 'getService' ? 'run' : 'monitoring'}.googleapis.com'.`;
  }

  #getService: Handler = (call, cb) => {
    if (call.request.name !== this.platform.name) {
      return cb({ code: grpc.status.NOT_FOUND, details: `Resource '${call.request.name}' was not found` });
    }
    cb(null, this.platform.service());
  };

  #listLogEntries: Handler = (call, cb) => {
    const r = call.request;
    const p = this.platform;
    if (!(r.resourceNames ?? []).includes(`projects/${p.o.project}`)) return cb({ code: grpc.status.INVALID_ARGUMENT, details: 'resource_names must name the project' });
    const filter: string = r.filter ?? '';
    const logName = /logName="([^"]+)"/.exec(filter)?.[1];
    const svc = /resource\.labels\.service_name="([^"]+)"/.exec(filter)?.[1];
    const since = /timestamp>="([^"]+)"/.exec(filter)?.[1];
    const sinceWall = since ? this.clock.toOurs(Date.parse(since)) : -Infinity;
    if (since && Number.isNaN(sinceWall)) return cb({ code: grpc.status.INVALID_ARGUMENT, details: `Unparseable timestamp: "${since}"` });
    const now = Date.now();
    const mine = logName === `projects/${p.o.project}/logs/run.googleapis.com%2Fvarlog%2Fsystem` && svc === p.o.service;
    const lines = mine ? p.systemLog.filter((l) => l.visibleAt <= now && l.atWall >= sinceWall) : [];
    const ts = (ourMs: number) => {
      const ms = this.clock.toPlatform(ourMs);
      return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
    };
    const resource = { type: 'cloud_run_revision', labels: { project_id: p.o.project, service_name: p.o.service, location: p.o.region, configuration_name: p.o.service, revision_name: `${p.o.service}-00003-kex` } };
    // Like the real API, a page may hold fewer entries than asked for: 3 at most here, so the
    // client's auto-pagination is exercised.
    if (Number(r.pageSize) > 1000 || Number(r.pageSize) < 0) return cb({ code: grpc.status.INVALID_ARGUMENT, details: 'page_size must be between 0 and 1000' });
    const size = Math.min(3, Number(r.pageSize) || 50);
    const from = Number(r.pageToken || 0);
    const page = lines.slice(from, from + size).map((l) => ({
      logName,
      resource,
      textPayload: l.text,
      timestamp: ts(l.atWall),
      receiveTimestamp: ts(l.visibleAt),
      severity: 'INFO',
      insertId: l.insertId,
      labels: { instanceId: l.instanceId },
    }));
    cb(null, { entries: page, nextPageToken: from + size < lines.length ? String(from + size) : '' });
  };

  #listTimeSeries: Handler = (call, cb) => {
    const r = call.request;
    const p = this.platform;
    if (r.name !== `projects/${p.o.project}`) return cb({ code: grpc.status.NOT_FOUND, details: `Project ${r.name} not found` });
    const type = /metric\.type="([^"]+)"/.exec(r.filter ?? '')?.[1];
    const svc = /resource\.labels\.service_name="([^"]+)"/.exec(r.filter ?? '')?.[1];
    if (!type) return cb({ code: grpc.status.INVALID_ARGUMENT, details: 'The filter must name a metric type' });
    const aligner: string = r.aggregation?.perSeriesAligner ?? 'ALIGN_NONE';
    const from = this.clock.toOurs(Number(r.interval?.startTime?.seconds ?? 0) * 1000);
    const to = this.clock.toOurs(Number(r.interval?.endTime?.seconds ?? 0) * 1000 + 999);
    const now = Date.now();
    const buckets = svc === p.o.service ? p.servedBuckets(now).filter((b) => b.endWall > from && b.startWall < to && b.visibleAt <= now) : [];
    const ts = (ourMs: number) => {
      const ms = this.clock.toPlatform(ourMs);
      return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
    };
    const interval = (b: { startWall: number; endWall: number }) => ({ startTime: ts(b.startWall), endTime: ts(b.endWall) });
    const resource = { type: 'cloud_run_revision', labels: { project_id: p.o.project, service_name: p.o.service, location: p.o.region, configuration_name: p.o.service, revision_name: `${p.o.service}-00003-kex` } };
    const newestFirst = <T extends { endWall: number }>(xs: T[]) => [...xs].sort((a, b) => b.endWall - a.endWall);
    const doubles = aligner === 'ALIGN_MEAN' || aligner === 'ALIGN_RATE' || aligner.startsWith('ALIGN_PERCENTILE');
    const series: unknown[] = [];
    if (type === 'run.googleapis.com/container/instance_count') {
      const grouped = (r.aggregation?.groupByFields ?? []).includes('metric.labels.state');
      const active = newestFirst(buckets.filter((b) => b.active + b.idle > 0));
      const idle = newestFirst(buckets.filter((b) => b.idle > 0 && b.idleVisibleAt <= now));
      const mk = (state: string, list: typeof buckets, get: (b: (typeof buckets)[number]) => number) => ({
        metric: { type, labels: grouped ? { state } : {} },
        resource,
        metricKind: 'GAUGE',
        valueType: 'INT64',
        points: list.map((b) => ({ interval: interval(b), value: { int64Value: String(get(b)) } })),
      });
      if (active.length) series.push(mk('active', active, (b) => b.active));
      if (idle.length) series.push(mk('idle', idle, (b) => b.idle));
    } else if (type === 'run.googleapis.com/container/cpu/utilizations') {
      const list = newestFirst(buckets.filter((b) => b.cpu !== undefined));
      if (list.length) {
        series.push({
          metric: { type, labels: {} },
          resource,
          metricKind: 'DELTA',
          valueType: doubles ? 'DOUBLE' : 'DISTRIBUTION',
          points: list.map((b) => ({ interval: interval(b), value: doubles ? { doubleValue: b.cpu } : { distributionValue: { count: '10', mean: b.cpu } } })),
        });
      }
    } else if (type === 'run.googleapis.com/request_count' || type === 'run.googleapis.com/request_latencies') {
      const isCount = type.endsWith('request_count');
      const list = newestFirst(buckets.filter((b) => b.requestRate > 0));
      if (list.length) {
        series.push({
          metric: { type, labels: isCount ? { response_code_class: '2xx' } : {} },
          resource,
          metricKind: 'DELTA',
          valueType: doubles ? 'DOUBLE' : isCount ? 'INT64' : 'DISTRIBUTION',
          points: list.map((b) => ({ interval: interval(b), value: { doubleValue: isCount ? b.requestRate : b.p95LatencyMs } })),
        });
      }
    }
    const page = Number(r.pageToken || 0);
    cb(null, { timeSeries: series.slice(page, page + 1), nextPageToken: page + 1 < series.length ? String(page + 1) : '', executionErrors: [], unit: '' });
  };
}
