/**
 * One shard of the load: its own connections, its share of the arrivals (or users), its own
 * window accumulator. The engine runs one shard in the main thread, or one per worker thread
 * (load-worker.ts); either way the shard does the same steps:
 *
 *   preOpen (paced)  →  warm-up (unrecorded, at the start level)  →  plan  →  drain  →  close
 *                                                                   ^ originMono: window 0
 */
import type { Clock } from '../clock.js';
import type { LoadSpec } from '../profile/schema.js';
import { runClosedModel } from './closed-model.js';
import { HttpClient, type TlsOptions } from './http-client.js';
import { NO_EVENTS, pause, type ModelContext, type ModelResult } from './model-context.js';
import { runOpenModel } from './open-model.js';
import { buildPlan, shareOf, type LoadPlan } from './plan.js';
import { RequestMix } from './request-mix.js';
import { UserSetup } from './scenario/user-setup.js';
import { prepareRequests, type PreparedRequest } from './request-options.js';
import { WindowAccumulator, type WindowPart } from './window-parts.js';
import { loadRecordKeys } from './window-recorder.js';

/** Everything a shard needs; structured-clone safe (it crosses to worker threads). */
export interface ShardSpec {
  load: LoadSpec;
  baseUrl: string;
  shard: number;
  shards: number;
  env: Record<string, string | undefined>;
  /** Values captured by the setup requests. */
  vars: Record<string, string>;
  /** TLS settings with the CA already read. */
  tls?: TlsOptions;
}

export interface ShardRunOptions {
  /** Clock value of the plan's t = 0 (the warm-up, if any, runs just before it). */
  originMono: number;
  drainMs: number;
  stop: AbortSignal;
  /** Encode histograms in the parts (worker threads). */
  encode: boolean;
  emitPart(part: WindowPart): void;
  /** Every scheduler wake-up (the in-thread engine announces stages here). */
  onTick?(sinceOriginMs: number): void;
}

export interface ShardResult extends ModelResult {
  /** Connections opened (rotations included). */
  connects: number;
}

const DRAIN_POLL_MS = 5;
const PREOPEN_LIMIT_MS = 5000;

export class Shard {
  readonly plan: LoadPlan;
  readonly requests: PreparedRequest[];
  readonly #spec: ShardSpec;
  readonly #clock: Clock;
  readonly #client: HttpClient;

  constructor(spec: ShardSpec, clock: Clock) {
    const { load } = spec;
    this.#spec = spec;
    this.#clock = clock;
    this.plan = buildPlan(load);
    this.requests = prepareRequests(spec.baseUrl, load, { env: spec.env, vars: spec.vars });
    // Closed model: enough connections for every user, `pipelining` users sharing one.
    const connections = load.model === 'open' ? load.connections : Math.max(1, Math.ceil(this.plan.peak / load.pipelining));
    this.#client = new HttpClient({
      origin: this.requests[0].origin,
      connections: shareOf(connections, spec.shard, spec.shards),
      clock,
      pipelining: load.pipelining,
      maxRequests: load.rotate.max_requests,
      maxAgeMs: load.rotate.max_age,
      connectTimeoutMs: load.connect_timeout,
      http2: load.http2,
      maxRedirections: load.max_redirects,
      ...(spec.tls ? { tls: spec.tls } : {}),
    });
  }

  get inFlight(): number {
    return this.#client.inFlight;
  }

  /** Opens this shard's connections, `concurrency` at a time (open model; the closed model's users open their own). */
  async preOpen(concurrency: number, signal: AbortSignal): Promise<void> {
    if (this.#spec.load.model !== 'open' || signal.aborted) return;
    await this.#client.preOpen(concurrency, Math.min(PREOPEN_LIMIT_MS, this.#spec.load.connect_timeout), signal);
  }

  async run(opts: ShardRunOptions): Promise<ShardResult> {
    const { load, shard, shards } = this.#spec;
    const clock = this.#clock;
    const keys = loadRecordKeys(load);
    const acc = new WindowAccumulator({ clock, originMono: opts.originMono, windowMs: load.window, keyCount: keys.names.length, keysOf: keys.keysOf, encode: opts.encode, emitPart: opts.emitPart });
    const mix = new RequestMix(this.requests);
    const userSetup = load.setup?.per === 'user' ? new UserSetup(this.#spec.baseUrl, load, this.#spec.env) : undefined;
    const base = { clock, requests: this.requests, mix, sender: this.#client, stop: opts.stop, shard, shards, ...(userSetup ? { userSetup } : {}) };
    let seqOffset = 0;
    if (load.warmup > 0 && !opts.stop.aborted) {
      const warmPlan = buildPlan({ model: load.model, start: load.start, stages: [{ duration: load.warmup, rate: load.start, vus: load.start }] });
      await this.#model({ ...base, plan: warmPlan, originMono: opts.originMono - load.warmup, recorder: NO_EVENTS, onTick: () => {} });
      seqOffset = warmPlan.totalArrivals;
    }
    const onTick = (elapsed: number) => {
      opts.onTick?.(elapsed);
      acc.tick();
    };
    const result = await this.#model({ ...base, plan: this.plan, originMono: opts.originMono, recorder: acc, onTick, seqOffset });
    const deadline = clock.now() + opts.drainMs;
    while (this.#client.inFlight > 0 && clock.now() < deadline) {
      await pause(clock, Math.min(DRAIN_POLL_MS, deadline - clock.now()), new AbortController().signal);
      onTick(clock.now() - opts.originMono);
    }
    acc.close();
    return { ...result, connects: this.#client.connectsTotal };
  }

  close(timeoutMs: number): Promise<void> {
    return this.#client.close(timeoutMs);
  }

  #model(ctx: ModelContext): Promise<ModelResult> {
    const { load, shard, shards } = this.#spec;
    if (load.model === 'open') return runOpenModel(ctx, { maxInFlight: shareOf(load.max_in_flight, shard, shards) });
    return runClosedModel(ctx, { thinkTimeMs: load.think_time });
  }
}
