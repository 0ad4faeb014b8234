/**
 * The `azure-container-apps` provider: one container app scaled by its scale rules (KEDA).
 *
 *   sample()   every poll: the revisions (replicas the scaler set per active revision) and
 *              the replicas of the active revisions (running state, container readiness);
 *              every metric_interval: Azure Monitor Replicas and UsageNanoCores (PT1M),
 *              re-reading metric_lookback because points arrive minutes late; each point
 *              leaves once, again only if Azure Monitor revised it.
 *   events()   what changed between reads: scale decisions (from/to, stamped at the first new
 *              replica's createdTime), replicas created, ready, gone.
 *   describe() template.scale (min/max, rules, cooldown, polling) -> ScalingConfig, warnings.
 */
import type { ContainerApp, Revision } from '@azure/arm-appcontainers';
import type { HasMetricDelay, HasServerClock, PlatformClock, PlatformEvent, PlatformSample, Provider, ProviderContext, TargetDescription } from '../../src/provider.js';
import { azureDatePolicy, PlatformServerClock } from '../server-clock.js';
import { ProviderError } from '../../src/errors.js';
import { PointDedupe } from '../ecs/point-dedupe.js';
import { createAcaClients, type AcaClients, type AcaDeps } from './clients.js';
import { acaScalingConfig } from './config-map.js';
import { toProviderError } from './errors.js';
import { activeRevisions, cpuCoresPerReplica, diffReads, monitorSamples, replicaSample, replicaView, type ReadState, type ReplicaView } from './map.js';
import type { AcaSettings } from './settings.js';

export type { AcaSettings } from './settings.js';

const ACTION = {
  app: 'Microsoft.App/containerApps/read',
  revisions: 'Microsoft.App/containerApps/revisions/read',
  replicas: 'Microsoft.App/containerApps/revisions/replicas/read',
  metrics: 'Microsoft.Insights/metrics/read',
} as const;

export class AcaProvider implements Provider, HasMetricDelay, HasServerClock {
  readonly name = 'azure-container-apps';
  readonly metricDelayMs: number;
  readonly #s: AcaSettings;
  readonly #ctx: ProviderContext;
  readonly #c: AcaClients;
  readonly #dedupe = new PointDedupe();
  #app: ContainerApp | undefined;
  #last: ReadState | undefined;
  #events: PlatformEvent[] = [];
  #lastMetricsAt = -Infinity;
  #replicasOn: boolean;
  #metricsOn = true;
  #warned = new Set<string>();
  /** Azure's clock from its answers' Date headers; createdTime and metric times are converted with it. */
  readonly #serverClock: PlatformServerClock;

  constructor(settings: AcaSettings, ctx: ProviderContext, deps: AcaDeps = {}) {
    this.#s = settings;
    this.#ctx = ctx;
    this.#serverClock = new PlatformServerClock(ctx.clock, 'http-date:azure');
    this.#c = createAcaClients(settings, ctx.env, deps, [azureDatePolicy(this.#serverClock)]);
    this.metricDelayMs = settings.metric_delay;
    this.#replicasOn = settings.replicas;
  }

  get #resourceId() {
    return this.#app?.id ?? `/subscriptions/${this.#s.subscription}/resourceGroups/${this.#s.resource_group}/providers/Microsoft.App/containerApps/${this.#s.app}`;
  }
  get #about() {
    return `container app ${this.#s.app} in resource group ${this.#s.resource_group} (subscription ${this.#s.subscription})`;
  }

  async #call<T>(action: string, endpoint: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toProviderError(err, { action, about: this.#about, endpoint }, this.#c.chain);
    }
  }

  async #getApp(signal: AbortSignal): Promise<ContainerApp> {
    this.#app = await this.#call(ACTION.app, this.#c.armEndpoint, () => this.#c.arm.containerApps.get(this.#s.resource_group, this.#s.app, { abortSignal: signal }));
    return this.#app;
  }

  async #revisions(signal: AbortSignal): Promise<Revision[]> {
    return this.#call(ACTION.revisions, this.#c.armEndpoint, async () => {
      const out: Revision[] = [];
      for await (const r of this.#c.arm.containerAppsRevisions.listRevisions(this.#s.resource_group, this.#s.app, { abortSignal: signal })) out.push(r);
      return out;
    });
  }

  async #replicas(revisions: readonly Revision[], signal: AbortSignal): Promise<ReplicaView[]> {
    return this.#call(ACTION.replicas, this.#c.armEndpoint, async () => {
      const lists = await Promise.all(
        activeRevisions(revisions).map(async (rev) => {
          const res = await this.#c.arm.containerAppsRevisionReplicas.listReplicas(this.#s.resource_group, this.#s.app, rev.name!, { abortSignal: signal });
          return res.value.map((r) => replicaView(r, rev.name!, (ms) => this.#serverClock.toOurs(ms)));
        }),
      );
      return lists.flat();
    });
  }

  async #metrics(signal: AbortSignal, lookbackMs = this.#s.metric_lookback): Promise<PlatformSample[]> {
    const { client, endpoint } = this.#c.metrics(this.#app?.location);
    // Azure Monitor reads the window on Azure's clock.
    const end = this.#serverClock.toPlatform(this.#ctx.clock.wallNow());
    const start = Math.floor((end - lookbackMs) / 60_000) * 60_000;
    const results = await this.#call(ACTION.metrics, endpoint, () =>
      client.queryResources([this.#resourceId], ['Replicas', 'UsageNanoCores'], 'Microsoft.App/containerApps', { startTime: new Date(start), endTime: new Date(end), interval: 'PT1M', aggregation: 'Maximum,Average' }),
    );
    void signal;
    // Azure Monitor's grains are on Azure's clock.
    return monitorSamples(results, this.#app ? cpuCoresPerReplica(this.#app) : undefined).map((s) => ({ ...s, atWall: this.#serverClock.toOurs(s.atWall), platformStamped: true }));
  }

  async describe(signal: AbortSignal): Promise<TargetDescription> {
    const app = await this.#getApp(signal);
    const { scaling, warnings } = acaScalingConfig(app);
    const revisions = await this.#revisions(signal);
    const soft = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        if (!(err instanceof ProviderError) || err.kind === 'credentials') throw err;
        warnings.push(`${err.message}${err.hint ? ` (${err.hint})` : ''}`);
        if (err.kind === 'access-denied' && what === 'replicas') this.#replicasOn = false;
        if (err.kind === 'access-denied' && what === 'metrics') this.#metricsOn = false;
      }
    };
    if (this.#replicasOn) await soft('replicas', () => this.#replicas(revisions, signal));
    await soft('metrics', () => this.#metrics(signal, 5 * 60_000));
    const active = activeRevisions(revisions);
    const ingress = app.configuration?.ingress;
    return {
      summary: `Container App ${this.#s.app} in resource group ${this.#s.resource_group} (${app.location ?? '?'}): ${active.map((r) => `${r.name} ${r.replicas ?? '?'} replicas`).join(', ') || 'no active revision'}`,
      scaling,
      warnings,
      ...(ingress?.fqdn && ingress.external ? { serviceUrl: `https://${ingress.fqdn}` } : {}),
    };
  }

  async sample(signal: AbortSignal): Promise<PlatformSample[]> {
    if (!this.#app) await this.#getApp(signal);
    const startWall = this.#ctx.clock.wallNow();
    const revisions = await this.#revisions(signal);
    let replicas: ReplicaView[] | undefined;
    if (this.#replicasOn) {
      try {
        replicas = await this.#replicas(revisions, signal);
      } catch (err) {
        this.#soft('replicas', err);
      }
    }
    const atWall = this.#ctx.clock.wallNow();
    const sample = replicaSample(revisions, replicas, atWall, atWall - startWall);
    const read: ReadState = { atWall, startedAtWall: startWall, desired: sample.desired ?? 0, replicas: replicas ? new Map(replicas.map((r) => [r.name, r])) : undefined };
    this.#events.push(...diffReads(this.#last, read));
    if (this.#events.length > 1000) this.#events.splice(0, this.#events.length - 1000);
    this.#last = read;
    const out = [sample];
    const now = this.#ctx.clock.now();
    if (this.#metricsOn && now - this.#lastMetricsAt >= this.#s.metric_interval) {
      this.#lastMetricsAt = now;
      try {
        out.push(...this.#dedupe.fresh(await this.#metrics(signal)));
      } catch (err) {
        this.#soft('metrics', err);
      }
    }
    return out;
  }

  /** A failed secondary read (replicas, metrics) is logged once, never fatal for the poll. */
  #soft(what: 'replicas' | 'metrics', err: unknown): void {
    const e = err instanceof ProviderError ? err : toProviderError(err, { action: what, about: this.#about, endpoint: '?' }, this.#c.chain);
    const off = e.kind === 'access-denied' || e.kind === 'credentials';
    if (off && what === 'replicas') this.#replicasOn = false;
    if (off && what === 'metrics') this.#metricsOn = false;
    const key = `${what}|${e.kind}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#ctx.log.warn(`${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}${off ? '; no longer reading it this run' : ''}`);
  }

  serverClockForRead(): PlatformClock | null {
    return this.#serverClock.forRead();
  }

  async events(sinceWall: number): Promise<PlatformEvent[]> {
    return this.#events.filter((e) => e.atWall >= sinceWall);
  }

  async close(): Promise<void> {
    this.#events = [];
  }
}

export function createAcaProvider(settings: AcaSettings, ctx: ProviderContext, deps?: AcaDeps): Provider {
  return new AcaProvider(settings, ctx, deps);
}
