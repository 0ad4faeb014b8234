/**
 * The kubernetes provider following a StatefulSet (real @kubernetes/client-node, fake API server):
 * found by name or from the HPA's scaleTargetRef, permissions asked for statefulsets, the
 * OrderedReady warning, and a scale-up whose pods become ready one at a time, as the fake's
 * StatefulSet controller made them.
 */
import { describe, expect, test } from 'vitest';
import { ProviderError } from '../../../src/errors.js';
import { kubernetesSettingsSchema } from '../../../providers/kubernetes/settings.js';
import type { KubernetesProvider } from '../../../providers/kubernetes/index.js';
import type { KubeFake } from '../../fakes/kubernetes/index.js';
import { driveLoad } from '../../fakes/shared/scaled-app.js';
import { closeAfterEachTest, type Collected, expectSeenByTheNextRead, k8sProvider, kubeFake, readUntil } from './kubernetes-helpers.js';

let fake: KubeFake | null = null;
let provider: KubernetesProvider | null = null;
closeAfterEachTest();

const sts = (extra: Parameters<typeof kubeFake>[0] = {}) => kubeFake({ workloadKind: 'StatefulSet', deployment: 'db', hpa: 'db', ...extra });

describe('kubernetes provider with a StatefulSet', () => {
  test('describe names the StatefulSet, and warns that OrderedReady starts pods one at a time', async () => {
    fake = await sts({ minReplicas: 1, maxReplicas: 6 });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', statefulset: 'db' });
    const d = await provider.describe(AbortSignal.timeout(5000));
    expect(d.summary).toContain('StatefulSet demo/db (HPA db: 1-6 replicas)');
    expect(d.scaling.details).toMatchObject({ statefulset: 'db', hpa: 'db' });
    expect(d.warnings.join('\n')).toMatch(/StatefulSet db uses podManagementPolicy: OrderedReady/);
    const parallel = await sts({ podManagementPolicy: 'Parallel' });
    try {
      const p = k8sProvider({ kubeconfig: parallel.kubeconfig, namespace: 'demo', statefulset: 'db' });
      expect((await p.describe(AbortSignal.timeout(5000))).warnings.join('\n')).not.toMatch(/OrderedReady/);
      await p.close();
    } finally {
      await parallel.stop();
    }
  });

  test('only the HPA named: finds the StatefulSet and asks for statefulsets permissions', async () => {
    fake = await sts();
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'db' });
    await provider.describe(AbortSignal.timeout(5000));
    expect(provider.target).toMatchObject({ kind: 'StatefulSet', statefulset: 'db', hpa: 'db' });
    await provider.close();

    fake.api.faults.forbidden.add('list statefulsets.apps');
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', hpa: 'db' });
    const err = await provider.describe(AbortSignal.timeout(5000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toMatch(/missing list statefulsets\.apps/);
  });

  test('a deployment setting for an HPA that scales a StatefulSet is a configuration error; both settings are refused', async () => {
    fake = await sts();
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', deployment: 'db', hpa: 'db' });
    const err = await provider.describe(AbortSignal.timeout(5000)).catch((e: unknown) => e);
    expect((err as ProviderError).message).toMatch(/HPA db targets StatefulSet db, not Deployment db/);
    const both = kubernetesSettingsSchema.safeParse({ deployment: 'a', statefulset: 'b' });
    expect(both.error?.issues.map((i) => i.path.join('.'))).toContain('statefulset');
  });

  test('scale-up under OrderedReady: ready rises one pod at a time, each when the fake made it ready', async () => {
    fake = await sts({ capacityPerReplica: 20 });
    provider = k8sProvider({ kubeconfig: fake.kubeconfig, namespace: 'demo', statefulset: 'db', metrics_interval: '500ms' });
    await provider.describe(AbortSignal.timeout(5000));
    const got: Collected = { samples: [], events: [] };
    await readUntil(provider, got, () => true, { timeoutMs: 500 });
    const loadStart = Date.now();
    const load = driveLoad(fake.app.url, 60, 5000);
    const f = fake;
    const settled = () => f.cluster.truth.decisions.some((d) => d.to > d.from) && f.cluster.readyCount() >= f.cluster.deployment().spec.replicas && f.cluster.readyCount() >= 3;
    expect(await readUntil(provider, got, settled, { timeoutMs: 12_000, everyMs: 100 })).toBe(true);
    // The peak to check: ready when reading stopped. The load goes on, so the HPA may add pods after
    // this; one more read after the load makes sure the provider has caught up with this peak.
    const peak = f.cluster.readyCount();
    await load;
    await readUntil(provider, got, () => true, { timeoutMs: 500 });
    // Pods are db-0, db-1, … (no ReplicaSet hash).
    expect([...fake.cluster.objects.get('pods')!.keys()].sort()).toEqual(Array.from({ length: fake.cluster.objects.get('pods')!.size }, (_, i) => `db-${i}`).sort());
    // The watch saw every step of one pod: OrderedReady never readies two at once.
    const ready = got.samples.filter((s) => s.atWall >= loadStart && s.ready !== undefined).sort((a, b) => a.atWall - b.atWall);
    const steps = ready.slice(1).map((s, i) => s.ready! - ready[i]!.ready!);
    expect(Math.max(...steps)).toBe(1);
    // Each new ready count appears when the fake's pod became ready.
    for (let n = 2; n <= peak; n++) {
      const truth = fake.cluster.readyReachedAt(n, loadStart)!;
      expectSeenByTheNextRead(ready.find((s) => s.ready! >= n), truth, got.reads, `ready ${n}`);
    }
  });
});
