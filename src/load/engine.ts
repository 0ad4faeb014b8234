/**
 * The load engine: validates the requests, pre-opens the connections, runs the open or closed
 * model over the plan, announces each stage as it starts, emits load windows as they close,
 * and on the end of the plan (or the abort signal) stops arrivals at once, lets in-flight
 * requests finish for up to `drainMs`, flushes the final partial window and writes the
 * `load-end` stage marker.
 *
 *   warm-up (unrecorded) | stage 0 | stage 1 | … | drain | final window
 *                        ^ origin: plan t = 0, window 0 starts here
 */
import type { Clock } from '../clock.js';
import type { StageRecord } from '../timeline/types.js';
import { runClosedModel } from './closed-model.js';
import { HttpClient } from './http-client.js';
import type { ModelContext, ModelResult } from './model-context.js';
import { runOpenModel } from './open-model.js';
import { buildPlan, levelAt, vusAt, type LoadPlan } from './plan.js';
import { RequestMix } from './request-mix.js';
import { prepareRequests } from './request-options.js';
import type { LoadEngine, LoadEngineOptions, LoadRunResult } from './types.js';
import { WindowRecorder } from './window-recorder.js';

/** Name of the stage record written when the load stops (the analysis looks for it). */
export const LOAD_END_MARKER = 'load-end';
const WARM_UP_LIMIT_MS = 5000;
const CLOSE_TIMEOUT_MS = 1000;
const DRAIN_POLL_MS = 5;

export const runLoad: LoadEngine = async (opts) => {
  const { load, clock } = opts;
  const plan = buildPlan(load);
  const requests = prepareRequests(opts.baseUrl, load);
  const open = load.model === 'open';
  const client = new HttpClient({ origin: requests[0].origin, connections: open ? load.connections : Math.max(1, plan.peak), clock });
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal.reason);
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) onAbort();
  try {
    if (open && !stop.signal.aborted) {
      const warm = requests.find((r) => r.weight > 0) ?? requests[0];
      await client.warmUp(warm, load.connections, Math.min(WARM_UP_LIMIT_MS, warm.timeoutMs), stop.signal);
    }
    const originMono = clock.now();
    const recorder = new WindowRecorder({
      clock,
      runStartMono: opts.runStartMono,
      originMono,
      windowMs: load.window,
      names: requests.map((r) => r.name),
      ...(open ? {} : { plannedLevel: (t: number) => (t >= plan.durationMs ? 0 : vusAt(plan, t)) }),
      emit: opts.onWindows,
    });
    const stages = new StageAnnouncer(plan, originMono - opts.runStartMono, opts.onStage);
    const ctx: ModelContext = {
      plan,
      clock,
      originMono,
      requests,
      mix: new RequestMix(requests),
      sender: client,
      recorder,
      stop: stop.signal,
      onTick: (elapsed) => {
        stages.upTo(elapsed);
        recorder.tick();
      },
    };
    const result: ModelResult = open ? await runOpenModel(ctx, { maxInFlight: load.max_in_flight }) : await runClosedModel(ctx, { thinkTimeMs: load.think_time });
    stages.end(result.endMono - opts.runStartMono, levelAt(plan, result.endMono - originMono));
    await drain(clock, client, recorder, opts.drainMs ?? Math.max(...requests.map((r) => r.timeoutMs)));
    recorder.close();
    return summary(result, originMono, opts);
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    await client.close(CLOSE_TIMEOUT_MS);
  }
};

/** Waits for in-flight requests up to `drainMs`, closing windows meanwhile. */
async function drain(clock: Clock, client: HttpClient, recorder: WindowRecorder, drainMs: number): Promise<void> {
  const deadline = clock.now() + drainMs;
  while (client.inFlight > 0 && clock.now() < deadline) {
    await clock.sleep(Math.min(DRAIN_POLL_MS, deadline - clock.now()));
    recorder.tick();
  }
}

/**
 * `startT` is the plan origin (stage 0 starts, window 0 begins): the first open-model arrival is
 * half an inter-arrival interval after it (see plan.ts).
 */
function summary(result: ModelResult, originMono: number, opts: LoadEngineOptions): LoadRunResult {
  return {
    startT: originMono - opts.runStartMono,
    endT: result.endMono - opts.runStartMono,
    planned: result.planned,
    sent: result.sent,
    dropped: result.dropped,
    stoppedEarly: result.stoppedEarly,
  };
}

/** Writes each stage record once, when the scheduler first reaches the stage's start. */
class StageAnnouncer {
  readonly #plan: LoadPlan;
  readonly #originT: number;
  readonly #onStage: (s: StageRecord) => void;
  #next = 0;

  constructor(plan: LoadPlan, originT: number, onStage: (s: StageRecord) => void) {
    this.#plan = plan;
    this.#originT = originT;
    this.#onStage = onStage;
  }

  upTo(elapsedMs: number): void {
    const stages = this.#plan.stages;
    while (this.#next < stages.length && stages[this.#next].startMs <= elapsedMs) {
      const s = stages[this.#next++];
      this.#onStage({ kind: 'stage', t: this.#originT + s.startMs, index: s.index, ...(s.name === undefined ? {} : { name: s.name }), from: s.from, to: s.to, durationMs: s.durationMs });
    }
  }

  /** The `load-end` marker: the level drops from `level` to 0 at `t`. */
  end(t: number, level: number): void {
    this.#onStage({ kind: 'stage', t, index: this.#plan.stages.length, name: LOAD_END_MARKER, from: level, to: 0, durationMs: 0 });
  }
}
