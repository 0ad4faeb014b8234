/**
 * The container instance -> EC2 instance id cache of the aws-ecs provider: each ARN is asked
 * once per run, 100 per call (the API's limit), and an ARN ECS reports as MISSING is not asked
 * again. The ECS client is a stand-in that answers from a table; the real client against the
 * fake control plane is exercised in ecs-bridge-targets.test.ts.
 */
import type { DescribeContainerInstancesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import { ContainerInstanceIds } from '../../../providers/ecs/container-instances.js';

const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:container-instance/demo/${n.toString(16).padStart(32, '0')}`;
const instanceId = (n: number) => `i-0abc${n.toString(16).padStart(13, '0')}`;

/** An ECSClient whose DescribeContainerInstances knows instances 1..known, and records every call's ARNs. */
function ecsKnowing(known: number) {
  const calls: string[][] = [];
  const send = async (command: DescribeContainerInstancesCommand) => {
    const asked = command.input.containerInstances ?? [];
    calls.push([...asked]);
    const n = (a: string) => parseInt(a.split('/').pop()!, 16);
    return {
      containerInstances: asked.filter((a) => n(a) <= known).map((a) => ({ containerInstanceArn: a, ec2InstanceId: instanceId(n(a)) })),
      failures: asked.filter((a) => n(a) > known).map((a) => ({ arn: a, reason: 'MISSING' })),
    };
  };
  return { ecs: { send } as unknown as ECSClient, calls };
}

const run = <T>(fn: () => Promise<T>) => fn();
const signal = () => new AbortController().signal;

describe('ContainerInstanceIds', () => {
  test('asks each ARN once for the run: a later read with the same instances makes no call', async () => {
    const { ecs, calls } = ecsKnowing(10);
    const ids = new ContainerInstanceIds(ecs, 'demo', run);
    const first = await ids.resolve([arn(1), arn(2), arn(1)], signal());
    expect(first.get(arn(1))).toBe(instanceId(1));
    expect(first.get(arn(2))).toBe(instanceId(2));
    expect(calls).toEqual([[arn(1), arn(2)]]);
    await ids.resolve([arn(2), arn(1)], signal());
    expect(calls).toHaveLength(1);
    // A new instance in a later read: only it is asked.
    await ids.resolve([arn(1), arn(3)], signal());
    expect(calls.at(-1)).toEqual([arn(3)]);
    // No bridge / host tasks at all: nothing to ask, no call (describe and every poll rely on it).
    await ids.resolve([], signal());
    expect(calls).toHaveLength(2);
  });

  test('asks at most 100 ARNs per call', async () => {
    const { ecs, calls } = ecsKnowing(250);
    const ids = new ContainerInstanceIds(ecs, 'demo', run);
    const all = Array.from({ length: 250 }, (_, i) => arn(i + 1));
    const known = await ids.resolve(all, signal());
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(known.size).toBe(250);
  });

  test('an ARN ECS reports MISSING is not asked again; what was resolved stays when a call fails', async () => {
    const { ecs, calls } = ecsKnowing(1);
    const ids = new ContainerInstanceIds(ecs, 'demo', run);
    await ids.resolve([arn(1), arn(2)], signal());
    await ids.resolve([arn(1), arn(2)], signal());
    expect(calls).toEqual([[arn(1), arn(2)]]);
    expect(ids.known.has(arn(2))).toBe(false);

    // Allowed once, then denied (a policy changed mid-run): the call fails, the first answer stays.
    let allowed = 1;
    const flaky = new ContainerInstanceIds(
      {
        send: async (c: DescribeContainerInstancesCommand) => {
          if (allowed-- <= 0) throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
          return { containerInstances: (c.input.containerInstances ?? []).map((a) => ({ containerInstanceArn: a, ec2InstanceId: instanceId(1) })) };
        },
      } as unknown as ECSClient,
      'demo',
      run,
    );
    await flaky.resolve([arn(1)], signal());
    await expect(flaky.resolve([arn(1), arn(3)], signal())).rejects.toThrow('not authorized');
    expect([...flaky.known.keys()]).toEqual([arn(1)]);
  });
});
