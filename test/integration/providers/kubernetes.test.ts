/**
 * The kubernetes provider (real @kubernetes/client-node) against the fake API server driven by
 * the HPA model: configuration, samples and events against the fake's ground truth, watch
 * drops (resume from resourceVersion), 410 Gone (relist) and fallback to polling.
 */
import { describe, expect, test } from 'vitest';
import type { KubeFake } from '../../fakes/kubernetes/index.js';
import { driveLoad } from '../../fakes/shared/scaled-app.js';
import { capturingLogger, closeAfterEachTest, type Collected, expectSeenByTheNextRead, firstSample, k8sProvider, kubeFake, readUntil } from './kubernetes-helpers.js';
import type { KubernetesProvider } from '../../../providers/kubernetes/index.js';

let fake: KubeFake | null = null;
let provider: KubernetesProvider | null = null;
closeAfterEachTest();

const FAST_DOWN = { scaleDown: { stabilizationWindowMs: 40_000 } }; // 2 s real at timeScale 20

describe('kubernetes provider against the fake cluster', () => {
  test('describe reads the HPA spec, behavior and requests into the scaling config', async () => {
    fake = await kubeFake({ minReplicas: 2, initialReplicas: 2, maxReplicas: 8, targetUtilization: 0.7 });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', deployment: 'web' });
    const d = await provider.describe(AbortSignal.timeout(5000));
    expect(d.summary).toContain('Deployment demo/web');
    expect(d.summary).toContain('HPA web: 2-8 replicas');
    expect(d.scaling).toMatchObject({ minReplicas: 2, maxReplicas: 8, rules: [{ metric: 'cpu', target: 70, unit: '%' }] });
    // The default 300 s downscale stabilization is exposed for the core to compare with targets.
    expect(d.scaling.timings).toMatchObject({ earliestScaleDownMs: 300_000, earliestScaleUpMs: 0, metricResolutionMs: 15_000, syncPeriodMs: 15_000 });
    expect(d.scaling.details).toMatchObject({ hpa: 'web', namespace: 'demo', access: { checkedWith: 'SelfSubjectAccessReview', missing: [] } });
    expect(d.warnings).toEqual([]);
  });

  test('finds the deployment from the HPA name, and warns when CPU requests are missing', async () => {
    fake = await kubeFake({ cpuRequest: null });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web' });
    const d = await provider.describe(AbortSignal.timeout(5000));
    expect(provider.target).toMatchObject({ deployment: 'web', hpa: 'web' });
    expect(d.warnings.join('\n')).toMatch(/container app has no CPU request: the HPA cannot compute CPU utilization/);
  });

  test('scale-up and scale-down: samples and events agree with the fake HPA decisions', async () => {
    fake = await kubeFake({ behavior: FAST_DOWN, capacityPerReplica: 20 });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', deployment: 'web', metrics_interval: '500ms' });
    await provider.describe(AbortSignal.timeout(5000));
    const got: Collected = { samples: [], events: [] };
    await readUntil(provider, got, () => true, { timeoutMs: 1000 });
    const loadStart = Date.now();
    const load = driveLoad(fake.app.url, 60, 4000);
    const f = fake;
    const scaledUp = await readUntil(provider, got, () => f.cluster.truth.decisions.length >= 1 && f.cluster.readyCount() >= f.cluster.deployment().spec.replicas && Date.now() - loadStart > 3000, { timeoutMs: 10_000 });
    await load;
    expect(scaledUp).toBe(true);
    const up = fake.cluster.truth.decisions.filter((d) => d.to > d.from);
    expect(up.length).toBeGreaterThan(0);
    const peak = Math.max(...up.map((d) => d.to));

    // Decisions: every scale-up the fake made is an event with the same from/to, seen by the next read.
    const scaleUps = got.events.filter((e) => e.type === 'scale-up');
    for (const d of up) {
      const e = scaleUps.find((x) => x.to === d.to && x.from === d.from);
      expect(e, `scale-up ${d.from}->${d.to}`).toBeDefined();
      expectSeenByTheNextRead(e, d.atWall, got.reads, `scale-up ${d.from}->${d.to}`);
      expect(e!.message).toContain('above target');
    }
    // desired rose when the fake decided: the watch notification, before the next read.
    const firstUp = firstSample(got.samples, loadStart, (s) => (s.desired ?? 0) > 1)!;
    expect(firstUp.source).toBe('k8s:watch');
    expectSeenByTheNextRead(firstUp, up[0]!.atWall, got.reads, 'desired > 1');
    // ready reached the peak when the fake's pods became ready, and the sample before it is 1 ms
    // earlier (the watch held the old count until then), so the analysis margin is tiny.
    const truthReady = fake.cluster.readyReachedAt(peak, loadStart)!;
    const sorted = [...got.samples].filter((s) => s.ready !== undefined).sort((a, b) => a.atWall - b.atWall);
    const idx = sorted.findIndex((s) => s.atWall >= loadStart && (s.ready ?? 0) >= peak);
    expect(idx).toBeGreaterThan(0);
    expectSeenByTheNextRead(sorted[idx], truthReady, got.reads, `ready ${peak}`);
    expect(sorted[idx]!.atWall - sorted[idx - 1]!.atWall).toBeLessThanOrEqual(1);
    expect(got.events.filter((e) => e.type === 'replica-ready').length).toBeGreaterThanOrEqual(peak - 1);
    // CPU from metrics.k8s.io against the pods' requests.
    const cpu = got.samples.filter((s) => s.source === 'k8s:metrics.k8s.io' && s.cpuPct !== undefined);
    expect(cpu.length).toBeGreaterThan(0);
    expect(Math.max(...cpu.map((s) => s.cpuPct!))).toBeGreaterThan(50);

    // Load stopped: after the (shortened) stabilization window the HPA scales down.
    const scaledDown = await readUntil(provider, got, () => f.cluster.truth.decisions.some((d) => d.to < d.from) && f.cluster.readyCount() === 1, { timeoutMs: 12_000 });
    expect(scaledDown).toBe(true);
    const down = fake.cluster.truth.decisions.find((d) => d.to < d.from)!;
    const e = got.events.find((x) => x.type === 'scale-down');
    expect(e).toMatchObject({ from: down.from, to: down.to });
    expect(e!.message).toContain('All metrics below target');
    expect(got.events.some((x) => x.type === 'replica-stopped')).toBe(true);
    const settled = firstSample(got.samples, down.atWall - 50, (s) => s.ready === 1)!;
    expectSeenByTheNextRead(settled, fake.cluster.readyReachedAt(1, down.atWall, 'lte')!, got.reads, 'ready 1 after the scale-down');
    // HPA conditions surface as events (the "why" stream).
    expect(got.events.some((x) => x.message.includes('ScaleDownStabilized'))).toBe(true);
  }, 35_000);

  test('a dropped watch resumes from its resourceVersion and misses nothing', async () => {
    fake = await kubeFake({ withHpa: false });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', deployment: 'web', pod_metrics: false });
    const got: Collected = { samples: [], events: [] };
    await readUntil(provider, got, () => true, { timeoutMs: 500 });
    const before = fake.api.requests.length;
    expect(fake.api.dropWatches('destroy')).toBe(2); // deployment + pods (no HPA, so no events)
    fake.cluster.scale(3); // while the watches are down
    const ok = await readUntil(provider, got, (c) => c.samples.some((s) => s.ready === 3) && provider!.watchStats().every((w) => w.live), { timeoutMs: 8000 });
    expect(ok).toBe(true);
    const resumed = fake.api.requests.slice(before).filter((r) => r.query.watch === 'true');
    expect(resumed.length).toBeGreaterThanOrEqual(2);
    for (const r of resumed) expect(Number(r.query.resourceVersion)).toBeGreaterThan(1000);
    expect(provider.watchStats().every((w) => w.drops >= 1 && w.mode === 'watch' && w.relists === 0)).toBe(true);
    // Both new pods were seen becoming ready, each once.
    const ready = got.events.filter((e) => e.type === 'replica-ready' && e.atWall > Date.now() - 10_000);
    expect(new Set(ready.map((e) => e.id)).size).toBe(ready.length);
    expect(ready.length).toBeGreaterThanOrEqual(2);
  }, 20_000);

  test('410 Gone after a drop makes the watch list again', async () => {
    fake = await kubeFake({ withHpa: false });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', deployment: 'web', pod_metrics: false });
    const got: Collected = { samples: [], events: [] };
    await readUntil(provider, got, () => true, { timeoutMs: 300 });
    fake.api.dropWatches('close');
    fake.cluster.scale(2);
    fake.cluster.compact(); // the resourceVersions the watches hold are now too old
    const f = fake;
    const ok = await readUntil(provider, got, (c) => provider!.watchStats().every((w) => w.relists >= 1 && w.live) && c.samples.some((s) => s.ready === 2), { timeoutMs: 8000 });
    expect(ok).toBe(true);
    expect(f.api.requests.some((r) => !r.query.watch && r.path.endsWith('/pods'))).toBe(true);
  }, 20_000);

  test('falls back to polling, with a warning, when the watch cannot be kept', async () => {
    fake = await kubeFake({ withHpa: false });
    fake.api.faults.watchStatus = 500;
    const log = capturingLogger();
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', deployment: 'web', pod_metrics: false }, {}, log);
    const got: Collected = { samples: [], events: [] };
    const ok = await readUntil(provider, got, () => provider!.watchStats().every((w) => w.mode === 'poll'), { timeoutMs: 15_000, everyMs: 300 });
    expect(ok).toBe(true);
    expect(log.warnings.join('\n')).toMatch(/the watch on (Deployment web|pods|HPA web|events) could not be kept .*listing it at every read/);
    await readUntil(provider, got, () => false, { timeoutMs: 400 });
    expect(got.events.some((e) => e.type === 'warning' && e.message.includes('could not be kept'))).toBe(true);
    const polled = got.samples.filter((s) => s.source === 'k8s:list');
    expect(polled.length).toBeGreaterThan(0);
    expect(polled.at(-1)).toMatchObject({ desired: 1, ready: 1 });
    // A change is still seen, at the next read.
    fake.cluster.scale(2);
    const f = fake;
    expect(await readUntil(provider, got, (c) => c.samples.some((s) => s.ready === 2), { timeoutMs: 5000 })).toBe(true);
    expect(f.cluster.readyCount()).toBe(2);
  }, 30_000);
});
