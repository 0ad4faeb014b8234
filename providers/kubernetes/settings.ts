/**
 * `provider.settings` for `kubernetes`: which cluster (kubeconfig + context, like kubectl),
 * which namespace, and which Deployment or StatefulSet and/or HorizontalPodAutoscaler. zod only: importing
 * this file must never load the Kubernetes client.
 */
import { z } from 'zod';
import { duration } from '../../src/profile/fields.js';

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const nameMsg = 'expected a Kubernetes name: lowercase letters, digits, - and .';

export const kubernetesSettingsSchema = z
  .strictObject({
    kubeconfig: z.string().min(1).optional().meta({
      description: 'Path to the kubeconfig file. Default: $KUBECONFIG (every file in it, merged like kubectl), else ~/.kube/config, else the in-cluster service account.',
    }),
    context: z.string().min(1).optional().meta({ description: 'kubeconfig context to use. Default: the current context, like kubectl.' }),
    namespace: z.string().regex(K8S_NAME, { error: nameMsg }).optional().meta({
      description: "Namespace of the workload. Default: the context's namespace, else `default`.",
    }),
    deployment: z.string().regex(K8S_NAME, { error: nameMsg }).optional().meta({
      description: 'Deployment that receives the load. Default: the scaleTargetRef of `hpa`.',
    }),
    statefulset: z.string().regex(K8S_NAME, { error: nameMsg }).optional().meta({
      description: 'StatefulSet that receives the load, instead of a Deployment. Default: the scaleTargetRef of `hpa`.',
    }),
    hpa: z.string().regex(K8S_NAME, { error: nameMsg }).optional().meta({
      description: 'HorizontalPodAutoscaler that scales it. Default: the HPA in the namespace whose scaleTargetRef is the workload.',
    }),
    watch: z.boolean().default(true).meta({
      description: 'Watch the resources (changes timed to the millisecond on arrival). false: list them every poll instead.',
    }),
    pod_metrics: z.boolean().default(true).meta({ description: 'Read CPU/memory from metrics.k8s.io (metrics-server) against the pods\' requests.' }),
    metrics_interval: duration('How often metrics.k8s.io is read; metrics-server itself resolves 15s.').default(15_000),
  })
  .refine((s) => s.deployment !== undefined || s.statefulset !== undefined || s.hpa !== undefined, {
    error: 'give `deployment` (or `statefulset`), `hpa`, or both (the workload to watch)',
    path: ['deployment'],
  })
  .refine((s) => s.deployment === undefined || s.statefulset === undefined, {
    error: 'give `deployment` or `statefulset`, not both (one workload per run)',
    path: ['statefulset'],
  });

export type KubernetesSettingsInput = z.input<typeof kubernetesSettingsSchema>;
export type KubernetesSettings = z.output<typeof kubernetesSettingsSchema>;
