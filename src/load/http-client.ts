/**
 * The HTTP side of the engine: undici `RoundRobinPool.dispatch()` with one small handler object
 * per request (no promise, no body stream). RoundRobinPool spreads requests over every
 * connection, where `Pool` would put nearly all of them on the first few and starve new
 * replicas behind an L4 balancer. Connections are pre-opened by `warmUp`.
 *
 * Each request has a deadline of its own (a timer from the dispatch), so a request stuck in the
 * pool queue or on a dead socket still completes as `timeout` on time. Bodies are discarded,
 * redirects are not followed. `clientTtl` is not used: it hangs requests on 7.30.2 (undici#5144).
 */
import { RoundRobinPool, type Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import { classifyError, classifyStatus, type Outcome } from './outcome.js';
import type { PreparedRequest } from './request-options.js';

export interface HttpClientOptions {
  /** Scheme, host and port of the target. */
  origin: string;
  /** Connections kept open (the pool never opens more). */
  connections: number;
  clock: Clock;
}

/** Marks a request this client gave up on. */
class DeadlineError extends Error {
  readonly code = 'SCALEPROOF_DEADLINE';
}

/** Sends requests; the models only see this interface, so tests and later engines can swap it. */
export interface Sender {
  /** Dispatches now; `done` is called exactly once. */
  send(req: PreparedRequest, done: (outcome: Outcome) => void): void;
  readonly inFlight: number;
}

export class HttpClient implements Sender {
  readonly #pool: RoundRobinPool;
  readonly #clock: Clock;
  #inFlight = 0;

  constructor(options: HttpClientOptions) {
    this.#clock = options.clock;
    this.#pool = new RoundRobinPool(options.origin, {
      connections: options.connections,
      pipelining: 1,
      connectTimeout: 10_000,
    });
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Connections open or opening, from undici's pool stats. */
  get connected(): number {
    return this.#pool.stats.connected;
  }

  send(req: PreparedRequest, done: (outcome: Outcome) => void): void {
    this.#inFlight++;
    const handler = new RequestHandler(this.#clock, req.timeoutMs, (o) => {
      this.#inFlight--;
      done(o);
    });
    this.#pool.dispatch(req.dispatch, handler);
  }

  /**
   * Opens the pool's connections before the load: `count` concurrent GETs of `req`'s path,
   * unrecorded. Resolves when all completed (any status) or `timeoutMs` passed.
   */
  async warmUp(req: PreparedRequest, count: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const warm: PreparedRequest = { ...req, timeoutMs, dispatch: { ...req.dispatch, method: 'GET', body: null } };
    const all = Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve) => this.send(warm, () => resolve()))));
    const aborted = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    await Promise.race([all, aborted]);
  }

  /**
   * Graceful close within `timeoutMs`, then destroy: a wedged request must not hang the run.
   * Requests still in flight (the drain gave up on them) are cut at once.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.#inFlight > 0) return void (await this.#pool.destroy().catch(() => {}));
    const timer = new AbortController();
    const closed = this.#pool.close().then(
      () => true,
      () => false,
    );
    const timedOut = this.#clock.sleep(timeoutMs, timer.signal).then(
      () => false,
      () => false,
    );
    const ok = await Promise.race([closed, timedOut]);
    timer.abort();
    if (!ok) await this.#pool.destroy().catch(() => {});
  }
}

/** One request in flight: status, completion, and the deadline. */
class RequestHandler implements Dispatcher.DispatchHandler {
  readonly #clock: Clock;
  readonly #done: (o: Outcome) => void;
  readonly #timer: NodeJS.Timeout;
  #controller: Dispatcher.DispatchController | null = null;
  #status = 0;
  #finished = false;

  constructor(clock: Clock, timeoutMs: number, done: (o: Outcome) => void) {
    this.#clock = clock;
    this.#done = done;
    this.#timer = setTimeout(() => this.#deadline(), timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // The deadline passed while the request waited in the pool queue: do not send it late.
    if (this.#finished) controller.abort(new DeadlineError('deadline passed before sending'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.#status = statusCode;
  }

  onResponseData(): void {
    // Bodies are read off the socket and discarded.
  }

  onResponseEnd(): void {
    this.#finish({ cls: classifyStatus(this.#status), status: this.#status, endMono: this.#clock.now() });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    this.#finish({ cls: classifyError(err), status: 0, endMono: this.#clock.now() });
  }

  #deadline(): void {
    if (this.#finished) return;
    this.#finish({ cls: 'timeout', status: 0, endMono: this.#clock.now() });
    this.#controller?.abort(new DeadlineError('request deadline'));
  }

  #finish(outcome: Outcome): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    this.#done(outcome);
  }
}
