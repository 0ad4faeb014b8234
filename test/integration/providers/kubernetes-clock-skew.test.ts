/**
 * The API server's clock 5 s ahead of this machine, and 5 s behind: through the real CLI and
 * client-node, the measured scale-up and scale-down still contain the fake's ground truth (on
 * OUR clock) within their margins, the report names the offset, and the pods' API times
 * (Ready lastTransitionTime) agree with the watch's own arrival stamps again once converted:
 * without the conversion each replica-ready event is placed at its raw API time, 5 s off.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSeenAtTheNextRead, readTimes } from '../../support/agreement.js';
import { runCli } from '../../support/cli.js';
import { startKubeFake, type KubeFake } from '../../fakes/kubernetes/index.js';

interface Measured { valueMs: number | null; marginMs: number; atT: number | null }
interface Report {
  scaleUps: Array<{ loadChangeT: number; peakDesired: number; firstDesiredIncrease: Measured; readyAtPeak: Measured; outcome: string }>;
  scaleDowns: Array<{ loadChangeT: number; settledDesired: number; firstDesiredDecrease: Measured; readyAtSettled: Measured; outcome: string }>;
  platformClocks: Array<{ source: string; offsetMs: number; boundMs: number }>;
  notes: string[];
}


describe.each([5000, -5000])('Kubernetes API clock %i ms away from ours', (offsetMs) => {
  let fake: KubeFake;
  let report: Report;
  let startedAtWall: number;
  let code: number | null;
  let stderr: string;
  let timeline: Array<{ kind: string; [k: string]: unknown }>;
  /** Seen no earlier than the truth (ms since the run started) and by the next watch read: counted in reads, not ms. */
  const expectContains = (m: Measured, truthT: number) => expectSeenAtTheNextRead(m, truthT, readTimes(timeline as never, 'k8s:watch'));

  beforeAll(async () => {
    fake = await startKubeFake({ clockOffsetMs: offsetMs, behavior: { scaleDown: { stabilizationWindowMs: 40_000 } }, capacityPerReplica: 20 });
    const file = path.join(fake.dir, 'k8s.yaml');
    fs.writeFileSync(
      file,
      `name: k8s-skew
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
    - { name: peak, duration: 5s, rate: 60 }
    - { name: drop, duration: 0s, rate: 5 }
    - { name: tail, duration: 2s, rate: 5 }
observe_after: 4s
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

  it('estimates the offset from the Date headers and names it in the report', () => {
    if (code !== 0) console.error(stderr);
    expect(code).toBe(0);
    const clock = report.platformClocks.find((c) => c.source === 'http-date:kubernetes')!;
    expect(clock).toBeDefined();
    expect(Math.abs(clock.offsetMs - offsetMs)).toBeLessThanOrEqual(clock.boundMs + 5);
    expect(report.notes.some((n) => n.includes('http-date:kubernetes') && n.includes(offsetMs > 0 ? 'ahead of' : 'behind'))).toBe(true);
  });

  it('scale-up: first decision and ready-at-peak contain the truth within their margins', () => {
    const up = report.scaleUps[0]!;
    expect(up.outcome).toBe('scaled');
    const changeWall = startedAtWall + up.loadChangeT;
    const decision = fake.cluster.truth.decisions.find((d) => d.atWall >= changeWall && d.to > d.from)!;
    expectContains(up.firstDesiredIncrease, decision.atWall - startedAtWall);
    expectContains(up.readyAtPeak, fake.cluster.readyReachedAt(up.peakDesired, changeWall)! - startedAtWall);
  });

  it('scale-down: contains the truth within its margins', () => {
    const down = report.scaleDowns.find((d) => d.outcome === 'scaled')!;
    expect(down).toBeDefined();
    const changeWall = startedAtWall + down.loadChangeT;
    const decision = fake.cluster.truth.decisions.find((d) => d.atWall >= changeWall && d.to < d.from)!;
    expectContains(down.firstDesiredDecrease, decision.atWall - startedAtWall);
    expectContains(down.readyAtSettled, fake.cluster.readyReachedAt(down.settledDesired, changeWall, 'lte')! - startedAtWall);
  });

  it('places every replica-ready event within a second of a change of the fake’s ready count', () => {
    const ready = timeline.filter((r) => r.kind === 'event' && r.type === 'replica-ready') as unknown as Array<{ t: number; resolutionMs: number }>;
    expect(ready.length).toBeGreaterThan(0);
    const changes = fake.cluster.truth.ready.map((r) => r.atWall - startedAtWall);
    const reads = readTimes(timeline as never, 'k8s:watch');
    for (const e of ready) {
      // Inside its window [t - resolution, t], or, for a change stamped on arrival, seen by the
      // next watch read. An API time is whole seconds, TRUNCATED (RFC 3339, as metav1.Time writes
      // it), so the truth may also be up to a second after it (map.ts `when` places it at the start).
      const inWindow = (c: number) => c <= e.t + 1000 && c >= e.t - e.resolutionMs - 5;
      const byNextRead = (c: number) => c <= e.t + 5 && reads.filter((r) => r > c + 5 && r < e.t - 1).length <= 1;
      expect(changes.some((c) => inWindow(c) || byNextRead(c)), JSON.stringify({ e, changes })).toBe(true);
    }
  });
});
