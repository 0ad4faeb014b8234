/**
 * Google's clock 5 s ahead of this machine, and 5 s behind: through the real CLI and the real
 * gRPC clients, the scale-up measured from the system log and Cloud Monitoring still contains
 * the fake's ground truth (on OUR clock) within its margins, and the report names the offset
 * (read from the `date` header of each gRPC answer). Without the conversion every log line and
 * metric point is 5 s off, far outside margins of a few ms.
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
  platformClocks: Array<{ source: string; offsetMs: number; boundMs: number }>;
  notes: string[];
}
type Rec = { kind: string; [k: string]: unknown };

/** The truth lies in [atT - marginMs, atT] (2 ms: stamps are rounded). */
function expectContains(m: Measured, truthT: number): void {
  expect(m.atT, 'milestone never observed').not.toBeNull();
  expect(m.atT!).toBeGreaterThanOrEqual(truthT - 2);
  expect(m.atT! - m.marginMs).toBeLessThanOrEqual(truthT + 2);
}

describe.each([5000, -5000])('Google clock %i ms away from ours', (offsetMs) => {
  let fake: CloudRunFake;
  let dir: string;
  let report: Report;
  let timeline: Rec[];
  let startedAtWall: number;
  let code: number | null;
  let stderr: string;

  beforeAll(async () => {
    fake = await startCloudRunFake({ clockOffsetMs: offsetMs, capacityPerInstance: 20 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-cloudrun-skew-'));
    const file = path.join(dir, 'cloudrun.yaml');
    const s = fake.settings;
    fs.writeFileSync(
      file,
      `name: cloudrun-skew
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
    - { name: peak, duration: 12s, rate: 60 }
    - { name: drop, duration: 0s, rate: 5 }
    - { name: tail, duration: 2s, rate: 5 }
observe_after: 1s
`,
    );
    const res = await runCli(['run', file, '--out', path.join(dir, 'runs'), '--no-progress'], { timeoutMs: 60_000, env: { METADATA_SERVER_DETECTION: 'none' } });
    code = res.code;
    stderr = res.stderr;
    const runs = fs.readdirSync(path.join(dir, 'runs'));
    const runDir = path.join(dir, 'runs', runs[0]!);
    report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as Report;
    timeline = fs.readFileSync(path.join(runDir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
    startedAtWall = (timeline[0] as unknown as { startedAtWall: number }).startedAtWall;
  }, 70_000);

  afterAll(async () => {
    await fake?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('estimates the offset from the gRPC date headers and names it in the report', () => {
    if (code !== 0) console.error(stderr);
    expect(code).toBe(0);
    const clock = report.platformClocks.find((c) => c.source === 'http-date:google-cloud')!;
    expect(clock).toBeDefined();
    expect(Math.abs(clock.offsetMs - offsetMs)).toBeLessThanOrEqual(clock.boundMs + 5);
    expect(report.notes.some((n) => n.includes('http-date:google-cloud') && n.includes(offsetMs > 0 ? 'ahead of' : 'behind'))).toBe(true);
  });

  it('scale-up: the first decision and ready-at-peak contain the truth within their margins', () => {
    const up = report.scaleUps[0]!;
    expect(up.outcome).toBe('scaled');
    const changeWall = startedAtWall + up.loadChangeT;
    const decision = fake.platform.truth.decisions.find((d) => d.atWall >= changeWall - 1000 && d.to > d.from)!;
    expectContains(up.firstDesiredIncrease, decision.atWall - startedAtWall);
    const reached = fake.platform.truth.instances.find((r) => r.atWall >= changeWall && r.ready >= up.peakDesired)!;
    expectContains(up.readyAtPeak, reached.atWall - startedAtWall);
  });

  it('marks every metric point and log line as platform-stamped', () => {
    const platform = timeline.filter((r) => (r.kind === 'sample' || r.kind === 'event') && String(r.source).startsWith('cloud-'));
    expect(platform.length).toBeGreaterThan(0);
    expect(platform.every((r) => r.platformStamped === true)).toBe(true);
  });
});
