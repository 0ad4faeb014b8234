/**
 * One call to get a running fake Kubernetes platform: the simulated cluster (HPA model,
 * controllers, metrics-server), its API server on 127.0.0.1, the APP endpoint that receives
 * the load (its capacity follows the ready pods and drives the CPU the HPA sees) and a
 * kubeconfig file pointing at the API server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScaledApp } from '../shared/scaled-app.js';
import type { PlatformClockOptions } from '../shared/platform-clock.js';
import { FakeKubeApi, type FakeKubeApiOptions } from './api-server.js';
import { FakeCluster, type FakeClusterOptions } from './cluster.js';

export { FakeCluster, FakeKubeApi };

export interface KubeFake {
  cluster: FakeCluster;
  api: FakeKubeApi;
  app: ScaledApp;
  kubeconfig: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startKubeFake(
  options: FakeClusterOptions & PlatformClockOptions & { api?: FakeKubeApiOptions; capacityPerReplica?: number; kubeconfigNamespace?: string } = {},
): Promise<KubeFake> {
  let cluster: FakeCluster | null = null;
  const app = new ScaledApp({ readyReplicas: () => cluster?.readyCount() ?? 0, capacityPerReplica: options.capacityPerReplica ?? 20 });
  cluster = new FakeCluster({ utilization: () => app.utilization(), ...options });
  const api = new FakeKubeApi(cluster, options.api);
  await api.start();
  await app.start();
  cluster.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scaleproof-k8s-'));
  const kubeconfig = api.writeKubeconfig(path.join(dir, 'kubeconfig.yaml'), options.kubeconfigNamespace ? { namespace: options.kubeconfigNamespace } : {});
  const c = cluster;
  return {
    cluster: c,
    api,
    app,
    kubeconfig,
    dir,
    async stop() {
      c.stop();
      await api.stop();
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
