import { describe, expect, it } from 'vitest';
import type { ContainerApp, Replica, Revision } from '@azure/arm-appcontainers';
import type { MetricsQueryResult } from '@azure/monitor-query-metrics';
import { activeRevisions, cpuCoresPerReplica, diffReads, isoDurationMs, monitorSamples, replicaSample, replicaView, type ReadState, type ReplicaView } from '../../../providers/aca/map.js';
import { acaScalingConfig } from '../../../providers/aca/config-map.js';
import { toProviderError } from '../../../providers/aca/errors.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const d = (ms: number) => new Date(ms);

// As the SDK returns them: `properties` flattened, times as Date.
const revisions: Revision[] = [
  { name: 'web--rev1', active: false, replicas: 0, trafficWeight: 0, runningState: 'Stopped', createdTime: d(T0 - 86_400_000) },
  { name: 'web--rev2', active: true, replicas: 3, trafficWeight: 100, healthState: 'Healthy', runningState: 'Running', createdTime: d(T0 - 3_600_000) },
];
const replica = (name: string, createdMs: number, ready: boolean, running = ready): Replica => ({
  name,
  createdTime: d(createdMs),
  runningState: running ? 'Running' : 'NotRunning',
  containers: [{ name: 'web', containerId: `c-${name}`, ready, started: running, restartCount: 0 }],
});

describe('ACA map: revisions and replicas', () => {
  it('counts the active revisions and the replicas by readiness', () => {
    const views = [replica('a', T0, true), replica('b', T0, false, true), replica('c', T0, false)].map((r) => replicaView(r, 'web--rev2'));
    expect(activeRevisions(revisions).map((r) => r.name)).toEqual(['web--rev2']);
    expect(replicaSample(revisions, views, T0 + 5000)).toEqual({ atWall: T0 + 5000, resolutionMs: 0, source: 'aca:replicas', desired: 3, running: 2, ready: 1, pending: 2 });
    expect(replicaSample(revisions, undefined, T0)).toEqual({ atWall: T0, resolutionMs: 0, source: 'aca:revisions', desired: 3 });
  });
  it('a replica still listed after a scale-in, its containers terminated, is neither ready nor pending', () => {
    const leaving: Replica = { name: 'z', createdTime: d(T0 - 60_000), runningState: 'NotRunning', containers: [{ name: 'web', containerId: 'c-z', ready: false, started: true, restartCount: 0, runningState: 'Terminated' }] };
    const views = [replica('a', T0, true), leaving].map((r) => replicaView(r, 'web--rev2'));
    expect(replicaSample(revisions, views, T0 + 5000)).toMatchObject({ running: 1, ready: 1, pending: 0 });
  });
  it('keeps zero replicas (scaled to zero) as zero', () => {
    expect(replicaSample([{ name: 'r', active: true, replicas: 0 }], [], T0)).toMatchObject({ desired: 0, running: 0, ready: 0, pending: 0 });
  });
  it('treats a replica without containers as not ready', () => {
    expect(replicaView({ name: 'x', runningState: 'Running', containers: [] }, 'r').ready).toBe(false);
  });
});

describe('ACA map: events between reads', () => {
  const view = (name: string, created: number, ready: boolean): ReplicaView => ({ name, revision: 'web--rev2', createdAtWall: created, running: ready, ready });
  const state = (atWall: number, desired: number, rs: ReplicaView[]): ReadState => ({ atWall, desired, replicas: new Map(rs.map((r) => [r.name, r])) });

  it('stamps a scale-up at the end of the first new replica’s createdTime second', () => {
    const prev = state(T0 + 10_000, 1, [view('a', T0 - 60_000, true)]);
    const next = state(T0 + 15_000, 3, [view('a', T0 - 60_000, true), view('b', T0 + 12_000, false), view('c', T0 + 12_000, false)]);
    const ev = diffReads(prev, next);
    expect(ev[0]).toMatchObject({ type: 'scale-up', from: 1, to: 3, atWall: T0 + 13_000, resolutionMs: 1000 });
    expect(ev.filter((e) => e.type === 'info').map((e) => e.id)).toEqual(['aca-replica:b:created', 'aca-replica:c:created']);
  });
  it('stamps readiness and removal at the read with the gap as resolution', () => {
    const prev = state(T0, 2, [view('a', T0 - 60_000, true), view('b', T0 - 1000, false)]);
    const next = state(T0 + 4000, 1, [view('b', T0 - 1000, true)]);
    const ev = diffReads(prev, next);
    expect(ev.find((e) => e.type === 'scale-down')).toMatchObject({ from: 2, to: 1, atWall: T0 + 4000, resolutionMs: 4000 });
    expect(ev.find((e) => e.type === 'replica-ready')).toMatchObject({ id: 'aca-replica:b:ready', atWall: T0 + 4000, resolutionMs: 4000 });
    expect(ev.find((e) => e.type === 'replica-stopped')).toMatchObject({ id: 'aca-replica:a:gone' });
  });
  it('measures the gap from when the previous read began: a change during its round trip may have gone unseen', () => {
    const prev: ReadState = { ...state(T0, 1, [view('b', T0 - 1000, false)]), startedAtWall: T0 - 300 };
    const next = state(T0 + 4000, 1, [view('b', T0 - 1000, true)]);
    expect(diffReads(prev, next).find((e) => e.type === 'replica-ready')).toMatchObject({ atWall: T0 + 4000, resolutionMs: 4300 });
  });
  it('says nothing on the first read', () => {
    expect(diffReads(undefined, state(T0, 1, []))).toEqual([]);
  });
});

describe('ACA map: Azure Monitor metrics', () => {
  // What MetricsClient.queryResources returns: metric.name is the LOCALIZED name when one is sent.
  const result = (points: { t: number; max?: number; nano?: number }[]): MetricsQueryResult => ({
    resourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.App/containerApps/web',
    granularity: 'PT1M',
    timespan: { startTime: d(T0), endTime: d(T0 + 300_000) },
    metrics: [
      { id: '/subscriptions/s/…/providers/Microsoft.Insights/metrics/Replicas', type: 'Microsoft.Insights/metrics', name: 'Replica Count', unit: 'Count', timeseries: [{ metadatavalues: [], data: points.filter((p) => p.max !== undefined).map((p) => ({ timeStamp: d(p.t), maximum: p.max })) }] },
      { id: '/subscriptions/s/…/providers/Microsoft.Insights/metrics/UsageNanoCores', type: 'Microsoft.Insights/metrics', name: 'CPU Usage', unit: 'NanoCores', timeseries: [{ metadatavalues: [], data: points.filter((p) => p.nano !== undefined).map((p) => ({ timeStamp: d(p.t), average: p.nano })) }] },
    ],
    getMetricByName: () => undefined,
  });

  it('matches metrics by id, not the localized name, and stamps the end of each minute', () => {
    const s = monitorSamples([result([{ t: T0, max: 2, nano: 250_000_000 }, { t: T0 + 60_000, max: 3 }])], 0.5);
    expect(s).toEqual([
      { atWall: T0 + 60_000, resolutionMs: 60_000, source: 'azure-monitor:containerApps', running: 2, cpuPct: 50 },
      { atWall: T0 + 120_000, resolutionMs: 60_000, source: 'azure-monitor:containerApps', running: 3 },
    ]);
  });
  it('skips minutes without data and CPU without a known limit', () => {
    expect(monitorSamples([result([{ t: T0, nano: 1e8 }])], undefined)).toEqual([]);
    expect(monitorSamples([{ ...result([]), metrics: [] }], 1)).toEqual([]);
  });
  it('parses grains', () => {
    expect([isoDurationMs('PT1M'), isoDurationMs('PT30S'), isoDurationMs('PT1H'), isoDurationMs('P1D'), isoDurationMs(undefined)]).toEqual([60_000, 30_000, 3_600_000, undefined, undefined]);
  });
});

describe('ACA scaling configuration', () => {
  const app = (scale: object, extra: Partial<ContainerApp> = {}): ContainerApp => ({
    location: 'eastus',
    configuration: { activeRevisionsMode: 'Single', ingress: { fqdn: 'web.x.io', external: true } },
    template: { containers: [{ name: 'web', resources: { cpu: 0.25 } }, { name: 'sidecar', resources: { cpu: 0.25 } }], scale },
    ...extra,
  });
  it('maps http, cpu and queue rules with their intervals', () => {
    const { scaling, warnings } = acaScalingConfig(
      app({ minReplicas: 2, maxReplicas: 30, pollingInterval: 10, cooldownPeriod: 120, rules: [{ name: 'q', azureQueue: { queueName: 'jobs', queueLength: 20 } }, { name: 'cpu', custom: { type: 'cpu', metadata: { type: 'Utilization', value: '60' } } }] }),
    );
    expect(scaling.rules.map((r) => [r.metric, r.target, r.unit])).toEqual([
      ['azure-queue', 20, ' messages/replica'],
      ['cpu', 60, '%'],
    ]);
    expect(scaling.timings).toMatchObject({ earliestScaleUpMs: 10_000, earliestScaleDownMs: 300_000, cooldownPeriodMs: 120_000, pollingIntervalMs: 10_000 });
    expect(warnings.join('\n')).toMatch(/polled every 10s/);
  });
  it('applies the default HTTP rule, 0..10, and the 300 s cooldown before zero', () => {
    const { scaling, warnings } = acaScalingConfig(app({}));
    expect(scaling).toMatchObject({ minReplicas: 0, maxReplicas: 10, rules: [{ metric: 'http-concurrency', target: 10 }] });
    expect(scaling.timings).toMatchObject({ earliestScaleUpMs: 15_000, earliestScaleDownMs: 300_000, cooldownPeriodMs: 300_000, pollingIntervalMs: 30_000 });
    expect(warnings.join('\n')).toMatch(/default HTTP rule/);
    expect(warnings.join('\n')).toMatch(/to zero only 5m \(cooldownPeriod\)/);
    expect(warnings.join('\n')).toMatch(/cold start/);
    expect(cpuCoresPerReplica(app({}))).toBe(0.5);
  });
  it('warns about multiple revisions and a revision that is not ready', () => {
    const { warnings } = acaScalingConfig(app({ minReplicas: 1 }, { configuration: { activeRevisionsMode: 'Multiple' }, latestRevisionName: 'web--3', latestReadyRevisionName: 'web--2' }));
    expect(warnings.join('\n')).toMatch(/Multiple/);
    expect(warnings.join('\n')).toMatch(/web--3 is not ready/);
  });
});

describe('ACA errors', () => {
  const call = { action: 'Microsoft.App/containerApps/read', about: 'container app web', endpoint: 'https://management.azure.com' };
  it('maps Azure error shapes to kinds', () => {
    expect(toProviderError({ name: 'AggregateAuthenticationError', message: 'ChainedTokenCredential authentication failed.\nEnvironmentCredential is unavailable…\nAzureCliCredential: Please run az login' }, call, 'DefaultAzureCredential (…)')).toMatchObject({ kind: 'credentials' });
    expect(toProviderError({ name: 'RestError', statusCode: 403, code: 'AuthorizationFailed', message: 'no' }, call, 'x').hint).toMatch(/Microsoft.App\/containerApps\/read.*Reader/);
    expect(toProviderError({ name: 'RestError', statusCode: 404, code: 'ResourceGroupNotFound', message: 'no rg' }, call, 'x')).toMatchObject({ kind: 'not-found' });
    expect(toProviderError({ name: 'RestError', statusCode: 503, message: 'down' }, call, 'x')).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(toProviderError({ name: 'RestError', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self signed' }, call, 'x').hint).toMatch(/NODE_EXTRA_CA_CERTS/);
  });
});
