/**
 * End to end through the real CLI: `scaleproof run` with the kubernetes provider pointed at the
 * fake API server (kubeconfig) and the load at the fake APP endpoint. What the run MEASURED
 * (report.json) must agree with what the fake HPA model RECORDED (its decisions and the moment
 * the ready count reached the peak): seen no earlier than it happened, and at the next read of
 * the watched state (counted in the provider's \`k8s:watch\` samples, not in milliseconds: a
 * loaded machine delivers the notification later, but still before the state is read twice more).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSeenAtTheNextRead, readTimes, type Measured } from '../../support/agreement.js';
import { runCli } from '../../support/cli.js';
import { startKubeFake, type KubeFake } from '../../fakes/kubernetes/index.js';

interface Report {
  verdict: string;
  scaleUps: Array<{ loadChangeT: number; baselineReplicas: number; peakDesired: number; firstDesiredIncrease: Measured; readyAtPeak: Measured; outcome: string }>;
  scaleDowns: Array<{ loadChangeT: number; settledDesired: number; firstDesiredDecrease: Measured; readyAtSettled: Measured; outcome: string }>;
}

let fake: KubeFake;
let report: Report;
let startedAtWall: number;
let code: number | null;
let stderr: string;
let timeline: Array<{ kind: string; t: number; source?: string; [k: string]: unknown }>;
/** The provider's reads of the watched state (a notification or a poll), in timeline time. */
const watchReads = () => readTimes(timeline, 'k8s:watch');

beforeAll(async () => {
  // Model time x20: HPA sync 0.75 s, pod start + readiness 0.5 s, scale-down stabilization 2 s.
  fake = await startKubeFake({ behavior: { scaleDown: { stabilizationWindowMs: 40_000 } }, capacityPerReplica: 20 });
  const file = path.join(fake.dir, 'k8s.yaml');
  fs.writeFileSync(
    file,
    `name: k8s-e2e
provider:
  name: kubernetes
  poll_interval: 500ms
  settings:
    kubeconfig: ${fake.kubeconfig}
    namespace: demo
    deployment: web
    metrics_interval: 1s
load:
  url: ${fake.app.url}
  start: 5
  stages:
    - { name: baseline, duration: 2s, rate: 5 }
    - { name: jump, duration: 0s, rate: 60 }
    - { name: peak, duration: 6s, rate: 60 }
    - { name: drop, duration: 0s, rate: 5 }
    - { name: tail, duration: 2s, rate: 5 }
observe_after: 5s
targets:
  error_rate: 20%
`,
  );
  const res = await runCli(['run', file, '--out', path.join(fake.dir, 'runs'), '--no-progress'], { timeoutMs: 240_000 });
  code = res.code;
  stderr = res.stderr;
  const runs = fs.readdirSync(path.join(fake.dir, 'runs'));
  const runDir = path.join(fake.dir, 'runs', runs[0]!);
  report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as Report;
  timeline = fs.readFileSync(path.join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as (typeof timeline)[number]);
  startedAtWall = (timeline[0] as unknown as { startedAtWall: number }).startedAtWall;
}, 250_000); // hang guards, not speed checks: the run takes ~30 s idle, far longer on a loaded machine

afterAll(async () => {
  await fake?.stop();
});

describe('scaleproof run with the kubernetes provider against the fake cluster', () => {
  it('completes and exits 0', () => {
    if (code !== 0) console.error(stderr);
    expect(code).toBe(0);
    const target = timeline.find((r) => r.kind === 'target') as unknown as { description: { summary: string } };
    expect(target.description.summary).toContain('Deployment demo/web');
    expect(timeline.some((r) => r.kind === 'sample' && r.source === 'k8s:watch')).toBe(true);
  });

  it('measures the scale-up decision when the fake HPA made it', () => {
    const up = report.scaleUps[0]!;
    expect(up.outcome).toBe('scaled');
    const changeWall = startedAtWall + up.loadChangeT;
    const decision = fake.cluster.truth.decisions.find((d) => d.atWall >= changeWall && d.to > d.from)!;
    expect(decision).toBeDefined();
    expectSeenAtTheNextRead(up.firstDesiredIncrease, decision.atWall - startedAtWall, watchReads());
  });

  it('measures ready-at-peak when the fake pods became ready, with a tight margin', () => {
    const up = report.scaleUps[0]!;
    const changeWall = startedAtWall + up.loadChangeT;
    const peak = Math.max(...fake.cluster.truth.decisions.filter((d) => d.atWall >= changeWall && d.to > d.from).map((d) => d.to));
    expect(up.peakDesired).toBe(peak);
    const m = up.readyAtPeak;
    expectSeenAtTheNextRead(m, fake.cluster.readyReachedAt(peak, changeWall)! - startedAtWall, watchReads());
    // The watch stamps changes on arrival, and the state before held until the millisecond
    // before (recorded from the same notification): the margin is that millisecond, not a poll.
    expect(m.marginMs).toBeLessThanOrEqual(1);
  });

  it('measures each scale-down when the fake HPA made it, and ready settling when its pods stopped', () => {
    const downs = report.scaleDowns.filter((d) => d.outcome === 'scaled');
    expect(downs.length).toBeGreaterThan(0);
    for (const down of downs) {
      const changeWall = startedAtWall + down.loadChangeT;
      const decision = fake.cluster.truth.decisions.find((d) => d.atWall >= changeWall && d.to < d.from)!;
      expectSeenAtTheNextRead(down.firstDesiredDecrease, decision.atWall - startedAtWall, watchReads());
      const settledAt = fake.cluster.readyReachedAt(down.settledDesired, changeWall, 'lte')!;
      expectSeenAtTheNextRead(down.readyAtSettled, settledAt - startedAtWall, watchReads());
    }
    // After the load ended the HPA went back to its minimum, after the 2 s (real) stabilization.
    expect(fake.cluster.truth.decisions.at(-1)!.to).toBe(1);
  });
});
