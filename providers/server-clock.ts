/**
 * The platform's clock, as every provider learns it: from the HTTP `Date` header of the answers
 * its real SDK transport already gets (no extra call). One instance per provider; each SDK's
 * hook (AWS middleware, Azure pipeline policy, a fetch wrapper) feeds `observe`.
 *
 * Conversion uses a SNAPSHOT of the estimate, taken when the poller asks for it before a read
 * (`forRead`): every platform time converted during that read used exactly the estimate the
 * poller widens those times by. Before the first snapshot the live estimate is used.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type * as Grpc from '@grpc/grpc-js';
import type { Clock } from '../src/clock.js';
import type { PlatformClock } from '../src/provider.js';
import { fromPlatformClock, ServerClockEstimator } from '../src/run/server-clock.js';

export class PlatformServerClock {
  readonly #estimator = new ServerClockEstimator();
  #snapshot: PlatformClock | null = null;

  constructor(
    readonly clock: Clock,
    /** Names the estimate in the timeline, e.g. `http-date:aws-ecs`. */
    readonly source: string,
  ) {}

  /** One answer: when we sent it, when it came back (our wall clock) and its `Date` header. */
  observe(sentWall: number, receivedWall: number, dateHeader: string | null | undefined): void {
    if (!dateHeader) return;
    const serverMs = Date.parse(dateHeader);
    if (!Number.isFinite(serverMs)) return;
    this.#estimator.observe({ sentWall, receivedWall, serverMs, resolutionMs: 1000 });
  }

  /** Times one call of `send` and observes the `Date` header `dateOf` finds in its answer. */
  async timed<T>(send: () => Promise<T>, dateOf: (answer: T) => string | null | undefined): Promise<T> {
    const sent = this.clock.wallNow();
    const answer = await send();
    this.observe(sent, this.clock.wallNow(), dateOf(answer));
    return answer;
  }

  /** The live estimate, or null before any answer carried a `Date`. */
  current(): PlatformClock | null {
    const e = this.#estimator.estimate();
    return e ? { ...e, source: this.source } : null;
  }

  /** Takes the snapshot platform times are converted with until the next call (HasServerClock). */
  forRead(): PlatformClock | null {
    this.#snapshot = this.current();
    return this.#snapshot;
  }

  /** A platform-stamped epoch ms on our clock (mark what it stamps `platformStamped: true`). */
  toOurs(platformMs: number): number {
    return fromPlatformClock(platformMs, this.#snapshot ?? this.current());
  }

  /** Our time on the platform's clock: for the time windows a query asks for (they are read on its clock). */
  toPlatform(ourMs: number): number {
    const e = this.#snapshot ?? this.current();
    return e ? ourMs + e.offsetMs : ourMs;
  }

  /** The same for a Date (undefined and invalid dates pass through). */
  dateToOurs<D extends Date | undefined>(d: D): D {
    if (!(d instanceof Date) || !Number.isFinite(d.getTime())) return d;
    return new Date(this.toOurs(d.getTime())) as D;
  }
}

/** The smallest part of an AWS SDK v3 client this needs. */
interface AwsClientLike {
  // Each client's stack is typed by its own inputs and outputs; these middlewares touch neither.
  middlewareStack: { add(...args: any[]): void };
}

/** Every Date in a parsed answer, converted to our clock (a new object; `$metadata` left alone). */
export function datesToOurs<T>(value: T, sc: PlatformServerClock): T {
  if (value instanceof Date) return sc.dateToOurs(value);
  if (Array.isArray(value)) return value.map((v) => datesToOurs(v, sc)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === '$metadata' ? v : datesToOurs(v, sc);
    return out as T;
  }
  return value;
}

/**
 * AWS SDK v3: a deserialize-step middleware sees each HTTP attempt (inside the retry loop, after
 * signing) and its raw response, whose `date` header it observes; an initialize-step one (the
 * outermost) converts every Date of the parsed answer to our clock: in these APIs each is a time
 * the platform stamped (task startedAt, event createdAt, activity StartTime, metric Timestamps).
 */
export function observeAwsDates(client: AwsClientLike, sc: PlatformServerClock): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const out = await next(args);
      return out && typeof out === 'object' && 'output' in out ? { ...out, output: datesToOurs(out.output, sc) } : out;
    },
    { step: 'initialize', name: 'scaleproofPlatformDates' },
  );
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const sent = sc.clock.wallNow();
      const out = await next(args);
      const headers = (out as { response?: { headers?: Record<string, string | undefined> } })?.response?.headers;
      sc.observe(sent, sc.clock.wallNow(), headers?.date ?? headers?.Date);
      return out;
    },
    { step: 'deserialize', name: 'scaleproofServerClock' },
  );
}

/**
 * A send-time ledger for SDKs whose hooks see a request and its answer apart (no way to pair
 * them): an answer is credited with the OLDEST request still open, never later than its own
 * (so the interval is only ever wider, never wrong), and the newest open entry is retired.
 */
export class OpenRequests {
  #sent: number[] = [];
  open(wall: number): void {
    this.#sent.push(wall);
  }
  /** The send time to credit an answer with (undefined when none was open). */
  close(): number | undefined {
    if (this.#sent.length === 0) return undefined;
    const oldest = Math.min(...this.#sent);
    this.#sent.splice(this.#sent.indexOf(Math.max(...this.#sent)), 1);
    return oldest;
  }
}

/**
 * @kubernetes/client-node 1.x: a promise middleware for `createConfiguration` that observes
 * each answer's `date` header (its ResponseContext headers are lower-case).
 */
export function kubernetesDateMiddleware<Req, Res extends { headers: Record<string, string> }>(sc: PlatformServerClock): { pre(c: Req): Promise<Req>; post(c: Res): Promise<Res> } {
  const open = new OpenRequests();
  return {
    pre: async (c) => {
      open.open(sc.clock.wallNow());
      return c;
    },
    post: async (c) => {
      const sent = open.close();
      if (sent !== undefined) sc.observe(sent, sc.clock.wallNow(), c.headers.date);
      return c;
    },
  };
}

/** Azure core-rest-pipeline: a per-retry policy that observes each answer's `date` header. */
export function azureDatePolicy(sc: PlatformServerClock): PipelinePolicy {
  return {
    name: 'scaleproofServerClock',
    sendRequest: async (request, next) => {
      const sent = sc.clock.wallNow();
      const response = await next(request);
      sc.observe(sent, sc.clock.wallNow(), response.headers.get('date'));
      return response;
    },
  };
}

/**
 * gRPC (google-gax clients over @grpc/grpc-js): client options that add, to every call, an
 * interceptor observing the `date` header of the answer's initial metadata. google-gax passes
 * `grpc.callInvocationTransformer` to the grpc-js client without its prefix; the transformer
 * adds the interceptor to each call's options. (grpc-js is passed in: only Cloud Run loads it.)
 */
export function grpcDateOptions(sc: PlatformServerClock, grpc: typeof Grpc): Record<string, unknown> {
  const interceptor: Grpc.Interceptor = (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        const sent = sc.clock.wallNow();
        next(metadata, {
          onReceiveMetadata(md, nextMd) {
            const date = md.get('date')[0];
            sc.observe(sent, sc.clock.wallNow(), typeof date === 'string' ? date : date?.toString());
            nextMd(md);
          },
        });
        void listener;
      },
    });
  const transform = (props: Grpc.CallProperties<unknown, unknown>): Grpc.CallProperties<unknown, unknown> => ({
    ...props,
    callOptions: { ...props.callOptions, interceptors: [...(props.callOptions.interceptors ?? []), interceptor] },
  });
  return { 'grpc.callInvocationTransformer': transform };
}
