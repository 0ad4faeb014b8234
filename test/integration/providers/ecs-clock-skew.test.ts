/**
 * The AWS clock 5 s ahead of this machine, and 5 s behind: through the real CLI and the real AWS
 * SDK, the measured scale-up and scale-down must still contain the fake's ground truth (kept on
 * OUR clock) within their stated margins, and the report must name the offset. Without the
 * conversion, the tasks' startedAt (and every event time) would be 5 s off and outside a
 * margin of a few ms.
 */
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEcs } from '../../fakes/ecs/fake-ecs.js';
import { runProfile, type CliResult, type ProfileRun, type TimelineLine } from '../../support/cli.js';
import { expectSeenAtTheNextRead, readTimes, type E2EReport } from '../../support/agreement.js';

const POLL_MS = 250;

interface SkewReport extends E2EReport {
  platformClocks: { source: string; offsetMs: number; boundMs: number; steps: number }[];
  notes: string[];
}

/** The truth lies in the reported window [atT - marginMs, atT] (5 ms: stamps are rounded). */
function expectContains(m: { atT: number | null; marginMs: number }, truthT: number): void {
  expect(m.atT, 'milestone never observed').not.toBeNull();
  expect(m.atT!).toBeGreaterThanOrEqual(truthT - 5);
  expect(m.atT! - m.marginMs).toBeLessThanOrEqual(truthT + 5);
}

describe.each([5000, -5000])('AWS clock %i ms away from ours', (offsetMs) => {
  let fake: FakeEcs;
  let run: ProfileRun<SkewReport>;
  let res: CliResult;
  let report: SkewReport;
  let records: TimelineLine[];
  let startedAtWall: number;

  beforeAll(async () => {
    fake = new FakeEcs({ clockOffsetMs: offsetMs, minCapacity: 1, maxCapacity: 4, targetValue: 50, scaleOutDatapoints: 2, scaleInDatapoints: 3, scaleOutCooldownMs: 1000, scaleInCooldownMs: 1000, taskStartMs: 600, metricDelayMs: 1000, app: { concurrency: 4, serviceMs: 40 } });
    await fake.start();
    run = await runProfile<SkewReport>(
      `ecs-skew${offsetMs}`,
      `name: ecs-skew
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
    - { name: peak, duration: 7s, rate: 180 }
    - { name: drop, duration: 0s, rate: 0 }
    - { name: idle, duration: 7s, rate: 0 }
observe_after: 3s
targets:
  autoscaling: { scale_up_time: 20s, scale_down_time: 20s, max_instances: 4 }
`,
      {
        timeoutMs: 55_000,
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
  }, 60_000);

  afterAll(async () => {
    await fake?.close();
    run?.remove();
  });

  it('estimates the offset from the Date headers and names it in the report', () => {
    expect(res.code, res.stderr).toBe(0);
    const clock = report.platformClocks.find((c) => c.source === 'http-date:aws-ecs')!;
    expect(clock).toBeDefined();
    expect(Math.abs(clock.offsetMs - offsetMs)).toBeLessThanOrEqual(clock.boundMs + 5);
    expect(report.notes.some((n) => n.includes('http-date:aws-ecs') && n.includes(offsetMs > 0 ? 'ahead of' : 'behind'))).toBe(true);
    expect(records.some((r) => r.kind === 'clock')).toBe(true);
    // Above 1 s: a warning in the timeline as well.
    expect(records.some((r) => r.kind === 'note' && String((r as { message?: unknown }).message).includes('platform clock'))).toBe(true);
  });

  it('scale-up: first decision and ready-at-peak contain the truth within their margins', () => {
    const up = report.scaleUps[0]!;
    expect(up.outcome).toBe('scaled');
    const decision = fake.decisions.find((d) => d.to > d.from && d.atWall - startedAtWall >= up.loadChangeT)!;
    expectContains(up.firstDesiredIncrease, decision.atWall - startedAtWall);
    const reached = fake.readiness.find((r) => r.atWall - startedAtWall >= up.loadChangeT && r.running >= up.peakDesired)!;
    expect(reached).toBeDefined();
    expectContains(up.readyAtPeak, reached.atWall - startedAtWall);
  });

  it('scale-down: the decision is seen at the next read, ready-at-settled contains the truth within its margin', () => {
    const down = report.scaleDowns.find((d) => d.outcome === 'scaled')!;
    expect(down).toBeDefined();
    // The analysis's first decrease is the first time desired goes BELOW the baseline (desired at
    // the load change): its truth is the first decision to below it, from the last poll before the
    // drop on (one decided just before the drop is first seen after it). Desired may still rise after
    // the drop, so its first fall may start above the baseline.
    const decision = fake.decisions.find((d) => d.to < down.baselineReplicas && d.atWall - startedAtWall >= down.loadChangeT - POLL_MS)!;
    expect(decision, JSON.stringify({ down, decisions: fake.decisions.map((d) => ({ t: d.atWall - startedAtWall, from: d.from, to: d.to })) })).toBeDefined();
    expectSeenAtTheNextRead(down.firstDesiredDecrease, decision.atWall - startedAtWall, readTimes(records, 'ecs:DescribeServices'));
    const settledDesired = (down as unknown as { settledDesired: number }).settledDesired;
    const settled = fake.readiness.find((r) => r.atWall - startedAtWall >= down.loadChangeT - POLL_MS && r.running <= settledDesired)!;
    expect(settled).toBeDefined();
    expectContains(down.readyAtSettled, settled.atWall - startedAtWall);
  });

  it('every task-start time was marked platform-stamped and widened, the read counts were not', () => {
    const starts = records.filter((r) => r.kind === 'event' && r.source === 'ecs:tasks');
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.every((r) => (r as { platformStamped?: boolean }).platformStamped === true)).toBe(true);
    expect(records.filter((r) => r.kind === 'sample' && r.source === 'ecs:DescribeServices').every((r) => !(r as { platformStamped?: boolean }).platformStamped)).toBe(true);
  });
});
