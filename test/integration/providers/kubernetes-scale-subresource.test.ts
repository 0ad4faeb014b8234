/**
 * The kubernetes provider following an HPA whose scaleTargetRef is neither a Deployment nor a
 * StatefulSet (an Argo Rollout, a custom kind the fake serves with discovery and a /scale
 * subresource), through the real @kubernetes/client-node: discovery, the Scale read at every
 * sample (`k8s:scale`), ready replicas from the pods matching the Scale's selector (followed when
 * it changes mid-run), the RBAC check asking for `rollouts/scale`, and the configuration errors for
 * a kind the HPA cannot scale.
 */
import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import type { KubernetesProvider } from '../../../providers/kubernetes/index.js';
import type { PlatformSample } from '../../../src/provider.js';
import type { KubeFake } from '../../fakes/kubernetes/index.js';
import { driveLoad } from '../../fakes/shared/scaled-app.js';
import { waitFor } from '../reliability/processes.js';
import { closeAfterEachTest, type Collected, expectSeenByTheNextRead, firstSample, k8sProvider, kubeFake, readUntil } from './kubernetes-helpers.js';

let fake: KubeFake | null = null;
let provider: KubernetesProvider | null = null;
closeAfterEachTest();

const rollout = (extra: Parameters<typeof kubeFake>[0] = {}) => kubeFake({ workloadKind: 'Rollout', ...extra });
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as ProviderError);
/** The replica counts from the watch caches (not the Scale's `desired`, not metrics). */
const isState = (s: PlatformSample) => s.source === 'k8s:watch' || s.source === 'k8s:list';
const latestState = (c: Collected) => [...c.samples].filter(isState).sort((a, b) => a.atWall - b.atWall).at(-1);

describe('kubernetes provider, an HPA scaling a Rollout (the scale subresource)', () => {
  test('describe: found through discovery, summarized as a Rollout, with the design warning and the Scale in details', async () => {
    fake = await rollout({ minReplicas: 1, maxReplicas: 6 });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web' });
    const d = await provider.describe(AbortSignal.timeout(5000));
    expect(d.summary).toContain('Kubernetes Rollout demo/web (argoproj.io/v1alpha1, via the scale subresource) (HPA web: 1-6 replicas)');
    expect(provider.target).toMatchObject({ kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', name: 'web', hpa: 'web' });
    expect(d.scaling).toMatchObject({ minReplicas: 1, maxReplicas: 6, rules: [{ metric: 'cpu', target: 50, unit: '%' }] });
    expect(d.scaling.details).toMatchObject({
      workload: { kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', name: 'web', via: 'rollouts/scale' },
      scaleSubresource: { specReplicas: 1, statusReplicas: 1, selector: 'app=web' },
      access: { checkedWith: 'SelfSubjectAccessReview', missing: [] },
    });
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings[0]).toMatch(/Rollout web is followed through its scale subresource only/);
    expect(d.warnings[0]).toMatch(/rollout or canary progress.*observedGeneration\) is not read/);
    // Discovery was asked, and the workload was never read as a Deployment.
    expect(fake.api.requests.some((r) => r.path === '/apis/argoproj.io/v1alpha1')).toBe(true);
    expect(fake.api.requests.some((r) => r.path === '/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/web/scale')).toBe(true);
    expect(fake.api.requests.some((r) => r.path.includes('/deployments'))).toBe(false);
    await provider.close();

    // A deployment setting for this HPA names the wrong kind.
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', deployment: 'web', hpa: 'web' });
    const err = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(err?.message).toMatch(/HPA web targets Rollout web, not Deployment web/);
  });

  test('RBAC: asks for get on rollouts/scale (as a subresource review) and pods, not for deployments; the Role names rollouts/scale', async () => {
    fake = await rollout();
    fake.api.faults.forbidden.add('get rollouts/scale.argoproj.io');
    fake.api.faults.forbidden.add('get rollouts.argoproj.io');
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web' });
    const err = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err!.kind).toBe('access-denied');
    expect(err!.message).toMatch(/is missing get rollouts\/scale\.argoproj\.io in namespace demo; also missing \(optional\): get rollouts\.argoproj\.io/);
    expect(err!.hint).toContain('apiGroups: ["argoproj.io"]\n    resources: ["rollouts/scale", "rollouts"]\n    verbs: ["get"]');
    expect(err!.hint).toMatch(/apiGroups: \[""\]\n    resources: \["pods", "events"\]/);
    expect(err!.hint).not.toMatch(/deployments|statefulsets/);
    expect(fake.api.accessReviews).toContainEqual(expect.objectContaining({ verb: 'get', group: 'argoproj.io', resource: 'rollouts', subresource: 'scale', namespace: 'demo' }));
    expect(fake.api.accessReviews.some((a) => a.resource === 'deployments' || a.group === 'apps')).toBe(false);
    await provider.close();

    // Only the optional object read denied: a warning that says what is lost, and the run goes on.
    fake.api.faults.forbidden.delete('get rollouts/scale.argoproj.io');
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web' });
    const d = await provider.describe(AbortSignal.timeout(5000));
    expect(d.warnings.join('\n')).toMatch(/RBAC: missing get rollouts\.argoproj\.io in namespace demo: the Rollout's pod template is not read/);
    // Listing pods is required here: ready replicas have no other source.
    await provider.close();
    fake.api.faults.forbidden.add('list pods');
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web' });
    expect((await failure(provider.describe(AbortSignal.timeout(5000))))?.message).toMatch(/is missing list pods in namespace demo/);
  });

  test('a kind without /scale, a kind not served, an API group not served: configuration errors that say what to fix', async () => {
    fake = await rollout({ scaleSubresource: false });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web' });
    const noScale = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(noScale?.kind).toBe('config');
    expect(noScale?.message).toMatch(
      /^kubernetes: HPA web scales Rollout web: Rollout \(rollouts in argoproj\.io\/v1alpha1\) has no scale subresource \(rollouts\/scale\), so the HPA cannot scale it either/,
    );
    expect(noScale?.message).toMatch(/subresources\.scale with specReplicasPath, statusReplicasPath and labelSelectorPath/);
    // The same error when the run starts without describe.
    await provider.close();
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web' });
    expect((await failure(provider.sample(AbortSignal.timeout(5000))))?.message).toMatch(/has no scale subresource \(rollouts\/scale\)/);
    await provider.close();
    provider = null;

    // The fake's controller replaces the HPA object as it syncs: change the one it serves now.
    const scaleTargetRef = () => fake!.cluster.hpa()!.spec.scaleTargetRef as { kind: string; apiVersion: string };
    scaleTargetRef().kind = 'Widget';
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web' });
    const noKind = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(noKind?.kind).toBe('config');
    expect(noKind?.message).toMatch(/HPA web scales Widget web: the API server serves no kind Widget in argoproj\.io\/v1alpha1 \(it serves AnalysisRun, Rollout\)/);
    await provider.close();

    Object.assign(scaleTargetRef(), { kind: 'Rollout', apiVersion: 'example.com/v1' });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web' });
    const noGroup = await failure(provider.describe(AbortSignal.timeout(5000)));
    expect(noGroup?.kind).toBe('config');
    expect(noGroup?.message).toMatch(/HPA web scales Rollout web, but the API server does not serve example\.com\/v1 \(GET \/apis\/example\.com\/v1: 404\)/);
    expect(noGroup?.hint).toMatch(/install the CRD that defines Rollout/);
  });

  test('scale-up under load: desired follows the HPA decisions and the Scale, ready follows the pods the fake made ready', async () => {
    fake = await rollout({ capacityPerReplica: 20 });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web', metrics_interval: '500ms' });
    await provider.describe(AbortSignal.timeout(5000));
    const got: Collected = { samples: [], events: [] };
    await readUntil(provider, got, () => true, { timeoutMs: 500 });
    // The pods are watched by the Scale's selector.
    expect(fake.api.requests.some((r) => r.path === '/api/v1/namespaces/demo/pods' && r.query.watch === 'true' && r.query.labelSelector === 'app=web')).toBe(true);

    const POLL_MS = 200;
    const loadStart = Date.now();
    const load = driveLoad(fake.app.url, 60, 4000);
    const f = fake;
    const settled = () => f.cluster.truth.decisions.some((d) => d.to > d.from) && f.cluster.readyCount() >= f.cluster.deployment().spec.replicas && Date.now() - loadStart > 3000;
    const ok = await readUntil(provider, got, settled, { timeoutMs: 12_000, everyMs: POLL_MS });
    await load;
    expect(ok).toBe(true);
    const up = fake.cluster.truth.decisions.filter((d) => d.to > d.from);
    expect(up.length).toBeGreaterThan(0);
    const byTime = [...got.samples].sort((a, b) => a.atWall - b.atWall);

    // desired (HPA status, watched) moved when the fake decided: the notification, before the next read.
    const firstUp = firstSample(byTime, loadStart, (s) => s.source === 'k8s:watch' && (s.desired ?? 0) > 1)!;
    expectSeenByTheNextRead(firstUp, up[0]!.atWall, got.reads, 'desired > 1 (watch)');
    // The Scale's spec.replicas, read at every sample, shows each decision at the next Scale read
    // (counted in k8s:scale samples: one in flight at the decision may miss it, the next cannot).
    const scaleSamples = byTime.filter((s) => s.source === 'k8s:scale');
    expect(scaleSamples.length).toBeGreaterThan(5);
    for (const d of up) {
      const seen = scaleSamples.find((s) => s.atWall >= d.atWall && s.desired! >= d.to);
      // (A Scale sample's resolutionMs is its read's round trip, not an API time's precision.)
      expectSeenByTheNextRead(seen && { atWall: seen.atWall }, d.atWall, scaleSamples.map((s) => s.atWall), `k8s:scale ${d.from}->${d.to}`);
    }
    expect(scaleSamples.at(-1)!.desired).toBe(fake.cluster.deployment().spec.replicas);

    // Ready: every count the fake reached appears when its pod became ready (pods by selector, watched).
    const peak = fake.cluster.readyCount();
    expect(peak).toBeGreaterThan(1);
    const ready = byTime.filter((s) => s.atWall >= loadStart && s.ready !== undefined);
    for (let n = 2; n <= peak; n++) {
      const truth = fake.cluster.readyReachedAt(n, loadStart)!;
      expectSeenByTheNextRead(ready.find((s) => s.ready! >= n), truth, got.reads, `ready ${n}`);
    }
    expect(got.events.filter((e) => e.type === 'replica-ready').length).toBeGreaterThanOrEqual(peak - 1);
    // The HPA's Events become decisions with the size before (from the HPA's own history here).
    for (const d of up) {
      const e = got.events.find((x) => x.type === 'scale-up' && x.to === d.to);
      expect(e, `scale-up event ${d.from}->${d.to}`).toMatchObject({ from: d.from, to: d.to });
      expectSeenByTheNextRead(e, d.atWall, got.reads, `scale-up event ${d.from}->${d.to}`);
    }
    // CPU from metrics.k8s.io, by the same selector.
    expect(got.samples.some((s) => s.source === 'k8s:metrics.k8s.io' && (s.cpuPct ?? 0) > 50)).toBe(true);
    expect(provider.watchStats().map((w) => w.name).sort()).toEqual(['events', 'horizontalpodautoscalers', 'pods']);
  }, 30_000);

  test('the Scale unreadable mid-run: desired still follows the HPA (watched), and one warning says what is lost', async () => {
    fake = await rollout({ capacityPerReplica: 20 });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web', pod_metrics: false });
    await provider.describe(AbortSignal.timeout(5000));
    const got: Collected = { samples: [], events: [] };
    await readUntil(provider, got, () => true, { timeoutMs: 300 });
    const scaleReadsBefore = got.samples.filter((s) => s.source === 'k8s:scale').length;
    expect(scaleReadsBefore).toBeGreaterThan(0);
    fake.api.faults.forbidden.add('get rollouts/scale.argoproj.io'); // RBAC changed under the run
    const loadStart = Date.now();
    const load = driveLoad(fake.app.url, 60, 3000);
    const f = fake;
    const decided = () => f.cluster.truth.decisions.length > 0 && Date.now() - f.cluster.truth.decisions[0]!.atWall > 500;
    const ok = await readUntil(provider, got, decided, { timeoutMs: 10_000 });
    await load;
    expect(ok).toBe(true);
    const d = fake.cluster.truth.decisions[0]!;
    expect(got.samples.filter((s) => s.source === 'k8s:scale')).toHaveLength(scaleReadsBefore);
    const first = firstSample(got.samples, loadStart, (s) => (s.desired ?? 0) > 1)!;
    expect(first).toMatchObject({ source: 'k8s:watch', desired: d.to });
    expectSeenByTheNextRead(first, d.atWall, got.reads, 'desired from the HPA');
    const warnings = got.events.filter((e) => e.source === 'k8s:scale' && e.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/^rollouts\/scale cannot be read \(kubernetes: RBAC denies .*cannot get rollouts\/scale\.argoproj\.io "web" in namespace demo.*\); desired comes from the HPA's status only while this lasts$/);
  }, 20_000);

  test("the Rollout's selector changes mid-run: its new pods are watched and counted, the old ones no more, said once and without a drop to zero", async () => {
    const OLD = 'app=web';
    const NEW = 'app.kubernetes.io/name=web';
    fake = await rollout({ initialReplicas: 2, minReplicas: 2 });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'web', metrics_interval: '500ms' });
    await provider.describe(AbortSignal.timeout(5000));
    const got: Collected = { samples: [], events: [] };
    await readUntil(provider, got, () => true, { timeoutMs: 300 });
    const podWatches = (selector: string) => fake!.api.requests.filter((r) => r.path === '/api/v1/namespaces/demo/pods' && r.query.watch === 'true' && r.query.labelSelector === selector);
    expect(podWatches(OLD).length).toBeGreaterThan(0);

    const f = fake;
    const changedAt = Date.now();
    f.cluster.changeSelector({ 'app.kubernetes.io/name': 'web' });
    // The controller makes the new pods before the next read, so the read that sees the change finds them.
    await waitFor(() => f.cluster.selectedPods().length === 2, 5000);
    const selectorEvents = (c: Collected) => c.events.filter((e) => /pod selector changed/.test(e.message));
    const newPodsCounted = await readUntil(provider, got, (c) => selectorEvents(c).length > 0 && f.cluster.readyCount() === 2 && latestState(c)?.ready === 2, { timeoutMs: 10_000 });
    expect(newPodsCounted).toBe(true);
    expect(podWatches(NEW).length).toBeGreaterThan(0);

    // The old pods, still Ready but no longer selected, are deleted: only a watch on the new selector keeps counting 2.
    f.cluster.deleteUnselectedPods();
    await waitFor(() => f.cluster.objects.get('pods')!.size === f.cluster.selectedPods().length, 10_000);
    const goneAt = Date.now();
    const readAfter = await readUntil(provider, got, (c) => c.samples.some((s) => isState(s) && s.atWall >= goneAt), { timeoutMs: 5000 });
    expect(readAfter).toBe(true);

    // One info event, on the Scale's timeline, names both selectors.
    const said = selectorEvents(got);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({
      source: 'k8s:scale',
      type: 'info',
      message: `Rollout web's pod selector changed from ${OLD} to ${NEW} (its rollouts/scale status.selector): now watching the pods matching ${NEW}`,
    });
    expect(said[0]!.atWall).toBeGreaterThanOrEqual(changedAt);
    // The counts now are the fake's truth for the new selector: its 2 pods, Ready.
    expect(f.cluster.readyCount()).toBe(2);
    expect(latestState(got)).toMatchObject({ ready: f.cluster.readyCount(), pending: 0, running: 2 });
    // From the switch on, a ready count is never seen before the new pods reached it (the old pods' items are gone).
    const states = got.samples.filter(isState);
    for (const n of [1, 2]) {
      const truth = f.cluster.readyReachedAt(n, changedAt)!;
      const seen = firstSample(states, said[0]!.atWall, (s) => (s.ready ?? 0) >= n);
      expect(seen, `ready ${n} after the switch`).toBeDefined();
      expect(seen!.atWall, `ready ${n} after the switch`).toBeGreaterThanOrEqual(truth);
    }
    // Never a moment with no pods counted: 2 old ones (Ready) until the switch, then the 2 new ones (pending, then Ready).
    expect(states.filter((s) => (s.ready ?? 0) + (s.pending ?? 0) !== 2)).toEqual([]);
    // CPU/memory from metrics.k8s.io follow the new selector too.
    expect(fake.api.requests.some((r) => r.path === '/apis/metrics.k8s.io/v1beta1/namespaces/demo/pods' && r.query.labelSelector === NEW)).toBe(true);
    expect(provider.watchStats().filter((w) => w.name === 'pods')).toHaveLength(1);
  }, 30_000);

  test("the fake's /scale PATCH (kubectl scale) sets the Rollout's spec.replicas and answers an autoscaling/v1 Scale", async () => {
    fake = await rollout({ withHpa: false });
    const url = `${fake.api.url}/apis/argoproj.io/v1alpha1/namespaces/demo/rollouts/web/scale`;
    const res = await fetch(url, { method: 'PATCH', headers: { authorization: 'Bearer fake-token', 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ spec: { replicas: 3 } }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { selector: 'app=web' } });
    expect(fake.cluster.deployment().spec.replicas).toBe(3);
  });
});
