/**
 * `provider.settings` for `azure-container-apps`: which container app (subscription, resource
 * group, name), which credential (DefaultAzureCredential unless told otherwise), optional
 * endpoints (ARM, Azure Monitor metrics) for sovereign clouds or emulators. zod only:
 * importing this file must never load an Azure SDK.
 */
import { z } from 'zod';
import { duration, nonNegativeInt } from '../../src/profile/fields.js';

const https = z.url({ protocol: /^https?$/, error: 'expected an https:// URL' });

export const ACA_CREDENTIALS = ['default', 'cli', 'environment', 'managed-identity', 'workload-identity', 'access-token'] as const;

export const acaSettingsSchema = z.strictObject({
  subscription: z.string().regex(/^[0-9a-fA-F-]{36}$/, { error: 'expected a subscription id (a GUID)' }).meta({ description: 'Azure subscription id.' }),
  resource_group: z.string().min(1).max(90).meta({ description: 'Resource group of the container app.' }),
  app: z.string().regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, { error: 'expected a container app name: lowercase letters, digits and -' }).meta({ description: 'Container app name.' }),
  credential: z.enum(ACA_CREDENTIALS).default('default').meta({
    description:
      'default: DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, Azure PowerShell, Azure Developer CLI). cli / environment / managed-identity / workload-identity: only that one. access-token: bearer tokens from $AZURE_ACCESS_TOKEN (ARM) and $AZURE_METRICS_ACCESS_TOKEN (metrics; default: the same), e.g. from `az account get-access-token`.',
  }),
  endpoints: z
    .strictObject({
      arm: https.optional().meta({ description: 'Azure Resource Manager. Default: https://management.azure.com.' }),
      metrics: https.optional().meta({ description: 'Azure Monitor metrics (batch API). Default: https://<app region>.metrics.monitor.azure.com.' }),
    })
    .default({}),
  arm_audience: z.string().min(1).default('https://management.azure.com').meta({ description: 'Token audience for ARM (change for sovereign clouds, e.g. https://management.chinacloudapi.cn).' }),
  metrics_audience: z.string().min(1).optional().meta({ description: 'Token audience for Azure Monitor metrics. Default: the SDK default.' }),
  replicas: z.boolean().default(true).meta({ description: 'List the replicas of the active revisions every poll (running state, container readiness).' }),
  metric_interval: duration('How often Azure Monitor is re-read (each read covers metric_lookback).').default(60_000),
  metric_lookback: duration('How far back each Azure Monitor read goes; points arrive minutes late, so recent minutes are re-read.').default(600_000),
  metric_delay: duration('How long after the load ends Azure Monitor points keep arriving; the run observes this much longer.').default(240_000),
  max_retries: nonNegativeInt('Retries per Azure call (throttling, 5xx) before a poll is recorded as a gap.').optional(),
});

export type AcaSettingsInput = z.input<typeof acaSettingsSchema>;
export type AcaSettings = z.output<typeof acaSettingsSchema>;
