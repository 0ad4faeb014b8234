/**
 * End to end through the real CLI: `scaleproof run` with the cloud-run provider against the fake
 * Admin API + Cloud Monitoring, where Cloud Monitoring revises a minute after the load ended.
 * Ten instances run all along (the idle ones are kept: nothing scales down). The minute that
 * starts a second after the service stopped receiving requests is first served as 2 instances
 * and corrected to 10 three seconds after it ended. The run must report no scale-down (so
 * scale_down_time fails and the CLI exits 1), a note about the revision in every report that
 * shows notes, one value per point in timeline.csv, and keep both reads in timeline.ndjson.
 * Model time runs 60 times faster: a "minute" is one real second.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProfile, type ProfileRun } from '../../support/cli.js';
import { startCloudRunFake, type CloudRunFake } from '../../fakes/cloudrun/index.js';

const SOURCE = 'cloud-monitoring:instance_count';
const NOTE = new RegExp(`^${SOURCE} revised \\d+ points? after first read: each counts once, at its last-read value \\(the timeline keeps every read\\)$`);

interface Report {
  verdict: string;
  notes: string[];
  checks: Array<{ id: string; status: string; detail?: string }>;
  scaleDowns: Array<{ outcome: string; settledDesired: number | null }>;
}

let fake: CloudRunFake;
let run: ProfileRun<Report>;
let watch: NodeJS.Timeout;
/** When the service stopped receiving requests (wall ms), once it had received some. */
let quietSince: number | null = null;

beforeAll(async () => {
  fake = await startCloudRunFake({ timeScale: 60, initialInstances: 10, capacityPerInstance: 20, scaling: { minInstances: 1, maxInstances: 10, idleRetentionMs: 1e9 } });
  let served = 0;
  let lastChange = Date.now();
  watch = setInterval(() => {
    if (fake.app.served !== served) {
      served = fake.app.served;
      lastChange = Date.now();
    } else if (served > 0 && quietSince === null && Date.now() - lastChange >= 500) quietSince = lastChange;
  }, 50);
  fake.platform.unkind = {
    revisedPoints: {
      provisional: (v, metric) => (metric.startsWith('instance_count') ? Math.round(v / 5) : v),
      correctedAfterMs: 3000,
      which: (start) => quietSince !== null && start >= quietSince + 1000 && start < quietSince + 2000,
    },
  };
  const s = fake.settings;
  run = await runProfile<Report>(
    'cloudrun-revised',
    `name: cloudrun-revised
provider:
  name: cloud-run
  poll_interval: 250ms
  settings:
    project: ${s.project}
    region: ${s.region}
    service: ${s.service}
    endpoint: "${s.endpoint}"
    insecure: true
    logs: false
    alignment_period: ${s.alignment_period}
    metric_delay: ${s.metric_delay}
    lookback: ${s.lookback}
load:
  start: 20
  stages:
    - { name: steady, duration: 4s, rate: 20 }
observe_after: 8s
targets:
  autoscaling: { scale_down_time: 5s }
`,
    { timeoutMs: 60_000, env: { METADATA_SERVER_DETECTION: 'none' } },
  );
}, 70_000);

afterAll(async () => {
  clearInterval(watch);
  await fake?.stop();
  run?.remove();
});

describe('scaleproof run when Cloud Monitoring revises a minute', () => {
  it('keeps both reads in the timeline, and the revised minute was read as 2 first', () => {
    const reads = new Map<number, number[]>();
    for (const r of run.records) if (r.kind === 'sample' && r.source === SOURCE) reads.set(r.t, [...(reads.get(r.t) ?? []), r.desired as number]);
    // A minute can also be revised on its own: the active and idle series come on separate pages,
    // and a minute that turns visible between them is first read without its active count.
    const revised = [...reads.values()].filter((list) => list.length > 1);
    expect(revised).toContainEqual([2, 10]);
    expect(revised.every((list) => list.at(-1) === 10)).toBe(true);
    expect(fake.platform.truth.decisions).toEqual([]);
  });

  it('reports no scale-down: scale_down_time fails and the CLI exits 1', () => {
    expect(run.report.scaleDowns.at(-1)).toMatchObject({ outcome: 'no-scale', settledDesired: 10 });
    expect(run.report.checks.find((c) => c.id === 'autoscaling.scale_down_time')).toMatchObject({ status: 'fail' });
    expect(run.report.verdict).toBe('fail');
    expect(run.res.code).toBe(1);
  });

  it('says so in every report that shows notes, and timeline.csv has one value per second', () => {
    const file = (name: string) => fs.readFileSync(path.join(run.runDir, name), 'utf8');
    const note = run.report.notes.find((n) => NOTE.test(n));
    expect(note).toBeDefined();
    expect(file('report.md')).toContain(`- ${note}`);
    expect(file('junit.xml')).toContain(note);
    expect(file('report.html')).toContain(`<li>${note}</li>`);
    const rows = file('timeline.csv').trim().split('\n');
    const desired = rows[0]!.split(',').indexOf('desired');
    expect(new Set(rows.slice(1).map((r) => r.split(',')[desired]).filter(Boolean))).toEqual(new Set(['10']));
  });
});
