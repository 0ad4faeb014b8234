/**
 * End to end through the real CLI: `scaleproof run` against the fake Container Apps control
 * plane (HTTPS, throwaway certificate trusted through NODE_EXTRA_CA_CERTS). The fake's scale
 * rules model records every decision and every change of the ready replicas; what the CLI
 * MEASURED by polling must agree with that record at the next read (within one poll, however late the poller runs). The token reaches
 * the child process as it would in CI: `credential: access-token` and $AZURE_ACCESS_TOKEN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAca } from '../../fakes/aca/fake-aca.js';
import { runProfile, type CliResult, type ProfileRun, type TimelineLine } from '../../support/cli.js';
import { expectSeenAtTheNextRead, readTimes, type E2EReport } from '../../support/agreement.js';

const POLL_MS = 250;

let fake: FakeAca;
let run: ProfileRun<E2EReport>;
let res: CliResult;
let report: E2EReport;
let startedAtWall: number;
let records: TimelineLine[];

beforeAll(async () => {
  fake = new FakeAca({ minReplicas: 1, maxReplicas: 6, rules: [{ kind: 'http', concurrentRequests: 3 }], httpIntervalMs: 500, scaleDownStabilizationMs: 2500, cooldownPeriodMs: 3000, replicaStartMs: 600, appOptions: { concurrency: 4, serviceMs: 60 } });
  await fake.start();
  run = await runProfile<E2EReport>(
    'aca-e2e',
    `name: aca-e2e
provider:
  name: azure-container-apps
  poll_interval: ${POLL_MS}ms
  settings:
    subscription: ${fake.o.subscription}
    resource_group: ${fake.o.resourceGroup}
    app: ${fake.o.app}
    credential: access-token
    endpoints: { arm: ${fake.url}, metrics: ${fake.url} }
    metric_interval: 2s
    metric_delay: 1s
    max_retries: 0
load:
  url: ${fake.app.url}
  connections: 8
  start: 10
  stages:
    - { name: baseline, duration: 2s, rate: 10 }
    - { name: jump, duration: 0s, rate: 120 }
    - { name: peak, duration: 7s, rate: 120 }
    - { name: drop, duration: 0s, rate: 0 }
    - { name: idle, duration: 6s, rate: 0 }
observe_after: 2s
targets:
  autoscaling: { scale_up_time: 20s, scale_down_time: 20s, max_instances: 6 }
`,
    {
      timeoutMs: 35_000,
      env: { AZURE_ACCESS_TOKEN: 'fake-token', NODE_EXTRA_CA_CERTS: fake.cert.certFile },
    },
  );
  ({ res, report, records, startedAtWall } = run);
}, 40_000);

afterAll(async () => {
  await fake?.close();
  run?.remove();
});

describe('scaleproof run against the fake Container Apps control plane', () => {
  it('exits 0 with the autoscaling targets met, having used only the token it was given', () => {
    expect(res.code).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(res.stderr).toMatch(/Container App web in resource group rg-demo/);
    expect(fake.requests.every((r) => r.auth === 'Bearer fake-token')).toBe(true);
  });

  it('measures the first scale-up decision within one poll of the model’s own record', () => {
    const up = report.scaleUps[0]!;
    expect(up.outcome).toBe('scaled');
    const decision = fake.decisions.find((d) => d.to > d.from && d.atWall - startedAtWall >= up.loadChangeT)!;
    expectSeenAtTheNextRead(up.firstDesiredIncrease, decision.atWall - startedAtWall, readTimes(records, 'aca:replicas'), { checkMargin: true });
  });

  it('measures ready-at-peak within one poll of the replicas reporting ready', () => {
    const up = report.scaleUps[0]!;
    const reached = fake.readiness.find((r) => r.atWall - startedAtWall >= up.loadChangeT && r.ready >= up.peakDesired)!;
    expect(reached).toBeDefined();
    expectSeenAtTheNextRead(up.readyAtPeak, reached.atWall - startedAtWall, readTimes(records, 'aca:replicas'));
  });

  it('measures the scale-down decision within one poll of the model’s record', () => {
    const down = report.scaleDowns.find((d) => d.outcome === 'scaled')!;
    expect(down).toBeDefined();
    const decision = fake.decisions.find((d) => d.to < d.from && d.atWall - startedAtWall >= down.loadChangeT)!;
    expectSeenAtTheNextRead(down.firstDesiredDecrease, decision.atWall - startedAtWall, readTimes(records, 'aca:replicas'));
  });

  it('records replica events and Azure Monitor points in the timeline', () => {
    expect(records.some((r) => r.kind === 'event' && r.type === 'replica-ready')).toBe(true);
    expect(records.some((r) => r.kind === 'event' && r.type === 'scale-up')).toBe(true);
    expect(records.filter((r) => r.kind === 'sample' && r.source === 'azure-monitor:containerApps').length).toBeGreaterThanOrEqual(5);
  });
});
