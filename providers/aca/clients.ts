/**
 * Credentials and SDK clients of the Container Apps provider. The credential is
 * DefaultAzureCredential unless the settings pick one member of it (or bearer tokens from the
 * environment); tests inject their own. ARM and Azure Monitor metrics get separate clients
 * because the metrics endpoint is regional and known only once the app's location is.
 */
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers';
import { MetricsClient } from '@azure/monitor-query-metrics';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { AzureCliCredential, CredentialUnavailableError, DefaultAzureCredential, EnvironmentCredential, ManagedIdentityCredential, WorkloadIdentityCredential } from '@azure/identity';
import type { AcaSettings } from './settings.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Test seams: a credential and a CA for a fake served over HTTPS with a throwaway certificate. */
export interface AcaDeps {
  credential?: TokenCredential;
  metricsCredential?: TokenCredential;
  tlsCa?: string;
}

const CHAIN: Record<AcaSettings['credential'], string> = {
  default: 'DefaultAzureCredential (EnvironmentCredential: AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET; WorkloadIdentityCredential; ManagedIdentityCredential; AzureCliCredential: `az login`; AzurePowerShellCredential; AzureDeveloperCliCredential)',
  cli: 'AzureCliCredential (`az login`)',
  environment: 'EnvironmentCredential (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)',
  'managed-identity': 'ManagedIdentityCredential (AZURE_CLIENT_ID for a user-assigned identity)',
  'workload-identity': 'WorkloadIdentityCredential (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID)',
  'access-token': 'bearer tokens from $AZURE_ACCESS_TOKEN / $AZURE_METRICS_ACCESS_TOKEN',
};

/** A credential that hands out a token from an environment variable. */
function envToken(env: Env, names: string[]): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      const name = names.find((n) => env[n]);
      if (!name) throw new CredentialUnavailableError(`${names.join(' / ')} is not set`);
      return { token: env[name]!, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

function credentialFor(settings: AcaSettings, env: Env): { arm: TokenCredential; metrics: TokenCredential } {
  switch (settings.credential) {
    case 'access-token':
      return { arm: envToken(env, ['AZURE_ACCESS_TOKEN']), metrics: envToken(env, ['AZURE_METRICS_ACCESS_TOKEN', 'AZURE_ACCESS_TOKEN']) };
    case 'cli': {
      const c = new AzureCliCredential();
      return { arm: c, metrics: c };
    }
    case 'environment': {
      const c = new EnvironmentCredential();
      return { arm: c, metrics: c };
    }
    case 'managed-identity': {
      const c = env.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: env.AZURE_CLIENT_ID }) : new ManagedIdentityCredential();
      return { arm: c, metrics: c };
    }
    case 'workload-identity': {
      const c = new WorkloadIdentityCredential();
      return { arm: c, metrics: c };
    }
    default: {
      const c = new DefaultAzureCredential();
      return { arm: c, metrics: c };
    }
  }
}

export interface AcaClients {
  arm: ContainerAppsAPIClient;
  armEndpoint: string;
  /** How the credential was obtained, for messages. */
  chain: string;
  metrics(location: string | undefined): { client: MetricsClient; endpoint: string };
}

/** `policies`: extra pipeline policies on every client (the provider's clock reader). */
export function createAcaClients(settings: AcaSettings, env: Env, deps: AcaDeps = {}, policies: PipelinePolicy[] = []): AcaClients {
  const creds = deps.credential ? { arm: deps.credential, metrics: deps.metricsCredential ?? deps.credential } : credentialFor(settings, env);
  const common = {
    ...(settings.max_retries !== undefined ? { retryOptions: { maxRetries: settings.max_retries } } : {}),
    ...(deps.tlsCa ? { tlsOptions: { ca: deps.tlsCa } } : {}),
    // Per retry: each HTTP attempt and its own answer.
    ...(policies.length ? { additionalPolicies: policies.map((policy) => ({ policy, position: 'perRetry' as const })) } : {}),
  };
  const armEndpoint = settings.endpoints.arm ?? 'https://management.azure.com';
  const arm = new ContainerAppsAPIClient(creds.arm, settings.subscription, { ...common, endpoint: armEndpoint, credentialScopes: [`${settings.arm_audience.replace(/\/$/, '')}/.default`] });
  let metrics: { client: MetricsClient; endpoint: string } | undefined;
  return {
    arm,
    armEndpoint,
    chain: deps.credential ? 'the injected test credential' : CHAIN[settings.credential],
    metrics(location) {
      if (metrics) return metrics;
      const endpoint = settings.endpoints.metrics ?? `https://${(location ?? 'eastus').toLowerCase().replace(/\s+/g, '')}.metrics.monitor.azure.com`;
      const client = new MetricsClient(endpoint, creds.metrics, { ...common, ...(settings.metrics_audience ? { audience: settings.metrics_audience } : {}) });
      metrics = { client, endpoint };
      return metrics;
    },
  };
}
