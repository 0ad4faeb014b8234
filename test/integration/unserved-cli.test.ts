/**
 * Dropped arrivals through the real CLI: an open-model load well above what `max_in_flight`
 * lets through to a slow loopback target. The requests that were sent all succeed, so the error
 * rate is 0; the unserved rate counts the dropped arrivals, its target fails the run (exit 1),
 * while the same timeline judged on `error_rate: 1%` alone passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, runProfile, type ProfileRun, type TimelineLine } from '../support/cli.js';
import { startTargetServer, type TargetServer } from '../support/target-server.js';

interface Unserved { basis: string; total: number; dropped: number; errors: number; rate: number }
interface Report {
  verdict: string;
  checks: Array<{ id: string; status: string; target: string; measured: string }>;
  load: { dropped: number; errorRate: number; unserved: Unserved };
  loadByRequest: Record<string, { unserved: Unserved }>;
}
type LoadLine = TimelineLine & { request: string; planned: number; dropped: number; errors: Record<string, number> };

let server: TargetServer;
let run: ProfileRun<Report>;

beforeAll(async () => {
  // 4 in flight at 200 ms each serve about 20 req/s of the 60 planned: most arrivals are dropped.
  server = await startTargetServer({ delayMs: 200 });
  run = await runProfile<Report>(
    'unserved',
    `
name: unserved
load:
  url: ${server.url}
  model: open
  start: 60
  stages: [{ duration: 3s, rate: 60 }]
  connections: 4
  max_in_flight: 4
  workers: 1
targets:
  error_rate: 1%
  unserved_rate: 5%
  requests:
    root: { unserved_rate: 5% }
`,
    { timeoutMs: 60_000 },
  );
}, 60_000);

afterAll(async () => {
  run?.remove();
  await server?.close();
});

it('counts dropped arrivals as unserved: (dropped + errors) / planned from the timeline, and the target fails the run', () => {
  const windows = run.records.filter((r): r is LoadLine => r.kind === 'load' && r.request === '*');
  const planned = windows.reduce((n, w) => n + w.planned, 0);
  const dropped = windows.reduce((n, w) => n + w.dropped, 0);
  const errors = windows.reduce((n, w) => n + Object.values(w.errors).reduce((a, b) => a + b, 0), 0);
  expect(planned).toBe(180);
  expect(dropped).toBeGreaterThan(0);
  expect(run.report.load.unserved).toEqual({ basis: 'planned-arrivals', total: planned, dropped, errors, rate: (dropped + errors) / planned });
  expect(run.report.loadByRequest.root!.unserved).toEqual(run.report.load.unserved);

  expect(run.res.code, run.res.stderr).toBe(1);
  expect(run.report.verdict).toBe('fail');
  const status = Object.fromEntries(run.report.checks.map((c) => [c.id, c.status]));
  expect(status).toEqual({ error_rate: 'pass', unserved_rate: 'fail', 'requests.root.unserved_rate': 'fail' });
  const errorRate = run.report.checks.find((c) => c.id === 'error_rate')!;
  expect(errorRate.target).toBe(`error rate <= 1% (sent requests; ${dropped.toLocaleString('en-US')} dropped arrivals not included)`);

  expect(run.res.stdout).toMatch(/FAIL +unserved_rate +unserved rate <= 5%/);
  expect(run.res.stdout).toMatch(/\n +unserved +\d+(\.\d+)?% \(\d[\d,]* dropped \+ \d+ errors of 180 planned arrivals\)/);
  for (const file of ['report.md', 'report.html', 'junit.xml', 'summary.md']) expect(fs.readFileSync(path.join(run.runDir, file), 'utf8')).toMatch(/unserved/i);
});

it('the same timeline judged on error_rate: 1% alone passes (exit 0)', async () => {
  // A copy of the run whose header keeps only the error-rate target: `report` re-judges it offline.
  const copy = path.join(run.dir, 'error-rate-only');
  fs.mkdirSync(copy);
  const lines = fs.readFileSync(path.join(run.runDir, 'timeline.ndjson'), 'utf8').trim().split('\n');
  const header = JSON.parse(lines[0]!) as { kind: string; profile: { targets: unknown } };
  expect(header.kind).toBe('header');
  header.profile.targets = { error_rate: 0.01 };
  fs.writeFileSync(path.join(copy, 'timeline.ndjson'), [JSON.stringify(header), ...lines.slice(1)].join('\n') + '\n');
  const res = await runCli(['report', copy]);
  expect(res.code, res.stderr).toBe(0);
  const report = JSON.parse(fs.readFileSync(path.join(copy, 'report.json'), 'utf8')) as Report;
  expect(report.checks.map((c) => [c.id, c.status])).toEqual([['error_rate', 'pass']]);
  // Still not silent about the drops: the unserved rate is shown without a target.
  expect(res.stdout).toMatch(/\n +unserved +\d/);
});
