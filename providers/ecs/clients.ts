/**
 * The four AWS SDK clients of the ECS provider, built once from the settings. Credentials
 * always come from the SDK's default chain (optionally a named profile), so nothing secret is
 * ever in a profile file; endpoints come from the settings, else the SDK's own
 * AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL handling.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { EcsSettings } from './settings.js';
import type { AwsIdentity } from './errors.js';

export interface EcsClients {
  ecs: ECSClient;
  aas: ApplicationAutoScalingClient;
  cw: CloudWatchClient;
  elb: ElasticLoadBalancingV2Client;
  /** Endpoint per service as configured (settings or environment), for messages. */
  endpoints: { ecs?: string; aas?: string; cw?: string; elb?: string };
  /** Region and chain for messages; the region is known once `resolveRegion` ran. */
  identity: AwsIdentity;
  resolveRegion(): Promise<string>;
  destroy(): void;
}

type Env = Readonly<Record<string, string | undefined>>;

export function createEcsClients(settings: EcsSettings, env: Env): EcsClients {
  const profile = settings.profile ?? env.AWS_PROFILE;
  const region = settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const common = {
    ...(region ? { region } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    maxAttempts: settings.max_attempts,
  };
  const endpoints = {
    ecs: settings.endpoints?.ecs ?? settings.endpoint,
    aas: settings.endpoints?.application_auto_scaling ?? settings.endpoint,
    cw: settings.endpoints?.cloudwatch ?? settings.endpoint,
    elb: settings.endpoints?.elbv2 ?? settings.endpoint,
  };
  const ecs = new ECSClient({ ...common, ...(endpoints.ecs ? { endpoint: endpoints.ecs } : {}) });
  const aas = new ApplicationAutoScalingClient({ ...common, ...(endpoints.aas ? { endpoint: endpoints.aas } : {}) });
  const cw = new CloudWatchClient({ ...common, ...(endpoints.cw ? { endpoint: endpoints.cw } : {}) });
  const elb = new ElasticLoadBalancingV2Client({ ...common, ...(endpoints.elb ? { endpoint: endpoints.elb } : {}) });
  const identity: AwsIdentity = {
    region: region ?? '(region from the profile)',
    chain: profile ? `profile "${profile}"` : 'the default credential chain',
    ...(profile ? { profile } : {}),
  };
  const fromEnv = (svc: string) => env[`AWS_ENDPOINT_URL_${svc}`] ?? env.AWS_ENDPOINT_URL;
  return {
    ecs,
    aas,
    cw,
    elb,
    endpoints: {
      ecs: endpoints.ecs ?? fromEnv('ECS'),
      aas: endpoints.aas ?? fromEnv('APPLICATION_AUTO_SCALING'),
      cw: endpoints.cw ?? fromEnv('CLOUDWATCH'),
      elb: endpoints.elb ?? fromEnv('ELASTIC_LOAD_BALANCING_V2'),
    },
    identity,
    async resolveRegion() {
      if (!region) {
        try {
          identity.region = await ecs.config.region();
        } catch {
          // Left as is: the first call reports the missing region.
        }
      }
      return identity.region;
    },
    destroy() {
      ecs.destroy();
      aas.destroy();
      cw.destroy();
      elb.destroy();
    },
  };
}
