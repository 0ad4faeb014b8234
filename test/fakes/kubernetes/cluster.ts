/**
 * A simulated namespace of a Kubernetes cluster: one Deployment, its Pods, one HPA, the HPA's
 * Events and metrics-server's PodMetrics. It runs the pure HPA model (src/scaling-models/hpa.ts)
 * every sync period, a deployment controller (create pods, delete the newest first), a kubelet
 * (Pending -> Running -> Ready after a readiness delay) and a metrics-server scrape, all in
 * MODEL time that runs `timeScale` times faster than real time. API timestamps are real wall
 * times at 1 s precision, like a real API server. Every object change gets a resourceVersion
 * and lands in a change log that the fake API server replays to watches.
 *
 * The workload can also be an Argo Rollout (argoproj.io/v1alpha1, a custom kind served with
 * discovery and a /scale subresource): its controller here is the Deployment's (pods with the
 * selector labels, Ready after the readiness delay), and the HPA scales it the same way. Its
 * selector can change mid-run (`changeSelector`): its Scale then reports the new one, and the
 * controller, the HPA and the ready count (`readyCount`) only know the pods it selects.
 *
 * Ground truth (`truth`) records every scaling decision and every change of the ready count,
 * at real wall ms, for tests to compare the provider's measurements with.
 */
import { FakePlatformClock, type PlatformClockOptions } from '../shared/platform-clock.js';
import { randomUUID } from 'node:crypto';
import { hpaSpec, hpaStep, initialHpaState, type HpaPod, type HpaSpecInput, type HpaState } from '../../../src/scaling-models/hpa.js';

export type Kind = 'deployments' | 'statefulsets' | 'rollouts' | 'horizontalpodautoscalers' | 'pods' | 'events';
/** The kinds that can be the HPA's target (they have a /scale subresource, unless `scaleSubresource: false`). */
export type WorkloadPlural = 'deployments' | 'statefulsets' | 'rollouts';

/** The custom kind the fake serves (an Argo Rollout), for discovery and the HPA's scaleTargetRef. */
export const ROLLOUT = { group: 'argoproj.io', version: 'v1alpha1', apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', plural: 'rollouts' } as const;
export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';
// Plain JSON objects, as the API server serves them.
export type KObject = { metadata: { name: string; namespace: string; uid: string; resourceVersion: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: any };

export interface Change {
  rv: number;
  kind: Kind;
  type: WatchType;
  obj: KObject;
}

export interface FakeClusterOptions {
  namespace?: string;
  deployment?: string;
  hpa?: string;
  /** The workload kind (its name is `deployment`). Default Deployment. */
  workloadKind?: 'Deployment' | 'StatefulSet' | 'Rollout';
  /** false: the Rollout kind is served without its /scale subresource (discovery omits `rollouts/scale`, GET .../scale is 404). */
  scaleSubresource?: boolean;
  /** StatefulSet: OrderedReady (the default) creates pod N only once pods 0..N-1 are Ready and removes one at a time. */
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** false: no HPA object at all (a fixed-size Deployment). */
  withHpa?: boolean;
  /** Model time runs this many times faster than real time. */
  timeScale?: number;
  initialReplicas?: number;
  minReplicas?: number;
  maxReplicas?: number;
  /** Target CPU utilization as a fraction of the request (0.5 = 50 %). */
  targetUtilization?: number;
  behavior?: HpaSpecInput['behavior'];
  /** Container CPU request; null: none (the HPA cannot compute utilization). */
  cpuRequest?: string | null;
  memoryRequest?: string;
  /** Model ms. */
  syncPeriodMs?: number;
  metricResolutionMs?: number;
  podStartMs?: number;
  readinessDelayMs?: number;
  /** Real seconds a deleted pod stays terminating. */
  terminationGraceSeconds?: number;
  /** Real ms between controller ticks. */
  tickMs?: number;
  /** Current utilization of each ready replica (fraction of request), usually ScaledApp.utilization. */
  utilization?: () => number;
}

export interface Decision {
  atWall: number;
  from: number;
  to: number;
  reason: string;
}

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const shortId = () => randomUUID().replace(/-/g, '').slice(0, 5);

export class FakeCluster {
  readonly o: Required<Omit<FakeClusterOptions, 'behavior' | 'cpuRequest'>> & Pick<FakeClusterOptions, 'behavior'> & { cpuRequest: string | null };
  readonly objects = new Map<Kind, Map<string, KObject>>([
    ['deployments', new Map()],
    ['statefulsets', new Map()],
    ['rollouts', new Map()],
    ['horizontalpodautoscalers', new Map()],
    ['pods', new Map()],
    ['events', new Map()],
  ]);
  readonly log: Change[] = [];
  /** Watches asking to start before this resourceVersion get 410 Gone. */
  compactedRv = 0;
  rv = 1000;
  readonly truth = { decisions: [] as Decision[], ready: [] as Array<{ atWall: number; ready: number }> };
  /** Latest scrape, per pod name: usage in millicores, at real wall ms. */
  podMetrics = new Map<string, { atWall: number; cpuMillis: number; memBytes: number }>();
  metricsAvailable = true;
  readonly #subscribers = new Set<(c: Change) => void>();
  readonly #spec;
  #state: HpaState = initialHpaState();
  #timer: NodeJS.Timeout | null = null;
  #startReal = 0;
  #lastSync = -Infinity;
  #lastScrape = -Infinity;
  #podModel = new Map<string, { createdModel: number; runningModel?: number; readyModel?: number }>();
  #eventsByKey = new Map<string, string>();
  #lastReady = -1;
  #rsHash = `${shortId()}${shortId()}`.slice(0, 9);

  /** The API server's clock (clockOffsetMs / clockStep): object times are stamped with it; the truth stays on ours. */
  readonly platformClock: FakePlatformClock;
  #rfc(ourMs: number): string {
    return rfc3339(this.platformClock.toPlatform(ourMs));
  }

  constructor(options: FakeClusterOptions & PlatformClockOptions = {}) {
    this.platformClock = new FakePlatformClock({ ...(options.clockOffsetMs === undefined ? {} : { clockOffsetMs: options.clockOffsetMs }), ...(options.clockStep ? { clockStep: options.clockStep } : {}) });
    this.o = {
      namespace: 'demo',
      deployment: 'web',
      hpa: 'web',
      withHpa: true,
      workloadKind: 'Deployment',
      scaleSubresource: true,
      podManagementPolicy: 'OrderedReady',
      timeScale: 20,
      initialReplicas: 1,
      minReplicas: 1,
      maxReplicas: 10,
      targetUtilization: 0.5,
      memoryRequest: '128Mi',
      syncPeriodMs: 15_000,
      metricResolutionMs: 15_000,
      podStartMs: 2_000,
      readinessDelayMs: 8_000,
      terminationGraceSeconds: 1,
      tickMs: 25,
      utilization: () => 0,
      ...options,
      behavior: options.behavior,
      cpuRequest: options.cpuRequest === undefined ? '250m' : options.cpuRequest,
    };
    this.#spec = hpaSpec({ minReplicas: this.o.minReplicas, maxReplicas: this.o.maxReplicas, targetUtilization: this.o.targetUtilization, ...(this.o.behavior ? { behavior: this.o.behavior } : {}) });
    this.#createInitialObjects();
  }

  /** Model ms since start. */
  modelNow(): number {
    return (Date.now() - this.#startReal) * this.o.timeScale;
  }

  /** Real ms for a model duration. */
  real(modelMs: number): number {
    return modelMs / this.o.timeScale;
  }

  start(): void {
    this.#startReal = Date.now();
    // Pods that exist at start are already ready.
    for (const pod of this.objects.get('pods')!.values()) this.#podModel.set(pod.metadata.name, { createdModel: -1e9, runningModel: -1e9, readyModel: -1e9 });
    this.#recordReady();
    this.#timer = setInterval(() => this.tick(), this.o.tickMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  subscribe(fn: (c: Change) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  get(kind: Kind, name: string): KObject | undefined {
    return this.objects.get(kind)!.get(name);
  }

  /** The workload (Deployment or StatefulSet). */
  deployment(): KObject {
    return this.get(this.#wk, this.o.deployment)!;
  }

  /** The workload's resource (its plural). */
  get workloadPlural(): WorkloadPlural {
    return this.#wk;
  }

  get #wk(): WorkloadPlural {
    return this.o.workloadKind === 'StatefulSet' ? 'statefulsets' : this.o.workloadKind === 'Rollout' ? 'rollouts' : 'deployments';
  }

  get #rollout(): boolean {
    return this.o.workloadKind === 'Rollout';
  }

  /**
   * The autoscaling/v1 Scale of a workload (what the HPA reads): spec.replicas, status.replicas
   * and status.selector (a Rollout's status.selector; a Deployment's spec.selector serialized).
   */
  scaleOf(plural: WorkloadPlural, name: string): KObject | undefined {
    const w = this.get(plural, name);
    if (!w) return undefined;
    const selector = (w.status?.selector as string | undefined) ?? Object.entries(w.spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(',');
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace: w.metadata.namespace, uid: w.metadata.uid, resourceVersion: w.metadata.resourceVersion, creationTimestamp: w.metadata.creationTimestamp },
      spec: { replicas: w.spec.replicas },
      status: { replicas: w.status?.replicas ?? 0, selector },
    };
  }

  get #sts(): boolean {
    return this.o.workloadKind === 'StatefulSet';
  }

  hpa(): KObject | undefined {
    return this.get('horizontalpodautoscalers', this.o.hpa);
  }

  /** Ready pods among those the workload's selector matches (the HPA's and the controller's view). */
  readyCount(): number {
    return this.selectedPods().filter(isReady).length;
  }

  /** The pods the workload's spec.selector matches (terminating ones included). */
  selectedPods(): KObject[] {
    const want = Object.entries((this.deployment().spec.selector?.matchLabels ?? {}) as Record<string, string>);
    return [...this.objects.get('pods')!.values()].filter((p) => want.every(([k, v]) => p.metadata.labels?.[k] === v));
  }

  /**
   * The Rollout's pods get other labels (its selector and template edited together, or a controller
   * that writes a revision-specific selector): spec.selector, the template's labels and
   * status.selector (what its Scale reports) change at once, as a new revision. The controller
   * then creates the new pods; the old ones are no longer selected, so they keep running, orphaned
   * (like an old ReplicaSet's), until `deleteUnselectedPods`. A Deployment's or StatefulSet's
   * selector is immutable in apps/v1.
   */
  changeSelector(matchLabels: Record<string, string>): void {
    if (!this.#rollout) throw new Error(`the fake changes a Rollout's selector only: a ${this.o.workloadKind}'s spec.selector is immutable`);
    const d = structuredClone(this.deployment());
    d.metadata.generation = (d.metadata.generation as number) + 1;
    d.spec.selector = { matchLabels: { ...matchLabels } };
    d.spec.template.metadata.labels = { ...matchLabels };
    d.status.selector = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`).join(',');
    this.#rsHash = `${shortId()}${shortId()}`.slice(0, 9);
    this.#write(this.#wk, 'MODIFIED', d);
  }

  /** Delete the pods the workload no longer selects (`kubectl delete` of an old revision's pods): terminating, then gone. */
  deleteUnselectedPods(): void {
    const selected = new Set(this.selectedPods());
    for (const p of [...this.objects.get('pods')!.values()]) if (!selected.has(p) && !p.metadata.deletionTimestamp) this.#terminate(p);
  }

  /** `kubectl scale` (PATCH of the /scale subresource): set the workload's spec.replicas (an HPA, if any, may override it). */
  scale(replicas: number): void {
    const d = structuredClone(this.deployment());
    d.metadata.generation = (d.metadata.generation as number) + 1;
    d.spec.replicas = replicas;
    this.#write(this.#wk, 'MODIFIED', d);
  }

  /** Forget the change log: any watch resuming from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv + 1;
    this.log.length = 0;
  }

  // ------------------------------------------------------------ object store

  #write(kind: Kind, type: WatchType, obj: KObject): void {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    if (type === 'DELETED') this.objects.get(kind)!.delete(obj.metadata.name);
    else this.objects.get(kind)!.set(obj.metadata.name, obj);
    const change: Change = { rv: this.rv, kind, type, obj: structuredClone(obj) };
    this.log.push(change);
    if (this.log.length > 5000) {
      this.log.splice(0, 1000);
      this.compactedRv = this.log[0]!.rv;
    }
    for (const s of this.#subscribers) s(change);
  }

  #meta(name: string, extra: Record<string, unknown> = {}) {
    return { name, namespace: this.o.namespace, uid: randomUUID(), resourceVersion: '', creationTimestamp: this.#rfc(Date.now()), ...extra };
  }

  #createInitialObjects(): void {
    const o = this.o;
    const requests: Record<string, string> = { memory: o.memoryRequest };
    if (o.cpuRequest !== null) requests.cpu = o.cpuRequest;
    const workloadApiVersion = this.#rollout ? ROLLOUT.apiVersion : 'apps/v1';
    this.#write(this.#wk, 'ADDED', {
      apiVersion: workloadApiVersion,
      kind: o.workloadKind,
      metadata: { ...this.#meta(o.deployment), generation: 1, labels: { app: o.deployment } },
      spec: {
        replicas: o.initialReplicas,
        ...(this.#sts ? { serviceName: o.deployment, podManagementPolicy: o.podManagementPolicy } : {}),
        ...(this.#rollout ? { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } } } : {}),
        selector: { matchLabels: { app: o.deployment } },
        template: { metadata: { labels: { app: o.deployment } }, spec: { containers: [{ name: 'app', image: 'example.invalid/web:1', resources: { requests } }] } },
      },
      status: {
        observedGeneration: 1,
        replicas: o.initialReplicas,
        updatedReplicas: o.initialReplicas,
        readyReplicas: o.initialReplicas,
        availableReplicas: o.initialReplicas,
        ...(this.#sts ? { currentReplicas: o.initialReplicas } : {}),
        ...(this.#rollout ? { selector: `app=${o.deployment}` } : {}),
      },
    });
    for (let i = 0; i < o.initialReplicas; i++) this.#createPod(true, this.#sts ? i : undefined);
    if (o.withHpa) {
      const b = this.#spec.behavior;
      const rules = (r: typeof b.scaleUp) => ({
        stabilizationWindowSeconds: r.stabilizationWindowMs / 1000,
        selectPolicy: r.selectPolicy,
        policies: r.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodMs / 1000 })),
      });
      this.#write('horizontalpodautoscalers', 'ADDED', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: this.#meta(o.hpa, { generation: 1 }),
        spec: {
          scaleTargetRef: { apiVersion: workloadApiVersion, kind: o.workloadKind, name: o.deployment },
          minReplicas: o.minReplicas,
          maxReplicas: o.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: Math.round(o.targetUtilization * 100) } } }],
          behavior: { scaleUp: rules(b.scaleUp), scaleDown: rules(b.scaleDown) },
        },
        status: {
          currentReplicas: o.initialReplicas,
          desiredReplicas: o.initialReplicas,
          currentMetrics: [],
          conditions: [
            { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size', lastTransitionTime: this.#rfc(Date.now()) },
          ],
        },
      });
    }
  }

  #template(): KObject['spec'] {
    return this.deployment().spec.template;
  }

  /** A new pod: a ReplicaSet's random name, or a StatefulSet's `name-<ordinal>`. */
  #createPod(ready = false, ordinal?: number): void {
    const app = this.o.deployment;
    const name = ordinal === undefined ? `${app}-${this.#rsHash}-${shortId()}` : `${app}-${ordinal}`;
    const now = this.#rfc(Date.now());
    const tpl = this.#template();
    const labels = tpl.metadata?.labels ?? { app };
    const pod: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...this.#meta(name),
        labels:
          ordinal !== undefined
            ? { ...labels, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) }
            : this.#rollout
              ? { ...labels, 'rollouts-pod-template-hash': this.#rsHash }
              : { ...labels, 'pod-template-hash': this.#rsHash },
        ownerReferences: [
          ordinal === undefined
            ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${this.#rsHash}`, controller: true }
            : { apiVersion: 'apps/v1', kind: 'StatefulSet', name: app, controller: true },
        ],
      },
      spec: structuredClone(tpl.spec),
      status: ready
        ? { phase: 'Running', startTime: now, conditions: [cond('PodScheduled', 'True', now), cond('Initialized', 'True', now), cond('ContainersReady', 'True', now), cond('Ready', 'True', now)] }
        : { phase: 'Pending', conditions: [cond('PodScheduled', 'True', now)] },
    };
    this.#write('pods', 'ADDED', pod);
    this.#podModel.set(name, { createdModel: this.#startReal ? this.modelNow() : -1e9 });
  }

  // ------------------------------------------------------------ controllers

  /** One pass of every controller; the timer calls it every `tickMs` real ms. */
  tick(): void {
    const model = this.modelNow();
    this.#kubelet(model);
    this.#deploymentController();
    if (model - this.#lastScrape >= this.o.metricResolutionMs) {
      this.#lastScrape = model;
      this.#scrape();
    }
    if (this.o.withHpa && model - this.#lastSync >= this.o.syncPeriodMs) {
      this.#lastSync = model;
      this.#hpaSync(model);
    }
    this.#recordReady();
  }

  #kubelet(model: number): void {
    const now = Date.now();
    for (const pod of [...this.objects.get('pods')!.values()]) {
      const m = this.#podModel.get(pod.metadata.name)!;
      if (pod.metadata.deletionTimestamp) {
        if (now >= Date.parse(pod.metadata.deletionTimestamp as string)) {
          this.#write('pods', 'DELETED', structuredClone(pod));
          this.#podModel.delete(pod.metadata.name);
          this.podMetrics.delete(pod.metadata.name);
        }
        continue;
      }
      if (pod.status.phase === 'Pending' && model >= m.createdModel + this.o.podStartMs) {
        const p = structuredClone(pod);
        const t = this.#rfc(now);
        p.status = { phase: 'Running', startTime: t, conditions: [cond('PodScheduled', 'True', t), cond('Initialized', 'True', t), cond('ContainersReady', 'False', t, 'ContainersNotReady'), cond('Ready', 'False', t, 'ContainersNotReady')] };
        m.runningModel = model;
        this.#write('pods', 'MODIFIED', p);
      } else if (pod.status.phase === 'Running' && m.runningModel !== undefined && m.readyModel === undefined && model >= m.runningModel + this.o.readinessDelayMs) {
        const p = structuredClone(pod);
        const t = this.#rfc(now);
        p.status.conditions = p.status.conditions.map((c: { type: string }) => (c.type === 'Ready' || c.type === 'ContainersReady' ? cond(c.type, 'True', t) : c));
        m.readyModel = model;
        this.#write('pods', 'MODIFIED', p);
      }
    }
  }

  #deploymentController(): void {
    const d = this.deployment();
    const want = d.spec.replicas as number;
    const alive = this.selectedPods().filter((p) => !p.metadata.deletionTimestamp);
    if (this.#sts) this.#statefulSetPods(want, alive);
    else for (let i = alive.length; i < want; i++) this.#createPod();
    if (!this.#sts && alive.length > want) {
      // Like the ReplicaSet controller: unready pods first, then the newest.
      const victims = alive
        .sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))
        .slice(0, alive.length - want);
      for (const v of victims) this.#terminate(v);
    }
    const pods = this.selectedPods().filter((p) => !p.metadata.deletionTimestamp);
    const ready = pods.filter(isReady).length;
    const status = { observedGeneration: d.metadata.generation, replicas: pods.length, updatedReplicas: pods.length, readyReplicas: ready, availableReplicas: ready, ...(pods.length > ready ? { unavailableReplicas: pods.length - ready } : {}) };
    if (this.#sts) Object.assign(status, { currentReplicas: pods.length });
    if (this.#rollout) Object.assign(status, { selector: d.status.selector });
    if (JSON.stringify(status) !== JSON.stringify(d.status)) this.#write(this.#wk, 'MODIFIED', { ...structuredClone(d), status });
  }

  /**
   * The StatefulSet controller: pods are `name-0 … name-(N-1)`. OrderedReady creates the lowest
   * missing ordinal only when every lower one is Ready, and removes the highest ordinal only when
   * no other pod is terminating; Parallel creates and removes them all at once.
   */
  #statefulSetPods(want: number, alive: KObject[]): void {
    const ordinalOf = (p: KObject) => Number(/-(\d+)$/.exec(p.metadata.name as string)![1]);
    const byOrdinal = new Map(alive.map((p) => [ordinalOf(p), p] as const));
    const all = [...this.objects.get('pods')!.values()];
    const ordered = this.o.podManagementPolicy === 'OrderedReady';
    for (let i = 0; i < want; i++) {
      if (byOrdinal.has(i)) {
        if (ordered && !isReady(byOrdinal.get(i)!)) break;
        continue;
      }
      if (all.some((p) => p.metadata.name === `${this.o.deployment}-${i}`)) break; // still terminating
      this.#createPod(false, i);
      if (ordered) break;
    }
    const extra = alive.filter((p) => ordinalOf(p) >= want).sort((a, b) => ordinalOf(b) - ordinalOf(a));
    const terminating = all.some((p) => p.metadata.deletionTimestamp);
    for (const v of ordered ? (terminating ? [] : extra.slice(0, 1)) : extra) this.#terminate(v);
  }

  /** A pod deletion: terminating for the grace period, then the kubelet removes it. */
  #terminate(pod: KObject): void {
    const p = structuredClone(pod);
    p.metadata.deletionTimestamp = this.#rfc(Date.now() + this.o.terminationGraceSeconds * 1000);
    p.metadata.deletionGracePeriodSeconds = this.o.terminationGraceSeconds;
    this.#write('pods', 'MODIFIED', p);
  }

  #scrape(): void {
    const now = Date.now();
    const util = this.o.utilization();
    const req = this.o.cpuRequest === null ? 250 : parseMillis(this.o.cpuRequest);
    this.podMetrics.clear();
    if (!this.metricsAvailable) return;
    for (const p of this.objects.get('pods')!.values()) {
      if (p.status.phase !== 'Running' || p.metadata.deletionTimestamp) continue;
      const u = isReady(p) ? util : 0.05;
      this.podMetrics.set(p.metadata.name, { atWall: now, cpuMillis: Math.round(u * req), memBytes: 64 * 2 ** 20 });
    }
  }

  #hpaSync(model: number): void {
    const hpa = this.hpa()!;
    const d = this.deployment();
    const current = d.spec.replicas as number;
    const req = this.o.cpuRequest === null ? undefined : parseMillis(this.o.cpuRequest);
    const pods: HpaPod[] = this.selectedPods()
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => {
        const m = this.podMetrics.get(p.metadata.name);
        return { ready: isReady(p), ...(m && req !== undefined && isReady(p) ? { utilization: m.cpuMillis / req } : {}) };
      });
    const decision = hpaStep(this.#spec, this.#state, { currentReplicas: current, pods }, model);
    this.#state = decision.state;
    const now = Date.now();
    const t = this.#rfc(now);
    const status = structuredClone(hpa.status);
    const noMetrics = decision.utilization === undefined && decision.reason === 'no metrics for the ready pods';
    if (decision.rescale) {
      this.truth.decisions.push({ atWall: now, from: current, to: decision.desired, reason: decision.reason });
      this.#write(this.#wk, 'MODIFIED', { ...structuredClone(d), metadata: { ...structuredClone(d.metadata), generation: (d.metadata.generation as number) + 1 }, spec: { ...structuredClone(d.spec), replicas: decision.desired } });
      status.lastScaleTime = t;
      this.#event('Normal', 'SuccessfulRescale', `New size: ${decision.desired}; reason: ${decision.reason}`);
    }
    if (noMetrics) {
      const why = this.o.cpuRequest === null ? 'missing request for cpu in container app of Pod' : 'unable to get metrics for resource cpu: no metrics returned from resource metrics API';
      this.#event('Warning', 'FailedGetResourceMetric', `failed to get cpu utilization: ${why}`);
    }
    status.currentReplicas = current;
    status.desiredReplicas = decision.desired;
    status.currentMetrics =
      decision.utilization === undefined
        ? []
        : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: Math.round(decision.utilization * 100), averageValue: `${Math.round(decision.utilization * (req ?? 0))}m` } } }];
    const conds: Array<[string, string, string, string]> = [
      ['AbleToScale', 'True', decision.rescale ? 'SucceededRescale' : (decision.stabilizedBy ?? 'ReadyForNewScale'), decision.rescale ? `the HPA controller was able to update the target scale to ${decision.desired}` : decision.reason],
      noMetrics
        ? ['ScalingActive', 'False', 'FailedGetResourceMetric', 'the HPA was unable to compute the replica count: failed to get cpu utilization']
        : ['ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)'],
      decision.limitedBy ? ['ScalingLimited', 'True', decision.limitedBy, `the desired replica count is limited (${decision.limitedBy})`] : ['ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range'],
    ];
    status.conditions = conds.map(([type, st, reason, message]) => {
      const prev = (hpa.status.conditions ?? []).find((c: { type: string }) => c.type === type);
      return { type, status: st, reason, message, lastTransitionTime: prev && prev.status === st ? prev.lastTransitionTime : t };
    });
    if (JSON.stringify(status) !== JSON.stringify(hpa.status)) this.#write('horizontalpodautoscalers', 'MODIFIED', { ...structuredClone(hpa), status });
  }

  /** An Event on the HPA; a repeat of the same reason and message bumps count (like the recorder's aggregation). */
  #event(type: string, reason: string, message: string): void {
    const hpa = this.hpa()!;
    const key = `${reason}|${message}`;
    const t = this.#rfc(Date.now());
    const existing = this.#eventsByKey.get(key);
    const prev = existing ? this.get('events', existing) : undefined;
    if (prev) {
      this.#write('events', 'MODIFIED', { ...structuredClone(prev), count: (prev.count as number) + 1, lastTimestamp: t });
      return;
    }
    const name = `${hpa.metadata.name}.${shortId()}${shortId()}`;
    this.#eventsByKey.set(key, name);
    this.#write('events', 'ADDED', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: this.#meta(name),
      involvedObject: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: hpa.metadata.name, namespace: this.o.namespace, uid: hpa.metadata.uid },
      reason,
      message,
      type,
      source: { component: 'horizontal-pod-autoscaler' },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      reportingComponent: 'horizontal-pod-autoscaler',
    });
  }

  #recordReady(): void {
    const n = this.readyCount();
    if (n !== this.#lastReady) {
      this.truth.ready.push({ atWall: Date.now(), ready: n });
      this.#lastReady = n;
    }
  }

  /** Real wall ms at which the ready count first reached `n` at or after `sinceWall`. */
  readyReachedAt(n: number, sinceWall: number, cmp: 'gte' | 'lte' = 'gte'): number | undefined {
    return this.truth.ready.find((r) => r.atWall >= sinceWall && (cmp === 'gte' ? r.ready >= n : r.ready <= n))?.atWall;
  }
}

function cond(type: string, status: string, t: string, reason?: string) {
  return { type, status, lastProbeTime: null, lastTransitionTime: t, ...(reason ? { reason } : {}) };
}

export function isReady(p: KObject): boolean {
  return !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
}

function parseMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}
