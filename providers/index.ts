/**
 * The provider registry: name -> lazily imported settings schema and factory.
 * This is the only file that knows every provider; the core looks providers up here by name.
 */
import type { ProviderEntry } from '../src/provider.js';

export const providers: Record<string, ProviderEntry> = {
  local: {
    summary: 'a real autoscaled service on this machine (replica processes + an HPA-style autoscaler)',
    settings: async () => (await import('./local/settings.js')).localSettingsSchema,
    load: async () => (await import('./local/index.js')).createLocalProvider,
  },
  'aws-ecs': {
    summary: 'an AWS ECS service scaled by Application Auto Scaling (DescribeServices, scaling activities, CloudWatch)',
    settings: async () => (await import('./ecs/settings.js')).ecsSettingsSchema,
    load: async () => (await import('./ecs/index.js')).createEcsProvider,
  },
  'azure-container-apps': {
    summary: 'an Azure Container App scaled by its scale rules (revisions, replicas, Azure Monitor metrics)',
    settings: async () => (await import('./aca/settings.js')).acaSettingsSchema,
    load: async () => (await import('./aca/index.js')).createAcaProvider,
  },
  kubernetes: {
    summary: 'a Deployment scaled by a HorizontalPodAutoscaler on any Kubernetes cluster (GKE, EKS, AKS, kind...), watched through the API server',
    settings: async () => (await import('./kubernetes/settings.js')).kubernetesSettingsSchema,
    load: async () => (await import('./kubernetes/index.js')).createKubernetesProvider,
  },
  'cloud-run': {
    summary: 'a Google Cloud Run service: Admin API v2 for its scaling settings, Cloud Monitoring for instances and CPU (60 s metrics, minutes late)',
    settings: async () => (await import('./cloudrun/settings.js')).cloudRunSettingsSchema,
    load: async () => (await import('./cloudrun/index.js')).createCloudRunProvider,
  },
};

export const providerNames = (): string[] => Object.keys(providers).sort();
