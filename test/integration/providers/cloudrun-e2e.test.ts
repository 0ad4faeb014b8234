/**
 * End to end through the real CLI: `scaleproof run` with the cloud-run provider pointed at the
 * fake Admin API + Cloud Monitoring (insecure gRPC), the load going to the service URL the
 * provider found (the fake APP endpoint). Cloud Monitoring is per "minute" (3 s real here) and
 * late, so the run must keep observing for metricDelayMs after the load, and what it measured
 * must contain the fake's recorded decisions and readiness within its (minute-sized) margins.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { startCloudRunFake, type CloudRunFake } from '../../fakes/cloudrun/index.js';

interface Measured { valueMs: number | null; marginMs: number; atT: number | null }
interface Report {
  scaleUps: Array<{ loadChangeT: number; peakDesired: number; firstDesiredIncrease: Measured; readyAtPeak: Measured; outcome: string }>;
  platformClocks: Array<{ boundMs: number }>;
}
/** Log times are Google's: good to the clock estimate's bound (both ways), read from its Date headers. */
const clockBound = () => report.platformClocks[0]?.boundMs ?? 0;
type Rec = { kind: string; [k: string]: unknown };

let fake: CloudRunFake;
let dir: string;
let report: Report;
let timeline: Rec[];
let startedAtWall: number;
let code: number | null;
let stderr: string;

beforeAll(async () => {
  fake = await startCloudRunFake({ capacityPerInstance: 20 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-cloudrun-'));
  const file = path.join(dir, 'cloudrun.yaml');
  const s = fake.settings;
  fs.writeFileSync(
    file,
    `name: cloudrun-e2e
provider:
  name: cloud-run
  poll_interval: 1s
  settings:
    project: ${s.project}
    region: ${s.region}
    service: ${s.service}
    endpoint: "${s.endpoint}"
    insecure: true
    alignment_period: ${s.alignment_period}
    metric_delay: ${s.metric_delay}
    lookback: ${s.lookback}
load:
  start: 5
  stages:
    - { name: baseline, duration: 3s, rate: 5 }
    - { name: jump, duration: 0s, rate: 60 }
    # 5 "minutes" of peak: a bucket ends with every instance active even if the load wobbles
    - { name: peak, duration: 15s, rate: 60 }
    - { name: drop, duration: 0s, rate: 5 }
    - { name: tail, duration: 2s, rate: 5 }
observe_after: 2s
`,
  );
  const res = await runCli(['run', file, '--out', path.join(dir, 'runs'), '--no-progress'], { timeoutMs: 240_000, env: { METADATA_SERVER_DETECTION: 'none' } });
  code = res.code;
  stderr = res.stderr;
  const runs = fs.readdirSync(path.join(dir, 'runs'));
  const runDir = path.join(dir, 'runs', runs[0]!);
  report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as Report;
  timeline = fs.readFileSync(path.join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
  startedAtWall = (timeline[0] as unknown as { startedAtWall: number }).startedAtWall;
}, 250_000); // hang guards, not speed checks: the run takes ~30 s idle, far longer on a loaded machine

afterAll(async () => {
  await fake?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What the fake decided and when instances became ready, printed with a failed assertion. */
const story = () =>
  JSON.stringify({ scaleUps: report.scaleUps, decisions: fake.platform.truth.decisions.map((d) => ({ ...d, t: d.atWall - startedAtWall })), instances: fake.platform.truth.instances.map((r) => ({ ...r, t: r.atWall - startedAtWall })) });

describe('scaleproof run with the cloud-run provider against the fake APIs', () => {
  it('completes, loads the service URL from the Admin API, and waits for late metrics', () => {
    if (code !== 0) console.error(stderr);
    expect(code).toBe(0);
    expect(fake.app.served).toBeGreaterThan(100);
    // observe 2 s + metric delay (6 s): the run waited for the delayed points (its own phase records).
    const phases = timeline.filter((r) => r.kind === 'phase');
    const observe = phases.find((p) => p.phase === 'observe')!.t as number;
    const end = phases.find((p) => p.phase === 'end')!.t as number;
    expect(end - observe).toBeGreaterThanOrEqual(2_000 + 5_000);
    const samples = timeline.filter((r) => r.kind === 'sample' && r.source === 'cloud-monitoring:instance_count');
    expect(samples.length).toBeGreaterThan(3);
    // Late points: fetched well after the minute they describe, placed at their own time.
    expect(samples.every((r) => (r.fetchedT as number) >= (r.t as number))).toBe(true);
    expect(samples.some((r) => (r.fetchedT as number) - (r.t as number) > 2000)).toBe(true);
  });

  it('places the first scale-up decision at the instance start the system log shows, not just in its minute', () => {
    const up = report.scaleUps[0]!;
    expect(up.outcome, story()).toBe('scaled');
    const changeWall = startedAtWall + up.loadChangeT;
    const decision = fake.platform.truth.decisions.find((d) => d.atWall >= changeWall - 1000 && d.to > d.from)!;
    expect(decision).toBeDefined();
    const m = up.firstDesiredIncrease;
    // The log line is written at the decision: the measurement is that moment, to the millisecond
    // (and to the clock estimate).
    expect(Math.abs(startedAtWall + m.atT! - decision.atWall)).toBeLessThanOrEqual(2 + clockBound());
    expect(m.marginMs).toBeLessThanOrEqual(1 + 2 * clockBound());
    const logged = timeline.filter((r) => r.kind === 'event' && r.source === 'cloud-logging:system');
    expect(logged.some((r) => r.type === 'scale-up')).toBe(true);
    expect(logged.some((r) => r.type === 'replica-ready')).toBe(true);
  });

  it('places ready-at-peak at the STARTUP probe of the last instance the peak needed', () => {
    const up = report.scaleUps[0]!;
    const changeWall = startedAtWall + up.loadChangeT;
    const reached = fake.platform.truth.instances.find((r) => r.atWall >= changeWall && r.ready >= up.peakDesired)!;
    expect(reached).toBeDefined();
    const m = up.readyAtPeak;
    expect(m.valueMs).not.toBeNull();
    expect(Math.abs(startedAtWall + m.atT! - reached.atWall)).toBeLessThanOrEqual(2 + clockBound());
    expect(m.marginMs).toBeLessThanOrEqual(1 + 2 * clockBound());
  });
});
