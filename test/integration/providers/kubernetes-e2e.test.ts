/**
 * End to end through the real CLI: `scaleproof run` with the kubernetes provider pointed at the
 * fake API server (kubeconfig) and the load at the fake APP endpoint. What the run MEASURED
 * (report.json) must agree with what the fake HPA model RECORDED (its decisions and the moment
 * the ready count reached the peak), within the measurement's margin.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { startKubeFake, type KubeFake } from '../../fakes/kubernetes/index.js';

interface Measured { valueMs: number | null; marginMs: number; atT: number | null }
interface Report {
  verdict: string;
  scaleUps: Array<{ loadChangeT: number; baselineReplicas: number; peakDesired: number; firstDesiredIncrease: Measured; readyAtPeak: Measured; outcome: string }>;
  scaleDowns: Array<{ loadChangeT: number; settledDesired: number; firstDesiredDecrease: Measured; readyAtSettled: Measured; outcome: string }>;
}

/** Watch delivery + the child's event loop: how late a client-stamped change may be. */
const SLACK_MS = 250;

let fake: KubeFake;
let report: Report;
let startedAtWall: number;
let code: number | null;
let stderr: string;
let timeline: Array<{ kind: string; [k: string]: unknown }>;

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
  const res = await runCli(['run', file, '--out', path.join(fake.dir, 'runs'), '--no-progress'], { timeoutMs: 60_000 });
  code = res.code;
  stderr = res.stderr;
  const runs = fs.readdirSync(path.join(fake.dir, 'runs'));
  const runDir = path.join(fake.dir, 'runs', runs[0]!);
  report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as Report;
  timeline = fs.readFileSync(path.join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
  startedAtWall = (timeline[0] as unknown as { startedAtWall: number }).startedAtWall;
}, 70_000);

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
    const truthMs = decision.atWall - changeWall;
    const m = up.firstDesiredIncrease;
    expect(m.valueMs!).toBeGreaterThanOrEqual(truthMs - SLACK_MS);
    expect(m.valueMs! - m.marginMs).toBeLessThanOrEqual(truthMs + SLACK_MS);
  });

  it('measures ready-at-peak when the fake pods became ready, with a tight margin', () => {
    const up = report.scaleUps[0]!;
    const changeWall = startedAtWall + up.loadChangeT;
    const peak = Math.max(...fake.cluster.truth.decisions.filter((d) => d.atWall >= changeWall && d.to > d.from).map((d) => d.to));
    expect(up.peakDesired).toBe(peak);
    const truthMs = fake.cluster.readyReachedAt(peak, changeWall)! - changeWall;
    const m = up.readyAtPeak;
    expect(m.valueMs!).toBeGreaterThanOrEqual(truthMs - SLACK_MS);
    expect(m.valueMs! - m.marginMs).toBeLessThanOrEqual(truthMs + SLACK_MS);
    expect(Math.abs(m.valueMs! - truthMs)).toBeLessThanOrEqual(m.marginMs + SLACK_MS);
    // The watch stamps changes on arrival: far finer than the 500 ms poll interval.
    expect(m.marginMs).toBeLessThan(100);
  });

  it('measures each scale-down when the fake HPA made it, and ready settling when its pods stopped', () => {
    const downs = report.scaleDowns.filter((d) => d.outcome === 'scaled');
    expect(downs.length).toBeGreaterThan(0);
    for (const down of downs) {
      const changeWall = startedAtWall + down.loadChangeT;
      const decision = fake.cluster.truth.decisions.find((d) => d.atWall >= changeWall && d.to < d.from)!;
      const m = down.firstDesiredDecrease;
      expect(Math.abs(m.valueMs! - (decision.atWall - changeWall))).toBeLessThanOrEqual(m.marginMs + SLACK_MS);
      const settledAt = fake.cluster.readyReachedAt(down.settledDesired, changeWall, 'lte')!;
      expect(Math.abs(down.readyAtSettled.valueMs! - (settledAt - changeWall))).toBeLessThanOrEqual(down.readyAtSettled.marginMs + SLACK_MS);
    }
    // After the load ended the HPA went back to its minimum, after the 2 s (real) stabilization.
    expect(fake.cluster.truth.decisions.at(-1)!.to).toBe(1);
  });
});
