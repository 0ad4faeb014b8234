/**
 * The HTTP side of the engine: N undici `Client`s (one connection each, `pipelining` requests
 * deep), used in strict round-robin, with `dispatch()` and one small handler object per request
 * (no promise, no body stream). undici's `Pool` would put nearly all requests on the first few
 * connections and starve new replicas behind an L4 balancer; here every connection carries its
 * share, and connections are ROTATED so replicas added during the run get traffic:
 *
 *   - by count: undici's `maxRequestsPerClient` sends `connection: close` on the Nth request of a socket;
 *   - by age: the first request after `maxAgeMs` on a socket goes with `reset: true` (same effect).
 *
 * A closed connection reopens on its next request. `clientTtl` is not used: it hangs requests on
 * 7.30.2 (undici#5144). Connections are pre-opened before the load by `preOpen`, a few at a time
 * and without any request (see spare-sockets.ts), so opening them cannot trigger a scale-up.
 *
 * Each request has a deadline of its own (checked by a sweep every 10 ms), so a request stuck
 * in a queue or on a dead socket still completes as `timeout` on time. Bodies are discarded unless a
 * check needs them (then kept up to `bodyLimit` bytes). Redirects are followed only when asked
 * (`maxRedirections`) and only within the target's origin (redirect.ts).
 */
import { Client, type Dispatcher } from 'undici';
import type { Clock } from '../clock.js';
import { classifyError, classifyStatus, type Outcome } from './outcome.js';
import { nextHop } from './redirect.js';
import type { PreparedRequest } from './request-options.js';
import { SpareSockets } from './spare-sockets.js';

export interface TlsOptions {
  /** PEM of a CA to trust. */
  ca?: string;
  insecure?: boolean;
  servername?: string;
}

export interface HttpClientOptions {
  /** Scheme, host and port of the target. */
  origin: string;
  /** Connections kept open (one undici Client each). */
  connections: number;
  clock: Clock;
  pipelining?: number;
  /** Close a connection after this many requests (0: never). */
  maxRequests?: number;
  /** Close a connection this long after it opened (0: never). */
  maxAgeMs?: number;
  connectTimeoutMs?: number;
  http2?: boolean;
  tls?: TlsOptions;
  /** Redirects followed per request, within the origin only (0: none, a 3xx is the answer). */
  maxRedirections?: number;
}

/** How often in-flight requests are checked against their deadlines. */
const SWEEP_MS = 10;

/** Marks a request this client gave up on. */
class DeadlineError extends Error {
  readonly code = 'SCALEPROOF_DEADLINE';
}

/** Sends requests; the models only see this interface, so tests and later engines can swap it. */
export interface Sender {
  /** Dispatches now; `done` is called exactly once. `seq` is the global arrival number (templates). */
  send(req: PreparedRequest, done: (outcome: Outcome) => void, seq?: number): void;
  readonly inFlight: number;
}

interface Connection {
  client: Client;
  inFlight: number;
  /** Clock value when the current socket connected; null while not connected. */
  openedAt: number | null;
  /** An age rotation was requested on the current socket. */
  rotating: boolean;
}

export class HttpClient implements Sender {
  readonly #clock: Clock;
  readonly #conns: Connection[];
  readonly #pipelining: number;
  readonly #maxAgeMs: number;
  readonly #resetEach: boolean;
  readonly #origin: string;
  readonly #maxRedirections: number;
  readonly #live = new Set<RequestHandler>();
  readonly #spares: SpareSockets;
  #sweeper: NodeJS.Timeout | null = null;
  #cursor = 0;
  #inFlight = 0;
  #connects = 0;

  constructor(options: HttpClientOptions) {
    this.#clock = options.clock;
    this.#pipelining = options.pipelining ?? 1;
    this.#maxAgeMs = options.maxAgeMs ?? 0;
    this.#resetEach = options.maxRequests === 1;
    this.#origin = new URL(options.origin).origin;
    this.#maxRedirections = options.maxRedirections ?? 0;
    const tls = options.tls ?? {};
    this.#spares = new SpareSockets({
      origin: options.origin,
      clock: options.clock,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      http2: options.http2 ?? false,
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.servername ? { servername: tls.servername } : {}),
      rejectUnauthorized: !tls.insecure,
    });
    this.#conns = Array.from({ length: Math.max(1, options.connections) }, (_, slot) => {
      const client = new Client(options.origin, {
        pipelining: this.#pipelining,
        // undici closes after request maxRequestsPerClient + 1 of a socket; 1 request per socket is `reset` on each.
        ...(options.maxRequests && options.maxRequests > 1 ? { maxRequestsPerClient: options.maxRequests - 1 } : {}),
        allowH2: options.http2 ?? false,
        // TLS settings and the connect timeout live in the connector, which also hands over the pre-opened socket.
        connect: this.#spares.connectorFor(slot),
      });
      const conn: Connection = { client, inFlight: 0, openedAt: null, rotating: false };
      client.on('connect', () => {
        conn.openedAt = this.#clock.now();
        conn.rotating = false;
        this.#connects++;
      });
      client.on('disconnect', () => {
        conn.openedAt = null;
        conn.rotating = false;
      });
      return conn;
    });
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Connections opened so far (rotations included). */
  get connectsTotal(): number {
    return this.#connects;
  }

  /** Connections open now. */
  get connected(): number {
    return this.#conns.filter((c) => c.openedAt !== null).length;
  }

  send(req: PreparedRequest, done: (outcome: Outcome) => void, seq = 0): void {
    this.#sendOn(this.#pick(), req, done, seq);
  }

  /**
   * Opens every connection before the load (TCP and TLS handshakes only, no request), at most
   * `concurrency` at a time. Resolves when all are open or failed, at `timeoutMs`, or on abort.
   */
  async preOpen(concurrency: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < this.#conns.length && !signal.aborted) await this.#spares.open(next++);
    };
    const lanes = Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, this.#conns.length)) }, lane));
    // One bound for the whole pre-open: a slow target must not hold the run for conns/concurrency timeouts.
    const timer = new AbortController();
    const bounded = AbortSignal.any([signal, timer.signal]);
    const over = this.#clock.sleep(timeoutMs, bounded).catch(() => {});
    await Promise.race([lanes, over]);
    timer.abort();
    next = this.#conns.length; // stop the lanes that are still going
  }

  /** Connections opened before the load and not yet used by a request. */
  get preOpened(): number {
    return this.#spares.count;
  }

  /**
   * Graceful close within `timeoutMs`, then destroy: a wedged request must not hang the run.
   * Requests still in flight (the drain gave up on them) are cut at once.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = null;
    this.#spares.destroy();
    const destroyAll = () => Promise.all(this.#conns.map((c) => c.client.destroy().catch(() => {})));
    if (this.#inFlight > 0) return void (await destroyAll());
    const timer = new AbortController();
    const closed = Promise.all(this.#conns.map((c) => c.client.close())).then(
      () => true,
      () => false,
    );
    const timedOut = this.#clock.sleep(timeoutMs, timer.signal).then(
      () => false,
      () => false,
    );
    const ok = await Promise.race([closed, timedOut]);
    timer.abort();
    if (!ok) await destroyAll();
  }

  /** The next connection in round-robin order with room in its pipeline, else the next one (it queues). */
  #pick(): Connection {
    const n = this.#conns.length;
    const start = this.#cursor;
    for (let i = 0; i < n; i++) {
      const idx = (start + i) % n;
      if (this.#conns[idx].inFlight < this.#pipelining) {
        this.#cursor = (idx + 1) % n;
        return this.#conns[idx];
      }
    }
    this.#cursor = (start + 1) % n;
    return this.#conns[start];
  }

  #sendOn(conn: Connection, req: PreparedRequest, done: (outcome: Outcome) => void, seq: number): void {
    this.#inFlight++;
    conn.inFlight++;
    let opts = req.render ? req.render(seq) : req.dispatch;
    if (this.#resetEach) opts = { ...opts, reset: true };
    else if (this.#maxAgeMs > 0 && !conn.rotating && conn.openedAt !== null && this.#clock.now() - conn.openedAt >= this.#maxAgeMs) {
      conn.rotating = true;
      opts = { ...opts, reset: true };
    }
    const handler = new RequestHandler(this.#clock, req, (o) => {
      this.#live.delete(handler);
      this.#inFlight--;
      conn.inFlight--;
      done(o);
    });
    if (this.#maxRedirections > 0) handler.follow = { left: this.#maxRedirections, origin: this.#origin, current: opts, dispatch: (next) => this.#dispatch(conn, next, handler) };
    this.#live.add(handler);
    this.#sweepSoon();
    this.#dispatch(conn, opts, handler);
  }

  #dispatch(conn: Connection, opts: Dispatcher.DispatchOptions, handler: RequestHandler): void {
    try {
      conn.client.dispatch(opts, handler as unknown as Dispatcher.DispatchHandler);
    } catch (err) {
      handler.onError(err as Error);
    }
  }

  /**
   * Deadlines: one sweep every SWEEP_MS over the requests in flight instead of a timer per
   * request (a timer per request costs more CPU than the rest of the engine's bookkeeping).
   * A deadline fires up to SWEEP_MS late.
   */
  #sweepSoon(): void {
    if (this.#sweeper) return;
    this.#sweeper = setInterval(() => {
      const now = this.#clock.now();
      for (const h of this.#live) if (h.deadline <= now) h.expire(now);
      if (this.#live.size === 0 && this.#sweeper) {
        clearInterval(this.#sweeper);
        this.#sweeper = null;
      }
    }, SWEEP_MS);
  }
}

/**
 * One request in flight: status, body (only for checks), completion. It implements undici's
 * core handler methods (onConnect/onHeaders/onData/onComplete/onError) directly: the newer
 * onRequestStart… API is wrapped by undici in an adapter that also parses every response's
 * headers into an object, a cost per request that a load generator does not need.
 */
class RequestHandler {
  /** Set when redirects are followed: hops left, the target origin, the request as last sent. */
  follow: { left: number; origin: string; current: Dispatcher.DispatchOptions; dispatch(next: Dispatcher.DispatchOptions): void } | null = null;
  /** The next hop of a redirect being followed (its 3xx body is discarded). */
  #hop: Dispatcher.DispatchOptions | null = null;
  readonly #req: PreparedRequest;
  readonly #clock: Clock;
  readonly #done: (o: Outcome) => void;
  /** Clock value after which the deadline sweep fails the request. */
  readonly deadline: number;
  #abort: ((err: Error) => void) | null = null;
  #status = 0;
  finished = false;
  #chunks: Buffer[] | null = null;
  #bytes = 0;
  #truncated = false;

  constructor(clock: Clock, req: PreparedRequest, done: (o: Outcome) => void) {
    this.#clock = clock;
    this.#req = req;
    this.#done = done;
    this.deadline = clock.now() + req.timeoutMs;
  }

  onConnect(abort: (err: Error) => void): void {
    this.#abort = abort;
    // The deadline passed while the request waited in the queue: do not send it late.
    if (this.finished) abort(new DeadlineError('deadline passed before sending'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.#status = statusCode;
    this.#hop = this.follow && this.follow.left > 0 ? nextHop(this.follow.current, this.follow.origin, statusCode, rawHeaders) : null;
    if (this.#req.readBody && !this.#hop) this.#chunks = [];
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (!this.#chunks) return true; // discarded
    const room = this.#req.bodyLimit - this.#bytes;
    if (chunk.length > room) this.#truncated = true;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.#chunks.push(part);
      this.#bytes += part.length;
    }
    return true;
  }

  onComplete(): void {
    if (this.#hop && this.follow && !this.finished) {
      // Same request, same deadline, one hop further.
      this.follow.left--;
      this.follow.current = this.#hop;
      this.#hop = null;
      return this.follow.dispatch(this.follow.current);
    }
    const status = this.#status;
    let checkFailed = false;
    if (this.#req.check) {
      const body = this.#chunks ? Buffer.concat(this.#chunks, this.#bytes) : null;
      checkFailed = !this.#req.check(status, body, this.#truncated);
    }
    this.#chunks = null;
    this.#finish({ cls: classifyStatus(status), status, endMono: this.#clock.now(), checkFailed });
  }

  onError(err: Error): void {
    this.#chunks = null;
    this.#finish({ cls: classifyError(err), status: 0, endMono: this.#clock.now(), checkFailed: false });
  }

  onUpgrade(): void {
    this.onError(new Error('unexpected upgrade'));
  }

  /** Called by the deadline sweep. */
  expire(now: number): void {
    if (this.finished) return;
    this.#finish({ cls: 'timeout', status: 0, endMono: now, checkFailed: false });
    this.#abort?.(new DeadlineError('request deadline'));
  }

  #finish(outcome: Outcome): void {
    if (this.finished) return;
    this.finished = true;
    this.#done(outcome);
  }
}
