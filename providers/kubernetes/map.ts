/**
 * PURE mapping from Kubernetes objects to scaleproof samples, events and configuration.
 * Objects come either from the typed client (times are `Date`) or straight off a watch stream
 * (times are RFC 3339 strings), so every time goes through `toMs`. No I/O, no clock: callers
 * pass the moment a watch notification arrived (`stamp`) and whether the watch was live.
 */
import type { PlatformEvent, PlatformEventType, PlatformSample, ScalingConfig, ScalingRule } from '../../src/provider.js';

export type Time = string | Date;

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: Time;
  deletionTimestamp?: Time;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: Time;
}

export interface MetricTarget {
  type: string;
  averageUtilization?: number;
  averageValue?: string | number;
  value?: string | number;
}

export interface MetricSpec {
  type: string;
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; container: string; target: MetricTarget };
  pods?: { metric: { name: string }; target: MetricTarget };
  object?: { metric: { name: string }; describedObject?: { kind?: string; name?: string }; target: MetricTarget };
  external?: { metric: { name: string }; target: MetricTarget };
}

export interface MetricValueStatus {
  averageUtilization?: number;
  averageValue?: string | number;
  value?: string | number;
}

export interface MetricStatus {
  type: string;
  resource?: { name: string; current: MetricValueStatus };
  containerResource?: { name: string; container: string; current: MetricValueStatus };
  pods?: { metric: { name: string }; current: MetricValueStatus };
  object?: { metric: { name: string }; current: MetricValueStatus };
  external?: { metric: { name: string }; current: MetricValueStatus };
}

export interface ScalingPolicy {
  type: string;
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: string;
  policies?: ScalingPolicy[];
  tolerance?: string | number;
}

export interface Hpa {
  metadata?: ObjectMeta;
  spec?: {
    scaleTargetRef: { kind: string; name: string; apiVersion?: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
    behavior?: { scaleUp?: ScalingRules; scaleDown?: ScalingRules };
  };
  status?: {
    currentReplicas?: number;
    desiredReplicas?: number;
    lastScaleTime?: Time;
    observedGeneration?: number;
    currentMetrics?: MetricStatus[];
    conditions?: Condition[];
  };
}

export interface Container {
  name: string;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
}

export interface PodSpec {
  containers: Container[];
}

export interface Deployment {
  metadata?: ObjectMeta;
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
    template?: { metadata?: ObjectMeta; spec?: PodSpec };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
  };
}

export interface Pod {
  metadata?: ObjectMeta;
  spec?: PodSpec;
  status?: { phase?: string; conditions?: Condition[]; startTime?: Time };
}

export interface KEvent {
  metadata?: ObjectMeta;
  involvedObject?: { kind?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: Time | null;
  lastTimestamp?: Time | null;
  eventTime?: Time | null;
}

export interface PodMetrics {
  metadata?: ObjectMeta;
  timestamp?: Time;
  window?: string;
  containers?: Array<{ name: string; usage?: Record<string, string | number> }>;
}

/** Where a change came from: when the watch notification arrived, and whether the watch was live. */
export interface Seen {
  /** Client wall ms when the notification (or list) was received. */
  stamp: number;
  /** True for a notification on a live watch; false for an initial list, relist or poll. */
  live: boolean;
  /** The API server's time -> ours (its clock estimate); absent: API times are taken as ours. */
  toOurs?: (apiMs: number) => number;
}

// ---------------------------------------------------------------- units

/** RFC 3339 string or Date -> epoch ms; undefined for missing or unparseable. */
export function toMs(t: Time | null | undefined): number | undefined {
  if (t === undefined || t === null) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

const QUANTITY = /^([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;
const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes quantity (`250m`, `1.5`, `128Mi`, `1e3`, `180000000n`) -> number in base units. */
export function parseQuantity(q: string | number | undefined | null): number | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return m[3] ? base * SUFFIX[m[3]]! : base;
}

/** CPU quantity -> millicores. */
export function cpuMillis(q: string | number | undefined | null): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : v * 1000;
}

/** Go duration as metrics-server writes `window` (`15s`, `1m0s`, `30.5s`, `500ms`) -> ms. */
export function goDurationMs(d: string | undefined): number | undefined {
  if (!d) return undefined;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
  let total = 0;
  let matched = '';
  for (const m of d.matchAll(re)) {
    const unit = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 }[m[2] as 'h'];
    total += Number(m[1]) * unit;
    matched += m[0];
  }
  return matched === d ? total : undefined;
}

// ---------------------------------------------------------------- pods and replicas

export function isTerminating(o: { metadata?: ObjectMeta }): boolean {
  return o.metadata?.deletionTimestamp !== undefined && o.metadata.deletionTimestamp !== null;
}

export function readyCondition(pod: Pod): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return !isTerminating(pod) && readyCondition(pod)?.status === 'True';
}

/** Pods that count as replicas: not being deleted and not finished. */
export function livePods(pods: Iterable<Pod>): Pod[] {
  return [...pods].filter((p) => !isTerminating(p) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

/** The deployment's status can be trusted only once its controller has seen the latest spec. */
export function deploymentStatusCurrent(d: Deployment): boolean {
  const gen = d.metadata?.generation;
  const observed = d.status?.observedGeneration;
  return gen === undefined || (observed !== undefined && observed >= gen);
}

export type WorkloadValues = Pick<PlatformSample, 'desired' | 'ready' | 'pending' | 'running'>;

/**
 * Replica counts of the workload now. `desired` is the HPA's decision (status.desiredReplicas)
 * or, without an HPA, Deployment spec.replicas. Ready/pending/running come from the pods
 * when they are known (`pods` given), else from Deployment status, and then only when
 * status.observedGeneration >= metadata.generation (a stale status describes an older spec).
 */
export function workloadValues(s: { hpa?: Hpa; deployment?: Deployment; pods?: Iterable<Pod> }): WorkloadValues {
  const out: WorkloadValues = {};
  const desired = s.hpa?.status?.desiredReplicas ?? s.deployment?.spec?.replicas ?? (s.deployment ? 1 : undefined);
  if (desired !== undefined) out.desired = desired;
  if (s.pods) {
    const live = livePods(s.pods);
    out.ready = live.filter(isPodReady).length;
    out.pending = live.length - out.ready;
    out.running = live.filter((p) => p.status?.phase === 'Running').length;
  } else if (s.deployment?.status && deploymentStatusCurrent(s.deployment)) {
    const st = s.deployment.status;
    out.ready = st.readyReplicas ?? 0;
    out.running = st.replicas ?? 0;
    out.pending = Math.max(0, (st.replicas ?? 0) - (st.readyReplicas ?? 0));
  } else if (!s.deployment && s.hpa?.status?.currentReplicas !== undefined) {
    out.running = s.hpa.status.currentReplicas;
  }
  return out;
}

/** When to place a change: the arrival time of a live notification, else the API's own time. */
export function when(seen: Seen, rawApiMs: number | undefined): { atWall: number; resolutionMs: number; platformStamped?: boolean } {
  if (rawApiMs === undefined) return { atWall: seen.stamp, resolutionMs: 0 };
  // API times are on the API server's clock: compared with, and reported on, ours.
  const apiMs = seen.toOurs ? seen.toOurs(rawApiMs) : rawApiMs;
  // A live notification that agrees with the API time (1 s precision) is the precise one.
  // A late one (a resumed watch replaying what it missed, a relist) is placed at the API time.
  if (seen.live && seen.stamp - apiMs > -1000 && seen.stamp - apiMs < 2000) return { atWall: seen.stamp, resolutionMs: 0 };
  return { atWall: apiMs, resolutionMs: 1000, ...(seen.toOurs ? { platformStamped: true } : {}) };
}

/** replica-ready / replica-stopped / info events from one pod change (old or cur may be absent). */
export function podEvents(old: Pod | undefined, cur: Pod | undefined, seen: Seen, source = 'k8s:pods'): PlatformEvent[] {
  const p = cur ?? old;
  if (!p) return [];
  const name = p.metadata?.name ?? '?';
  const uid = p.metadata?.uid ?? name;
  const out: PlatformEvent[] = [];
  if (!old && cur && !isTerminating(cur)) {
    out.push({ ...when(seen, toMs(cur.metadata?.creationTimestamp)), source, type: 'info', id: `${uid}:created`, message: `pod ${name} created` });
  }
  if (cur && isPodReady(cur) && !(old && isPodReady(old))) {
    const ltt = toMs(readyCondition(cur)?.lastTransitionTime);
    const created = toMs(cur.metadata?.creationTimestamp);
    const after = ltt !== undefined && created !== undefined ? ` ${Math.round((ltt - created) / 1000)}s after creation` : '';
    out.push({ ...when(seen, ltt), source, type: 'replica-ready', id: `${uid}:ready:${ltt ?? seen.stamp}`, message: `pod ${name} ready${after}` });
  }
  if (cur && old && isPodReady(old) && !isPodReady(cur) && !isTerminating(cur)) {
    const c = readyCondition(cur);
    out.push({
      ...when(seen, toMs(c?.lastTransitionTime)),
      source,
      type: 'warning',
      id: `${uid}:unready:${toMs(c?.lastTransitionTime) ?? seen.stamp}`,
      message: `pod ${name} no longer ready${c?.reason ? ` (${c.reason})` : ''}`,
    });
  }
  const stoppedNow = (cur && isTerminating(cur) && !(old && isTerminating(old))) || (!cur && old && !isTerminating(old));
  if (stoppedNow) {
    const del = p.metadata?.deletionTimestamp;
    const grace = (p.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
    const apiMs = toMs(del) === undefined ? undefined : toMs(del)! - grace;
    out.push({ ...when(seen, apiMs), source, type: 'replica-stopped', id: `${uid}:stopped`, message: `pod ${name} stopping` });
  }
  return out;
}

// ---------------------------------------------------------------- HPA

const RESCALE = /^New size: (\d+); reason: (.*)$/s;

/** Direction from the reason text, when the previous size is unknown. */
function directionFromReason(reason: string): 'scale-up' | 'scale-down' | 'info' {
  if (/above target|below Spec\.MinReplicas/i.test(reason)) return 'scale-up';
  if (/below target|above Spec\.MaxReplicas/i.test(reason)) return 'scale-down';
  return 'info';
}

/** Best API time of an Event: lastTimestamp, else eventTime (events.k8s.io writers), else first. */
export function eventTimeMs(ev: KEvent): number | undefined {
  return toMs(ev.lastTimestamp) ?? toMs(ev.eventTime) ?? toMs(ev.firstTimestamp) ?? toMs(ev.metadata?.creationTimestamp);
}

/**
 * An HPA Event -> a timeline event. `SuccessfulRescale` ("New size: 4; reason: cpu resource
 * utilization (percentage of request) above target") becomes scale-up/scale-down with
 * from/to; Warning events (FailedGetResourceMetric, FailedRescale...) become warnings.
 * `fromReplicas`: the size before, when the caller knows it.
 */
export function hpaEvent(ev: KEvent, seen: Seen, fromReplicas?: number, source = 'k8s:events'): PlatformEvent {
  const id = `${ev.metadata?.uid ?? `${ev.reason}:${ev.message}`}:${ev.count ?? 1}`;
  const at = when(seen, eventTimeMs(ev));
  const reason = ev.reason ?? 'Event';
  const message = ev.message ?? '';
  const m = reason === 'SuccessfulRescale' ? RESCALE.exec(message) : null;
  if (m) {
    const to = Number(m[1]);
    let type: PlatformEventType =
      fromReplicas === undefined || fromReplicas === to ? directionFromReason(m[2]!) : to > fromReplicas ? 'scale-up' : 'scale-down';
    if (fromReplicas === to) type = 'info';
    const from = fromReplicas !== undefined && fromReplicas !== to ? fromReplicas : undefined;
    return { ...at, source, type, id, message: `HPA ${ev.involvedObject?.name ?? ''} ${from === undefined ? '' : `${from} -> `}${to}: ${m[2]}`.replace(/\s+/g, ' '), ...(from === undefined ? {} : { from }), to };
  }
  const type: PlatformEventType = ev.type === 'Warning' ? 'warning' : 'info';
  return { ...at, source, type, id, message: `${ev.involvedObject?.kind ?? 'object'} ${ev.involvedObject?.name ?? ''} ${reason}: ${message}` };
}

/**
 * Scale decisions read from the HPA itself (status.lastScaleTime moved), for when Events
 * cannot be read. `from` is status.currentReplicas (the size it rescaled from).
 */
export function hpaScaleDecision(old: Hpa | undefined, cur: Hpa, seen: Seen, source = 'k8s:hpa'): PlatformEvent | null {
  const before = toMs(old?.status?.lastScaleTime);
  const after = toMs(cur.status?.lastScaleTime);
  if (!old || after === undefined || after === before) return null;
  // status.currentReplicas is the scale the controller read before rescaling (horizontal.go setStatus).
  const from = cur.status?.currentReplicas ?? old.status?.desiredReplicas;
  const to = cur.status?.desiredReplicas;
  if (to === undefined) return null;
  const type: PlatformEventType = from === undefined || from === to ? 'info' : to > from ? 'scale-up' : 'scale-down';
  return {
    ...when(seen, after),
    source,
    type,
    id: `${cur.metadata?.uid ?? cur.metadata?.name}:scale:${after}`,
    message: `HPA ${cur.metadata?.name ?? ''} rescaled ${from ?? '?'} -> ${to}`,
    ...(from === undefined ? {} : { from }),
    to,
  };
}

function conditionSeverity(c: Condition): PlatformEventType {
  if ((c.type === 'AbleToScale' || c.type === 'ScalingActive') && c.status === 'False') return 'warning';
  if (c.type === 'ScalingLimited' && c.status === 'True' && c.reason === 'TooManyReplicas') return 'warning';
  return 'info';
}

/** One event per HPA condition whose status or reason changed (the "why it did not scale" stream). */
export function hpaConditionEvents(old: Hpa | undefined, cur: Hpa, seen: Seen, source = 'k8s:hpa'): PlatformEvent[] {
  const out: PlatformEvent[] = [];
  const name = cur.metadata?.name ?? '';
  for (const c of cur.status?.conditions ?? []) {
    const prev = old?.status?.conditions?.find((o) => o.type === c.type);
    if (prev && prev.status === c.status && prev.reason === c.reason) continue;
    const statusChanged = !prev || prev.status !== c.status;
    // lastTransitionTime moves only when status flips; a reason change has no API time.
    const at = statusChanged ? when(seen, toMs(c.lastTransitionTime)) : { atWall: seen.stamp, resolutionMs: 0 };
    out.push({
      ...at,
      source,
      type: conditionSeverity(c),
      id: `${cur.metadata?.uid ?? name}:cond:${c.type}:${c.status}:${c.reason ?? ''}:${cur.metadata?.resourceVersion ?? at.atWall}`,
      message: `HPA ${name} ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`,
    });
  }
  return out;
}

/** The HPA's own CPU utilization view (status.currentMetrics), percent of requests. */
export function hpaCpuUtilization(hpa: Hpa | undefined): number | undefined {
  for (const m of hpa?.status?.currentMetrics ?? []) {
    if (m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.current.averageUtilization !== undefined) return m.resource.current.averageUtilization;
  }
  return undefined;
}

// ---------------------------------------------------------------- metrics.k8s.io

export interface PodRequests {
  /** Sum of CPU requests over the pod's containers, millicores; undefined when any container has none. */
  cpuMillis?: number;
  memBytes?: number;
}

export function podRequests(spec: PodSpec | undefined): PodRequests {
  const containers = spec?.containers ?? [];
  if (containers.length === 0) return {};
  let cpu = 0;
  let mem = 0;
  let cpuOk = true;
  let memOk = true;
  for (const c of containers) {
    const r = cpuMillis(c.resources?.requests?.cpu);
    const b = parseQuantity(c.resources?.requests?.memory);
    if (r === undefined) cpuOk = false;
    else cpu += r;
    if (b === undefined) memOk = false;
    else mem += b;
  }
  return { ...(cpuOk ? { cpuMillis: cpu } : {}), ...(memOk ? { memBytes: mem } : {}) };
}

/**
 * PodMetrics -> average CPU and memory utilization against requests, computed the way the HPA
 * does (total usage / total requests of the pods that have metrics). Terminating pods are left
 * out. Requests come from each pod's spec, or from `template` when pods are not readable.
 * Returns null when no pod of the workload has metrics.
 */
export function podMetricsSample(
  metrics: Iterable<PodMetrics>,
  pods: Map<string, Pod> | undefined,
  template: PodSpec | undefined,
  source = 'k8s:metrics.k8s.io',
): PlatformSample | null {
  let cpuUse = 0;
  let cpuReq = 0;
  let memUse = 0;
  let memReq = 0;
  let cpuKnown = true;
  let memKnown = true;
  let n = 0;
  let at = 0;
  let windowMs = 0;
  for (const pm of metrics) {
    const name = pm.metadata?.name ?? '';
    const pod = pods?.get(name);
    if (pods && (!pod || isTerminating(pod))) continue;
    const req = podRequests(pod?.spec ?? template);
    for (const c of pm.containers ?? []) {
      cpuUse += cpuMillis(c.usage?.cpu) ?? 0;
      memUse += parseQuantity(c.usage?.memory) ?? 0;
    }
    if (req.cpuMillis === undefined) cpuKnown = false;
    else cpuReq += req.cpuMillis;
    if (req.memBytes === undefined) memKnown = false;
    else memReq += req.memBytes;
    at = Math.max(at, toMs(pm.timestamp) ?? 0);
    windowMs = Math.max(windowMs, goDurationMs(pm.window) ?? 0);
    n++;
  }
  if (n === 0 || at === 0) return null;
  const out: PlatformSample = { atWall: at, resolutionMs: windowMs || 15_000, source };
  if (cpuKnown && cpuReq > 0) out.cpuPct = round2((cpuUse / cpuReq) * 100);
  if (memKnown && memReq > 0) out.memPct = round2((memUse / memReq) * 100);
  return out.cpuPct === undefined && out.memPct === undefined ? null : out;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

// ---------------------------------------------------------------- configuration

/** Controller defaults (kube-controller-manager flags; managed control planes do not change them). */
export const HPA_DEFAULTS = {
  syncPeriodMs: 15_000,
  tolerance: 0.1,
  downscaleStabilizationMs: 300_000,
  initialReadinessDelayMs: 30_000,
  cpuInitializationPeriodMs: 300_000,
  /** metrics-server resolution. */
  metricResolutionMs: 15_000,
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
} as const;

export interface ResolvedRules {
  stabilizationWindowSeconds: number;
  selectPolicy: string;
  policies: ScalingPolicy[];
}

/** behavior.scaleUp / scaleDown with the API server's defaults filled in. */
export function resolveBehavior(hpa: Hpa): { scaleUp: ResolvedRules; scaleDown: ResolvedRules } {
  const b = hpa.spec?.behavior;
  const fill = (r: ScalingRules | undefined, d: typeof HPA_DEFAULTS.scaleUp | typeof HPA_DEFAULTS.scaleDown): ResolvedRules => ({
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds,
    selectPolicy: r?.selectPolicy ?? d.selectPolicy,
    policies: r?.policies?.length ? r.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })) : d.policies.map((p) => ({ ...p })),
  });
  return { scaleUp: fill(b?.scaleUp, HPA_DEFAULTS.scaleUp), scaleDown: fill(b?.scaleDown, HPA_DEFAULTS.scaleDown) };
}

function targetRule(metric: string, t: MetricTarget, unitHint: 'cpu' | 'memory' | 'other'): ScalingRule {
  if (t.type === 'Utilization' && t.averageUtilization !== undefined) {
    return { metric, target: t.averageUtilization, unit: '%', description: `average ${metric} utilization, percent of requests` };
  }
  const raw = t.type === 'Value' ? t.value : t.averageValue;
  const per = t.type === 'Value' ? 'total' : 'average per pod';
  if (unitHint === 'cpu') return { metric, target: cpuMillis(raw) ?? NaN, unit: 'millicores', description: `${per} CPU` };
  if (unitHint === 'memory') return { metric, target: parseQuantity(raw) ?? NaN, unit: 'bytes', description: `${per} memory` };
  return { metric, target: parseQuantity(raw) ?? NaN, unit: t.type === 'Value' ? 'value' : 'per pod', description: per };
}

/** HPA spec.metrics -> scaling rules (defaults to 80 % CPU, as the API server does). */
export function hpaRules(hpa: Hpa): ScalingRule[] {
  const metrics = hpa.spec?.metrics;
  if (!metrics || metrics.length === 0) return [{ metric: 'cpu', target: 80, unit: '%', description: 'default: average CPU utilization, percent of requests' }];
  const hint = (n: string) => (n === 'cpu' ? 'cpu' : n === 'memory' ? 'memory' : 'other');
  return metrics.map((m): ScalingRule => {
    switch (m.type) {
      case 'Resource':
        return targetRule(m.resource!.name, m.resource!.target, hint(m.resource!.name));
      case 'ContainerResource':
        return targetRule(`${m.containerResource!.name} (container ${m.containerResource!.container})`, m.containerResource!.target, hint(m.containerResource!.name));
      case 'Pods':
        return targetRule(m.pods!.metric.name, m.pods!.target, 'other');
      case 'Object':
        return targetRule(`${m.object!.metric.name} (${m.object!.describedObject?.kind ?? 'object'} ${m.object!.describedObject?.name ?? ''})`.trim(), m.object!.target, 'other');
      case 'External':
        return targetRule(m.external!.metric.name, m.external!.target, 'other');
      default:
        return { metric: m.type, target: NaN, unit: '', description: 'unknown metric type' };
    }
  });
}

/** True when the HPA scales on a resource utilization (which needs requests on every container). */
function utilizationResources(hpa: Hpa | undefined): string[] {
  const out = new Set<string>();
  for (const m of hpa?.spec?.metrics ?? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]) {
    if (m.type === 'Resource' && m.resource?.target.type === 'Utilization') out.add(m.resource.name);
    if (m.type === 'ContainerResource' && m.containerResource?.target.type === 'Utilization') out.add(m.containerResource.name);
  }
  return [...out];
}

/** Containers without a CPU (or other scaled resource) request: the HPA cannot compute utilization for them. */
export function requestWarnings(template: PodSpec | undefined, hpa: Hpa | undefined, workload: string): string[] {
  const out: string[] = [];
  const containers = template?.containers ?? [];
  const noCpu = containers.filter((c) => cpuMillis(c.resources?.requests?.cpu) === undefined).map((c) => c.name);
  const scaled = utilizationResources(hpa);
  if (noCpu.length > 0) {
    out.push(
      `${workload}: container${noCpu.length > 1 ? 's' : ''} ${noCpu.join(', ')} ${noCpu.length > 1 ? 'have' : 'has'} no CPU request: ` +
        (hpa && scaled.includes('cpu')
          ? 'the HPA cannot compute CPU utilization and will not scale on CPU (ScalingActive=False, FailedGetResourceMetric)'
          : 'CPU utilization cannot be reported as a percentage'),
    );
  }
  if (hpa && scaled.includes('memory')) {
    const noMem = containers.filter((c) => parseQuantity(c.resources?.requests?.memory) === undefined).map((c) => c.name);
    if (noMem.length > 0) out.push(`${workload}: container(s) ${noMem.join(', ')} have no memory request: the HPA cannot compute memory utilization`);
  }
  return out;
}

function policyText(r: ResolvedRules): string {
  if (r.selectPolicy === 'Disabled') return 'disabled';
  const p = r.policies.map((x) => `${x.value}${x.type === 'Percent' ? '%' : ' pods'}/${x.periodSeconds}s`).join(', ');
  return `${r.selectPolicy} of [${p}], stabilization ${r.stabilizationWindowSeconds}s`;
}

/**
 * HPA (and its target) -> ScalingConfig. Timings compared by the core:
 * - earliestScaleUpMs: scaleUp stabilization window (0 by default): the HPA can act at its
 *   first sync after the metric rises;
 * - earliestScaleDownMs: scaleDown stabilization (300 s by default);
 * - metricResolutionMs: 15 s (metrics-server) for resource metrics.
 * Without an HPA the replica count is fixed: min = max = spec.replicas.
 */
export function scalingConfig(hpa: Hpa | undefined, deployment: Deployment | undefined): ScalingConfig {
  if (!hpa) {
    const n = deployment?.spec?.replicas ?? 1;
    return { minReplicas: n, maxReplicas: n, rules: [], timings: {}, details: { autoscaler: 'none (no HorizontalPodAutoscaler targets this workload)' } };
  }
  const behavior = resolveBehavior(hpa);
  const timings: Record<string, number> = {
    syncPeriodMs: HPA_DEFAULTS.syncPeriodMs,
    metricResolutionMs: HPA_DEFAULTS.metricResolutionMs,
    scaleUpStabilizationMs: behavior.scaleUp.stabilizationWindowSeconds * 1000,
    scaleDownStabilizationMs: behavior.scaleDown.stabilizationWindowSeconds * 1000,
    initialReadinessDelayMs: HPA_DEFAULTS.initialReadinessDelayMs,
    cpuInitializationPeriodMs: HPA_DEFAULTS.cpuInitializationPeriodMs,
  };
  if (behavior.scaleUp.selectPolicy !== 'Disabled') timings.earliestScaleUpMs = behavior.scaleUp.stabilizationWindowSeconds * 1000;
  if (behavior.scaleDown.selectPolicy !== 'Disabled') timings.earliestScaleDownMs = behavior.scaleDown.stabilizationWindowSeconds * 1000;
  const tol = (r: ScalingRules | undefined) => (r?.tolerance === undefined ? undefined : parseQuantity(r.tolerance));
  return {
    minReplicas: hpa.spec?.minReplicas ?? 1,
    maxReplicas: hpa.spec?.maxReplicas,
    rules: hpaRules(hpa),
    timings,
    details: {
      hpa: hpa.metadata?.name,
      scaleTargetRef: hpa.spec?.scaleTargetRef,
      scaleUp: policyText(behavior.scaleUp),
      scaleDown: policyText(behavior.scaleDown),
      behavior,
      tolerance: { scaleUp: tol(hpa.spec?.behavior?.scaleUp) ?? HPA_DEFAULTS.tolerance, scaleDown: tol(hpa.spec?.behavior?.scaleDown) ?? HPA_DEFAULTS.tolerance },
      conditions: (hpa.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`),
      note: 'sync period, tolerance and readiness delays are the kube-controller-manager defaults; they cannot be read through the API',
    },
  };
}

/** Warnings about the HPA's state and design that make a run untrustworthy or a target unreachable. */
export function hpaWarnings(hpa: Hpa, deployment: Deployment | undefined): string[] {
  const out: string[] = [];
  const name = `HPA ${hpa.metadata?.name ?? ''}`;
  for (const c of hpa.status?.conditions ?? []) {
    if (conditionSeverity(c) === 'warning') out.push(`${name} ${c.type}=${c.status} (${c.reason ?? 'no reason'}): ${c.message ?? ''}`.trim());
  }
  const b = resolveBehavior(hpa);
  if (b.scaleDown.selectPolicy === 'Disabled') out.push(`${name} has scale-down disabled (behavior.scaleDown.selectPolicy: Disabled): it never scales down`);
  if (b.scaleUp.selectPolicy === 'Disabled') out.push(`${name} has scale-up disabled (behavior.scaleUp.selectPolicy: Disabled): it never scales up`);
  if (deployment?.spec?.replicas === 0 && (hpa.spec?.minReplicas ?? 1) > 0) {
    out.push(`${name}: the target has 0 replicas, so the HPA is in maintenance mode (ScalingDisabled) and will not scale`);
  }
  if (hpa.spec && hpa.spec.maxReplicas === (hpa.spec.minReplicas ?? 1)) out.push(`${name}: minReplicas = maxReplicas = ${hpa.spec.maxReplicas}, nothing can scale`);
  return out;
}

/** label selector of a Deployment -> the `labelSelector` query string. */
export function selectorString(d: Deployment | undefined): string | undefined {
  const sel = d?.spec?.selector;
  if (!sel) return undefined;
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : undefined;
}
