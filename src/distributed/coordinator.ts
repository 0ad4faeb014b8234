/**
 * `runDistributedLoad`: a LoadEngine whose load comes from N agent pods of one Indexed Job.
 * The run calls it exactly like the in-process engine (src/load/types.ts); it resolves with
 * the same LoadRunResult and emits the same StageRecords and LoadRecords, so the analysis and
 * the reports do not care where the load came from.
 *
 *   create ConfigMap + Job ─ watch pods, follow logs ─ all READY? ─ patch start-at ─ merge parts
 *        │                                              │ timeout: fail, naming each pod and why
 *        └──────────── finally: delete Job (pods) + ConfigMap, unless distributed.keep ────────┘
 *
 * An agent lost mid-run (its pod failed or vanished) is noted on the timeline; from its last
 * window on its share is missing and the other agents' windows still close.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RunError, ScaleproofError, ExitCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { TlsOptions } from '../load/http-client.js';
import { buildPlan, levelAt } from '../load/plan.js';
import type { LoadEngine, LoadEngineOptions, LoadRunResult } from '../load/types.js';
import { loadRecordKeys } from '../load/window-recorder.js';
import type { LoadRecord, NoteRecord } from '../timeline/types.js';
import { AgentTracker, describeAgent, type AgentState } from './agent-tracker.js';
import { configMapManifest, jobManifest, resourceName, RUN_LABEL } from './job-spec.js';
import { KubeJobs } from './kube.js';
import { monoAt } from './plan-share.js';
import { podProblem } from './pod-status.js';
import { PROTOCOL, START_KEY, STOP_KEY, type AgentConfig, type AgentLine } from './protocol.js';
import { DEFAULT_AGENT_IMAGE_REPO, type DistributedSpec } from './settings.js';
import { ShareMerger } from './share-merger.js';
import { loadMerger } from '../load/load-merger.js';
import { StageAnnouncer } from '../load/stage-announcer.js';
import { summarize } from './summarize.js';

export interface DistributedDeps {
  spec: DistributedSpec;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  version: string;
  /** Test seams. */
  kube?: KubeJobs;
  runId?: string;
}

/** Agents that have not finished this long after the planned end (plus drain) are given up. */
const FINISH_GRACE_MS = 20_000;
const LATE_NOTE_MS = 50;

export function createDistributedEngine(deps: DistributedDeps): LoadEngine {
  return (opts) => runDistributed(opts, deps);
}

async function runDistributed(opts: LoadEngineOptions, deps: DistributedDeps): Promise<LoadRunResult> {
  const { spec, log } = deps;
  const { clock, load } = opts;
  const kube = deps.kube ?? new KubeJobs({ ...(spec.kubeconfig ? { kubeconfig: spec.kubeconfig } : {}), ...(spec.context ? { context: spec.context } : {}), ...(spec.namespace ? { namespace: spec.namespace } : {}) }, deps.env);
  const runId = deps.runId ?? newRunId();
  const name = resourceName(runId);
  const plan = buildPlan(load);
  const drainMs = opts.drainMs ?? load.timeout;
  const n = spec.agents;
  const keys = loadRecordKeys(load);
  const note = noteWriter(opts);
  const config: AgentConfig = { protocol: PROTOCOL, version: deps.version, runId, agents: n, baseUrl: opts.baseUrl, load, drainMs, ...readTls(load) };
  const image = spec.image ?? `${DEFAULT_AGENT_IMAGE_REPO}:${deps.version}`;
  const budgetMs = spec.ready_timeout + spec.start_lead + load.warmup + plan.durationMs + drainMs;

  let shares: ShareMerger | null = null;
  let stages: StageAnnouncer | null = null;
  let wake: () => void = () => {};
  const tracker = new AgentTracker(
    kube,
    `${RUN_LABEL}=${runId}`,
    n,
    {
      onLine: (agent, line) => onLine(agent, line),
      onLost: (agent) => {
        if (!shares) return;
        const from = shares.lose(agent.index);
        const t = stages ? stages.originT + from * load.window : clock.now() - opts.runStartMono;
        note('warning', `distributed: agent ${agent.index} of ${n} was lost at t=${(t / 1000).toFixed(1)} s (window ${from}): ${describeAgent(agent)}; its 1/${n} share of the load is missing from then on`);
        log.warn(`agent ${agent.index} lost: ${describeAgent(agent)}`);
      },
      onChange: () => wake(),
    },
    log,
  );
  const onLine = (agent: AgentState, line: AgentLine) => {
    if (line.type === 'part') shares?.add(agent.index, line.part);
    else if (line.type === 'start' && line.lateMs > LATE_NOTE_MS) note('warning', `distributed: agent ${agent.index} got the start instant ${line.lateMs} ms late; its first arrivals went out late`);
    else if (line.type === 'error') log.warn(`agent ${agent.index}: ${line.message}`);
  };
  const changed = () => new Promise<void>((resolve) => (wake = resolve));
  const onAbort = () => {
    wake();
    if (stages) kube.patchConfigMapData(name, { [STOP_KEY]: 'true' }).catch((e: unknown) => log.warn(`could not ask the agents to stop: ${e instanceof Error ? e.message : String(e)}`));
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  let created = false;
  try {
    await kube.createConfigMap(configMapManifest(runId, kube.namespace, config));
    created = true;
    await kube.createJob(jobManifest({ runId, namespace: kube.namespace, image, spec, budgetMs }));
    log.info(`distributed: Job ${name} with ${n} agents in namespace ${kube.namespace} (image ${image})`);
    note('info', `distributed: load from ${n} agent pods of Job ${name} in namespace ${kube.namespace} (image ${image}); each sends arrivals k ≡ i+1 mod ${n}`);
    await tracker.start();

    // 1. Wait until every agent is READY (or one fails, or the timeout).
    const readyBy = clock.now() + spec.ready_timeout;
    for (;;) {
      if (opts.signal.aborted) return emptyResult(clock.now() - opts.runStartMono);
      const failed = tracker.agents.filter((a) => a.lost || a.error);
      if (failed.length > 0) throw new RunError(`distributed: ${failed.length} of ${n} agents failed before the start: ${failed.map((a) => `agent ${a.index}: ${describeAgent(a)}`).join('; ')}`);
      if (tracker.agents.every((a) => a.ready)) break;
      const left = readyBy - clock.now();
      if (left <= 0) throw notReadyError(tracker.agents, spec.ready_timeout);
      await Promise.race([changed(), clock.sleep(Math.min(left, 1000)).catch(() => {})]);
    }

    // 2. One start instant for all, a little in the future; agents start their warm-up before it.
    const startAtWall = clock.wallNow() + spec.start_lead + load.warmup;
    const originMono = monoAt(startAtWall, clock.wallNow(), clock.now());
    const merger = loadMerger({ load, plan, keys, shards: n, runStartMono: opts.runStartMono, originMono, emit: opts.onWindows });
    shares = new ShareMerger(merger, n, keys.names.length);
    stages = new StageAnnouncer(plan, originMono - opts.runStartMono, opts.onStage, originMono);
    await kube.patchConfigMapData(name, { [START_KEY]: String(startAtWall) });
    const ticker = setInterval(() => stages?.upTo(clock.now() - originMono), 10);
    try {
      // 3. Until every agent is done or lost.
      const giveUpAt = originMono + plan.durationMs + drainMs + FINISH_GRACE_MS;
      for (;;) {
        const open = tracker.agents.filter((a) => !a.done && !a.lost);
        if (open.length === 0) break;
        const deadline = opts.signal.aborted ? Math.min(giveUpAt, abortDeadline(clock.now(), drainMs)) : giveUpAt;
        if (clock.now() >= deadline) {
          for (const a of open) tracker.lose(a, `it did not finish its share in time (${a.pod ? podProblem(a.pod) : 'no pod'})`);
          continue;
        }
        await Promise.race([changed(), clock.sleep(Math.min(deadline - clock.now(), 500)).catch(() => {})]);
      }
    } finally {
      clearInterval(ticker);
    }
    const endMono = Math.max(clock.now() - 1, ...tracker.agents.map((a) => (a.done ? monoAt(a.done.endWall, clock.wallNow(), clock.now()) : -Infinity)));
    stages.upTo(endMono - originMono);
    stages.end(endMono - opts.runStartMono, levelAt(plan, endMono - stages.originMono));
    merger.close(clock.now());
    return summarize(plan, tracker.agents, shares.tallies, stages.originT, endMono - opts.runStartMono);
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    tracker.close();
    if (created) await cleanUp(kube, name, spec.keep, log);
  }
}

/** After a stop, agents get the drain time plus a margin to report. */
function abortDeadline(now: number, drainMs: number): number {
  return now + drainMs + 10_000;
}

async function cleanUp(kube: KubeJobs, name: string, keep: boolean, log: Logger): Promise<void> {
  if (keep) {
    log.info(`distributed: kept Job ${name} and ConfigMap ${name} in namespace ${kube.namespace} (distributed.keep); delete them with \`kubectl -n ${kube.namespace} delete job,configmap ${name}\``);
    return;
  }
  for (const [what, del] of [
    ['Job', () => kube.deleteJob(name)],
    ['ConfigMap', () => kube.deleteConfigMap(name)],
  ] as const) {
    try {
      await del();
    } catch (err) {
      log.warn(`could not delete ${what} ${name}: ${err instanceof Error ? err.message : String(err)}; delete it with \`kubectl -n ${kube.namespace} delete ${what.toLowerCase()} ${name}\``);
    }
  }
}

function notReadyError(agents: AgentState[], timeoutMs: number): ScaleproofError {
  const waiting = agents.filter((a) => !a.ready);
  const lines = waiting.map((a) => `agent ${a.index}: ${a.pod ? `pod ${a.pod.metadata.name}: ${podProblem(a.pod)}` : 'no pod created (quota? check `kubectl describe job`)'}`);
  return new RunError(`distributed: ${waiting.length} of ${agents.length} agents not ready after ${Math.round(timeoutMs / 1000)} s: ${lines.join('; ')}`, {
    hint: 'fix what the pod status says (image name and pull secret, node selector and capacity, resources), or raise distributed.ready_timeout',
  });
}

/** Notes go on the timeline through `onNote` when the run offers it, else as records among the windows. */
function noteWriter(opts: LoadEngineOptions): (level: NoteRecord['level'], message: string) => void {
  const onNote = (opts as LoadEngineOptions & { onNote?: (n: NoteRecord) => void }).onNote;
  return (level, message) => {
    const rec: NoteRecord = { kind: 'note', t: opts.clock.now() - opts.runStartMono, level, message };
    if (onNote) onNote(rec);
    else opts.onWindows([rec as unknown as LoadRecord]);
  };
}

function readTls(load: LoadEngineOptions['load']): { tls?: TlsOptions } {
  if (!load.tls) return {};
  let ca: string | undefined;
  if (load.tls.ca) {
    try {
      ca = readFileSync(load.tls.ca, 'utf8');
    } catch (err) {
      throw new ScaleproofError(`load.tls.ca: cannot read ${load.tls.ca}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, ExitCode.badInput);
    }
  }
  return { tls: { ...(ca ? { ca } : {}), insecure: load.tls.insecure, ...(load.tls.servername ? { servername: load.tls.servername } : {}) } };
}

function newRunId(): string {
  return `${Date.now().toString(36).slice(-5)}${randomBytes(3).toString('hex')}`;
}

function emptyResult(t: number): LoadRunResult {
  return { startT: t, endT: t, planned: 0, sent: 0, dropped: 0, stoppedEarly: true, stages: [], connections: 0 };
}
