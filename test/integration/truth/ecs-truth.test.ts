/**
 * Truth suite, ECS: the real CLI against the fake ECS control plane in each unkind mode (and all
 * together), every case a short scale-up and scale-down. What the CLI measured must agree with
 * what the fake recorded (its target tracking decisions, the moments its tasks served), counted
 * in reads, and nothing may be invented. The cases run side by side: each has its own fake.
 */
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEcs, type FakeEcsUnkind } from '../../fakes/ecs/fake-ecs.js';
import { runProfile, type ProfileRun } from '../../support/cli.js';
import type { E2EReport } from '../../support/agreement.js';
import { expectNoInventedFlap, expectNothingInvented, expectSeenInReads, readTimes, runCases } from './truth.js';

const POLL_MS = 400;
const LAG_MS = 1200;

const CASES: Record<string, FakeEcsUnkind> = {
  pagination: { listTasksPageSize: 1 },
  throttling: { throttle: { burst: 2, refillPerSec: 3 } },
  consistency: { consistencyLagMs: LAG_MS },
  lingering: { lingerMs: 3000 },
  all: { listTasksPageSize: 1, throttle: { burst: 3, refillPerSec: 5 }, consistencyLagMs: LAG_MS, lingerMs: 3000 },
};

interface Case {
  fake: FakeEcs;
  run: ProfileRun<E2EReport>;
}
let cases = new Map<string, Case>();

/** Reads that carried `ready` (the task reads; DescribeServices' count only before the tasks were first read). */
const readyReads = (records: Case['run']['records']) => records.filter((r) => r.kind === 'sample' && typeof r.ready === 'number').map((r) => r.t).sort((a, b) => a - b);

async function runCase(name: string, unkind: FakeEcsUnkind): Promise<Case> {
  const fake = new FakeEcs({ minCapacity: 1, maxCapacity: 4, scaleOutDatapoints: 2, scaleInDatapoints: 2, scaleOutCooldownMs: 1000, scaleInCooldownMs: 1000, taskStartMs: 600, metricDelayMs: 1000, activitiesPageSize: 1, app: { concurrency: 2, serviceMs: 40 }, unkind });
  await fake.start();
  const run = await runProfile<E2EReport>(
    `ecs-truth-${name}`,
    `name: ecs-truth-${name}
provider:
  name: aws-ecs
  poll_interval: ${POLL_MS}ms
  settings:
    region: us-east-1
    cluster: demo
    service: web
    endpoint: ${fake.url}
    metric_period: 1s
    metric_interval: 1s
    metric_lookback: 20s
    metric_delay: 2s
    max_attempts: 1
load:
  url: ${fake.app.url}
  connections: 4
  start: 20
  stages:
    - { name: baseline, duration: 1s, rate: 10 }
    - { name: jump, duration: 0s, rate: 80 }
    - { name: peak, duration: 5s, rate: 80 }
    - { name: drop, duration: 0s, rate: 0 }
    - { name: idle, duration: 5s, rate: 0 }
observe_after: 1s
`,
    {
      timeoutMs: 90_000,
      env: {
        AWS_ACCESS_KEY_ID: 'AKIDFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret',
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: path.join(os.tmpdir(), 'scaleproof-no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), 'scaleproof-no-aws-credentials'),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
  return { fake, run };
}

beforeAll(async () => {
  cases = await runCases(Object.keys(CASES), (name) => runCase(name, CASES[name]!));
}, 200_000);

afterAll(async () => {
  for (const c of cases.values()) {
    await c.fake.close();
    c.run.remove();
  }
});

describe.each(Object.keys(CASES))('ECS truth, unkind mode: %s', (name) => {
  const lagMs = () => cases.get(name)!.fake.unkind.consistencyLagMs;

  it('the run completes and the mode really happened', () => {
    const { fake, run } = cases.get(name)!;
    expect(run.res.code, run.res.stderr).not.toBeNull();
    expect(run.report.scaleUps.length).toBeGreaterThan(0);
    const ecs = fake.requests.filter((r) => r.target.startsWith('AmazonEC2ContainerServiceV20141113.'));
    const list = ecs.filter((r) => r.target.endsWith('.ListTasks'));
    if (fake.unkind.listTasksPageSize === 1) expect(list.some((r) => (r.body as { nextToken?: string }).nextToken)).toBe(true);
    if (CASES[name]!.throttle) expect(fake.throttledCalls).toBeGreaterThan(0);
    if (CASES[name]!.lingerMs) expect(fake.requests.some((r) => r.target.endsWith('.DescribeTasks') && (r.body as { tasks: string[] }).tasks.length > 0)).toBe(true);
  });

  it('the first scale-up decision: not before the model’s record, at the next read outside the lag', () => {
    const { fake, run } = cases.get(name)!;
    const up = run.report.scaleUps[0]!;
    const decision = fake.decisions.find((d) => d.to > d.from && d.atWall - run.startedAtWall >= up.loadChangeT);
    // The platform never scaled (a starved load generator): nothing may be reported either.
    if (!decision) return expect(up.firstDesiredIncrease.atT).toBeNull();
    const reads = readTimes(run.records, 'ecs:DescribeServices');
    // Decided after the last read could see it (the run had stopped reading): unseen is right.
    if (decision.atWall - run.startedAtWall + lagMs() >= reads.at(-1)! - POLL_MS && up.firstDesiredIncrease.atT === null) return;
    expectSeenInReads(up.firstDesiredIncrease, decision.atWall - run.startedAtWall, reads, { lagMs: lagMs(), checkMargin: lagMs() === 0 });
  });

  it('ready at peak: not before the tasks served, the truth inside the reported window', () => {
    const { fake, run } = cases.get(name)!;
    const up = run.report.scaleUps[0]!;
    if (up.readyAtPeak.atT === null) return expect(up.outcome).not.toBe('scaled');
    const reached = fake.readiness.find((r) => r.atWall - run.startedAtWall >= up.loadChangeT && r.running >= up.peakDesired)!;
    expect(reached).toBeDefined();
    expectSeenInReads(up.readyAtPeak, reached.atWall - run.startedAtWall, readyReads(run.records), { lagMs: lagMs(), checkMargin: true });
  });

  it('the scale-down: ready falls no earlier than the tasks stopped serving, at the next read outside the lag', () => {
    const { fake, run } = cases.get(name)!;
    const down = run.report.scaleDowns.find((d) => d.outcome === 'scaled');
    if (!down || down.readyAtSettled.atT === null) return;
    const settledAt = down.readyAtSettled.atT;
    const ready = run.records.filter((r) => r.kind === 'sample' && r.source === 'ecs:tasks' && r.t === settledAt).map((r) => r.ready as number);
    const settled = Math.min(...ready);
    const changeWall = run.startedAtWall + down.loadChangeT;
    // Already there at the load change (the scale-up never reached further): the truth is the change itself.
    const atChange = fake.readiness.filter((r) => r.atWall <= changeWall).at(-1)?.running;
    const truth = atChange !== undefined && atChange <= settled ? changeWall : fake.readiness.find((r) => r.atWall >= changeWall - POLL_MS && r.running <= settled)?.atWall;
    expect(truth, 'the settled count was never the platform’s').toBeDefined();
    expectSeenInReads(down.readyAtSettled, truth! - run.startedAtWall, readyReads(run.records), { lagMs: lagMs() });
  });

  it('nothing invented: no value inside a gap, nothing twice, only counts the platform had, no extra flap', () => {
    const { fake, run } = cases.get(name)!;
    const desired = [fake.decisions[0]?.from ?? fake.desired, ...fake.decisions.map((d) => d.to)];
    const ready = [1, ...fake.readiness.map((r) => r.running)];
    expectNothingInvented(run.records, [
      { source: 'ecs:DescribeServices', field: 'desired', values: new Set(desired) },
      { source: 'ecs:tasks', field: 'ready', values: new Set(ready) },
    ]);
    expectNoInventedFlap(run.records, 'ecs:DescribeServices', 'desired', desired);
    expectNoInventedFlap(run.records, 'ecs:tasks', 'ready', ready);
    const activities = run.records.filter((r) => r.kind === 'event' && r.source === 'application-autoscaling:activities' && (r.type === 'scale-up' || r.type === 'scale-down'));
    expect(activities.length).toBeLessThanOrEqual(fake.decisions.length);
  });
});
