/**
 * PURE helpers of the "generic workload" mode: an HPA whose scaleTargetRef is neither a
 * Deployment nor a StatefulSet (an Argo Rollout, a ReplicaSet, any resource with a /scale
 * subresource). Like the HPA controller itself, the provider then reads the target only
 * through its Scale (autoscaling/v1: spec.replicas, status.replicas, status.selector) and
 * counts pods by that selector. This file finds the resource in API discovery and builds the
 * messages; index.ts does the I/O.
 */

/** One entry of an APIResourceList (`GET /apis/{group}/{version}`, `GET /api/v1`). */
export interface ApiResource {
  name: string;
  kind: string;
  namespaced?: boolean;
  verbs?: string[];
}

/** The resource a scaleTargetRef names, as discovery resolved it. */
export interface ScaleTarget {
  kind: string;
  /** `argoproj.io/v1alpha1`, `apps/v1`, `v1`. */
  apiVersion: string;
  /** '' for the core group. */
  group: string;
  version: string;
  /** `rollouts`: the Scale is `{plural}/scale`. */
  plural: string;
  namespaced: boolean;
}

/** autoscaling/v1 Scale as the API serves it. */
export interface Scale {
  metadata?: { name?: string; resourceVersion?: string };
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

/** `argoproj.io/v1alpha1` -> group + version; `v1` (or nothing) -> the core group. */
export function splitApiVersion(apiVersion: string | undefined): { group: string; version: string } {
  const v = (apiVersion ?? '').trim();
  if (!v) return { group: '', version: 'v1' };
  const i = v.lastIndexOf('/');
  return i < 0 ? { group: '', version: v } : { group: v.slice(0, i), version: v.slice(i + 1) };
}

/** The discovery path of a group version: `/apis/{group}/{version}`, `/api/v1` for core. */
export function discoveryPath(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/**
 * Find `kind` in a group version's resources, and check it has a `{plural}/scale` subresource
 * (what the HPA needs to scale it). Returns the target, or the reason it cannot be followed.
 */
export function findScaleTarget(
  resources: readonly ApiResource[],
  ref: { kind: string; apiVersion?: string },
): { ok: true; target: ScaleTarget } | { ok: false; reason: 'no-kind' | 'no-scale'; message: string } {
  const { group, version } = splitApiVersion(ref.apiVersion);
  const gv = group ? `${group}/${version}` : version;
  // Subresources (`rollouts/status`) carry their own kind (`Scale`), so only top-level names match.
  const main = resources.find((r) => r.kind === ref.kind && !r.name.includes('/'));
  if (!main) {
    const kinds = [...new Set(resources.filter((r) => !r.name.includes('/')).map((r) => r.kind))].sort();
    return {
      ok: false,
      reason: 'no-kind',
      message: `the API server serves no kind ${ref.kind} in ${gv} (it serves ${kinds.length ? kinds.join(', ') : 'no kinds there'}): check the HPA's scaleTargetRef.apiVersion and .kind, or install the CRD`,
    };
  }
  if (!resources.some((r) => r.name === `${main.name}/scale`)) {
    return {
      ok: false,
      reason: 'no-scale',
      message:
        `${ref.kind} (${main.name} in ${gv}) has no scale subresource (${main.name}/scale), so the HPA cannot scale it either ` +
        `(it reports FailedGetScale). Target a kind that has one, or enable it (a CRD needs subresources.scale with specReplicasPath, statusReplicasPath and labelSelectorPath)`,
    };
  }
  return { ok: true, target: { kind: ref.kind, apiVersion: gv, group, version, plural: main.name, namespaced: main.namespaced !== false } };
}

/** `Kubernetes Rollout prod/web (argoproj.io/v1alpha1, via the scale subresource)`. */
export function scaleTargetSummary(t: ScaleTarget, namespace: string, name: string): string {
  return `Kubernetes ${t.kind} ${namespace}/${name} (${t.apiVersion}, via the scale subresource)`;
}

/** The design warning every generic-mode run carries: what is not read for this kind. */
export function scaleTargetWarning(t: ScaleTarget, name: string): string {
  return (
    `${t.kind} ${name} is followed through its scale subresource only, like the HPA sees it: desired from the HPA and ${t.plural}/scale spec.replicas, ` +
    `ready and running from the pods matching its status.selector. Its own status (rollout or canary progress, paused steps, observedGeneration) is not read for this kind`
  );
}

/** The Scale's label selector; the HPA refuses a target without one (InvalidSelector). */
export function scaleSelector(s: Scale): string | undefined {
  const sel = s.status?.selector?.trim();
  return sel ? sel : undefined;
}

/** The timeline note of a selector change mid-run: from then on other pods are the target's replicas. */
export function selectorChangeMessage(t: ScaleTarget, name: string, from: string, to: string): string {
  return `${t.kind} ${name}'s pod selector changed from ${from} to ${to} (its ${t.plural}/scale status.selector): now watching the pods matching ${to}`;
}
