/**
 * The kill switch through the real CLI: a loopback target that starts failing, a profile with
 * `abort_when.error_rate`; the load stops within 2 s of the condition holding, the run is marked
 * aborted in the timeline and the reports, and the CLI exits 1 saying why.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { runDirIn, timelineRecords, waitFor } from './processes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-abort-'));
let failing = false;
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(failing ? 503 : 200).end();
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

it('aborts on error_rate, exits 1, and every report says aborted and why', async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const file = path.join(dir, 'abort.yaml');
  fs.writeFileSync(
    file,
    `
name: abort
load:
  url: http://127.0.0.1:${(server.address() as AddressInfo).port}
  start: 20
  workers: 1
  stages: [{ duration: 30s, rate: 20 }]
abort_when:
  error_rate: { above: 50%, for: 2s }
`,
  );
  const runs = path.join(dir, 'runs');
  const cli = runCli(['run', file, '--out', runs], { timeoutMs: 40_000 });
  // Healthy for the first 2 windows, failing from then on.
  await waitFor(() => {
    const d = runDirIn(runs);
    return d && timelineRecords(d).filter((r) => r.kind === 'load' && r.request === '*').length >= 2;
  }, 20_000);
  failing = true;
  const res = await cli;
  expect(res.code, res.stderr).toBe(1);
  expect(res.stderr).toMatch(/the run was aborted: abort_when\.error_rate: error rate above 50% for 2s/);
  const runDir = path.join(dir, 'runs', fs.readdirSync(path.join(dir, 'runs'))[0]!);
  const records = timelineRecords(runDir);
  expect(records.at(-1)).toMatchObject({ kind: 'end', status: 'aborted' });
  // The condition holds 2 s after the first failing window starts; arrivals stop within 2 s of that.
  const windows = records.filter((r) => r.kind === 'load' && r.request === '*');
  const firstBad = windows.find((r) => r.errors.http5xx > 0)!;
  expect(windows.indexOf(firstBad)).toBeGreaterThanOrEqual(1);
  const heldT = firstBad.t + 2000;
  const sentAfter = windows.filter((r) => r.t >= heldT + 2000).reduce((n, r) => n + r.sent, 0);
  expect(sentAfter).toBe(0);
  const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
  expect(report.run.endStatus).toBe('aborted');
  expect(report.notes[0]).toMatch(/the run ended early \(aborted: abort_when\.error_rate/);
  expect(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8')).toMatch(/aborted/);
  expect(res.stdout).toMatch(/ended aborted/);
}, 45_000);
