/**
 * Container instance ARN -> EC2 instance id, for bridge / host tasks: ELBv2 registers their
 * targets by instance id, and a task only names its container instance.
 *
 * A container instance never changes its EC2 instance, so each ARN is asked once per run
 * (ecs:DescribeContainerInstances, up to 100 per call): in steady state no call is made.
 */
import { DescribeContainerInstancesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { InstanceIds } from './targets.js';

export const DESCRIBE_CONTAINER_INSTANCES = 'ecs:DescribeContainerInstances';

/** What the ECS API accepts per DescribeContainerInstances call. */
const BATCH = 100;

/** Runs one AWS call, turning its failure into a ProviderError (the provider's #call). */
export type AwsCallRunner = <T>(fn: () => Promise<T>) => Promise<T>;

export class ContainerInstanceIds {
  readonly #ids = new Map<string, string>();
  /** Asked, but ECS had no instance id for them (failures: MISSING): not asked again. */
  readonly #unanswered = new Set<string>();
  readonly #ecs: ECSClient;
  readonly #cluster: string;
  readonly #run: AwsCallRunner;

  constructor(ecs: ECSClient, cluster: string, run: AwsCallRunner) {
    this.#ecs = ecs;
    this.#cluster = cluster;
    this.#run = run;
  }

  /** Every instance id resolved so far. */
  get known(): InstanceIds {
    return this.#ids;
  }

  /** Resolves the ARNs not asked before, 100 per call; throws the first failure (what was resolved stays). */
  async resolve(arns: readonly string[], signal: AbortSignal): Promise<InstanceIds> {
    const fresh = [...new Set(arns)].filter((a) => !this.#ids.has(a) && !this.#unanswered.has(a));
    for (let i = 0; i < fresh.length; i += BATCH) await this.#describe(fresh.slice(i, i + BATCH), signal);
    return this.#ids;
  }

  async #describe(arns: string[], signal: AbortSignal): Promise<void> {
    const out = await this.#run(() => this.#ecs.send(new DescribeContainerInstancesCommand({ cluster: this.#cluster, containerInstances: arns }), { abortSignal: signal }));
    for (const ci of out.containerInstances ?? []) if (ci.containerInstanceArn && ci.ec2InstanceId) this.#ids.set(ci.containerInstanceArn, ci.ec2InstanceId);
    for (const a of arns) if (!this.#ids.has(a)) this.#unanswered.add(a);
  }
}
