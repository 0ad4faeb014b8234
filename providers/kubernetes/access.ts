/**
 * Which RBAC permissions the provider needs, and what is lost without each optional one.
 * Checked with SelfSubjectAccessReview (the same question `kubectl auth can-i` asks), so
 * `scaleproof check` can list every missing verb at once instead of failing on the first.
 */
import { resourceLabel } from './errors.js';

export interface Permission {
  verb: string;
  group: string;
  resource: string;
  required: boolean;
  /** What degrades without it (optional permissions). */
  without?: string;
}

/**
 * `scale`: the generic mode (an HPA target that is neither a Deployment nor a StatefulSet). The
 * workload is then read only through `{plural}/scale`, like the HPA reads it, and ready replicas
 * can only come from the pods, so listing pods is required.
 */
export function permissionsNeeded(opts: {
  hpa: boolean;
  podMetrics: boolean;
  workload?: 'Deployment' | 'StatefulSet';
  scale?: { kind: string; group: string; plural: string };
}): Permission[] {
  const kind = opts.scale?.kind ?? opts.workload ?? 'Deployment';
  const resource = kind === 'StatefulSet' ? 'statefulsets' : 'deployments';
  const workload: Permission[] = opts.scale
    ? [
        { verb: 'get', group: opts.scale.group, resource: `${opts.scale.plural}/scale`, required: true },
        { verb: 'get', group: opts.scale.group, resource: opts.scale.plural, required: false, without: `the ${kind}'s pod template is not read: no warning about containers without CPU requests` },
      ]
    : [
        { verb: 'get', group: 'apps', resource, required: true },
        { verb: 'list', group: 'apps', resource, required: true },
        { verb: 'watch', group: 'apps', resource, required: false, without: `the ${kind} is listed on every read instead of watched` },
      ];
  const p: Permission[] = [
    ...workload,
    opts.scale
      ? { verb: 'list', group: '', resource: 'pods', required: true }
      : { verb: 'list', group: '', resource: 'pods', required: false, without: `ready replicas come from ${kind} status; no per-pod ready times` },
    { verb: 'watch', group: '', resource: 'pods', required: false, without: 'pods are listed on every read, so ready times are only as precise as the poll interval' },
  ];
  // Listing HPAs is needed to find the one that targets the workload when none is named.
  p.push({ verb: 'get', group: 'autoscaling', resource: 'horizontalpodautoscalers', required: opts.hpa });
  p.push({ verb: 'list', group: 'autoscaling', resource: 'horizontalpodautoscalers', required: opts.hpa, ...(opts.hpa ? {} : { without: `the HPA that targets the ${kind} cannot be found` }) });
  p.push({ verb: 'watch', group: 'autoscaling', resource: 'horizontalpodautoscalers', required: false, without: 'the HPA is listed on every read instead of watched' });
  p.push({ verb: 'list', group: '', resource: 'events', required: false, without: 'scale decisions come from HPA status.lastScaleTime, without the HPA\'s reasons' });
  p.push({ verb: 'watch', group: '', resource: 'events', required: false, without: 'events are listed on every read' });
  if (opts.podMetrics) {
    p.push({ verb: 'list', group: 'metrics.k8s.io', resource: 'pods', required: false, without: 'no CPU/memory from metrics-server (the HPA\'s own CPU figure is used)' });
  }
  return p;
}

export function permissionLabel(p: Pick<Permission, 'verb' | 'group' | 'resource'>): string {
  return `${p.verb} ${resourceLabel(p)}`;
}

/** A Role granting exactly these permissions, as YAML, for messages and the README. */
export function roleYaml(namespace: string, perms: readonly Permission[]): string {
  const byGroup = new Map<string, { resources: Set<string>; verbs: Set<string> }>();
  for (const p of perms) {
    const g = byGroup.get(p.group) ?? { resources: new Set(), verbs: new Set() };
    g.resources.add(p.resource);
    g.verbs.add(p.verb);
    byGroup.set(p.group, g);
  }
  const rules = [...byGroup]
    .map(([group, g]) => `  - apiGroups: ["${group}"]\n    resources: [${[...g.resources].map((r) => `"${r}"`).join(', ')}]\n    verbs: [${[...g.verbs].map((v) => `"${v}"`).join(', ')}]`)
    .join('\n');
  return `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: scaleproof-reader\n  namespace: ${namespace}\nrules:\n${rules}\n`;
}
