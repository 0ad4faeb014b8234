/** Runs the distributed engine (the coordinator) in the test process against the fake Job API. */
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/log.js';
import { buildPlan } from '../../../src/load/plan.js';
import type { LoadRunResult } from '../../../src/load/types.js';
import { createDistributedEngine } from '../../../src/distributed/coordinator.js';
import { distributedSchema } from '../../../src/distributed/settings.js';
import { loadSchema } from '../../../src/profile/schema.js';
import type { LoadRecord, NoteRecord, StageRecord } from '../../../src/timeline/types.js';
import { VERSION } from '../../../src/version.js';
import { startJobsFake, type FakeJobs } from '../../fakes/kubernetes/jobs.js';
import { startTargetServer, type TargetServer } from '../../support/target-server.js';

let target: TargetServer | null = null;

/** A loopback target: /fast answers in 5 ms, /slow in 60 ms. */
export async function startTarget(): Promise<TargetServer> {
  target = await startTargetServer({ paths: { '/fast': { delayMs: 5 }, '/slow': { delayMs: 60 } } });
  return target;
}

function loadSpec(stages: Array<{ duration: string; rate: number }>) {
  return loadSchema.parse({
    url: target!.url,
    stages,
    connections: 40,
    requests: [
      { name: 'fast', path: '/fast', weight: 1 },
      { name: 'slow', path: '/slow', weight: 1 },
    ],
  });
}

/** Runs the distributed engine in this process against a fresh fake API server; the Job's pods are local agent processes. */
export async function run(opts: { agents: number; stages: Array<{ duration: string; rate: number }>; readyTimeout?: string; faults?: Parameters<typeof startJobsFake>[0]; during?: (jobs: FakeJobs) => void }) {
  const fake = await startJobsFake(opts.faults ?? {});
  const windows: LoadRecord[] = [];
  const stages: StageRecord[] = [];
  const notes: NoteRecord[] = [];
  const load = loadSpec(opts.stages);
  const spec = distributedSchema.parse({ agents: opts.agents, kubeconfig: fake.kubeconfig, ready_timeout: opts.readyTimeout ?? '120s', start_lead: '1s' });
  const engine = createDistributedEngine({ spec, env: process.env, log: silentLogger, version: VERSION });
  let result: LoadRunResult | null = null;
  let error: unknown = null;
  try {
    opts.during?.(fake.jobs);
    result = await engine({
      load,
      baseUrl: target!.url,
      clock: systemClock,
      runStartMono: systemClock.now(),
      signal: new AbortController().signal,
      // Drain ends when nothing is in flight: a long one costs nothing on an idle machine and lets a
      // busy one finish every request, so the totals below are exact whatever the machine's speed.
      drainMs: 30_000,
      onStage: (s) => stages.push(s),
      onWindows: (records) => {
        for (const r of records) {
          if ((r as unknown as NoteRecord).kind === 'note') notes.push(r as unknown as NoteRecord);
          else windows.push(r);
        }
      },
    });
  } catch (err) {
    error = err;
  }
  const deleted = { jobs: [...fake.jobs.deletedJobs], configMaps: [...fake.jobs.deletedConfigMaps], left: fake.jobs.store.jobs.size + fake.jobs.store.configmaps.size };
  await fake.stop();
  return { result, error, windows, stages, notes, deleted, plan: buildPlan(load) };
}

