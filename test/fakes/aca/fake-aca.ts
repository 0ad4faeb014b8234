/**
 * A fake Azure control plane for one container app on 127.0.0.1, over HTTPS with a throwaway
 * self-signed certificate (sdk-fakes.md §4, option B), serving what the real SDKs call:
 *
 *   GET  /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.App/containerApps/{app}
 *   GET  …/containerApps/{app}/revisions                  (paged through an absolute nextLink)
 *   GET  …/containerApps/{app}/revisions/{rev}/replicas
 *   POST /subscriptions/{s}/metrics:getBatch              (Azure Monitor metrics batch API)
 *
 * It also runs the app: an APP endpoint (CapacityApp, plain HTTP) whose capacity follows the
 * ready replicas, scaled by src/scaling-models/aca-scale-rules.ts every `httpIntervalMs`. Time
 * is compressed by configuration (15 s -> 500 ms, 300 s -> a few s); metric points are real
 * 1-minute grains, so a seconds-long test sees the current minute revised as it fills, plus
 * seeded history.
 *
 * Unkind Azure Monitor modes (`unkind`, see test/fakes/README.md, shared/unkind-points.ts):
 *   partialCurrentPeriod  ON by default (what this fake always did): the minute still filling is
 *                         served `metricDelayMs` after it began, its maximum and average so far;
 *                         off, a minute is served only `metricDelayMs` after it ended.
 *   latePoints            a minute's point appears only `afterMs` after the minute ended.
 *   revisedPoints         a minute is first served with a provisional value, corrected later.
 * What they follow: Microsoft's metric-chart troubleshooting guide: "A drop in sums or counts can
 * mislead you when the chart shows the most-recent minutes because Azure hasn't received or
 * processed the last metric data points yet." (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/metrics-troubleshoot#chart-shows-unexpected-drop-in-values,
 * read in the MicrosoftDocs/azure-docs source of that page); a user querying PT1M points found the newest two
 * minutes served as 0 and, "if I go 2 minutes into the future and query the same time interval
 * again, then the time interval which originally had 0 in it now has a different value"
 * (https://github.com/Azure/azure-libraries-for-net/issues/499); and "Azure Monitor is an
 * eventually consistent metrics API, Azure Monitor takes few minutes (late aggregations) to make
 * the latest data-points available" (https://docs.dynatrace.com/docs/ingest-from/microsoft-azure-services/ingest-telemetry/azure-monitor-metrics-pp).
 *
 * Ground truth for tests: `decisions` and `readiness`.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { CapacityApp, readBody, type CapacityAppOptions } from '../shared/capacity-app.js';
import { selfSignedCert } from '../shared/self-signed.js';
import { servedValue, visibleAt, type UnkindPointModes } from '../shared/unkind-points.js';
import { FakePlatformClock, type PlatformClockOptions } from '../shared/platform-clock.js';
import { acaScaleSpec, acaScaleStep, initialAcaScaleState, type AcaRule, type AcaScaleState } from '../../../src/scaling-models/aca-scale-rules.js';

export type FakeAzureFault = 'not-found' | 'access-denied' | 'throttled' | 'bad-credentials' | 'server-error';
export type FakeAzureOp = 'app' | 'revisions' | 'replicas' | 'metrics' | '*';

export interface FakeAcaOptions {
  subscription?: string;
  resourceGroup?: string;
  app?: string;
  location?: string;
  minReplicas?: number;
  maxReplicas?: number;
  initialReplicas?: number;
  rules?: AcaRule[];
  httpIntervalMs?: number;
  pollingIntervalMs?: number;
  cooldownPeriodMs?: number;
  scaleDownStabilizationMs?: number;
  replicaStartMs?: number;
  metricDelayMs?: number;
  /** Minutes of metric history before the fake started. */
  historyMinutes?: number;
  cpuCores?: number;
  appOptions?: CapacityAppOptions;
  /** What real ARM / ACA does that a kind fake would not (test/fakes/README.md, "Unkind modes"). */
  /** What real ARM / ACA / Azure Monitor does that a kind fake would not (test/fakes/README.md, "Unkind modes"); the metric modes are also settable mid-test on `fake.unkind`. */
  unkind?: FakeAcaUnkind & UnkindPointModes;
}

/**
 * Unkind modes of the fake Azure control plane, each from the Azure documentation. Pagination:
 * the revisions list always comes in two pages behind an absolute nextLink (see #handle).
 */
export interface FakeAcaUnkind {
  /**
   * ARM's token bucket for reads, per subscription and region; an empty bucket answers 429 with
   * Retry-After (retryAfterSeconds; 0: no header). "Azure now employs a token bucket algorithm to
   * manage throttling." (https://azure.microsoft.com/updates/azure-resource-manager-throttling/);
   * reads: bucket size 250, refill 25 per second (not verified against the live English page:
   * searched the docs corpus; the table was read in its translated copies). "When you reach the
   * limit, you receive the HTTP status code **429 Too many requests**. The response includes a
   * **Retry-After** value, which specifies the number of seconds your application should wait
   * (or sleep) before sending the next request."
   * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
   * Default that bucket with Retry-After 5; false: off.
   */
  throttle?: { burst: number; refillPerSec: number; retryAfterSeconds: number } | false;
  /**
   * A replica removed by a scale-in stays in the replica list this long, runningState
   * NotRunning, its container Terminated and not ready. Container Apps shutdown (a scale-in is
   * one of its cases): "If your application doesn't respond within 30 seconds to the SIGTERM
   * message, then SIGKILL terminates your container."
   * (https://learn.microsoft.com/azure/container-apps/application-lifecycle-management#shutdown).
   * That the replica stays listed meanwhile is not on that page (not verified against the live
   * page: searched the docs and pages corpora).
   * Default 0.
   */
  lingerMs?: number;
}

export interface FakeAcaDecision {
  atWall: number;
  from: number;
  to: number;
  reason: string;
}

interface FakeReplica {
  name: string;
  createdAt: number;
  readyAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class FakeAca {
  readonly o: Required<Omit<FakeAcaOptions, 'unkind'>>;
  readonly app: CapacityApp;
  readonly decisions: FakeAcaDecision[] = [];
  readonly #readiness: { atWall: number; ready: number }[] = [];
  readonly requests: { method: string; path: string; auth?: string }[] = [];
  readonly cert = selfSignedCert();
  readonly #server: https.Server;
  #faults: { op: FakeAzureOp; fault: FakeAzureFault; times: number }[] = [];
  #replicas: FakeReplica[] = [];
  #desired: number;
  #state: AcaScaleState = initialAcaScaleState();
  #minutes = new Map<number, { maxReplicas: number; nanoCores: number[] }>();
  #timers: NodeJS.Timeout[] = [];
  #seq = 0;
  url = '';
  /** Unkind modes, defaults applied; requests refused with 429 (throttle). */
  readonly unkind: Required<FakeAcaUnkind> & UnkindPointModes;
  throttled = 0;
  #tokens = 0;
  #tokensAt = Date.now();
  /** Replicas a scale-in removed, listed until `until` (lingerMs). */
  #leaving: { replica: FakeReplica; until: number }[] = [];

  constructor(allOptions: FakeAcaOptions & PlatformClockOptions = {}) {
    const { clockOffsetMs, clockStep, ...options } = allOptions;
    this.o = {
      subscription: '00000000-0000-0000-0000-000000000001',
      resourceGroup: 'rg-demo',
      app: 'web',
      location: 'East US',
      minReplicas: 1,
      maxReplicas: 10,
      initialReplicas: 1,
      rules: [{ kind: 'http', concurrentRequests: 10 }],
      httpIntervalMs: 500,
      pollingIntervalMs: 1000,
      cooldownPeriodMs: 3000,
      scaleDownStabilizationMs: 3000,
      replicaStartMs: 400,
      metricDelayMs: 0,
      historyMinutes: 5,
      cpuCores: 0.5,
      appOptions: {},
      ...options,
    };
    this.unkind = { partialCurrentPeriod: true, throttle: { burst: 250, refillPerSec: 25, retryAfterSeconds: 5 }, lingerMs: 0, ...options.unkind };
    this.#tokens = this.unkind.throttle ? this.unkind.throttle.burst : 0;
    this.app = new CapacityApp(this.o.appOptions);
    this.#clock = new FakePlatformClock({ ...(clockOffsetMs === undefined ? {} : { clockOffsetMs }), ...(clockStep ? { clockStep } : {}) });
    this.#desired = this.o.initialReplicas;
    this.#server = https.createServer({ cert: this.cert.cert, key: this.cert.key }, (req, res) => void this.#handle(req, res));
  }

  /** Azure's clock (clockOffsetMs / clockStep): what it serves is stamped with it; the ground truth stays on ours. */
  readonly #clock: FakePlatformClock;
  /** An ARM / Monitor time: on Azure's clock, whole seconds. */
  #iso(ourMs: number): string {
    return iso(Math.floor(this.#clock.toPlatform(ourMs) / 1000) * 1000);
  }

  get appId(): string {
    return `/subscriptions/${this.o.subscription}/resourceGroups/${this.o.resourceGroup}/providers/Microsoft.App/containerApps/${this.o.app}`;
  }
  /**
   * Every change of the ready count, at the replica's own time (not the 25 ms tick's, which can
   * lag on a busy machine); brought up to date when read, so a test that saw `ready` reach a
   * count finds it recorded.
   */
  get readiness(): readonly { atWall: number; ready: number }[] {
    if (this.#timers.length > 0) this.#sync();
    return this.#readiness;
  }
  get ready(): number {
    return this.#replicas.filter((r) => r.readyAt <= Date.now()).length;
  }
  get desired(): number {
    return this.#desired;
  }

  inject(op: FakeAzureOp, fault: FakeAzureFault, times = Infinity): void {
    this.#faults.push({ op, fault, times });
  }

  async start(): Promise<void> {
    await this.app.start();
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    const now = Date.now();
    for (let i = 0; i < this.#desired; i++) this.#replicas.push({ name: this.#replicaName(), createdAt: now - 600_000, readyAt: now - 590_000 });
    for (let m = 1; m <= this.o.historyMinutes; m++) this.#minutes.set(Math.floor(now / 60_000) * 60_000 - m * 60_000, { maxReplicas: this.#desired, nanoCores: [0.05 * this.o.cpuCores * 1e9] });
    this.#sync();
    this.app.takeUsage();
    this.#timers.push(setInterval(() => this.#sync(), 25));
    this.#timers.push(setInterval(() => this.#evaluate(), this.o.httpIntervalMs));
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await this.app.close();
    fs.rmSync(path.dirname(this.cert.certFile), { recursive: true, force: true });
  }

  #replicaName(): string {
    return `${this.o.app}--rev2-${(++this.#seq).toString(36).padStart(6, '0')}`;
  }

  #sync(): void {
    const now = Date.now();
    const ready = this.ready;
    if (ready !== this.app.replicas) {
      const readySince = this.#replicas.map((r) => r.readyAt).filter((t) => t <= now);
      const atWall = ready > this.app.replicas && readySince.length > 0 ? Math.max(...readySince) : now;
      this.app.setReplicas(ready);
      this.#readiness.push({ atWall, ready });
    }
  }

  #evaluate(): void {
    const usage = this.app.takeUsage();
    const cpuPct = usage.utilization === undefined ? undefined : usage.utilization * 100;
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const m = this.#minutes.get(minute) ?? { maxReplicas: 0, nanoCores: [] };
    m.maxReplicas = Math.max(m.maxReplicas, this.#replicas.length);
    if (cpuPct !== undefined) m.nanoCores.push((cpuPct / 100) * this.o.cpuCores * 1e9);
    this.#minutes.set(minute, m);
    const spec = acaScaleSpec({
      minReplicas: this.o.minReplicas,
      maxReplicas: this.o.maxReplicas,
      rules: this.o.rules,
      httpIntervalMs: this.o.httpIntervalMs,
      pollingIntervalMs: this.o.pollingIntervalMs,
      cooldownPeriodMs: this.o.cooldownPeriodMs,
      scaleDownStabilizationMs: this.o.scaleDownStabilizationMs,
    });
    const d = acaScaleStep(spec, this.#state, { current: this.#desired, concurrency: usage.concurrency, cpuPct }, Date.now());
    this.#state = d.state;
    if (!d.rescale) return;
    const now = Date.now();
    this.decisions.push({ atWall: now, from: this.#desired, to: d.desired, reason: d.reason });
    this.#desired = d.desired;
    if (this.#replicas.length < d.desired) {
      // createdTime has whole seconds, like ARM's.
      const created = Math.floor(now / 1000) * 1000;
      while (this.#replicas.length < d.desired) this.#replicas.push({ name: this.#replicaName(), createdAt: created, readyAt: now + this.o.replicaStartMs });
    } else this.#leaving.push(...this.#replicas.splice(d.desired).map((replica) => ({ replica, until: now + this.unkind.lingerMs })));
    this.#sync();
  }

  #takeFault(op: FakeAzureOp): FakeAzureFault | undefined {
    const f = this.#faults.find((x) => (x.op === op || x.op === '*') && x.times > 0);
    if (!f) return undefined;
    f.times--;
    return f.fault;
  }

  #appJson(): unknown {
    return {
      id: this.appId,
      name: this.o.app,
      type: 'Microsoft.App/containerApps',
      location: this.o.location,
      properties: {
        provisioningState: 'Succeeded',
        runningStatus: 'Running',
        latestRevisionName: `${this.o.app}--rev2`,
        latestReadyRevisionName: `${this.o.app}--rev2`,
        configuration: { activeRevisionsMode: 'Single', ingress: { fqdn: `${this.o.app}.example.eastus.azurecontainerapps.io`, external: true, targetPort: 8080 } },
        template: {
          containers: [{ name: this.o.app, image: 'example/web:1', resources: { cpu: this.o.cpuCores, memory: '1Gi' } }],
          scale: {
            minReplicas: this.o.minReplicas,
            maxReplicas: this.o.maxReplicas,
            cooldownPeriod: Math.round(this.o.cooldownPeriodMs / 1000),
            pollingInterval: Math.max(1, Math.round(this.o.pollingIntervalMs / 1000)),
            rules: this.o.rules.map((r) =>
              r.kind === 'http' ? { name: 'http-rule', http: { metadata: { concurrentRequests: String(r.concurrentRequests) } } } : { name: 'cpu-rule', custom: { type: 'cpu', metadata: { type: 'Utilization', value: String(r.utilizationPct) } } },
            ),
          },
        },
      },
    };
  }

  #revision(name: string, active: boolean): unknown {
    return {
      id: `${this.appId}/revisions/${name}`,
      name,
      type: 'Microsoft.App/containerApps/revisions',
      properties: { createdTime: iso(Date.now() - 86_400_000), active, replicas: active ? this.#desired : 0, trafficWeight: active ? 100 : 0, healthState: active ? 'Healthy' : 'None', provisioningState: 'Provisioned', runningState: active ? 'Running' : 'Stopped' },
    };
  }

  #replicaJson(r: FakeReplica): unknown {
    const ready = r.readyAt <= Date.now();
    return {
      id: `${this.appId}/revisions/${this.o.app}--rev2/replicas/${r.name}`,
      name: r.name,
      type: 'Microsoft.App/containerApps/revisions/replicas',
      properties: { createdTime: this.#iso(r.createdAt), runningState: ready ? 'Running' : 'NotRunning', containers: [{ name: this.o.app, containerId: `c-${r.name}`, ready, started: ready, restartCount: 0, runningState: ready ? 'Running' : 'Waiting' }] },
    };
  }

  #metrics(body: { resourceids?: string[] }, q: URLSearchParams): unknown {
    const start = this.#clock.toOurs(Date.parse(q.get('starttime') ?? '') || 0);
    const end = this.#clock.toOurs(Date.parse(q.get('endtime') ?? '') || this.#clock.toPlatform(Date.now()));
    const names = (q.get('metricnames') ?? '').split(',');
    const now = Date.now();
    // A minute still filling shows `metricDelayMs` after it began (partial current period), else after it ended.
    const usualDelay = this.unkind.partialCurrentPeriod ? this.o.metricDelayMs - 60_000 : this.o.metricDelayMs;
    const minutes = [...this.#minutes.entries()].filter(([t]) => t >= start && t < end && visibleAt(this.unkind, t, t + 60_000, usualDelay) <= now).sort(([a], [b]) => a - b);
    const served = (name: string, t: number, v: number) => servedValue(this.unkind, name, t, t + 60_000, v, now);
    const metric = (name: string, localized: string, unit: string, point: (m: { maxReplicas: number; nanoCores: number[] }) => Record<string, number>) => ({
      id: `${this.appId}/providers/Microsoft.Insights/metrics/${name}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: name, localizedValue: localized },
      unit,
      errorCode: 'Success',
      timeseries: [{ metadatavalues: [], data: minutes.map(([t, m]) => ({ timeStamp: this.#iso(t), ...Object.fromEntries(Object.entries(point(m)).map(([k, v]) => [k, served(name, t, v)])) })) }],
    });
    const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const value = [
      names.includes('Replicas') ? metric('Replicas', 'Replica Count', 'Count', (m) => ({ maximum: m.maxReplicas, average: m.maxReplicas })) : null,
      names.includes('UsageNanoCores') ? metric('UsageNanoCores', 'CPU Usage', 'NanoCores', (m) => ({ average: avg(m.nanoCores), maximum: Math.max(0, ...m.nanoCores) })) : null,
    ].filter(Boolean);
    return {
      values: (body.resourceids ?? []).map((id) => ({ starttime: iso(start), endtime: iso(end), interval: 'PT1M', namespace: 'Microsoft.App/containerApps', resourceregion: 'eastus', resourceid: id, value })),
    };
  }

  async #handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const auth = String(req.headers.authorization ?? '');
    const raw = await readBody(req);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => void res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': `r${++this.#seq}`, date: this.#clock.dateHeader(), ...headers }).end(JSON.stringify(payload));
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}): void => send(status, { error: { code, message } }, headers);
    const base = `/subscriptions/${this.o.subscription}/resourceGroups/${this.o.resourceGroup}/providers/Microsoft.App/containerApps/`;
    const p = url.pathname;
    const op: FakeAzureOp | undefined = p.endsWith('/metrics:getBatch') ? 'metrics' : p.endsWith('/replicas') ? 'replicas' : p.endsWith('/revisions') ? 'revisions' : p.includes('/containerApps/') ? 'app' : undefined;
    if (!op) return error(404, 'InvalidResourceType', `no route for ${p}`);
    const action = { app: 'Microsoft.App/containerApps/read', revisions: 'Microsoft.App/containerApps/revisions/read', replicas: 'Microsoft.App/containerApps/revisions/replicas/read', metrics: 'Microsoft.Insights/metrics/read', '*': '' }[op];
    const fault = auth === 'Bearer bad-token' ? 'bad-credentials' : !auth.startsWith('Bearer ') ? 'bad-credentials' : this.#takeFault(op);
    if (fault === 'bad-credentials') return error(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (op !== 'metrics' && !this.#takeToken()) return this.#tooManyRequests(error);
    if (fault === 'access-denied')
      return error(403, 'AuthorizationFailed', `The client 'tester@example.com' with object id '0000' does not have authorization to perform action '${action}' over scope '${this.appId}' or the scope is invalid.`);
    if (fault === 'throttled') return error(429, 'TooManyRequests', 'Too many requests, retry later.', { 'retry-after': '7' });
    if (fault === 'server-error') return error(500, 'InternalServerError', 'internal failure');
    if (fault === 'not-found') return error(404, 'ResourceNotFound', `The Resource 'Microsoft.App/containerApps/${this.o.app}' under resource group '${this.o.resourceGroup}' was not found.`);

    if (op === 'metrics') return send(200, this.#metrics(raw ? JSON.parse(raw) : {}, url.searchParams));
    if (!p.startsWith(base)) return error(404, 'ResourceGroupNotFound', `Resource group '${p.split('/')[4]}' could not be found.`);
    const rest = p.slice(base.length).split('/');
    if (rest[0] !== this.o.app) return error(404, 'ResourceNotFound', `The Resource 'Microsoft.App/containerApps/${rest[0]}' under resource group '${this.o.resourceGroup}' was not found.`);
    if (op === 'app') return send(200, this.#appJson());
    if (op === 'revisions') {
      // Two pages: the retired revision first, the active one behind an absolute nextLink.
      if (url.searchParams.get('$skiptoken') === '2') return send(200, { value: [this.#revision(`${this.o.app}--rev2`, true)] });
      return send(200, { value: [this.#revision(`${this.o.app}--rev1`, false)], nextLink: `${this.url}${base}${this.o.app}/revisions?api-version=${url.searchParams.get('api-version')}&$skiptoken=2` });
    }
    if (rest[2] !== `${this.o.app}--rev2`) return send(200, { value: [] });
    return send(200, { value: [...this.#replicas.map((r) => this.#replicaJson(r)), ...this.#lingering().map((r) => this.#leavingJson(r))] });
  }

  // ---- Unkind modes (see FakeAcaUnkind) ----

  /** One token of ARM's read bucket, refilled by the time since the last read; false: throttled. */
  #takeToken(): boolean {
    const bucket = this.unkind.throttle;
    if (!bucket) return true;
    const now = Date.now();
    this.#tokens = Math.min(bucket.burst, this.#tokens + ((now - this.#tokensAt) / 1000) * bucket.refillPerSec);
    this.#tokensAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #tooManyRequests(error: (status: number, code: string, message: string, headers?: Record<string, string>) => void): void {
    this.throttled++;
    const ra = this.unkind.throttle ? this.unkind.throttle.retryAfterSeconds : 0;
    error(429, 'TooManyRequests', 'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00.', ra > 0 ? { 'retry-after': String(ra) } : {});
  }

  /** Removed replicas still listed (lingerMs). */
  #lingering(): FakeReplica[] {
    const now = Date.now();
    this.#leaving = this.#leaving.filter((l) => l.until > now);
    return this.#leaving.map((l) => l.replica);
  }

  /** A replica on its way out: listed, not running, its container terminated. */
  #leavingJson(r: FakeReplica): unknown {
    return {
      id: `${this.appId}/revisions/${this.o.app}--rev2/replicas/${r.name}`,
      name: r.name,
      type: 'Microsoft.App/containerApps/revisions/replicas',
      properties: { createdTime: this.#iso(r.createdAt), runningState: 'NotRunning', containers: [{ name: this.o.app, containerId: `c-${r.name}`, ready: false, started: true, restartCount: 0, runningState: 'Terminated' }] },
    };
  }
}
