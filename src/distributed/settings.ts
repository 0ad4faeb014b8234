/**
 * The `distributed:` section of a profile: run the load from N agent pods of one Indexed Job
 * instead of this process. `--distributed kubernetes --agents N` on the command line sets or
 * overrides the same values (see options.ts).
 */
import { z } from 'zod';
import { duration, positiveInt } from '../profile/fields.js';

const quantities = z.strictObject({
  cpu: z.string().min(1).optional().meta({ description: 'CPU quantity, e.g. 500m or 2.' }),
  memory: z.string().min(1).optional().meta({ description: 'Memory quantity, e.g. 256Mi.' }),
});

/** The image agents run by default: the same scaleproof version as the coordinator. */
export const DEFAULT_AGENT_IMAGE_REPO = 'ghcr.io/scaleproof/scaleproof';

export const distributedSchema = z
  .strictObject({
    platform: z.enum(['kubernetes']).default('kubernetes').meta({ description: 'Where the agents run. Only kubernetes (an Indexed Job) for now.' }),
    agents: positiveInt('Agent pods; each sends an exact 1/N share of the arrival plan (arrivals k ≡ i mod N).').default(2),
    namespace: z.string().min(1).optional().meta({ description: 'Namespace for the Job and its ConfigMap. Default: the kubeconfig context namespace, else default.' }),
    image: z.string().min(1).optional().meta({ description: `Agent image (built from the repository Dockerfile). Default: ${DEFAULT_AGENT_IMAGE_REPO}:<this version>.` }),
    resources: z
      .strictObject({ requests: quantities.optional(), limits: quantities.optional() })
      .optional()
      .meta({ description: 'Container resources of each agent. Give agents whole CPUs: a starved agent sends late.' }),
    node_selector: z.record(z.string(), z.string()).optional().meta({ description: 'Node labels the agent pods must run on.' }),
    service_account: z.string().min(1).optional().meta({ description: 'Service account of the agent pods; it needs get/watch on the run ConfigMap (see docs/distributed.md).' }),
    secret_env: z.string().min(1).optional().meta({ description: 'A Secret whose keys become environment variables of the agents, for {{ env.NAME }} templates (tokens stay out of the ConfigMap).' }),
    keep: z.boolean().default(false).meta({ description: 'Leave the Job, its pods and the ConfigMap behind after the run (debugging).' }),
    ready_timeout: duration('How long all agents may take to become ready (image pull, scheduling) before the run fails.').default(180_000),
    start_lead: duration('How far in the future the common start instant is set once all agents are ready (covers API and clock skew).').default(3000),
    kubeconfig: z.string().min(1).optional().meta({ description: 'Kubeconfig file for the Job. Default: like kubectl ($KUBECONFIG, ~/.kube/config, in-cluster).' }),
    context: z.string().min(1).optional().meta({ description: 'Kubeconfig context. Default: the current one.' }),
  })
  .meta({ description: 'Run the load from N agent pods (a Kubernetes Indexed Job) instead of this process; results come back through pod logs and are merged exactly.' });

export type DistributedSpec = z.output<typeof distributedSchema>;
