/**
 * `provider.settings` for `aws-ecs`: which ECS service, in which region and account (through
 * the AWS SDK default credential chain, optionally a named profile), optional endpoint
 * overrides (LocalStack, a fake), and how CloudWatch is read. zod only: importing this file
 * must never load an AWS SDK.
 */
import { z } from 'zod';
import { duration, positiveInt } from '../../src/profile/fields.js';

/** CloudWatch periods GetMetricData accepts: 1, 5, 10, 20, 30 s (high resolution) or a multiple of 60 s. */
export function isCloudWatchPeriodMs(ms: number): boolean {
  return [1000, 5000, 10_000, 20_000, 30_000].includes(ms) || (ms >= 60_000 && ms % 60_000 === 0);
}

const endpointUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

export const ecsSettingsSchema = z
  .strictObject({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'expected an AWS region like us-east-1' }).optional().meta({
      description: 'AWS region of the cluster. Default: $AWS_REGION, else $AWS_DEFAULT_REGION, else the region of the profile.',
    }),
    cluster: z.string().min(1).meta({ description: 'ECS cluster name or ARN.' }),
    service: z.string().min(1).meta({ description: 'ECS service name or ARN.' }),
    profile: z.string().min(1).optional().meta({
      description:
        'Named profile from ~/.aws/config and ~/.aws/credentials (SSO, role_arn + source_profile for assuming a role, credential_process). Default: $AWS_PROFILE, else the SDK default chain (environment, web identity, ECS/EC2 roles).',
    }),
    endpoint: endpointUrl.optional().meta({
      description: 'One endpoint for ECS, Application Auto Scaling, CloudWatch and Elastic Load Balancing (LocalStack, a fake). Default: $AWS_ENDPOINT_URL_<SERVICE>, $AWS_ENDPOINT_URL, else AWS.',
    }),
    endpoints: z
      .strictObject({
        ecs: endpointUrl.optional(),
        application_auto_scaling: endpointUrl.optional(),
        cloudwatch: endpointUrl.optional(),
        elbv2: endpointUrl.optional(),
      })
      .optional()
      .meta({ description: 'Per-service endpoints; each overrides `endpoint` for that service.' }),
    metric_period: duration(
      'CloudWatch period for CPU/memory: 60s (standard), or 20s, 10s, 5s, 1s when the service publishes high-resolution metrics. Default: 20s when a scaling policy uses a high-resolution metric, else 60s.',
    )
      .refine(isCloudWatchPeriodMs, { error: 'CloudWatch accepts 1s, 5s, 10s, 20s, 30s or a multiple of 60s' })
      .optional(),
    metric_interval: duration('How often CloudWatch is re-read (each read covers metric_lookback). Default: the metric period, at least 10s.').optional(),
    metric_lookback: duration('How far back each CloudWatch read goes; points arrive minutes late, so recent periods are re-read.').default(300_000),
    metric_delay: duration('How long after the load ends CloudWatch points keep arriving; the run observes this much longer.').default(180_000),
    container_insights: z.enum(['auto', 'on', 'off']).default('auto').meta({
      description: 'Read ECS/ContainerInsights task counts: auto = when the cluster has Container Insights enabled (needs ecs:DescribeClusters).',
    }),
    tasks: z.boolean().default(true).meta({
      description:
        "Read the service's tasks (ecs:ListTasks, ecs:DescribeTasks, ecs:DescribeTaskDefinition) every poll: ready = RUNNING and passing the container health check, with per-task start times. false: ready = RUNNING from DescribeServices.",
    }),
    load_balancer: z.boolean().default(true).meta({
      description:
        'When the service has target groups (services[].loadBalancers), a task is ready only when its target is healthy in every one of them (ELBv2 DescribeTargetHealth, elasticloadbalancing:DescribeTargetHealth; bridge / host tasks also need ecs:DescribeContainerInstances, once per container instance, to know their EC2 instance; with tasks: true). false: ready from the tasks alone.',
    }),
    max_attempts: positiveInt('Attempts per AWS call, including SDK retries of throttling and 5xx.').default(3),
  })
  .refine((s) => s.metric_interval === undefined || s.metric_interval >= 1000, { error: 'metric_interval must be at least 1s', path: ['metric_interval'] });

export type EcsSettingsInput = z.input<typeof ecsSettingsSchema>;
export type EcsSettings = z.output<typeof ecsSettingsSchema>;
