/**
 * Signals and crashes, through the real CLI against the real local provider:
 * - SIGINT / SIGTERM: arrivals stop at the signal, reports are written marked interrupted, exit 130 / 143;
 * - a second signal exits at once (before the drain the first one started is over), and the
 *   timeline still gets its end record;
 * - SIGKILL: no replica or platform process outlives the CLI, and `report` still works from the
 *   timeline (a torn last line is skipped and said).
 * Every "at once" here is an order of events (the CLI's own stderr line, its timeline records),
 * never a number of milliseconds: a busy machine makes each step later, not out of order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { arrivalsBefore, buildPlan } from '../../../src/load/plan.js';
import { runCli } from '../../support/cli.js';
import { alive, descendants, localProfile, runDirIn, timelineRecords, waitFor } from './processes.js';

/**
 * Hang guards, not speed checks: four CLIs start at once (tsx compiles each), and on a loaded
 * 2-core machine one start alone has taken 15 s. Only a run that never gets there fails.
 */
const TEST_MS = 240_000;
const START_MS = 180_000;

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
  const cli = runCli(['run', file, '--out', runs], { timeoutMs: TEST_MS });
  const kind = withLoad ? 'load' : 'sample';
  const runDir = await waitFor(() => {
    const d = runDirIn(runs);
    return d && timelineRecords(d).filter((r) => r.kind === kind).length >= 2 ? d : undefined;
  }, START_MS);
  const pids = descendants(cli.child.pid!);
  return { cli, runDir, pids, runs };
}

const header = (runDir: string) => timelineRecords(runDir).find((r) => r.kind === 'header')!;

describe.concurrent('signals', () => {
  it('SIGINT: stops arrivals at the signal, writes interrupted reports, exits 130, leaves no process', async () => {
    const { cli, runDir, pids } = await startRun('sigint', true);
    expect(pids.length).toBeGreaterThanOrEqual(2); // the platform and at least one replica
    expect(timelineRecords(runDir).some((r) => r.kind === 'end')).toBe(false);
    // The CLI writes this line and aborts the load in the same synchronous step, so every arrival
    // it started was due before we read the line.
    let stopSeenWall: number | null = null;
    cli.child.stderr!.on('data', (d: Buffer) => {
      if (stopSeenWall === null && /SIGINT: stopping/.test(d.toString())) stopSeenWall = Date.now();
    });
    cli.child.kill('SIGINT');
    const res = await cli;
    expect(res.code).toBe(130);
    expect(res.stderr).toMatch(/SIGINT: stopping the load/);
    expect(res.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    const records = timelineRecords(runDir);
    const head = header(runDir);
    expect(stopSeenWall).not.toBeNull();
    const stopSeenT = stopSeenWall! - head.startedAtWall;
    const originT = records.find((r) => r.kind === 'stage' && r.index === 0)!.t;
    const planned = records.filter((r) => r.kind === 'load' && r.request === '*').reduce((n, r) => n + r.planned, 0);
    expect(planned).toBeGreaterThan(0);
    // 5 ms: the two processes stamp with the same clock, rounded (as in test/support/agreement.ts).
    expect(planned).toBeLessThanOrEqual(arrivalsBefore(buildPlan(head.profile.load), stopSeenT - originT + 5));
    const end = records.find((r) => r.kind === 'stage' && r.name === 'load-end')!;
    expect(end.t).toBeLessThan(originT + 60_000); // stopped by the signal, long before the planned end
    expect(records.at(-1)).toMatchObject({ kind: 'end', status: 'interrupted', reason: 'interrupted by SIGINT' });
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(report.run.endStatus).toBe('interrupted');
    expect(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8')).toMatch(/interrupted/);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, TEST_MS);

  it('SIGTERM: exits 143 with the run marked interrupted', async () => {
    const { cli, runDir, pids } = await startRun('sigterm');
    cli.child.kill('SIGTERM');
    const res = await cli;
    expect(res.code).toBe(143);
    expect(timelineRecords(runDir).at(-1)).toMatchObject({ kind: 'end', status: 'interrupted', reason: 'interrupted by SIGTERM' });
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, TEST_MS);

  it('a second signal during the shutdown exits at once, still writing the end record, and leaves no process', async () => {
    // Slow responses: after the first SIGINT the run waits out its drain grace (2 s: the answers
    // take 4 s), so the second signal lands mid-shutdown. It is sent right behind the first, not
    // after we read the first's stderr line: a busy machine could delay our read past the 2 s
    // drain. It is a SIGTERM because two SIGINTs pending together merge into one; the CLI handles
    // both signals the same way, and a pending SIGINT (2) is delivered before a SIGTERM (15).
    const { cli, runDir, pids } = await startRun('twice', true, '4s');
    cli.child.kill('SIGINT');
    cli.child.kill('SIGTERM');
    const res = await cli;
    expect(res.code).toBe(130);
    expect(res.stderr, res.stderr).toMatch(/SIGINT: stopping[\s\S]*second interrupt: exiting now/);
    const records = timelineRecords(runDir);
    expect(records.at(-1)).toMatchObject({ kind: 'end', status: 'interrupted', reason: 'scaleproof exited before the run finished (second interrupt)' });
    // "At once" is an order: it exited before the drain ended (the load engine writes `load-end`
    // after the drain) and before the graceful path wrote its reports.
    expect(records.filter((r) => r.kind === 'stage' && r.name === 'load-end')).toEqual([]);
    expect(fs.existsSync(path.join(runDir, 'report.json'))).toBe(false);
    await waitFor(() => pids.every((p) => !alive(p)), START_MS);
  }, TEST_MS);

  it('SIGKILL: no child outlives the CLI; report rebuilds from the timeline, skipping a torn line', async () => {
    const { cli, runDir, pids } = await startRun('sigkill');
    cli.child.kill('SIGKILL');
    const res = await cli;
    expect(res.signal).toBe('SIGKILL');
    await waitFor(() => pids.every((p) => !alive(p)), START_MS);
    // As if the kill had landed mid-write.
    fs.appendFileSync(path.join(runDir, 'timeline.ndjson'), '{"kind":"load","t":99000,"windowMs":10');
    const rep = await runCli(['report', runDir], { timeoutMs: START_MS });
    expect([0, 1]).toContain(rep.code);
    expect(rep.stderr).toMatch(/1 unreadable timeline line skipped/);
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(report.run.endStatus).toBe('unknown');
    expect(report.notes.join('\n')).toMatch(/no end record: the run was killed/);
    expect(report.notes.join('\n')).toMatch(/1 timeline line\(s\) could not be read and were skipped/);
  }, TEST_MS);
});
