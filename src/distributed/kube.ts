/**
 * The Kubernetes calls of a distributed run, for the coordinator and the agents: the run
 * ConfigMap, the Indexed Job, its pods (list + watch) and their logs (follow). Kubeconfig is
 * found like kubectl does (providers/kubernetes/kubeconfig.ts); every failure becomes a
 * ScaleproofError that says which call failed and, for RBAC, points at docs/distributed.md.
 */
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { ProviderError, ScaleproofError } from '../errors.js';
import { loadKubeConfig } from '../../providers/kubernetes/kubeconfig.js';
import { toProviderError, type Call, type CredentialChain } from '../../providers/kubernetes/errors.js';
import type { KPod } from './pod-status.js';

export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

const RBAC_HINT = 'the Role a distributed run needs is in docs/distributed.md';

export class KubeJobs {
  readonly namespace: string;
  readonly chain: CredentialChain;
  readonly #kc: k8s.KubeConfig;
  readonly #core: k8s.CoreV1Api;
  readonly #batch: k8s.BatchV1Api;

  constructor(target: KubeTarget, env: Readonly<Record<string, string | undefined>>) {
    const loaded = loadKubeConfig(target, env);
    this.#kc = loaded.kc;
    this.chain = loaded.chain;
    this.namespace = target.namespace ?? loaded.contextNamespace ?? inClusterNamespace(env) ?? 'default';
    this.#core = this.#kc.makeApiClient(k8s.CoreV1Api);
    this.#batch = this.#kc.makeApiClient(k8s.BatchV1Api);
  }

  async #call<T>(call: Omit<Call, 'namespace'>, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = toProviderError(err, { ...call, namespace: this.namespace }, this.chain);
      if (e.kind === 'access-denied') throw new ProviderError('kubernetes', 'access-denied', e.message.replace(/^kubernetes: /, ''), { hint: `grant verb "${call.verb}" on ${call.resource}; ${RBAC_HINT}`, cause: err });
      throw e;
    }
  }

  createConfigMap(body: k8s.V1ConfigMap): Promise<k8s.V1ConfigMap> {
    return this.#call({ verb: 'create', group: '', resource: 'configmaps' }, () => this.#core.createNamespacedConfigMap({ namespace: this.namespace, body }));
  }

  getConfigMap(name: string): Promise<k8s.V1ConfigMap> {
    return this.#call({ verb: 'get', group: '', resource: 'configmaps', name }, () => this.#core.readNamespacedConfigMap({ name, namespace: this.namespace }));
  }

  /** Merge-patches `data` keys (null deletes a key). */
  patchConfigMapData(name: string, data: Record<string, string | null>): Promise<k8s.V1ConfigMap> {
    return this.#call({ verb: 'patch', group: '', resource: 'configmaps', name }, () =>
      this.#core.patchNamespacedConfigMap({ name, namespace: this.namespace, body: { data } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)),
    );
  }

  /** Deletes; false when it was already gone. */
  async deleteConfigMap(name: string): Promise<boolean> {
    return ignoreNotFound(this.#call({ verb: 'delete', group: '', resource: 'configmaps', name }, () => this.#core.deleteNamespacedConfigMap({ name, namespace: this.namespace })));
  }

  createJob(body: k8s.V1Job): Promise<k8s.V1Job> {
    return this.#call({ verb: 'create', group: 'batch', resource: 'jobs' }, () => this.#batch.createNamespacedJob({ namespace: this.namespace, body }));
  }

  /** Deletes the Job and (in the background) its pods; false when it was already gone. */
  async deleteJob(name: string): Promise<boolean> {
    return ignoreNotFound(this.#call({ verb: 'delete', group: 'batch', resource: 'jobs', name }, () => this.#batch.deleteNamespacedJob({ name, namespace: this.namespace, propagationPolicy: 'Background' })));
  }

  async listPods(labelSelector: string): Promise<{ items: KPod[]; resourceVersion: string }> {
    const r = await this.#call({ verb: 'list', group: '', resource: 'pods' }, () => this.#core.listNamespacedPod({ namespace: this.namespace, labelSelector }));
    return { items: r.items as unknown as KPod[], resourceVersion: r.metadata?.resourceVersion ?? '' };
  }

  getPod(name: string): Promise<KPod> {
    return this.#call({ verb: 'get', group: '', resource: 'pods', name }, () => this.#core.readNamespacedPod({ name, namespace: this.namespace })) as unknown as Promise<KPod>;
  }

  /**
   * Watches a collection (`/api/v1/namespaces/<ns>/<plural>`) from `resourceVersion`; resolves
   * to an abort function. `done` is called once when the watch ends (error or server close).
   */
  async watch(plural: 'pods' | 'configmaps', query: Record<string, string>, onEvent: (type: string, obj: unknown) => void, done: (err: unknown) => void): Promise<() => void> {
    const w = new k8s.Watch(this.#kc);
    const path = `/api/v1/namespaces/${this.namespace}/${plural}`;
    const ctl = await this.#call({ verb: 'watch', group: '', resource: plural }, () => w.watch(path, { ...query, allowWatchBookmarks: true }, onEvent, done));
    return () => ctl.abort();
  }

  /**
   * Follows the log of `container` in `pod` from its start. `onChunk` gets text as it comes;
   * `onEnd` once when the stream ends (the container exited, or the connection dropped).
   */
  async followLog(pod: string, container: string, onChunk: (text: string) => void, onEnd: (err?: unknown) => void): Promise<() => void> {
    const stream = new PassThrough();
    let ended = false;
    const end = (err?: unknown) => {
      if (ended) return;
      ended = true;
      onEnd(err);
    };
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => onChunk(d));
    stream.on('end', () => end());
    stream.on('error', (err) => end(err));
    const ctl = await this.#call({ verb: 'get', group: '', resource: 'pods/log', name: pod }, () => new k8s.Log(this.#kc).log(this.namespace, pod, container, stream, { follow: true }));
    return () => {
      ctl.abort();
      stream.destroy();
    };
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (err) {
    if (err instanceof ProviderError && err.kind === 'not-found') return false;
    throw err;
  }
}

/** The pod's own namespace (set by the Job template's downward API env). */
function inClusterNamespace(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.SCALEPROOF_NAMESPACE || undefined;
}

/** True for errors worth retrying (API unavailable, throttled). */
export function retryable(err: unknown): boolean {
  return err instanceof ProviderError ? err.retryable : !(err instanceof ScaleproofError);
}
