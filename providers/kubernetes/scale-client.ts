/**
 * The I/O of the generic workload mode (scale.ts has the pure parts): API discovery, the
 * target's Scale and, optionally, its pod template, each through the provider's own call
 * wrapper so errors read like every other Kubernetes error.
 */
import type * as k8s from '@kubernetes/client-node';
import { ProviderError } from '../../src/errors.js';
import { PROVIDER, type Call } from './errors.js';
import type { PodSpec } from './map.js';
import { discoveryPath, findScaleTarget, scaleSelector, splitApiVersion, type ApiResource, type Scale, type ScaleTarget } from './scale.js';

export interface ScaleApi {
  core: k8s.CoreV1Api;
  custom: k8s.CustomObjectsApi;
  namespace: string;
  /** Runs one API call, turning a failure into a ProviderError that names the verb and resource. */
  call<T>(call: Omit<Call, 'namespace'>, fn: () => Promise<T>): Promise<T>;
}

/**
 * API discovery, as the HPA controller's scale client does it: the scaleTargetRef's kind in its
 * group version, which must have a `{plural}/scale` subresource.
 */
export async function discoverScaleTarget(api: ScaleApi, ref: { kind: string; name: string; apiVersion?: string }, hpaName: string | undefined): Promise<ScaleTarget> {
  const { group, version } = splitApiVersion(ref.apiVersion);
  const path = discoveryPath(group, version);
  const gv = group ? `${group}/${version}` : version;
  const forHpa = `HPA ${hpaName} scales ${ref.kind} ${ref.name}`;
  let resources: ApiResource[];
  try {
    const list = await api.call({ verb: 'get', group, resource: `API discovery (${path})` }, (): Promise<{ resources?: unknown[] }> =>
      group ? api.custom.getAPIResources({ group, version }) : version === 'v1' ? api.core.getAPIResources() : Promise.resolve({ resources: [] }),
    );
    resources = (list.resources ?? []) as ApiResource[];
  } catch (err) {
    if (!(err instanceof ProviderError) || err.kind !== 'not-found') throw err;
    throw new ProviderError(PROVIDER, 'config', `${forHpa}, but the API server does not serve ${gv} (GET ${path}: 404)`, {
      hint: `check the HPA's scaleTargetRef.apiVersion, or install the CRD that defines ${ref.kind} (\`kubectl api-resources --api-group=${group}\`)`,
    });
  }
  const found = findScaleTarget(resources, ref);
  if (!found.ok) throw new ProviderError(PROVIDER, 'config', `${forHpa}: ${found.message}`);
  return found.target;
}

/** The target's Scale (autoscaling/v1): what the HPA itself reads. */
export function readScale(api: ScaleApi, t: ScaleTarget, name: string): Promise<Scale> {
  const namespace = api.namespace;
  return api.call({ verb: 'get', group: t.group, resource: `${t.plural}/scale`, name }, async (): Promise<unknown> => {
    if (t.group) return api.custom.getNamespacedCustomObjectScale({ group: t.group, version: t.version, namespace, plural: t.plural, name });
    if (t.plural === 'replicationcontrollers') return api.core.readNamespacedReplicationControllerScale({ name, namespace });
    throw new ProviderError(PROVIDER, 'config', `no client for the scale subresource of core ${t.plural}`);
  }) as Promise<Scale>;
}

/** The target object itself, only for its pod template (spec.template.spec); optional: denied gives undefined. */
export async function readPodTemplate(api: ScaleApi, t: ScaleTarget, name: string): Promise<PodSpec | undefined> {
  const namespace = api.namespace;
  try {
    const obj = (await api.call({ verb: 'get', group: t.group, resource: t.plural, name }, (): Promise<unknown> =>
      t.group ? api.custom.getNamespacedCustomObject({ group: t.group, version: t.version, namespace, plural: t.plural, name }) : api.core.readNamespacedReplicationController({ name, namespace }),
    )) as { spec?: { template?: { spec?: PodSpec } } };
    return obj.spec?.template?.spec;
  } catch (err) {
    if (err instanceof ProviderError && err.kind === 'access-denied') return undefined; // the access review warned
    throw err;
  }
}

/** The Scale's selector, or a configuration error (the HPA cannot count pods without one either). */
export function selectorOrError(scale: Scale, t: ScaleTarget, namespace: string, name: string): string {
  const sel = scaleSelector(scale);
  if (sel) return sel;
  throw new ProviderError(PROVIDER, 'config', `${t.kind} ${name}: its scale subresource reports no status.selector, so neither the HPA nor this provider can tell which pods are its replicas (the HPA reports InvalidSelector)`, {
    hint: `a CRD's subresources.scale needs labelSelectorPath, and the controller must fill that field: \`kubectl -n ${namespace} get --raw ${discoveryPath(t.group, t.version)}/namespaces/${namespace}/${t.plural}/${name}/scale\``,
  });
}
