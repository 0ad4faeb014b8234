/**
 * The objects a distributed run creates, PURE: one ConfigMap (what every agent runs, later
 * the start instant) and one Indexed Job of N pods (completionMode Indexed, parallelism =
 * completions = N, no retries: a restarted agent would replay its share at the wrong time).
 *
 *   ConfigMap scaleproof-<run>   config.json   → agents read it at start
 *                                start-at      ← the coordinator sets it once all are READY
 *                                stop          ← the coordinator sets it to stop early
 *   Job scaleproof-<run>         pod i runs `scaleproof agent` with JOB_COMPLETION_INDEX = i
 */
import type { V1ConfigMap, V1Job } from '@kubernetes/client-node';
import { CONFIG_KEY, type AgentConfig } from './protocol.js';
import type { DistributedSpec } from './settings.js';

export const RUN_LABEL = 'scaleproof.dev/run';
export const CONTAINER = 'agent';

/** Extra seconds on top of the plan for the Job's own deadline (a coordinator that vanished). */
const DEADLINE_MARGIN_S = 300;
/** Finished Jobs are garbage-collected after this, even when the coordinator could not delete them. */
const TTL_AFTER_FINISHED_S = 600;

export function resourceName(runId: string): string {
  return `scaleproof-${runId}`;
}

export function labels(runId: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'scaleproof-agent', 'app.kubernetes.io/managed-by': 'scaleproof', [RUN_LABEL]: runId };
}

export function configMapManifest(runId: string, namespace: string, config: AgentConfig): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: resourceName(runId), namespace, labels: labels(runId) }, data: { [CONFIG_KEY]: JSON.stringify(config) } };
}

export interface JobInput {
  runId: string;
  namespace: string;
  image: string;
  spec: DistributedSpec;
  /** Whole run length the Job may need: ready timeout + lead + warm-up + plan + drain (ms). */
  budgetMs: number;
}

export function jobManifest(input: JobInput): V1Job {
  const { runId, spec } = input;
  const name = resourceName(runId);
  const n = spec.agents;
  const resources = spec.resources ? { ...(spec.resources.requests ? { requests: { ...spec.resources.requests } } : {}), ...(spec.resources.limits ? { limits: { ...spec.resources.limits } } : {}) } : undefined;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: input.namespace, labels: labels(runId) },
    spec: {
      completionMode: 'Indexed',
      completions: n,
      parallelism: n,
      backoffLimit: 0,
      activeDeadlineSeconds: Math.ceil(input.budgetMs / 1000) + DEADLINE_MARGIN_S,
      ...(spec.keep ? {} : { ttlSecondsAfterFinished: TTL_AFTER_FINISHED_S }),
      template: {
        metadata: { labels: labels(runId) },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 15,
          ...(spec.service_account ? { serviceAccountName: spec.service_account } : {}),
          ...(spec.node_selector ? { nodeSelector: { ...spec.node_selector } } : {}),
          containers: [
            {
              name: CONTAINER,
              image: input.image,
              args: ['agent'],
              env: [
                { name: 'SCALEPROOF_CONFIGMAP', value: name },
                { name: 'SCALEPROOF_AGENTS', value: String(n) },
                { name: 'SCALEPROOF_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'SCALEPROOF_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              ...(spec.secret_env ? { envFrom: [{ secretRef: { name: spec.secret_env } }] } : {}),
              ...(resources ? { resources } : {}),
              securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}
