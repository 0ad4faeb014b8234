/**
 * `scaleproof run <profile> --distributed kubernetes --agents 2` as a user runs it, against the
 * fake API server whose Job runs real local agents: the report notes an agent killed mid-run,
 * and SIGINT on the coordinator deletes the Job (and its pods) and the ConfigMap.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobsFake } from '../../fakes/kubernetes/jobs.js';
import { runCli } from '../../support/cli.js';
import { startTargetServer, type TargetServer } from '../../support/target-server.js';

let target: TargetServer;
let dir: string;
beforeAll(async () => {
  target = await startTargetServer({ delayMs: 3 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-dist-cli-'));
});
afterAll(async () => {
  await target?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function profile(name: string, kubeconfig: string, holdS: number): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    file,
    `name: ${name}
load:
  url: ${target.url}
  stages:
    - { duration: 0s, rate: 120 }
    - { duration: ${holdS}s, rate: 120 }
distributed:
  kubeconfig: ${kubeconfig}
  ready_timeout: 25s
  start_lead: 1500ms
`,
  );
  return file;
}

function timeline(out: string): Array<Record<string, unknown>> {
  const runDir = path.join(out, fs.readdirSync(out)[0]!);
  return fs
    .readFileSync(path.join(runDir, 'timeline.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('scaleproof run --distributed kubernetes', () => {
  it('notes an agent that died in the timeline and the report, and cleans up', async () => {
    let jobs: Awaited<ReturnType<typeof startJobsFake>>['jobs'] | null = null;
    let killed = false;
    const fake = await startJobsFake({
      onPodLine: (pod, line) => {
        if (!killed && /-1-/.test(pod) && line.includes('"part":{"index":2,')) {
          killed = true;
          jobs?.kill(1, 'SIGKILL');
        }
      },
    });
    jobs = fake.jobs;
    try {
      const out = path.join(dir, 'runs-killed');
      const res = await runCli(['run', profile('killed', fake.kubeconfig, 5), '--distributed', 'kubernetes', '--agents', '2', '--out', out, '--no-progress'], { timeoutMs: 60_000 });
      expect(res.code, `${res.stderr}\n${res.stdout}`).toBe(0);
      expect(killed).toBe(true);
      const recs = timeline(out);
      expect(recs.find((r) => r.kind === 'header')).toMatchObject({ profile: { distributed: { agents: 2 } } });
      const notes = recs.filter((r) => r.kind === 'note').map((r) => String(r.message));
      expect(notes.some((m) => /agent 1 of 2 was lost at t=.*exit code 137.*1\/2 share of the load is missing/.test(m))).toBe(true);
      const load = recs.filter((r) => r.kind === 'load' && r.request === '*' && r.windowMs === 1000) as Array<{ planned: number }>;
      expect(load[0].planned).toBe(120);
      expect(load.at(-1)!.planned).toBe(60);
      const runDir = path.join(out, fs.readdirSync(out)[0]!);
      expect(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8')).toMatch(/agent 1 of 2 was lost/);
      expect(fake.jobs.deletedJobs).toHaveLength(1);
      expect(fake.jobs.store.configmaps.size).toBe(0);
    } finally {
      await fake.stop();
    }
  }, 75_000); // ~20 s on an idle 2-core box; the margin is for a loaded CI runner

  it('SIGINT on the coordinator stops the agents, deletes the Job and the ConfigMap, and exits 130', async () => {
    let parts = 0;
    const fake = await startJobsFake({ onPodLine: (_pod, line) => void (line.includes('"type":"part"') && parts++) });
    try {
      const out = path.join(dir, 'runs-sigint');
      let stderr = '';
      const proc = runCli(['run', profile('sigint', fake.kubeconfig, 30), '--distributed', 'kubernetes', '--agents', '2', '--out', out, '--no-progress'], { timeoutMs: 60_000, onStderr: (c) => (stderr += c) });
      // Interrupt once both agents have sent a couple of windows.
      const t0 = Date.now();
      while (Date.now() - t0 < 30_000 && parts < 4) await new Promise((r) => setTimeout(r, 50));
      proc.child.kill('SIGINT');
      const res = await proc;
      expect(res.code, stderr).toBe(130);
      expect(fake.jobs.deletedJobs).toHaveLength(1);
      expect(fake.jobs.deletedConfigMaps).toHaveLength(1);
      expect(fake.jobs.store.jobs.size + fake.jobs.store.configmaps.size).toBe(0);
      // The agents were told to stop and exited (the pods were deleted).
      const t1 = Date.now();
      while (Date.now() - t1 < 5000 && fake.jobs.running > 0) await new Promise((r) => setTimeout(r, 100));
      expect(fake.jobs.running).toBe(0);
      const recs = timeline(out);
      expect(recs.at(-1)).toMatchObject({ kind: 'end', status: 'interrupted' });
      expect(recs.some((r) => r.kind === 'load' && (r.sent as number) > 0)).toBe(true);
    } finally {
      await fake.stop();
    }
  }, 75_000); // ~20 s on an idle 2-core box; the margin is for a loaded CI runner
});
