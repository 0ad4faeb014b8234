/**
 * The cloud-run provider (real @google-cloud/run, @google-cloud/monitoring and
 * @google-cloud/logging-api over insecure gRPC) against the fake Admin API + Cloud Monitoring +
 * Cloud Logging driven by the Cloud Run model: configuration, per-minute samples that arrive
 * late (each emitted once, again only when late data changed it), the system log's instance
 * lines, and errors a user can act on.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import { systemClock } from '../../../src/clock.js';
import type { PlatformEvent, PlatformSample } from '../../../src/provider.js';
import { CloudRunProvider } from '../../../providers/cloudrun/index.js';
import { cloudRunSettingsSchema, type CloudRunSettingsInput } from '../../../providers/cloudrun/settings.js';
import { startCloudRunFake, type CloudRunFake } from '../../fakes/cloudrun/index.js';
import { driveLoad } from '../../fakes/shared/scaled-app.js';

let fake: CloudRunFake | null = null;
let provider: CloudRunProvider | null = null;
afterEach(async () => {
  await provider?.close();
  await provider?.close(); // safe twice
  await fake?.stop();
  provider = null;
  fake = null;
});

function cloudRun(settings: CloudRunSettingsInput, warnings: string[] = []): CloudRunProvider {
  return new CloudRunProvider(cloudRunSettingsSchema.parse(settings), { clock: systemClock, log: { info() {}, warn: (m) => warnings.push(m), debug() {} }, env: {} });
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

async function readFor(p: CloudRunProvider, ms: number, into: { samples: PlatformSample[]; events: PlatformEvent[] }, everyMs = 500): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    into.samples.push(...(await p.sample(AbortSignal.timeout(5000))));
    into.events.push(...(await p.events(0)));
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe('cloud-run provider against the fake APIs', () => {
  test('describe: scaling settings, 60 s granularity warning, service URL, metric delay', async () => {
    fake = await startCloudRunFake({ scaling: { minInstances: 2, maxInstances: 20, maxConcurrency: 40 } });
    provider = cloudRun(fake.settings);
    const d = await provider.describe(AbortSignal.timeout(10_000));
    expect(d.summary).toBe('Cloud Run service web in project demo-project (us-central1), revision web-00003-kex');
    expect(d.serviceUrl).toBe(fake.app.url);
    expect(d.scaling).toMatchObject({
      minReplicas: 2,
      maxReplicas: 20,
      rules: [
        { metric: 'concurrency', target: 24, unit: 'requests per instance' },
        { metric: 'cpu', target: 60, unit: '%' },
      ],
    });
    expect(d.scaling.timings).toMatchObject({ metricResolutionMs: 60_000, observationResolutionMs: 60_000 });
    expect(d.scaling.details).toMatchObject({ maxConcurrency: 40, cpuAllocation: 'only during requests (request-based billing)', scalingMode: 'AUTOMATIC' });
    expect(d.warnings.join('\n')).toMatch(/samples Cloud Run every 60s .*Scale-up times are placed inside their minute from the system log/);
    expect(provider.metricDelayMs).toBe(cloudRunSettingsSchema.parse(fake.settings).metric_delay);
    const get = fake.apis.calls.find((c) => c.method === 'getService')!;
    expect(get.request.name).toBe('projects/demo-project/locations/us-central1/services/web');
  });

  test('samples follow the fake per minute, at the points\' own times, each emitted once', async () => {
    fake = await startCloudRunFake({});
    provider = cloudRun(fake.settings);
    const got = { samples: [] as PlatformSample[], events: [] as PlatformEvent[] };
    const loadStart = Date.now();
    const load = driveLoad(fake.app.url, 60, 5000);
    await readFor(provider, 11_000, got);
    await load;
    const f = fake;
    // The query asked for what the provider needs.
    const q = f.apis.calls.filter((c) => c.method === 'listTimeSeries').map((c) => c.request);
    const inst = q.find((r) => r.filter.includes('container/instance_count'))!;
    expect(inst.filter).toBe('metric.type="run.googleapis.com/container/instance_count" AND resource.type="cloud_run_revision" AND resource.labels.service_name="web" AND resource.labels.location="us-central1"');
    expect(inst.aggregation).toMatchObject({ perSeriesAligner: 'ALIGN_MAX', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['metric.labels.state'] });
    expect(q.find((r) => r.filter.includes('cpu/utilizations'))!.aggregation).toMatchObject({ perSeriesAligner: 'ALIGN_MEAN', crossSeriesReducer: 'REDUCE_MEAN' });

    const inst2 = got.samples.filter((s) => s.source === 'cloud-monitoring:instance_count');
    expect(inst2.length).toBeGreaterThanOrEqual(2);
    // Once each: no two samples for the same minute with the same values.
    const keys = inst2.map((s) => `${s.atWall}|${s.desired}|${s.ready}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of inst2) {
      const b = f.platform.buckets.find((x) => x.endWall === s.atWall)!;
      expect(b, `bucket ending ${s.atWall}`).toBeDefined();
      expect(s).toMatchObject({ desired: b.active + b.idle, ready: b.active, running: b.active + b.idle, resolutionMs: f.platform.bucketRealMs });
    }
    expect(Math.max(...inst2.map((s) => s.desired!))).toBeGreaterThan(1);
    expect(f.platform.truth.decisions.some((d) => d.to > d.from)).toBe(true);
    // CPU as a percentage of the limit.
    const cpu = got.samples.filter((s) => s.cpuPct !== undefined);
    expect(cpu.length).toBeGreaterThan(0);
    expect(Math.max(...cpu.map((s) => s.cpuPct!))).toBeGreaterThan(60);
    expect(cpu.every((s) => s.atWall > loadStart - 60_000)).toBe(true);
    // The platform's view of the load, per minute.
    expect(got.events.some((e) => e.type === 'info' && /Cloud Run served [\d.]+ req\/s, p95 latency 12 ms/.test(e.message))).toBe(true);
  }, 30_000);

  test('a minute whose idle count arrives later is emitted again with the corrected total', async () => {
    // Idle points 4 s (real) later than active ones. Three warm instances and a light, steady load
    // keep one instance active and two idle in every minute, however busy this machine is, so
    // every minute has an idle count to correct.
    fake = await startCloudRunFake({ idleExtraDelayMs: 80_000, scaling: { minInstances: 3 } });
    provider = cloudRun({ ...fake.settings, metric_delay: '10s' });
    const got = { samples: [] as PlatformSample[], events: [] as PlatformEvent[] };
    const load = driveLoad(fake.app.url, 5, 9000);
    await readFor(provider, 13_000, got, 400);
    await load;
    const inst = got.samples.filter((s) => s.source === 'cloud-monitoring:instance_count');
    const byMinute = new Map<number, PlatformSample[]>();
    for (const s of inst) byMinute.set(s.atWall, [...(byMinute.get(s.atWall) ?? []), s]);
    const corrected = [...byMinute.values()].filter((list) => list.length > 1);
    expect(corrected.length).toBeGreaterThan(0);
    for (const list of corrected) {
      expect(list).toHaveLength(2);
      expect(list[1]!.desired).toBeGreaterThan(list[0]!.desired!);
      expect(list[1]!.ready).toBe(list[0]!.ready);
    }
  }, 30_000);

  test('errors: expired credentials, missing permissions, unknown service, unavailable', async () => {
    fake = await startCloudRunFake({});
    fake.apis.faults.unauthenticated = true;
    provider = cloudRun(fake.settings);
    let e = await failure(provider.describe(AbortSignal.timeout(10_000)));
    expect(e.kind).toBe('credentials');
    expect(e.message).toContain('no usable Google credentials to read Cloud Run service projects/demo-project/locations/us-central1/services/web');
    expect(e.hint).toContain('gcloud auth application-default login');
    fake.apis.faults.unauthenticated = false;

    fake.apis.faults.permissionDenied.add('listTimeSeries');
    e = await failure(provider.describe(AbortSignal.timeout(10_000)));
    expect(e.kind).toBe('access-denied');
    expect(e.message).toContain('permission monitoring.timeSeries.list denied to read run.googleapis.com/container/instance_count from Cloud Monitoring in project demo-project');
    expect(e.hint).toBe('grant roles/monitoring.viewer (or a role with monitoring.timeSeries.list) on project demo-project to that identity');
    fake.apis.faults.permissionDenied.add('getService');
    e = await failure(provider.describe(AbortSignal.timeout(10_000)));
    expect(e.message).toContain('missing permissions run.services.get (roles/run.viewer) and monitoring.timeSeries.list (roles/monitoring.viewer) on project demo-project');
    fake.apis.faults.permissionDenied.clear();

    fake.apis.faults.unavailable = 1;
    e = await failure(provider.sample(AbortSignal.timeout(10_000)));
    expect([e.kind, e.retryable]).toEqual(['unavailable', true]);
    await provider.close();

    provider = cloudRun({ ...fake.settings, service: 'nope' });
    e = await failure(provider.describe(AbortSignal.timeout(10_000)));
    expect(e.kind).toBe('not-found');
    expect(e.message).toContain("Resource 'projects/demo-project/locations/us-central1/services/nope' was not found");
    expect(e.hint).toContain('gcloud run services list --project demo-project');
  }, 30_000);

  test('system log: each instance start and STARTUP probe, at its own time, late lines included, each id once', async () => {
    // Log lines show up 3 s (real) after they are written, and the fake serves 3 per page.
    fake = await startCloudRunFake({ logDelayMs: 60_000 });
    provider = cloudRun(fake.settings);
    const got = { samples: [] as PlatformSample[], events: [] as PlatformEvent[] };
    const load = driveLoad(fake.app.url, 60, 4000);
    await readFor(provider, 9000, got, 400);
    await load;
    const logged = new Map(got.events.filter((e) => e.source === 'cloud-logging:system').map((e) => [e.id, e]));
    const lines = fake.platform.systemLog;
    expect(lines.length).toBeGreaterThanOrEqual(4);
    // Every line visible by now was read, at the time it was written, whatever page it was on.
    const visible = lines.filter((l) => l.visibleAt <= Date.now() - 1000);
    expect(visible.length).toBeGreaterThan(3);
    for (const l of visible) {
      const e = logged.get(`cloud-logging:${l.insertId}`);
      expect(e, l.text).toBeDefined();
      expect(e!.atWall).toBe(l.atWall);
      expect(e!.type).toBe(l.text.startsWith('Starting new instance. Reason: AUTOSCALING') ? 'scale-up' : 'replica-ready');
      expect(e!.message).toContain(`instance ${l.instanceId}`);
    }
    const list = fake.apis.calls.filter((c) => c.method === 'listLogEntries');
    expect(list.some((c) => c.request.pageToken)).toBe(true);
    expect(list[0]!.request.filter).toContain('logName="projects/demo-project/logs/run.googleapis.com%2Fvarlog%2Fsystem"');
    expect(list[0]!.request.filter).toContain('resource.labels.service_name="web"');
  }, 30_000);

  test('system log: denied -> one warning naming the permission, the samples go on; logs: false never asks', async () => {
    fake = await startCloudRunFake({});
    fake.apis.faults.permissionDenied.add('listLogEntries');
    const warnings: string[] = [];
    provider = cloudRun(fake.settings, warnings);
    const d = await provider.describe(AbortSignal.timeout(10_000));
    const text = d.warnings.join('\n');
    expect(text).toContain('permission logging.logEntries.list denied to read the Cloud Run system log');
    expect(text).toContain('grant roles/logging.viewer');
    expect(text).toContain('targets under a minute cannot be verified');
    const samples = await provider.sample(AbortSignal.timeout(10_000));
    expect(Array.isArray(samples)).toBe(true);
    await provider.sample(AbortSignal.timeout(10_000));
    expect(fake.apis.calls.filter((c) => c.method === 'listLogEntries')).toHaveLength(1);
    // describe() carried it among its warnings: not said twice.
    expect(warnings).toHaveLength(0);
    await provider.close();

    // Denied first during the run (no describe): said once, then not asked again.
    fake.apis.calls.length = 0;
    provider = cloudRun(fake.settings, warnings);
    await provider.sample(AbortSignal.timeout(10_000));
    await provider.sample(AbortSignal.timeout(10_000));
    expect(fake.apis.calls.filter((c) => c.method === 'listLogEntries')).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('logging.logEntries.list denied');
    await provider.close();

    fake.apis.calls.length = 0;
    provider = cloudRun({ ...fake.settings, logs: false });
    expect((await provider.describe(AbortSignal.timeout(10_000))).warnings.join('\n')).toContain('targets under a minute cannot be verified');
    await provider.sample(AbortSignal.timeout(10_000));
    expect(fake.apis.calls.some((c) => c.method === 'listLogEntries')).toBe(false);
  }, 30_000);

  test('settings: insecure mode needs a local endpoint', () => {
    expect(cloudRunSettingsSchema.safeParse({ project: 'demo-project', region: 'us-central1', service: 'web', insecure: true }).success).toBe(false);
    expect(cloudRunSettingsSchema.safeParse({ project: 'demo-project', region: 'us-central1', service: 'web', insecure: true, endpoint: 'run.googleapis.com:443' }).success).toBe(false);
    expect(cloudRunSettingsSchema.safeParse({ project: 'demo-project', region: 'us-central1', service: 'web', endpoint: 'localhost:8085', insecure: true }).success).toBe(true);
  });
});
