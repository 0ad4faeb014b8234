/**
 * The load engine: runs the setup requests, validates the load's requests, pre-opens the
 * connections (a few at a time), warms up unrecorded, runs the open or closed model over the
 * plan, announces each stage as it starts, emits load windows as they close, and on the end of
 * the plan (or the abort signal) stops arrivals at once, lets in-flight requests finish for up
 * to `drainMs`, flushes the final partial window and writes the `load-end` stage marker.
 *
 *   setup | pre-open | warm-up (unrecorded) | stage 0 | stage 1 | … | drain | final window
 *                                           ^ origin: plan t = 0, window 0 starts here
 *
 * With `load.workers` > 1 the plan is split over worker threads (worker i sends arrivals
 * k ≡ i + 1 mod N); each streams encoded window parts and the main thread merges them exactly.
 * With 1 worker (the default on a 2-core machine), or a clock other than the system clock,
 * the one shard runs in the main thread.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { systemClock, type Clock } from '../clock.js';
import { ExitCode, ScaleproofError } from '../errors.js';
import type { LoadSpec } from '../profile/schema.js';
import type { TlsOptions } from './http-client.js';
import type { StageCounts } from './model-context.js';
import { buildPlan, levelAt, type LoadPlan } from './plan.js';
import { prepareRequests } from './request-options.js';
import { runSetup } from './scenario/setup.js';
import { Shard, type ShardResult, type ShardSpec } from './shard.js';
import { loadMerger } from './load-merger.js';
import { StageAnnouncer } from './stage-announcer.js';
import type { LoadEngine, LoadEngineOptions, LoadRunResult, StageResult } from './types.js';
import type { WindowMerger } from './window-parts.js';
import { loadRecordKeys } from './window-recorder.js';
import { runInWorkers } from './worker-pool.js';

export { LOAD_END_MARKER } from './stage-announcer.js';
const CLOSE_TIMEOUT_MS = 1000;

/** Worker threads for a load: `load.workers`, else cores − 1, at least 1. */
export function defaultWorkers(cores = os.availableParallelism()): number {
  return Math.max(1, cores - 1);
}

export const runLoad: LoadEngine = async (opts) => {
  const { load, clock } = opts;
  const env = opts.env ?? process.env;
  const plan = buildPlan(load);
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal.reason);
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) onAbort();
  try {
    const tls = readTls(load);
    let vars: Record<string, string>;
    try {
      vars = await runSetup({ baseUrl: opts.baseUrl, load, env, ...(tls ? { tls } : {}), signal: stop.signal });
    } catch (err) {
      if (stop.signal.aborted) return emptyResult(clock.now() - opts.runStartMono);
      throw err;
    }
    const requests = prepareRequests(opts.baseUrl, load, { env, vars }); // every problem before any load
    const shards = clock === systemClock ? (load.workers ?? defaultWorkers()) : 1;
    const keys = loadRecordKeys(load);
    const specs: ShardSpec[] = Array.from({ length: shards }, (_, shard) => ({ load, baseUrl: opts.baseUrl, shard, shards, env: { ...env }, vars, ...(tls ? { tls } : {}) }));
    // Set once the origin is known (after the pre-open), by `begin`.
    const live: { merger: WindowMerger | null; stages: StageAnnouncer | null } = { merger: null, stages: null };
    const begin = (originMono: number): WindowMerger => {
      const merger = loadMerger({ load, plan, keys, shards, runStartMono: opts.runStartMono, originMono, emit: opts.onWindows });
      live.merger = merger;
      live.stages = new StageAnnouncer(plan, originMono - opts.runStartMono, opts.onStage, originMono);
      return merger;
    };
    const drainMs = opts.drainMs ?? Math.max(...requests.map((r) => r.timeoutMs));
    let results: ShardResult[] | null;
    if (shards === 1) results = await runInThread(specs[0], clock, load, drainMs, stop.signal, begin, () => live.stages);
    else {
      results = await runInWorkers({
        specs,
        preopenConcurrency: Math.max(1, Math.ceil(load.preopen_concurrency / shards)),
        leadMs: load.warmup,
        drainMs,
        stop: stop.signal,
        onOrigin: begin,
        onPart: (p) => live.merger?.add(p),
        onTick: () => live.stages?.upTo(clock.now() - live.stages.originMono),
      });
    }
    if (!results || !live.merger) {
      // Stopped before the plan started (during the pre-open): an empty load that ends now.
      const now = clock.now();
      if (!live.merger) begin(now);
      results = [{ planned: 0, sent: 0, dropped: 0, connects: 0, endMono: now, stoppedEarly: true, stages: plan.stages.map(() => ({ planned: 0, sent: 0, dropped: 0 })) }];
    }
    const merger = live.merger as unknown as WindowMerger;
    const announcer = live.stages as unknown as StageAnnouncer;
    const total = combine(results);
    announcer.upTo(total.endMono - opts.runStartMono - announcer.originT);
    announcer.end(total.endMono - opts.runStartMono, levelAt(plan, total.endMono - opts.runStartMono - announcer.originT));
    merger.close(clock.now());
    return summary(total, plan, announcer.originT, opts);
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
  }
};

async function runInThread(
  spec: ShardSpec,
  clock: Clock,
  load: LoadSpec,
  drainMs: number,
  stop: AbortSignal,
  begin: (originMono: number) => WindowMerger,
  stages: () => StageAnnouncer | null,
): Promise<ShardResult[] | null> {
  const shard = new Shard(spec, clock);
  try {
    await shard.preOpen(load.preopen_concurrency, stop);
    const originMono = clock.now() + load.warmup;
    const merger = begin(originMono);
    const result = await shard.run({ originMono, drainMs, stop, encode: false, emitPart: (p) => merger.add(p), onTick: (elapsed) => stages()?.upTo(elapsed) });
    return [result];
  } finally {
    await shard.close(CLOSE_TIMEOUT_MS);
  }
}

function readTls(load: LoadSpec): TlsOptions | undefined {
  if (!load.tls) return undefined;
  let ca: string | undefined;
  if (load.tls.ca) {
    try {
      ca = readFileSync(load.tls.ca, 'utf8');
    } catch (err) {
      throw new ScaleproofError(`load.tls.ca: cannot read ${load.tls.ca}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, ExitCode.badInput);
    }
  }
  return { ...(ca ? { ca } : {}), insecure: load.tls.insecure, ...(load.tls.servername ? { servername: load.tls.servername } : {}) };
}

function combine(results: ShardResult[]): ShardResult {
  const stages: StageCounts[] = results[0].stages.map(() => ({ planned: 0, sent: 0, dropped: 0 }));
  for (const r of results) r.stages.forEach((s, i) => ((stages[i].planned += s.planned), (stages[i].sent += s.sent), (stages[i].dropped += s.dropped)));
  return {
    planned: results.reduce((n, r) => n + r.planned, 0),
    sent: results.reduce((n, r) => n + r.sent, 0),
    dropped: results.reduce((n, r) => n + r.dropped, 0),
    connects: results.reduce((n, r) => n + r.connects, 0),
    endMono: Math.max(...results.map((r) => r.endMono)),
    stoppedEarly: results.some((r) => r.stoppedEarly),
    stages,
  };
}

function emptyResult(t: number): LoadRunResult {
  return { startT: t, endT: t, planned: 0, sent: 0, dropped: 0, stoppedEarly: true, stages: [], connections: 0 };
}

/**
 * `startT` is the plan origin (stage 0 starts, window 0 begins): the first open-model arrival is
 * half an inter-arrival interval after it (see plan.ts).
 */
function summary(result: ShardResult, plan: LoadPlan, originT: number, opts: LoadEngineOptions): LoadRunResult {
  const endT = result.endMono - opts.runStartMono;
  const stages: StageResult[] = plan.stages.map((s, i) => {
    const c = result.stages[i];
    const ranMs = Math.max(0, Math.min(s.durationMs, endT - originT - s.startMs));
    const perSec = (n: number) => (ranMs > 0 ? (n * 1000) / ranMs : null);
    return { index: s.index, ...(s.name === undefined ? {} : { name: s.name }), planned: c.planned, sent: c.sent, dropped: c.dropped, plannedRate: perSec(c.planned), achievedRate: perSec(c.sent) };
  });
  return { startT: originT, endT, planned: result.planned, sent: result.sent, dropped: result.dropped, stoppedEarly: result.stoppedEarly, stages, connections: result.connects };
}

/** Writes each stage record once, when the scheduler first reaches the stage's start. */

/**
 * Notes a run writes after the load (NoteRecord messages): one warning per stage whose achieved
 * rate fell below `minShare` of plan (the generator or the in-flight cap fell short), else none.
 */
export function achievedRateNotes(result: LoadRunResult, minShare = 0.99): string[] {
  const notes: string[] = [];
  for (const s of result.stages ?? []) {
    if (s.planned < 100 || s.sent >= s.planned * minShare) continue;
    const label = s.name ? `stage ${s.index + 1} (${s.name})` : `stage ${s.index + 1}`;
    const rate = s.plannedRate !== null && s.achievedRate !== null ? `: ${s.achievedRate.toFixed(1)} of ${s.plannedRate.toFixed(1)} req/s` : '';
    notes.push(`${label} sent ${s.sent} of ${s.planned} planned arrivals (${((100 * s.sent) / s.planned).toFixed(2)} %)${rate}; ${s.dropped} dropped`);
  }
  return notes;
}
