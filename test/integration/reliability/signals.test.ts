/**
 * Signals and crashes, through the real CLI against the real local provider:
 * - SIGINT / SIGTERM: arrivals stop within 1 s, reports are written marked interrupted, exit 130 / 143;
 * - a second SIGINT exits at once, and the timeline still gets its end record;
 * - SIGKILL: no replica or platform process outlives the CLI, and `report` still works from the
 *   timeline (a torn last line is skipped and said).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { alive, descendants, localProfile, runDirIn, timelineRecords, waitFor } from './processes.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-signals-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/**
 * Starts a run and resolves once it is under way (load windows, or platform samples for a run
 * without load), with the CLI's descendants. Only the first test needs the load engine.
 */
async function startRun(name: string, withLoad = false, serviceTime?: string) {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, localProfile(name, withLoad ? 60 : 0, '', serviceTime));
  const runs = path.join(dir, 'runs');
  const cli = runCli(['run', file, '--out', runs], { timeoutMs: 60_000 });
  const kind = withLoad ? 'load' : 'sample';
  const runDir = await waitFor(() => {
    const d = runDirIn(runs);
    return d && timelineRecords(d).filter((r) => r.kind === kind).length >= 2 ? d : undefined;
  }, 30_000);
  const pids = descendants(cli.child.pid!);
  return { cli, runDir, pids, runs };
}

const header = (runDir: string) => timelineRecords(runDir).find((r) => r.kind === 'header')!;

describe.concurrent('signals', () => {
  it('SIGINT: stops arrivals within 1 s, writes interrupted reports, exits 130, leaves no process', async () => {
    const { cli, runDir, pids } = await startRun('sigint', true);
    expect(pids.length).toBeGreaterThanOrEqual(2); // the platform and at least one replica
    expect(timelineRecords(runDir).some((r) => r.kind === 'end')).toBe(false);
    const sentAtT = Date.now() - header(runDir).startedAtWall;
    cli.child.kill('SIGINT');
    const res = await cli;
    expect(res.code).toBe(130);
    expect(res.stderr).toMatch(/SIGINT: stopping the load/);
    expect(res.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    const records = timelineRecords(runDir);
    const late = records.filter((r) => r.kind === 'load' && r.request === '*' && r.t >= sentAtT + 1000);
    expect(late.reduce((n, r) => n + r.sent, 0)).toBe(0);
    expect(records.at(-1)).toMatchObject({ kind: 'end', status: 'interrupted', reason: 'interrupted by SIGINT' });
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(report.run.endStatus).toBe('interrupted');
    expect(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8')).toMatch(/interrupted/);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 60_000);

  it('SIGTERM: exits 143 with the run marked interrupted', async () => {
    const { cli, runDir, pids } = await startRun('sigterm');
    cli.child.kill('SIGTERM');
    const res = await cli;
    expect(res.code).toBe(143);
    expect(timelineRecords(runDir).at(-1)).toMatchObject({ kind: 'end', status: 'interrupted', reason: 'interrupted by SIGTERM' });
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 60_000);

  it('a second SIGINT exits at once, still writing the end record, and leaves no process', async () => {
    // Slow responses: after the first SIGINT the run waits out its drain grace, so the second lands mid-shutdown.
    const { cli, runDir, pids } = await startRun('twice', true, '4s');
    let stopping = false;
    cli.child.stderr!.on('data', (d: Buffer) => (stopping ||= /SIGINT: stopping/.test(d.toString())));
    cli.child.kill('SIGINT');
    await waitFor(() => stopping, 5000, 5);
    const second = Date.now();
    cli.child.kill('SIGINT');
    const res = await cli;
    expect(Date.now() - second).toBeLessThan(1500);
    expect(res.code).toBe(130);
    expect(res.stderr, res.stderr).toMatch(/second interrupt: exiting now/);
    const end = timelineRecords(runDir).at(-1);
    expect(end).toMatchObject({ kind: 'end', status: 'interrupted', reason: 'scaleproof exited before the run finished (second interrupt)' });
    await waitFor(() => pids.every((p) => !alive(p)), 5000);
  }, 60_000);

  it('SIGKILL: children die within seconds; report rebuilds from the timeline, skipping a torn line', async () => {
    const { cli, runDir, pids } = await startRun('sigkill');
    cli.child.kill('SIGKILL');
    const res = await cli;
    expect(res.signal).toBe('SIGKILL');
    await waitFor(() => pids.every((p) => !alive(p)), 5000);
    // As if the kill had landed mid-write.
    fs.appendFileSync(path.join(runDir, 'timeline.ndjson'), '{"kind":"load","t":99000,"windowMs":10');
    const rep = await runCli(['report', runDir], { timeoutMs: 30_000 });
    expect([0, 1]).toContain(rep.code);
    expect(rep.stderr).toMatch(/1 unreadable timeline line skipped/);
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(report.run.endStatus).toBe('unknown');
    expect(report.notes.join('\n')).toMatch(/no end record: the run was killed/);
    expect(report.notes.join('\n')).toMatch(/1 timeline line\(s\) could not be read and were skipped/);
  }, 60_000);
});
