/**
 * providers/kubernetes/map.ts on objects shaped like the API server returns them (watch JSON
 * with string times, and typed-client objects with Date times).
 */
import { describe, expect, test } from 'vitest';
import {
  cpuMillis,
  goDurationMs,
  hpaConditionEvents,
  hpaEvent,
  hpaRules,
  hpaScaleDecision,
  hpaWarnings,
  parseQuantity,
  podEvents,
  podMetricsSample,
  requestWarnings,
  scalingConfig,
  selectorString,
  when,
  workloadValues,
  type Deployment,
  type Hpa,
  type KEvent,
  type Pod,
} from '../../../providers/kubernetes/map.js';
import { toProviderError } from '../../../providers/kubernetes/errors.js';
import { roleYaml, permissionsNeeded } from '../../../providers/kubernetes/access.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

// An HPA as `kubectl get hpa web -o json` shows it (autoscaling/v2, defaults filled by the API server).
const hpa: Hpa = {
  metadata: { name: 'web', namespace: 'demo', uid: 'hpa-uid', resourceVersion: '5001', creationTimestamp: '2025-12-31T23:00:00Z' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 12,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } },
      { type: 'External', external: { metric: { name: 'queue_depth' }, target: { type: 'Value', value: '1k' } } },
    ],
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    },
  },
  status: {
    currentReplicas: 3,
    desiredReplicas: 5,
    lastScaleTime: '2026-01-01T00:00:30Z',
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 95, averageValue: '237m' } } }],
    conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 5', lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ],
  },
};

const deployment: Deployment = {
  metadata: { name: 'web', namespace: 'demo', uid: 'dep-uid', generation: 4, resourceVersion: '4000' },
  spec: {
    replicas: 5,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] },
    template: { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '256Mi' } } }, { name: 'sidecar', resources: { requests: { cpu: '50m', memory: '64Mi' } } }] } },
  },
  status: { observedGeneration: 4, replicas: 5, updatedReplicas: 5, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 2 },
};

function pod(name: string, opts: { ready?: boolean; phase?: string; readySince?: number; deleting?: number; created?: number } = {}): Pod {
  const created = opts.created ?? T0;
  const ready = opts.ready ?? true;
  return {
    metadata: { name, namespace: 'demo', uid: `${name}-uid`, resourceVersion: '1', creationTimestamp: iso(created), ...(opts.deleting ? { deletionTimestamp: iso(opts.deleting + 30_000), deletionGracePeriodSeconds: 30 } : {}) },
    spec: deployment.spec!.template!.spec!,
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: iso(created) },
        { type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : { reason: 'ContainersNotReady' }), lastTransitionTime: iso(opts.readySince ?? created + 12_000) },
      ],
    },
  };
}

describe('units', () => {
  test('quantities, CPU and Go durations', () => {
    expect(parseQuantity('128Mi')).toBe(128 * 2 ** 20);
    expect(parseQuantity('1k')).toBe(1000);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('1.5')).toBe(1.5);
    expect(parseQuantity('bogus')).toBeUndefined();
    expect(cpuMillis('250m')).toBe(250);
    expect(cpuMillis('2')).toBe(2000);
    expect(cpuMillis('180000000n')).toBeCloseTo(180);
    expect(cpuMillis('1500u')).toBeCloseTo(1.5);
    expect(goDurationMs('15s')).toBe(15_000);
    expect(goDurationMs('1m0s')).toBe(60_000);
    expect(goDurationMs('30.5s')).toBe(30_500);
    expect(goDurationMs('750ms')).toBe(750);
    expect(goDurationMs('soon')).toBeUndefined();
  });

  test('selector string', () => {
    expect(selectorString(deployment)).toBe('app=web,tier in (front,edge)');
  });
});

describe('replica counts', () => {
  test('from pods: ready, pending (starting) and running; terminating and finished pods left out', () => {
    const pods = [pod('a'), pod('b'), pod('c', { ready: false }), pod('d', { ready: false, phase: 'Pending' }), pod('e', { deleting: T0 }), pod('f', { phase: 'Succeeded', ready: false })];
    expect(workloadValues({ hpa, deployment, pods })).toEqual({ desired: 5, ready: 2, pending: 2, running: 3 });
  });

  test('from Deployment status only while observedGeneration has caught up (stale status is not trusted)', () => {
    expect(workloadValues({ deployment })).toEqual({ desired: 5, ready: 3, running: 5, pending: 2 });
    const stale = { ...deployment, metadata: { ...deployment.metadata, generation: 5 } };
    expect(workloadValues({ deployment: stale })).toEqual({ desired: 5 });
  });

  test('desired is the HPA decision, else spec.replicas', () => {
    expect(workloadValues({ deployment, hpa: { ...hpa, status: {} } }).desired).toBe(5);
    expect(workloadValues({ hpa }).desired).toBe(5);
  });
});

describe('timing of changes', () => {
  test('a live notification is placed at its arrival; a late one (resume, relist) at the API time', () => {
    expect(when({ stamp: T0 + 400, live: true }, T0)).toEqual({ atWall: T0 + 400, resolutionMs: 0 });
    expect(when({ stamp: T0 + 40_000, live: true }, T0)).toEqual({ atWall: T0, resolutionMs: 1000 });
    expect(when({ stamp: T0 + 400, live: false }, T0)).toEqual({ atWall: T0, resolutionMs: 1000 });
    expect(when({ stamp: T0 + 400, live: false }, undefined)).toEqual({ atWall: T0 + 400, resolutionMs: 0 });
  });

  test('pod lifecycle events', () => {
    const starting = pod('web-1', { ready: false, created: T0 });
    const ready = pod('web-1', { ready: true, created: T0, readySince: T0 + 12_000 });
    const created = podEvents(undefined, starting, { stamp: T0 + 100, live: true });
    expect(created).toEqual([{ atWall: T0 + 100, resolutionMs: 0, source: 'k8s:pods', type: 'info', id: 'web-1-uid:created', message: 'pod web-1 created' }]);
    const r = podEvents(starting, ready, { stamp: T0 + 12_300, live: true });
    expect(r).toEqual([{ atWall: T0 + 12_300, resolutionMs: 0, source: 'k8s:pods', type: 'replica-ready', id: `web-1-uid:ready:${T0 + 12_000}`, message: 'pod web-1 ready 12s after creation' }]);
    // From an initial list: already ready, placed at the condition's transition time.
    expect(podEvents(undefined, ready, { stamp: T0 + 90_000, live: false }).find((e) => e.type === 'replica-ready')).toMatchObject({ atWall: T0 + 12_000, resolutionMs: 1000 });
    const deleting = pod('web-1', { deleting: T0 + 60_000 });
    expect(podEvents(ready, deleting, { stamp: T0 + 60_050, live: true })).toEqual([
      { atWall: T0 + 60_050, resolutionMs: 0, source: 'k8s:pods', type: 'replica-stopped', id: 'web-1-uid:stopped', message: 'pod web-1 stopping' },
    ]);
    // DELETED without having seen the deletion timestamp first.
    expect(podEvents(ready, undefined, { stamp: T0 + 61_000, live: true }).map((e) => e.type)).toEqual(['replica-stopped']);
    expect(podEvents(ready, pod('web-1', { ready: false }), { stamp: T0 + 70_000, live: true }).map((e) => e.type)).toEqual(['warning']);
  });

  test('typed-client objects with Date times map the same way', () => {
    const typed = pod('web-2', { ready: true, readySince: T0 + 5000 });
    typed.status!.conditions = typed.status!.conditions!.map((c) => ({ ...c, lastTransitionTime: new Date(c.lastTransitionTime as string) }));
    typed.metadata!.creationTimestamp = new Date(T0);
    expect(podEvents(undefined, typed, { stamp: T0 + 99_000, live: false })[1]).toMatchObject({ type: 'replica-ready', atWall: T0 + 5000, message: 'pod web-2 ready 5s after creation' });
  });
});

describe('HPA events and conditions', () => {
  const rescale: KEvent = {
    metadata: { name: 'web.1881e0b3c4c1d0a2', namespace: 'demo', uid: 'ev-uid', resourceVersion: '9' },
    involvedObject: { kind: 'HorizontalPodAutoscaler', name: 'web', uid: 'hpa-uid' },
    reason: 'SuccessfulRescale',
    message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target',
    type: 'Normal',
    count: 1,
    firstTimestamp: '2026-01-01T00:00:30Z',
    lastTimestamp: '2026-01-01T00:00:30Z',
    eventTime: null,
  };

  test('SuccessfulRescale -> scale-up with from/to; direction from the reason when the old size is unknown', () => {
    expect(hpaEvent(rescale, { stamp: T0 + 30_400, live: true }, 2)).toEqual({
      atWall: T0 + 30_400,
      resolutionMs: 0,
      source: 'k8s:events',
      type: 'scale-up',
      id: 'ev-uid:1',
      message: 'HPA web 2 -> 4: cpu resource utilization (percentage of request) above target',
      from: 2,
      to: 4,
    });
    expect(hpaEvent(rescale, { stamp: T0 + 99_000, live: false })).toMatchObject({ type: 'scale-up', to: 4, atWall: T0 + 30_000, resolutionMs: 1000 });
    const down = { ...rescale, message: 'New size: 2; reason: All metrics below target', count: 3 };
    expect(hpaEvent(down, { stamp: T0, live: false })).toMatchObject({ type: 'scale-down', to: 2, id: 'ev-uid:3' });
    const max = { ...rescale, message: 'New size: 10; reason: Current number of replicas above Spec.MaxReplicas' };
    expect(hpaEvent(max, { stamp: T0, live: false }).type).toBe('scale-down');
  });

  test('Warning events become warnings', () => {
    const warn: KEvent = { ...rescale, type: 'Warning', reason: 'FailedGetResourceMetric', message: 'failed to get cpu utilization: missing request for cpu in container app of Pod web-1' };
    expect(hpaEvent(warn, { stamp: T0, live: false })).toMatchObject({ type: 'warning', message: 'HorizontalPodAutoscaler web FailedGetResourceMetric: failed to get cpu utilization: missing request for cpu in container app of Pod web-1' });
  });

  test('lastScaleTime moving is a decision from status.currentReplicas to status.desiredReplicas', () => {
    const before: Hpa = { ...hpa, status: { ...hpa.status, currentReplicas: 3, desiredReplicas: 3, lastScaleTime: '2026-01-01T00:00:00Z' } };
    expect(hpaScaleDecision(before, hpa, { stamp: T0 + 30_200, live: true })).toMatchObject({ type: 'scale-up', from: 3, to: 5, atWall: T0 + 30_200 });
    expect(hpaScaleDecision(hpa, hpa, { stamp: T0, live: true })).toBeNull();
  });

  test('condition changes are events; blocked scaling is a warning', () => {
    const blocked: Hpa = {
      ...hpa,
      metadata: { ...hpa.metadata, resourceVersion: '5002' },
      status: {
        ...hpa.status,
        conditions: [
          hpa.status!.conditions![0]!,
          { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count', lastTransitionTime: '2026-01-01T00:01:00Z' },
          { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count', lastTransitionTime: '2026-01-01T00:01:00Z' },
        ],
      },
    };
    const ev = hpaConditionEvents(hpa, blocked, { stamp: T0 + 60_300, live: true });
    expect(ev.map((e) => [e.type, e.message.split(':')[0]])).toEqual([
      ['warning', 'HPA web ScalingActive=False (FailedGetResourceMetric)'],
      ['warning', 'HPA web ScalingLimited=True (TooManyReplicas)'],
    ]);
    expect(hpaWarnings(blocked, deployment)).toHaveLength(2);
  });
});

describe('metrics.k8s.io', () => {
  const metrics = [
    { metadata: { name: 'a' }, timestamp: '2026-01-01T00:01:00Z', window: '15s', containers: [{ name: 'app', usage: { cpu: '200m', memory: '128Mi' } }, { name: 'sidecar', usage: { cpu: '10000000n', memory: '32Mi' } }] },
    { metadata: { name: 'b' }, timestamp: '2026-01-01T00:00:59Z', window: '15s', containers: [{ name: 'app', usage: { cpu: '100m', memory: '64Mi' } }, { name: 'sidecar', usage: { cpu: '0', memory: '32Mi' } }] },
    { metadata: { name: 'gone' }, timestamp: '2026-01-01T00:00:59Z', window: '15s', containers: [{ name: 'app', usage: { cpu: '900m', memory: '64Mi' } }] },
  ];

  test('usage over requests, like the HPA computes it; pods not in the workload left out', () => {
    const pods = new Map([['a', pod('a')], ['b', pod('b')]]);
    // requests per pod: 300m CPU, 320Mi memory; usage 310m CPU, 256Mi memory over two pods.
    expect(podMetricsSample(metrics, pods, undefined)).toEqual({ atWall: T0 + 60_000, resolutionMs: 15_000, source: 'k8s:metrics.k8s.io', cpuPct: 51.67, memPct: 40 });
    // Without pod access, the Deployment template gives the requests.
    expect(podMetricsSample(metrics.slice(0, 2), undefined, deployment.spec!.template!.spec)).toMatchObject({ cpuPct: 51.67 });
    expect(podMetricsSample([], pods, undefined)).toBeNull();
  });

  test('no CPU request: no CPU percentage', () => {
    const noReq = { containers: [{ name: 'app', resources: { requests: { memory: '256Mi' } } }, { name: 'sidecar' }] };
    expect(podMetricsSample(metrics.slice(0, 1), undefined, noReq)).toBeNull();
  });
});

describe('configuration', () => {
  test('HPA spec -> ScalingConfig: rules, min/max and the stabilization timings the core compares', () => {
    const c = scalingConfig(hpa, deployment);
    expect(c.minReplicas).toBe(2);
    expect(c.maxReplicas).toBe(12);
    expect(c.rules).toEqual([
      { metric: 'cpu', target: 60, unit: '%', description: 'average cpu utilization, percent of requests' },
      { metric: 'memory', target: 512 * 2 ** 20, unit: 'bytes', description: 'average per pod memory' },
      { metric: 'http_requests_per_second', target: 100, unit: 'per pod', description: 'average per pod' },
      { metric: 'queue_depth', target: 1000, unit: 'value', description: 'total' },
    ]);
    expect(c.timings).toMatchObject({ earliestScaleUpMs: 0, earliestScaleDownMs: 300_000, metricResolutionMs: 15_000, syncPeriodMs: 15_000, scaleDownStabilizationMs: 300_000 });
    expect(c.details).toMatchObject({ scaleUp: 'Max of [100%/15s, 4 pods/15s], stabilization 0s', scaleDown: 'Max of [100%/15s], stabilization 300s' });
  });

  test('behavior left out takes the API defaults; Disabled has no earliest time and a warning', () => {
    const bare: Hpa = { metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 4 } };
    const c = scalingConfig(bare, deployment);
    expect(c.rules).toEqual([{ metric: 'cpu', target: 80, unit: '%', description: 'default: average CPU utilization, percent of requests' }]);
    expect(c.minReplicas).toBe(1);
    expect(c.timings.earliestScaleDownMs).toBe(300_000);
    const noDown: Hpa = { ...bare, spec: { ...bare.spec!, behavior: { scaleDown: { selectPolicy: 'Disabled' } } } };
    expect(scalingConfig(noDown, deployment).timings.earliestScaleDownMs).toBeUndefined();
    expect(hpaWarnings(noDown, deployment).join()).toContain('never scales down');
  });

  test('without an HPA the count is fixed', () => {
    expect(scalingConfig(undefined, deployment)).toMatchObject({ minReplicas: 5, maxReplicas: 5, rules: [] });
  });

  test('missing CPU requests are warned about, more strongly when the HPA scales on CPU', () => {
    const spec = { containers: [{ name: 'app', resources: { requests: { memory: '1Gi' } } }, { name: 'proxy' }] };
    expect(requestWarnings(spec, hpa, 'Deployment web')[0]).toBe(
      'Deployment web: containers app, proxy have no CPU request: the HPA cannot compute CPU utilization and will not scale on CPU (ScalingActive=False, FailedGetResourceMetric)',
    );
    expect(requestWarnings(spec, undefined, 'Deployment web')[0]).toMatch(/cannot be reported as a percentage/);
    expect(requestWarnings(deployment.spec!.template!.spec, hpa, 'Deployment web')).toEqual([]);
  });
});

describe('errors', () => {
  const chain = { source: 'kubeconfig /home/me/.kube/config', context: 'gke_p_us-central1_prod', user: 'gke_p_us-central1_prod', auth: 'exec plugin gke-gcloud-auth-plugin', server: 'https://34.1.2.3' };
  const call = { verb: 'list', group: '', resource: 'pods', namespace: 'shop' };
  const apiException = (code: number, body: object) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body: JSON.stringify(body), headers: {} });

  test('401 -> credentials, with the chain and a refresh hint for the auth method', () => {
    const e = toProviderError(apiException(401, { kind: 'Status', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }), call, chain);
    expect(e.kind).toBe('credentials');
    expect(e.message).toBe(
      'kubernetes: the API server https://34.1.2.3 rejected the credentials (401 Unauthorized) of user "gke_p_us-central1_prod" (exec plugin gke-gcloud-auth-plugin) of context "gke_p_us-central1_prod" from kubeconfig /home/me/.kube/config while trying to list pods in namespace shop',
    );
    expect(e.hint).toContain('gcloud auth login');
  });

  test('403 -> access-denied naming the verb and resource', () => {
    const msg = 'pods is forbidden: User "me@example.com" cannot list resource "pods" in API group "" in the namespace "shop"';
    const e = toProviderError(apiException(403, { kind: 'Status', message: msg, reason: 'Forbidden', code: 403 }), call, chain);
    expect(e.kind).toBe('access-denied');
    expect(e.message).toContain(`cannot list pods in namespace shop: ${msg}`);
    expect(e.hint).toBe('grant verb "list" on pods in namespace shop (a read-only Role is in providers/kubernetes/README.md)');
  });

  test('429 keeps Retry-After; 5xx and socket errors are retryable; exec failures are credentials', () => {
    const t = toProviderError(Object.assign(apiException(429, { message: 'slow down' }), { headers: { 'retry-after': '3' } }), call, chain);
    expect([t.kind, t.retryAfterMs, t.retryable]).toEqual(['throttled', 3000, true]);
    expect(toProviderError(apiException(503, { message: 'etcd' }), call, chain).kind).toBe('unavailable');
    const sock = toProviderError(Object.assign(new Error('request failed'), { code: 'ECONNREFUSED' }), call, chain);
    expect(sock.kind).toBe('unavailable');
    const exec = toProviderError(new Error('exec: executable gke-gcloud-auth-plugin not found'), call, chain);
    expect(exec.kind).toBe('credentials');
    expect(exec.message).toContain('could not get credentials for user');
  });

  test('the suggested Role covers every permission', () => {
    const yaml = roleYaml('shop', permissionsNeeded({ hpa: true, podMetrics: true }));
    expect(yaml).toContain('namespace: shop');
    expect(yaml).toContain('- apiGroups: ["apps"]\n    resources: ["deployments"]\n    verbs: ["get", "list", "watch"]');
    expect(yaml).toContain('- apiGroups: ["metrics.k8s.io"]\n    resources: ["pods"]\n    verbs: ["list"]');
    expect(yaml).toContain('resources: ["pods", "events"]');
  });

  test('hpaRules handles ContainerResource and Object metrics', () => {
    const h: Hpa = {
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        maxReplicas: 3,
        metrics: [
          { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Object', object: { metric: { name: 'requests' }, describedObject: { kind: 'Ingress', name: 'main' }, target: { type: 'Value', value: '2k' } } },
        ],
      },
    };
    expect(hpaRules(h)).toEqual([
      { metric: 'cpu (container app)', target: 50, unit: '%', description: 'average cpu (container app) utilization, percent of requests' },
      { metric: 'requests (Ingress main)', target: 2000, unit: 'value', description: 'total' },
    ]);
  });
});
