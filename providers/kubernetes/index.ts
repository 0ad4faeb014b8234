/**
 * The `kubernetes` provider: a Deployment or StatefulSet scaled by a HorizontalPodAutoscaler on
 * any cluster (GKE, EKS, AKS, kind...). It WATCHES the HPA, the workload, its Pods and the HPA's Events
 * (list + watch from resourceVersion, resume after drops, relist on 410 Gone, poll when a
 * watch cannot be kept) and stamps every notification on arrival, since API times only have
 * 1 s precision. CPU/memory come from metrics.k8s.io every 15 s. `sample()` answers from the
 * watch caches: every change since the previous read, plus the state now.
 *
 * An HPA that scales another kind (an Argo Rollout, a ReplicaSet, any resource with a /scale
 * subresource) is followed in a "generic" mode (scale.ts): the target is found by API discovery
 * and read only through its Scale, as the HPA reads it (at every sample, source `k8s:scale`);
 * its pods are watched by the Scale's status.selector, and watched anew when that selector changes
 * mid-run. The workload itself is not watched.
 */
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../../src/log.js';
import { ProviderError } from '../../src/errors.js';
import type { HasServerClock, PlatformClock, PlatformEvent, PlatformSample, Provider, ProviderContext, ProviderFactory, TargetDescription } from '../../src/provider.js';
import { kubernetesDateMiddleware, PlatformServerClock } from '../server-clock.js';
import { permissionLabel, permissionsNeeded, roleYaml, type Permission } from './access.js';
import { PROVIDER, toProviderError, type Call, type CredentialChain } from './errors.js';
import { loadKubeConfig } from './kubeconfig.js';
import {
  hpaConditionEvents,
  hpaCpuUtilization,
  hpaEvent,
  hpaScaleDecision,
  hpaWarnings,
  podEvents,
  podMetricsSample,
  requestWarnings,
  scalingConfig,
  selectorString,
  workloadValues,
  type Deployment,
  type Hpa,
  type KEvent,
  type Pod,
  type PodMetrics,
  type Seen,
  type WorkloadValues,
} from './map.js';
import { Reflector, type ListResult, type ReflectorOptions, type WatchFn } from './reflector.js';
import { listAllPages } from './paged-list.js';
import { scaleTargetSummary, scaleTargetWarning, selectorChangeMessage, type ScaleTarget } from './scale.js';
import { discoverScaleTarget, type ScaleApi } from './scale-client.js';
import { ScaleFollower } from './scale-follower.js';
import type { KubernetesSettings } from './settings.js';

export { kubernetesSettingsSchema } from './settings.js';

/** Test seam: replace how the watch connects (the real one is client-node's Watch). */
export interface KubernetesDeps {
  watch?: WatchFn;
  /** Reconnect backoff of the watches (ms). */
  watchBackoffMs?: number;
}

interface Snapshot {
  atWall: number;
  source: string;
  values: WorkloadValues;
}

const MAX_EVENTS = 5000;

/** The workload kinds an HPA can scale that this provider follows (they share the fields it reads). */
type WorkloadKind = 'Deployment' | 'StatefulSet';
const PLURAL: Record<WorkloadKind, 'deployments' | 'statefulsets'> = { Deployment: 'deployments', StatefulSet: 'statefulsets' };

export const createKubernetesProvider: ProviderFactory<KubernetesSettings> = (settings, ctx) => new KubernetesProvider(settings, ctx);

export class KubernetesProvider implements Provider, HasServerClock {
  readonly name = PROVIDER;
  readonly #s: KubernetesSettings;
  readonly #ctx: ProviderContext;
  readonly #log: Logger;
  readonly #kc: k8s.KubeConfig;
  /** The API server's clock from its answers' Date headers; object times are converted with it. */
  readonly #serverClock: PlatformServerClock;
  readonly #chain: CredentialChain;
  readonly #ns: string;
  readonly #apps: k8s.AppsV1Api;
  readonly #autoscaling: k8s.AutoscalingV2Api;
  readonly #core: k8s.CoreV1Api;
  readonly #custom: k8s.CustomObjectsApi;
  readonly #authz: k8s.AuthorizationV1Api;
  readonly #watchFn: WatchFn | null;
  readonly #deps: KubernetesDeps;

  #hpaName: string | undefined;
  /** Kind and name of the workload (the kind may be learnt from the HPA's scaleTargetRef). */
  #kind: WorkloadKind;
  #depName: string | undefined;
  #resolved = false;
  #started: Promise<void> | null = null;
  #starting = false;
  #closed = false;
  #hpaR: Reflector<Hpa> | null = null;
  #depR: Reflector<Deployment> | null = null;
  #podR: Reflector<Pod> | null = null;
  /** The label selector #podR watches (generic mode: kept in line with the Scale's, see #followPodSelector). */
  #podSelector: string | undefined;
  #evR: Reflector<KEvent> | null = null;
  #podsReadable = true;
  #eventsReadable = true;
  #metrics: 'unknown' | 'ok' | 'unavailable' | 'forbidden' | 'off';
  #lastMetricsRead = -Infinity;
  #last: Snapshot | null = null;
  #pending: Snapshot[] = [];
  #events = new Map<string, PlatformEvent>();
  #replicaHistory: number[] = [];
  #lastHpaCpu: number | undefined;
  /** `verb resource.group` the access review said are denied (watches on them start as polls). */
  #denied = new Set<string>();
  /** Generic mode (the HPA scales neither a Deployment nor a StatefulSet): the target as discovery resolved it. */
  #generic: ScaleTarget | null = null;
  /** Generic mode: the target followed through its Scale (created once the target's name is known). */
  #follower: ScaleFollower | null = null;

  constructor(settings: KubernetesSettings, ctx: ProviderContext, deps: KubernetesDeps = {}) {
    this.#s = settings;
    this.#ctx = ctx;
    this.#log = ctx.log;
    this.#deps = deps;
    const loaded = loadKubeConfig(settings, ctx.env);
    this.#kc = loaded.kc;
    this.#chain = loaded.chain;
    this.#ns = settings.namespace ?? loaded.contextNamespace ?? 'default';
    this.#serverClock = new PlatformServerClock(ctx.clock, 'http-date:kubernetes');
    this.#apps = this.#client(k8s.AppsV1Api);
    this.#autoscaling = this.#client(k8s.AutoscalingV2Api);
    this.#core = this.#client(k8s.CoreV1Api);
    this.#custom = this.#client(k8s.CustomObjectsApi);
    this.#authz = this.#client(k8s.AuthorizationV1Api);
    this.#hpaName = settings.hpa;
    this.#kind = settings.statefulset !== undefined ? 'StatefulSet' : 'Deployment';
    this.#depName = settings.deployment ?? settings.statefulset;
    this.#metrics = settings.pod_metrics ? 'unknown' : 'off';
    if (!settings.watch) this.#watchFn = null;
    else if (deps.watch) this.#watchFn = deps.watch;
    else {
      const w = new k8s.Watch(this.#kc);
      this.#watchFn = (path, query, onEvent, done) => w.watch(path, query, onEvent, done);
    }
  }

  /** The namespace and credential chain in use (for messages and tests). */
  get target(): { namespace: string; context: string; kind: string; deployment?: string; statefulset?: string; name?: string; apiVersion?: string; hpa?: string } {
    const key = this.#generic ? 'name' : this.#kind === 'StatefulSet' ? 'statefulset' : 'deployment';
    const workload = this.#depName ? { [key]: this.#depName } : {};
    const api = this.#generic ? { apiVersion: this.#generic.apiVersion } : {};
    return { namespace: this.#ns, context: this.#chain.context, kind: this.#generic?.kind ?? this.#kind, ...api, ...workload, ...(this.#hpaName ? { hpa: this.#hpaName } : {}) };
  }

  /** "Deployment web" / "StatefulSet db" / "Rollout web", for messages. */
  get #workloadLabel(): string {
    return `${this.#generic?.kind ?? this.#kind} ${this.#depName ?? ''}`.trim();
  }

  // ------------------------------------------------------------------ API calls

  async #call<T>(call: Omit<Call, 'namespace'>, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    try {
      return await fn();
    } catch (err) {
      throw toProviderError(err, { ...call, namespace: this.#ns }, this.#chain);
    }
  }

  #readHpa(name: string): Promise<Hpa> {
    return this.#call({ verb: 'get', group: 'autoscaling', resource: 'horizontalpodautoscalers', name }, () =>
      this.#autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace: this.#ns }),
    ) as Promise<Hpa>;
  }

  #readDeployment(name: string): Promise<Deployment> {
    const args = { name, namespace: this.#ns };
    return this.#call({ verb: 'get', group: 'apps', resource: PLURAL[this.#kind], name }, (): Promise<unknown> =>
      this.#kind === 'StatefulSet' ? this.#apps.readNamespacedStatefulSet(args) : this.#apps.readNamespacedDeployment(args),
    ) as Promise<Deployment>;
  }

  /** The generic mode's API calls (scale-client.ts), through #call. */
  get #scaleApi(): ScaleApi {
    return { core: this.#core, custom: this.#custom, namespace: this.#ns, call: (c, fn) => this.#call(c, fn) };
  }

  #discover(ref: { kind: string; name: string; apiVersion?: string }): Promise<ScaleTarget> {
    return discoverScaleTarget(this.#scaleApi, ref, this.#hpaName);
  }

  #listHpas(fieldSelector?: string): Promise<ListResult<Hpa>> {
    return this.#call({ verb: 'list', group: 'autoscaling', resource: 'horizontalpodautoscalers' }, async () => {
      const r = await listAllPages((page) => this.#autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: this.#ns, ...(fieldSelector ? { fieldSelector } : {}), ...page }));
      return { items: r.items as Hpa[], resourceVersion: r.resourceVersion };
    });
  }

  #listDeployments(name: string): Promise<ListResult<Deployment>> {
    return this.#call({ verb: 'list', group: 'apps', resource: PLURAL[this.#kind] }, async () => {
      const args = { namespace: this.#ns, fieldSelector: `metadata.name=${name}` };
      const r = this.#kind === 'StatefulSet' ? await this.#apps.listNamespacedStatefulSet(args) : await this.#apps.listNamespacedDeployment(args);
      return { items: r.items as Deployment[], resourceVersion: r.metadata?.resourceVersion ?? '' };
    });
  }

  #listPods(labelSelector: string | undefined): Promise<ListResult<Pod>> {
    return this.#call({ verb: 'list', group: '', resource: 'pods' }, async () => {
      const r = await listAllPages((page) => this.#core.listNamespacedPod({ namespace: this.#ns, ...(labelSelector ? { labelSelector } : {}), ...page }));
      return { items: r.items as Pod[], resourceVersion: r.resourceVersion };
    });
  }

  #eventSelector(): string {
    return `involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=${this.#hpaName}`;
  }

  #listEvents(): Promise<ListResult<KEvent>> {
    return this.#call({ verb: 'list', group: '', resource: 'events' }, async () => {
      const r = await listAllPages((page) => this.#core.listNamespacedEvent({ namespace: this.#ns, fieldSelector: this.#eventSelector(), ...page }));
      return { items: r.items as KEvent[], resourceVersion: r.resourceVersion };
    });
  }

  #listPodMetrics(labelSelector: string | undefined): Promise<PodMetrics[]> {
    return this.#call({ verb: 'list', group: 'metrics.k8s.io', resource: 'pods' }, async () => {
      const r = (await this.#custom.listNamespacedCustomObject({ group: 'metrics.k8s.io', version: 'v1beta1', namespace: this.#ns, plural: 'pods', ...(labelSelector ? { labelSelector } : {}) })) as { items?: PodMetrics[] };
      return r.items ?? [];
    });
  }

  // ------------------------------------------------------------------ describe (for `check` and the run header)

  /** SelfSubjectAccessReview per permission; null when the review API itself cannot be used. */
  async #accessReview(perms: readonly Permission[]): Promise<Map<Permission, boolean> | null> {
    try {
      const answers = await Promise.all(
        perms.map(async (p) => {
          // `rollouts/scale` is asked as resource rollouts, subresource scale (like `kubectl auth can-i --subresource`).
          const [resource, subresource] = p.resource.split('/') as [string, string | undefined];
          const attrs = { namespace: this.#ns, verb: p.verb, group: p.group, resource, ...(subresource ? { subresource } : {}) };
          const r = await this.#authz.createSelfSubjectAccessReview({
            body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attrs } },
          });
          return [p, r.status?.allowed === true] as const;
        }),
      );
      return new Map(answers);
    } catch (err) {
      const e = toProviderError(err, { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', namespace: this.#ns }, this.#chain);
      if (e.kind === 'credentials' || e.kind === 'unavailable') throw e;
      this.#log.debug(`kubernetes: SelfSubjectAccessReview unavailable (${e.message}); checking access by trying`);
      return null;
    }
  }

  /** Find the HPA and the workload; throws not-found / config errors a user can act on. */
  async #resolve(signal?: AbortSignal, hpaRead?: Hpa): Promise<{ hpa?: Hpa; deployment: Deployment; warnings: string[] }> {
    const warnings: string[] = [];
    let hpa: Hpa | undefined;
    if (this.#hpaName) {
      hpa = hpaRead ?? (await this.#readHpa(this.#hpaName));
      const ref = hpa.spec?.scaleTargetRef;
      if (this.#depName && ref && (ref.name !== this.#depName || ref.kind !== (this.#generic?.kind ?? this.#kind))) {
        throw new ProviderError(PROVIDER, 'config', `HPA ${this.#hpaName} targets ${ref.kind} ${ref.name}, not ${this.#workloadLabel}`, {
          hint: 'fix provider.settings.deployment / .statefulset or .hpa (or give only the hpa)',
        });
      }
      if (!this.#depName && ref) {
        // Another kind: the generic mode, through the scale subresource (like the HPA itself).
        if (ref.kind !== 'Deployment' && ref.kind !== 'StatefulSet') this.#generic ??= await this.#discover(ref);
        else this.#kind = ref.kind;
        this.#depName = ref.name;
      }
    }
    if (!this.#depName) throw new ProviderError(PROVIDER, 'config', 'no workload to watch: set provider.settings.deployment (or .statefulset)');
    signal?.throwIfAborted();
    if (this.#generic) {
      // Only an HPA leads here, so there is one; the Scale stands in for the workload.
      this.#follower ??= new ScaleFollower(this.#scaleApi, this.#generic, this.#depName);
      await this.#follower.load(true);
      this.#resolved = true;
      return { ...(hpa ? { hpa } : {}), deployment: this.#follower.asWorkload(), warnings };
    }
    const deployment = await this.#readDeployment(this.#depName);
    if (!this.#hpaName) {
      try {
        const all = await this.#listHpas();
        const matching = all.items.filter((h) => h.spec?.scaleTargetRef.kind === this.#kind && h.spec.scaleTargetRef.name === this.#depName);
        if (matching.length > 1) warnings.push(`${matching.length} HPAs target ${this.#workloadLabel} (${matching.map((h) => h.metadata?.name).join(', ')}); following ${matching[0]!.metadata?.name}. Set provider.settings.hpa to choose.`);
        hpa = matching[0];
        this.#hpaName = hpa?.metadata?.name;
        if (!hpa) warnings.push(`no HorizontalPodAutoscaler in namespace ${this.#ns} targets ${this.#workloadLabel}: its replica count only changes by hand`);
      } catch (err) {
        if (!(err instanceof ProviderError) || err.kind !== 'access-denied') throw err;
        warnings.push(`cannot list HorizontalPodAutoscalers (${err.message}); set provider.settings.hpa, or grant list on horizontalpodautoscalers.autoscaling`);
      }
    }
    this.#resolved = true;
    return { ...(hpa ? { hpa } : {}), deployment, warnings };
  }

  /** Only an HPA named: its scaleTargetRef says which kind of workload to ask permissions for. Kept for #resolve. */
  async #learnKindFromHpa(): Promise<Hpa | undefined> {
    try {
      const hpa = await this.#readHpa(this.#hpaName!);
      if (hpa.spec?.scaleTargetRef?.kind === 'StatefulSet') this.#kind = 'StatefulSet';
      return hpa;
    } catch {
      return undefined; // the access review and #resolve report what is wrong
    }
  }

  async describe(signal: AbortSignal): Promise<TargetDescription> {
    const hpaRead = !this.#depName && this.#hpaName ? await this.#learnKindFromHpa() : undefined;
    // Another kind than Deployment/StatefulSet: discovery says which resource (and group) to ask permissions for.
    const ref = hpaRead?.spec?.scaleTargetRef;
    if (ref && ref.kind !== 'Deployment' && ref.kind !== 'StatefulSet') this.#generic ??= await this.#discover(ref);
    const g = this.#generic;
    const perms = permissionsNeeded({
      hpa: this.#hpaName !== undefined,
      podMetrics: this.#s.pod_metrics,
      workload: this.#kind,
      ...(g ? { scale: { kind: g.kind, group: g.group, plural: g.plural } } : {}),
    });
    const access = await this.#accessReview(perms);
    signal.throwIfAborted();
    const warnings: string[] = [];
    if (access) {
      const missing = perms.filter((p) => access.get(p) === false);
      const required = missing.filter((p) => p.required);
      if (required.length > 0) {
        throw new ProviderError(
          PROVIDER,
          'access-denied',
          `RBAC: user "${this.#chain.user}" (context "${this.#chain.context}") is missing ${required.map(permissionLabel).join(', ')} in namespace ${this.#ns}` +
            (missing.length > required.length ? `; also missing (optional): ${missing.filter((p) => !p.required).map(permissionLabel).join(', ')}` : ''),
          { hint: `apply a read-only Role and bind it to that user:\n${roleYaml(this.#ns, perms)}` },
        );
      }
      for (const p of missing) {
        warnings.push(`RBAC: missing ${permissionLabel(p)} in namespace ${this.#ns}: ${p.without ?? 'needed'}`);
        this.#denied.add(permissionLabel(p));
      }
    }
    const { hpa, deployment, warnings: resolveWarnings } = await this.#resolve(signal, hpaRead);
    warnings.push(...resolveWarnings);
    const template = deployment.spec?.template?.spec;
    warnings.push(...requestWarnings(template, hpa, this.#workloadLabel));
    if (hpa) warnings.push(...hpaWarnings(hpa, deployment));
    const ordered = g ? null : orderedReadyWarning(this.#kind, deployment, this.#workloadLabel);
    if (ordered) warnings.push(ordered);
    if (g) warnings.push(scaleTargetWarning(g, this.#depName!));
    if (this.#s.pod_metrics) {
      const m = await this.#probeMetrics(this.#follower ? this.#follower.selector : selectorString(deployment));
      if (m) warnings.push(m);
    }
    if (!this.#s.watch) warnings.push('watching is off (settings.watch: false): changes are only seen at each poll, so latencies carry the poll interval as margin');
    const scaling = scalingConfig(hpa, deployment);
    scaling.details = {
      ...scaling.details,
      namespace: this.#ns,
      ...(g
        ? {
            workload: { kind: g.kind, apiVersion: g.apiVersion, name: this.#depName, via: `${g.plural}/scale` },
            scaleSubresource: { specReplicas: this.#follower?.scale?.spec?.replicas, statusReplicas: this.#follower?.scale?.status?.replicas, selector: this.#follower?.selector },
          }
        : { [this.#kind === 'StatefulSet' ? 'statefulset' : 'deployment']: this.#depName }),
      context: this.#chain.context,
      server: this.#chain.server,
      credentials: `${this.#chain.auth} (user "${this.#chain.user}", ${this.#chain.source})`,
      access: access ? { checkedWith: 'SelfSubjectAccessReview', missing: perms.filter((p) => access.get(p) === false).map(permissionLabel) } : { checkedWith: 'not available (permissions are found by trying)' },
      podTemplateRequests: (template?.containers ?? []).map((c) => ({ container: c.name, requests: c.resources?.requests ?? {} })),
    };
    const range = hpa ? ` (HPA ${this.#hpaName}: ${scaling.minReplicas}-${scaling.maxReplicas} replicas)` : ' (no HPA)';
    const what = g ? scaleTargetSummary(g, this.#ns, this.#depName!) : `Kubernetes ${this.#kind} ${this.#ns}/${this.#depName}`;
    return {
      summary: `${what}${range}, context "${this.#chain.context}" (${this.#chain.server})`,
      scaling,
      warnings,
    };
  }

  /** One read of metrics.k8s.io; a warning when it cannot be used. */
  async #probeMetrics(labelSelector: string | undefined): Promise<string | null> {
    try {
      await this.#listPodMetrics(labelSelector);
      this.#metrics = 'ok';
      return null;
    } catch (err) {
      const e = err as ProviderError;
      this.#metrics = e.kind === 'access-denied' ? 'forbidden' : 'unavailable';
      return `metrics.k8s.io cannot be read (${e.message}): no CPU/memory samples from metrics-server; the HPA's own CPU figure is used. Without a working metrics API the HPA cannot scale on CPU either.`;
    }
  }

  // ------------------------------------------------------------------ watches

  #ensureStarted(signal?: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(new ProviderError(PROVIDER, 'config', 'the provider is closed'));
    this.#started ??= this.#start(signal).catch((err: unknown) => {
      this.#started = null; // try again at the next read
      this.#stopReflectors();
      throw err;
    });
    return this.#started;
  }

  async #start(signal?: AbortSignal): Promise<void> {
    // The workload as #resolve just read it; when describe resolved it earlier, read it again now.
    const justRead = this.#resolved ? null : await this.#resolve(signal);
    // Generic mode: no workload watch; the Scale gives the pods' selector (and is read at every sample).
    const generic = this.#follower !== null;
    let labelSelector: string | undefined;
    if (this.#follower) {
      if (!justRead) await this.#follower.load(false);
      labelSelector = this.#follower.selector;
    } else {
      labelSelector = selectorString(justRead?.deployment ?? (await this.#readDeployment(this.#depName!)));
    }
    const common = this.#reflectorCommon();
    const plural = PLURAL[this.#kind];
    if (!generic) {
      this.#depR = new Reflector<Deployment>({
        ...common,
        watch: this.#watchFor(`${plural}.apps`),
        name: `${plural}.apps`,
        path: `${this.#apiBase('apps/v1')}/${plural}`,
        query: { fieldSelector: `metadata.name=${this.#depName}` },
        list: () => this.#listDeployments(this.#depName!),
        onChange: (_o, cur, seen) => this.#onDeployment(cur, seen),
        onFallback: this.#onWatchFallback(this.#workloadLabel),
      });
    }
    if (this.#hpaName) {
      this.#hpaR = new Reflector<Hpa>({
        ...common,
        watch: this.#watchFor('horizontalpodautoscalers.autoscaling'),
        name: 'horizontalpodautoscalers.autoscaling',
        path: `${this.#apiBase('autoscaling/v2')}/horizontalpodautoscalers`,
        query: { fieldSelector: `metadata.name=${this.#hpaName}` },
        list: () => this.#listHpas(`metadata.name=${this.#hpaName}`),
        onChange: (o, cur, seen) => this.#onHpa(o, cur, seen),
        onFallback: this.#onWatchFallback(`HPA ${this.#hpaName}`),
      });
    }
    if (this.#podsReadable) {
      this.#podR = this.#podReflector(labelSelector);
      this.#podSelector = labelSelector;
    }
    if (this.#hpaName && this.#eventsReadable) {
      this.#evR = new Reflector<KEvent>({
        ...common,
        watch: this.#watchFor('events'),
        name: 'events',
        path: `${this.#apiBase('')}/events`,
        query: { fieldSelector: this.#eventSelector() },
        list: () => this.#listEvents(),
        onChange: (_o, cur, seen) => this.#onEvent(cur, seen),
        onFallback: this.#onWatchFallback('events'),
      });
    }
    this.#starting = true;
    try {
      if (this.#depR) await this.#depR.start(signal);
      if (this.#hpaR) await this.#hpaR.start(signal);
      if (this.#podR) {
        await this.#podR.start(signal).catch((err: unknown) => {
          // Generic mode: the pods are the only source of ready replicas, so they are required.
          if (!(err instanceof ProviderError && err.kind === 'access-denied') || generic) throw err;
          this.#degrade('pods', err, `ready replicas come from ${this.#kind} status, without per-pod ready times`);
          this.#podR?.close();
          this.#podR = null;
          this.#podsReadable = false;
        });
      }
      if (this.#evR) {
        await this.#evR.start(signal).catch((err: unknown) => {
          if (!(err instanceof ProviderError && err.kind === 'access-denied')) throw err;
          this.#degrade('events', err, 'scale decisions come from HPA status.lastScaleTime');
          this.#evR?.close();
          this.#evR = null;
          this.#eventsReadable = false;
        });
      }
    } finally {
      this.#starting = false;
    }
    this.#recordState({ stamp: this.#ctx.clock.wallNow(), live: false });
  }

  /** What every reflector shares: the clock, the log and the reconnect backoff. */
  #reflectorCommon(): Pick<ReflectorOptions<never>, 'clock' | 'log' | 'backoffMs'> {
    return { clock: this.#ctx.clock, log: this.#log, ...(this.#deps.watchBackoffMs ? { backoffMs: this.#deps.watchBackoffMs } : {}) };
  }

  /** The watch to use on `resource`: none (a poll) when the access review already said it is denied (describe warned about it). */
  #watchFor(resource: string): WatchFn | null {
    return this.#denied.has(`watch ${resource}`) ? null : this.#watchFn;
  }

  /** What a reflector says when its watch on `what` cannot be kept: a warning, logged and on the timeline. */
  #onWatchFallback(what: string): (reason: string) => void {
    return (reason) => {
      const msg = `the watch on ${what} could not be kept (${reason}); listing it at every read instead, so its changes are timed to the poll interval only`;
      this.#log.warn(`kubernetes: ${msg}`);
      this.#addEvent({ atWall: this.#ctx.clock.wallNow(), resolutionMs: 0, source: 'scaleproof:kubernetes', type: 'warning', id: `fallback:${what}:${this.#ctx.clock.wallNow()}`, message: msg });
    };
  }

  /** `/apis/{group}/namespaces/{ns}`, `/api/v1/namespaces/{ns}` for core. */
  #apiBase(group: string): string {
    return group ? `/apis/${group}/namespaces/${this.#ns}` : `/api/v1/namespaces/${this.#ns}`;
  }

  /** The (not yet started) pod watch for `labelSelector`: the workload's replicas. */
  #podReflector(labelSelector: string | undefined): Reflector<Pod> {
    return new Reflector<Pod>({
      ...this.#reflectorCommon(),
      watch: this.#watchFor('pods'),
      name: 'pods',
      path: `${this.#apiBase('')}/pods`,
      query: labelSelector ? { labelSelector } : {},
      list: () => this.#listPods(labelSelector),
      onChange: (o, cur, seen) => this.#onPod(o, cur, seen),
      onFallback: this.#onWatchFallback('pods'),
    });
  }

  /**
   * Generic mode: watch the pods `selector` selects when that is not what #podR watches (the
   * Scale's selector changed mid-run). The new watch lists and connects BEFORE the old one is
   * dropped, and #podR is swapped in one step: the counts go from the old pods' straight to the
   * new pods' (recorded once, as listed), without a moment with no pods watched that would read as
   * a drop to zero; and none of the old pods is counted after. If the new watch cannot be started,
   * the error goes up (this read fails) and the old watch stays until the next read tries again.
   */
  async #followPodSelector(selector: string, signal: AbortSignal): Promise<void> {
    const old = this.#podR;
    if (!old || selector === this.#podSelector) return;
    const next = this.#podReflector(selector);
    try {
      await next.start(signal);
    } catch (err) {
      next.close();
      throw err;
    }
    if (this.#closed || this.#podR !== old) {
      next.close(); // the provider was closed, or its watches restarted, meanwhile
      return;
    }
    this.#podR = next;
    this.#podSelector = selector;
    old.close();
    this.#recordState({ stamp: this.#ctx.clock.wallNow(), live: false });
  }

  #degrade(what: string, err: ProviderError, consequence: string): void {
    const msg = `${err.message}; ${consequence}`;
    this.#log.warn(`kubernetes: ${msg}`);
    this.#addEvent({ atWall: this.#ctx.clock.wallNow(), resolutionMs: 0, source: 'scaleproof:kubernetes', type: 'warning', id: `degraded:${what}`, message: msg });
  }

  #reflectors(): Reflector<{ metadata?: object }>[] {
    return [this.#depR, this.#hpaR, this.#podR, this.#evR].filter((r): r is Reflector<never> => r !== null) as Reflector<{ metadata?: object }>[];
  }

  #stopReflectors(): void {
    for (const r of this.#reflectors()) r.close();
    this.#depR = this.#hpaR = this.#podR = this.#evR = null;
    this.#podSelector = undefined;
  }

  #addEvent(e: PlatformEvent): void {
    const key = e.id ?? `${e.source}|${e.atWall}|${e.message}`;
    this.#events.set(key, e);
    if (this.#events.size > MAX_EVENTS) this.#events.delete(this.#events.keys().next().value as string);
  }

  #noteReplicas(n: number | undefined): void {
    if (n !== undefined && this.#replicaHistory.at(-1) !== n) {
      this.#replicaHistory.push(n);
      if (this.#replicaHistory.length > 100) this.#replicaHistory.shift();
    }
  }

  #onDeployment(cur: Deployment | undefined, seen: Seen): void {
    this.#noteReplicas(cur?.spec?.replicas);
    if (!cur && !this.#starting) {
      this.#addEvent({ atWall: seen.stamp, resolutionMs: 0, source: `k8s:${PLURAL[this.#kind]}`, type: 'warning', id: `deployment-deleted:${seen.stamp}`, message: `${this.#workloadLabel} was deleted` });
    }
    this.#recordState(seen);
  }

  /**
   * kc.makeApiClient, plus a middleware that reads the API server's clock from each answer's
   * `date` header: object times (lastTransitionTime, lastScaleTime, event times) are on it.
   */
  #client<T>(api: new (config: k8s.Configuration) => T): T {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) return this.#kc.makeApiClient(api as never) as T;
    return new api(
      k8s.createConfiguration({
        baseServer: new k8s.ServerConfiguration(cluster.server, {}),
        authMethods: { default: this.#kc },
        promiseMiddleware: [kubernetesDateMiddleware(this.#serverClock)],
      }),
    );
  }

  /** The notification, able to convert the API server's times to ours. */
  #clocked(seen: Seen): Seen {
    return { ...seen, toOurs: (apiMs) => this.#serverClock.toOurs(apiMs) };
  }

  serverClockForRead(): PlatformClock | null {
    return this.#serverClock.forRead();
  }

  #onHpa(old: Hpa | undefined, cur: Hpa | undefined, rawSeen: Seen): void {
    const seen = this.#clocked(rawSeen);
    if (cur) {
      for (const e of hpaConditionEvents(old, cur, seen)) this.#addEvent(e);
      if (!this.#eventsReadable || !this.#evR) {
        const d = hpaScaleDecision(old, cur, seen);
        if (d) this.#addEvent(d);
      }
      this.#lastHpaCpu = hpaCpuUtilization(cur);
      // Generic mode has no workload watch: the HPA's decisions are the replica history (the size before a rescale).
      if (this.#generic) this.#noteReplicas(cur.status?.desiredReplicas);
    }
    this.#recordState(seen);
  }

  #onPod(old: Pod | undefined, cur: Pod | undefined, seen: Seen): void {
    for (const e of podEvents(old, cur, this.#clocked(seen))) this.#addEvent(e);
    this.#recordState(seen);
  }

  /** Size before a rescale to `to`: the workload's previous spec.replicas. */
  #sizeBefore(to: number): number | undefined {
    const h = this.#replicaHistory;
    let i = h.length - 1;
    while (i >= 0 && h[i] === to) i--;
    return i >= 0 ? h[i] : undefined;
  }

  #onEvent(cur: KEvent | undefined, seen: Seen): void {
    if (!cur) return;
    const m = cur.reason === 'SuccessfulRescale' ? /^New size: (\d+)/.exec(cur.message ?? '') : null;
    const from = m && seen.live ? this.#sizeBefore(Number(m[1])) : undefined;
    this.#addEvent(hpaEvent(cur, this.#clocked(seen), from));
  }

  #currentValues(): WorkloadValues {
    const hpa = this.#hpaR ? [...this.#hpaR.items.values()][0] : undefined;
    const deployment = this.#depR ? [...this.#depR.items.values()][0] : this.#follower?.scale ? this.#follower.asWorkload() : undefined;
    return workloadValues({
      ...(hpa ? { hpa } : {}),
      ...(deployment ? { deployment } : {}),
      ...(this.#podR ? { pods: this.#podR.items.values() } : {}),
    });
  }

  /** True when every watch has been connected, without a drop, since `sinceWall`. */
  #continuousSince(sinceWall: number): boolean {
    const rs = this.#reflectors();
    return rs.length > 0 && rs.every((r) => r.mode === 'watch' && r.live && r.disruptedAt < sinceWall);
  }

  /**
   * Remember the replica counts after a change. On a live, unbroken watch the previous counts
   * are known to have held until just before this notification, so that is recorded too: the
   * analysis then places the change within a millisecond instead of within a poll interval.
   */
  #recordState(seen: Seen): void {
    if (this.#starting) return;
    const values = this.#currentValues();
    const prev = this.#last;
    if (prev && sameValues(prev.values, values)) return;
    const source = seen.live ? 'k8s:watch' : 'k8s:list';
    const tail = this.#pending.at(-1);
    if (prev && tail === prev && prev.atWall === seen.stamp && prev.source === source) {
      // Several notifications in the same millisecond (pods deleted together): one snapshot.
      prev.values = values;
      return;
    }
    if (prev && seen.live && seen.stamp - 1 > prev.atWall && this.#continuousSince(prev.atWall)) {
      this.#pending.push({ atWall: seen.stamp - 1, source, values: prev.values });
    }
    const snap = { atWall: seen.stamp, source, values };
    this.#pending.push(snap);
    this.#last = snap;
    if (this.#pending.length > 10_000) this.#pending.splice(0, this.#pending.length - 10_000);
  }

  // ------------------------------------------------------------------ Provider

  async sample(signal: AbortSignal): Promise<PlatformSample[]> {
    await this.#ensureStarted(signal);
    const readStart = this.#ctx.clock.wallNow();
    for (const r of this.#reflectors()) await r.poll(signal);
    const scaleSample = this.#follower ? await this.#sampleScale(this.#follower, signal) : null;
    const now = this.#ctx.clock.wallNow();
    const allWatching = this.#reflectors().every((r) => r.mode === 'watch');
    const allPolling = this.#reflectors().every((r) => r.mode === 'poll');
    // Listing, each relist's differences would pair one list's fresh values with another's from
    // the previous read (the deployment listed before the pods): only the read as a whole counts.
    const out: PlatformSample[] = this.#pending.filter((s) => !(allPolling && s.source === 'k8s:list')).map((s) => ({ atWall: s.atWall, resolutionMs: 0, source: s.source, ...s.values }));
    this.#pending = [];
    // The state now: true as of now only when every watch is connected, or everything was just listed.
    if (this.#continuousSince(now) || allPolling) {
      // Listed, not watched: each list (all its pages) is a snapshot taken somewhere in this read,
      // so the values stand for the whole read, not only its end.
      const span = allWatching ? 0 : Math.max(0, now - readStart);
      out.push({ atWall: now, resolutionMs: span, source: allWatching ? 'k8s:watch' : 'k8s:list', ...this.#currentValues() });
    }
    if (scaleSample) out.push(scaleSample);
    const m = await this.#readMetrics(now, signal);
    if (m) out.push(m);
    return out;
  }

  /**
   * Generic mode: one Scale read (`k8s:scale`, for `desired`); its failure or recovery is an event,
   * said once, and so is a change of its selector, after which the pods of the new one are watched.
   */
  async #sampleScale(follower: ScaleFollower, signal: AbortSignal): Promise<PlatformSample | null> {
    const { sample, event, selectorChanged } = await follower.sample(this.#ctx.clock, signal);
    if (event?.type === 'warning') this.#log.warn(`kubernetes: ${event.message}`);
    if (event) this.#addEvent(event);
    if (selectorChanged) this.#noteSelectorChange(follower, selectorChanged);
    await this.#followPodSelector(follower.selector, signal);
    return sample;
  }

  #noteSelectorChange(follower: ScaleFollower, { from, to }: { from: string; to: string }): void {
    const at = this.#ctx.clock.wallNow();
    const message = selectorChangeMessage(follower.target, follower.name, from, to);
    this.#addEvent({ atWall: at, resolutionMs: 0, source: 'k8s:scale', type: 'info', id: `selector-changed:${at}`, message });
  }

  async #readMetrics(now: number, signal: AbortSignal): Promise<PlatformSample | null> {
    const hpaCpu = (): PlatformSample | null =>
      this.#lastHpaCpu === undefined ? null : { atWall: now, resolutionMs: 15_000, source: 'k8s:hpa-status', cpuPct: this.#lastHpaCpu };
    if (this.#metrics === 'off' || this.#metrics === 'forbidden') return hpaCpu();
    if (now - this.#lastMetricsRead < this.#s.metrics_interval) return this.#metrics === 'ok' ? null : hpaCpu();
    this.#lastMetricsRead = now;
    const deployment = this.#depR ? [...this.#depR.items.values()][0] : undefined;
    try {
      const items = await this.#listPodMetrics(this.#follower ? this.#follower.selector : selectorString(deployment));
      signal.throwIfAborted();
      if (this.#metrics === 'unavailable') {
        this.#addEvent({ atWall: now, resolutionMs: 0, source: 'k8s:metrics.k8s.io', type: 'info', id: `metrics-ok:${now}`, message: 'metrics.k8s.io is available again' });
      }
      this.#metrics = 'ok';
      const pods = this.#podR ? new Map([...this.#podR.items.values()].map((p) => [p.metadata?.name ?? '', p] as const)) : undefined;
      const metrics = podMetricsSample(items, pods, deployment?.spec?.template?.spec ?? this.#follower?.template);
      // metrics-server stamps its window end with the API side's clock.
      return metrics && { ...metrics, atWall: this.#serverClock.toOurs(metrics.atWall), platformStamped: true };
    } catch (err) {
      if (signal.aborted) throw err;
      const e = err instanceof ProviderError ? err : toProviderError(err, { verb: 'list', group: 'metrics.k8s.io', resource: 'pods', namespace: this.#ns }, this.#chain);
      const next = e.kind === 'access-denied' ? 'forbidden' : 'unavailable';
      if (this.#metrics !== next) {
        const msg = `metrics.k8s.io cannot be read: ${e.message}. CPU falls back to the HPA's own figure${next === 'unavailable' ? '; the HPA cannot scale on CPU while this lasts' : ''}`;
        this.#log.warn(`kubernetes: ${msg}`);
        this.#addEvent({ atWall: now, resolutionMs: 0, source: 'k8s:metrics.k8s.io', type: 'warning', id: `metrics-${next}:${now}`, message: msg });
      }
      this.#metrics = next;
      return hpaCpu();
    }
  }

  async events(sinceWall: number, signal: AbortSignal): Promise<PlatformEvent[]> {
    await this.#ensureStarted(signal);
    return [...this.#events.values()].filter((e) => e.atWall >= sinceWall).sort((a, b) => a.atWall - b.atWall);
  }

  /** Watch health, for tests and debugging. */
  watchStats(): Array<{ name: string; mode: 'watch' | 'poll'; live: boolean; drops: number; relists: number; resourceVersion: string }> {
    return [
      [PLURAL[this.#kind], this.#depR],
      ['horizontalpodautoscalers', this.#hpaR],
      ['pods', this.#podR],
      ['events', this.#evR],
    ].flatMap(([name, r]) => {
      const x = r as Reflector<never> | null;
      return x ? [{ name: name as string, mode: x.mode, live: x.live, drops: x.drops, relists: x.relists, resourceVersion: x.resourceVersion }] : [];
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopReflectors();
  }
}

/**
 * A StatefulSet with the default podManagementPolicy (OrderedReady) starts its pods one at a
 * time, each only once the one before it is Ready, so a scale-up by N pods takes about N times
 * a pod's start-up and readiness. The run measures that; the warning says why it is slow.
 */
function orderedReadyWarning(kind: WorkloadKind, workload: Deployment, label: string): string | null {
  if (kind !== 'StatefulSet') return null;
  const policy = (workload.spec as { podManagementPolicy?: string } | undefined)?.podManagementPolicy ?? 'OrderedReady';
  if (policy !== 'OrderedReady') return null;
  return `${label} uses podManagementPolicy: OrderedReady (the default): it starts new pods one at a time, each after the previous is Ready, so a scale-up by N pods takes about N pod start-ups. Set podManagementPolicy: Parallel unless the pods need an ordered start.`;
}

function sameValues(a: WorkloadValues, b: WorkloadValues): boolean {
  return a.desired === b.desired && a.ready === b.ready && a.pending === b.pending && a.running === b.running;
}
