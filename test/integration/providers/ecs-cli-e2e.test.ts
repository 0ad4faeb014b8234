/**
 * End to end through the real CLI: `scaleproof run` against the fake ECS control plane. The
 * fake's target tracking model records every decision and every change of the RUNNING count;
 * what the CLI MEASURED by polling must agree with that record at the next read (within one poll, however late the poller runs).
 * Credentials reach the child process the way a user's would: AWS_* environment variables.
 */
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEcs } from '../../fakes/ecs/fake-ecs.js';
import { runProfile, type CliResult, type ProfileRun, type TimelineLine } from '../../support/cli.js';
import { expectSeenAtTheNextRead, readTimes, type E2EReport } from '../../support/agreement.js';

const POLL_MS = 250;

let fake: FakeEcs;
let run: ProfileRun<E2EReport>;
let res: CliResult;
let report: E2EReport;
let startedAtWall: number;
let records: TimelineLine[];

beforeAll(async () => {
  fake = new FakeEcs({ minCapacity: 1, maxCapacity: 5, targetValue: 50, scaleOutDatapoints: 2, scaleInDatapoints: 3, scaleOutCooldownMs: 1000, scaleInCooldownMs: 1000, taskStartMs: 600, metricDelayMs: 1000, app: { concurrency: 4, serviceMs: 40 } });
  await fake.start();
  run = await runProfile<E2EReport>(
    'ecs-e2e',
    `name: ecs-e2e
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
    metric_lookback: 30s
    metric_delay: 2s
    max_attempts: 1
load:
  url: ${fake.app.url}
  connections: 8
  start: 20
  stages:
    - { name: baseline, duration: 2s, rate: 20 }
    - { name: jump, duration: 0s, rate: 180 }
    - { name: peak, duration: 9s, rate: 180 }
    - { name: drop, duration: 0s, rate: 0 }
    - { name: idle, duration: 7s, rate: 0 }
observe_after: 3s
targets:
  autoscaling: { scale_up_time: 20s, scale_down_time: 20s, max_instances: 5 }
`,
    {
      timeoutMs: 35_000,
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
  ({ res, report, records, startedAtWall } = run);
}, 40_000);

afterAll(async () => {
  await fake?.close();
  run?.remove();
});

describe('scaleproof run against the fake ECS control plane', () => {
  it('exits 0 with the autoscaling targets met', () => {
    expect(res.code).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(res.stderr).toMatch(/ECS service web in cluster demo/);
  });

  it('measures the first scale-up decision within one poll of the model’s own record', () => {
    const up = report.scaleUps[0]!;
    expect(up.outcome).toBe('scaled');
    const decision = fake.decisions.find((d) => d.to > d.from && d.atWall - startedAtWall >= up.loadChangeT)!;
    expect(decision).toBeDefined();
    expectSeenAtTheNextRead(up.firstDesiredIncrease, decision.atWall - startedAtWall, readTimes(records, 'ecs:DescribeServices'), { checkMargin: true });
  });

  it('measures ready-at-peak to the millisecond from the tasks’ own start times', () => {
    const up = report.scaleUps[0]!;
    const reached = fake.readiness.find((r) => r.atWall - startedAtWall >= up.loadChangeT && r.running >= up.peakDesired)!;
    expect(reached).toBeDefined();
    expectSeenAtTheNextRead(up.readyAtPeak, reached.atWall - startedAtWall, readTimes(records, 'ecs:tasks'), { checkMargin: true });
    // DescribeTasks' startedAt (no health check here) places it exactly, not to the 250 ms poll:
    // to AWS's clock as read from its Date headers, so within the estimate's bound both ways. A
    // point keeps the bound it was first converted with: the widest the run recorded covers it.
    const bound = Math.max(...records.filter((r) => r.kind === 'clock' && r.source !== 'local-wall').map((r) => (r as unknown as { boundMs: number }).boundMs));
    expect(Number.isFinite(bound)).toBe(true);
    expect(Math.abs(up.readyAtPeak.atT! - (reached.atWall - startedAtWall))).toBeLessThanOrEqual(2 + bound);
    expect(up.readyAtPeak.marginMs).toBeLessThanOrEqual(2 + 2 * bound);
    expect(records.some((r) => r.kind === 'event' && r.source === 'ecs:tasks' && r.type === 'replica-ready')).toBe(true);
  });

  it('measures the scale-down decision within one poll of the model’s record', () => {
    const down = report.scaleDowns.find((d) => d.outcome === 'scaled')!;
    expect(down).toBeDefined();
    // A scale-in decided in the last poll before the drop is first seen after it, and counted
    // from it (a loaded machine can make the model scale in at the end of the peak).
    const decision = fake.decisions.find((d) => d.to < d.from && d.atWall - startedAtWall >= down.loadChangeT - POLL_MS)!;
    expectSeenAtTheNextRead(down.firstDesiredDecrease, decision.atWall - startedAtWall, readTimes(records, 'ecs:DescribeServices'));
  });

  it('records CloudWatch CPU at period ends and the scaling activities as events', () => {
    const cpu = records.filter((r) => r.kind === 'sample' && r.source === 'cloudwatch:CPUUtilization');
    expect(cpu.length).toBeGreaterThan(5);
    expect(new Set(cpu.map((r) => r.t)).size).toBe(cpu.length);
    const activities = records.filter((r) => r.kind === 'event' && r.source === 'application-autoscaling:activities' && (r.type === 'scale-up' || r.type === 'scale-down'));
    expect(activities.length).toBe(fake.decisions.length);
  });
});
