/** providers/cloudrun/map.ts on Admin API and Cloud Monitoring objects as the Google clients return them. */
import { describe, expect, test } from 'vitest';
import { cpuSamples, instanceSamples, metricFilter, pointValue, requestEvents, scalingConfig, serviceWarnings, timestampMs, toProviderError, type Service, type TimeSeries } from '../../../providers/cloudrun/map.js';

const T = 1_767_225_600; // 2026-01-01T00:00:00Z in seconds
const ts = (s: number) => ({ seconds: String(s), nanos: 0 });
const interval = (end: number) => ({ startTime: ts(end - 60), endTime: ts(end) });

const service: Service = {
  name: 'projects/shop-prod/locations/europe-west1/services/api',
  uri: 'https://api-abc123-ew.a.run.app',
  generation: '7',
  observedGeneration: '7',
  scaling: { minInstanceCount: 0, scalingMode: 'AUTOMATIC' },
  template: {
    scaling: { minInstanceCount: 2, maxInstanceCount: 30 },
    maxInstanceRequestConcurrency: 50,
    containers: [{ name: 'api', image: 'europe-docker.pkg.dev/shop/api:7', resources: { limits: { cpu: '2', memory: '1Gi' }, cpuIdle: false, startupCpuBoost: true } }],
  },
  traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
  terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED', lastTransitionTime: ts(T) },
  latestReadyRevision: 'projects/shop-prod/locations/europe-west1/services/api/revisions/api-00007-xyz',
};

describe('configuration', () => {
  test('Service -> ScalingConfig', () => {
    const c = scalingConfig(service, 240_000);
    expect(c).toMatchObject({
      minReplicas: 2,
      maxReplicas: 30,
      rules: [
        { metric: 'concurrency', target: 30, unit: 'requests per instance' },
        { metric: 'cpu', target: 60, unit: '%' },
      ],
      timings: { metricResolutionMs: 60_000, observationResolutionMs: 60_000, metricDelayMs: 240_000, idleInstanceRetentionMs: 900_000 },
      details: { maxConcurrency: 50, cpuLimit: '2', cpuAllocation: 'always allocated (instance-based billing)', scalingMode: 'AUTOMATIC' },
    });
  });

  test('defaults when unset: max 100, concurrency 80; manual scaling is fixed', () => {
    const bare: Service = { name: 'projects/p/locations/r/services/s', template: { containers: [{}] } };
    expect(scalingConfig(bare, 0)).toMatchObject({ minReplicas: 0, maxReplicas: 100, rules: [{ target: 48 }, { target: 60 }], details: { note: 'max instances not set: the server default of 100 applies' } });
    const manual: Service = { ...service, scaling: { scalingMode: 2, manualInstanceCount: 4 } };
    expect(scalingConfig(manual, 0)).toMatchObject({ minReplicas: 4, maxReplicas: 4, rules: [] });
    expect(serviceWarnings(manual, 0).join('\n')).toContain('uses manual scaling: it does not autoscale');
  });

  test('warnings: not ready, rollout, traffic split, request-based CPU, 60 s granularity', () => {
    const w = serviceWarnings({ ...service, reconciling: true, terminalCondition: { state: 'CONDITION_FAILED', message: 'Revision failed' }, traffic: [{ percent: 90 }, { percent: 10 }], template: { ...service.template, containers: [{ resources: { cpuIdle: true } }] } }, 180_000).join('\n');
    expect(w).toContain('is not Ready (CONDITION_FAILED: Revision failed)');
    expect(w).toContain('still rolling out');
    expect(w).toContain('split across 2 revisions');
    expect(w).toContain('CPU is only allocated during requests');
    expect(w).toContain('every 60s and shows points up to 180s late');
    expect(w).toContain('measured on ACTIVE instances');
  });
});

describe('monitoring', () => {
  test('filter', () => {
    expect(metricFilter('run.googleapis.com/container/instance_count', 'api', 'europe-west1')).toBe(
      'metric.type="run.googleapis.com/container/instance_count" AND resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND resource.labels.location="europe-west1"',
    );
  });

  test('values and timestamps as the client returns them', () => {
    expect(timestampMs({ seconds: '1767225600', nanos: 500_000_000 })).toBe(T * 1000 + 500);
    expect(pointValue({ value: { int64Value: '3', value: 'int64Value' } })).toBe(3);
    expect(pointValue({ value: { doubleValue: 0.42, value: 'doubleValue' } })).toBe(0.42);
    expect(pointValue({ value: { distributionValue: { count: '5', mean: 0.3 }, value: 'distributionValue' } })).toBe(0.3);
    // proto3 defaults: int64Value '0' alongside the oneof actually set.
    expect(pointValue({ value: { int64Value: '0', doubleValue: 0.7, value: 'doubleValue' } })).toBe(0.7);
  });

  test('instance_count grouped by state -> one sample per minute at the point end, missing state = 0', () => {
    const series: TimeSeries[] = [
      { metric: { type: 'run.googleapis.com/container/instance_count', labels: { state: 'active' } }, metricKind: 'GAUGE', valueType: 'INT64', points: [{ interval: interval(T + 120), value: { int64Value: '4' } }, { interval: interval(T + 60), value: { int64Value: '2' } }] },
      { metric: { type: 'run.googleapis.com/container/instance_count', labels: { state: 'idle' } }, metricKind: 'GAUGE', valueType: 'INT64', points: [{ interval: interval(T + 120), value: { int64Value: '1' } }] },
    ];
    expect(instanceSamples(series, 60_000)).toEqual([
      { atWall: (T + 60) * 1000, resolutionMs: 60_000, source: 'cloud-monitoring:instance_count', desired: 2, ready: 2, running: 2 },
      { atWall: (T + 120) * 1000, resolutionMs: 60_000, source: 'cloud-monitoring:instance_count', desired: 5, ready: 4, running: 5 },
    ]);
    // A GAUGE point with start == end takes the alignment period as its width.
    const gauge: TimeSeries[] = [{ metric: { labels: { state: 'active' } }, points: [{ interval: { startTime: ts(T), endTime: ts(T) }, value: { int64Value: '1' } }] }];
    expect(instanceSamples(gauge, 60_000)[0]!.resolutionMs).toBe(60_000);
  });

  test('CPU fraction -> percent; request rate and p95 -> one info event per minute', () => {
    const cpu: TimeSeries[] = [{ points: [{ interval: interval(T + 60), value: { doubleValue: 0.6342 } }] }];
    expect(cpuSamples(cpu, 60_000)).toEqual([{ atWall: (T + 60) * 1000, resolutionMs: 60_000, source: 'cloud-monitoring:cpu', cpuPct: 63.42 }]);
    const rate: TimeSeries[] = [{ metric: { labels: { response_code_class: '2xx' } }, points: [{ interval: interval(T + 60), value: { doubleValue: 40 } }] }, { metric: { labels: { response_code_class: '5xx' } }, points: [{ interval: interval(T + 60), value: { doubleValue: 2.04 } }] }];
    const p95: TimeSeries[] = [{ points: [{ interval: interval(T + 60), value: { doubleValue: 181.26 } }] }];
    expect(requestEvents(rate, p95, 60_000)).toEqual([
      { atWall: (T + 60) * 1000, resolutionMs: 60_000, source: 'cloud-monitoring:requests', type: 'info', id: `requests:${(T + 60) * 1000}:42.04:181.26`, message: 'Cloud Run served 42 req/s, p95 latency 181.3 ms' },
    ]);
  });
});

describe('errors', () => {
  const call = { what: 'read Cloud Run service projects/p/locations/r/services/s', permission: 'run.services.get', role: 'roles/run.viewer', project: 'p' };
  const adc = 'Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS (not set), then gcloud';

  test('no ADC at all, expired refresh token, and gRPC UNAUTHENTICATED are credential problems naming the chain', () => {
    const none = toProviderError(new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.'), call, adc);
    expect(none.kind).toBe('credentials');
    expect(none.message).toContain(`(tried ${adc})`);
    expect(toProviderError(Object.assign(new Error('invalid_grant: reauth related error (invalid_rapt)'), {}), call, adc).kind).toBe('credentials');
    expect(toProviderError({ code: 16, details: 'Request had invalid authentication credentials.' }, call, adc).kind).toBe('credentials');
  });

  test('PERMISSION_DENIED names the permission and a role; REST 403 too', () => {
    const e = toProviderError({ code: 7, details: "Permission 'run.services.get' denied on resource" }, call, adc);
    expect(e.kind).toBe('access-denied');
    expect(e.hint).toBe('grant roles/run.viewer (or a role with run.services.get) on project p to that identity');
    expect(toProviderError({ code: 403, message: 'forbidden' }, call, adc).kind).toBe('access-denied');
  });

  test('other codes', () => {
    expect(toProviderError({ code: 5, details: 'nope' }, call, adc).kind).toBe('not-found');
    expect(toProviderError({ code: 8, details: 'quota' }, call, adc).kind).toBe('throttled');
    expect(toProviderError({ code: 14, details: 'down' }, call, adc)).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(toProviderError({ code: 4, details: 'slow' }, call, adc).kind).toBe('unavailable');
    expect(toProviderError({ code: 3, details: 'bad filter' }, call, adc).kind).toBe('config');
  });
});
