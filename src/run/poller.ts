/**
 * Reads the platform every poll interval and appends what it says to the timeline.
 *
 * Each read has a deadline (the poll interval, at least MIN_DEADLINE_MS) and runs on its own: the
 * load never waits for it. Within the deadline a failed read is retried with exponential backoff
 * and full jitter (retry.ts); a throttling answer's Retry-After is honoured, across polls if need
 * be. A read that could not be made in time is a GAP: the analysis treats that span as unknown,
 * never as data. Gaps are written as they grow (one record per failed poll, contiguous), so a run
 * killed mid-outage still shows it. Errors no retry can fix (credentials expired, a permission
 * removed mid-run) are gaps too, with a warning: the run goes on and reads resume if they can.
 * Data that stops advancing (a cache, a stuck metric pipeline) is read as a gap as well.
 * Clocks: before each read the provider says which platform clock estimate it converts with
 * (HasServerClock); platform-stamped samples and events are widened by its bound, and the
 * estimate is written as a `clock` record when it settles or moves. A step of this machine's
 * wall clock (against the run's steady one) is written and warned about too.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { ProviderError } from '../errors.js';
import { hasServerClock, type PlatformClock, type PlatformEvent, type PlatformSample, type Provider } from '../provider.js';
import type { EventRecord, SampleRecord, TimelineRecord } from '../timeline/types.js';
import { changedMaterially, widenForClock } from './server-clock.js';
import { DEFAULT_BACKOFF, isRetryable, retryDecision, type BackoffPolicy } from './retry.js';
import { PointPlacements, SeenSet } from './seen-set.js';
import { formatDuration } from '../units.js';

/**
 * A read gets at least this long, however short the poll interval: on a busy machine a local or
 * loopback control API can take a few hundred ms to answer, and an answer that comes is data
 * (stamped with the platform's own time), not a gap. Reads never overlap: a slow one delays the
 * next poll, never the load.
 */
export const MIN_DEADLINE_MS = 1000;
/** Data older than this (plus the provider's metric delay and resolution) at fetch time is stale. */
const MIN_STALE_MS = 10_000;
/** A clock offset (or an uncertainty) above this is warned about: it is larger than most margins. */
export const CLOCK_WARN_MS = 1000;

export interface PollerOptions {
  provider: Provider;
  clock: Clock;
  log: Logger;
  pollIntervalMs: number;
  /** Monotonic clock value at t = 0 and the matching wall time. */
  runStartMono: number;
  startedAtWall: number;
  append(record: TimelineRecord): void;
  /** Randomness for backoff jitter, [0, 1). */
  random?: () => number;
  backoff?: BackoffPolicy;
  /** How late platform data may arrive before it counts as stale (default from the poll interval and metric delay). */
  staleAfterMs?: number;
  /** This machine's wall clock minus the run's steady wall clock (SteadyClock.driftMs): a step shows here. */
  wallDriftMs?: () => number;
}

export interface PollerStats {
  reads: number;
  failures: number;
  retries: number;
  gapRecords: number;
}

export class Poller {
  readonly #o: PollerOptions;
  readonly #seenSamples = new SeenSet();
  readonly #placements = new PointPlacements();
  readonly #seenEvents = new SeenSet();
  readonly #random: () => number;
  readonly #deadlineMs: number;
  #stopped = false;
  #loop: Promise<void> | null = null;
  #abort = new AbortController();
  /** t of the last read that gave fresh data. */
  #lastOkT = 0;
  /** While reads fail: why, and where the part of the gap not yet written starts. */
  #failing: { reason: string; fromT: number } | null = null;
  /** Monotonic time before which the API asked not to be called again (Retry-After). */
  #notBefore = 0;
  #newestAtWall: number | null = null;
  #maxResolutionMs = 0;
  #eventsSinceWall: number;
  #eventsFailing = false;
  readonly #warnedKinds = new Set<string>();
  #successes = 0;
  /** The platform clock estimate of the current read, and the last one written. */
  #clock: PlatformClock | null = null;
  #clockWritten: PlatformClock | null = null;
  #clockWarned = false;
  #wallDriftWritten = 0;
  #firstSample: { resolve: () => void; promise: Promise<void> };
  readonly stats: PollerStats = { reads: 0, failures: 0, retries: 0, gapRecords: 0 };
  latest: SampleRecord | null = null;

  constructor(options: PollerOptions) {
    this.#o = options;
    this.#random = options.random ?? Math.random;
    this.#deadlineMs = Math.max(options.pollIntervalMs, MIN_DEADLINE_MS);
    this.#eventsSinceWall = options.startedAtWall - 60_000;
    let resolve!: () => void;
    this.#firstSample = { resolve: () => resolve(), promise: new Promise<void>((r) => (resolve = r)) };
  }

  start(): void {
    this.#loop = this.#run();
  }

  /** Resolves true after the first successful read, false after `timeoutMs`. */
  async firstRead(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const stop = new AbortController();
    const signals = signal ? [stop.signal, signal] : [stop.signal];
    const timeout = this.#o.clock.sleep(timeoutMs, AbortSignal.any(signals)).then(
      () => false as const,
      () => false as const,
    );
    const ok = await Promise.race([this.#firstSample.promise.then(() => true as const), timeout]);
    stop.abort();
    return ok;
  }

  get successes(): number {
    return this.#successes;
  }

  /** One last read (to catch the end state), then stop. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#abort.abort();
    await this.#loop;
    if (this.#o.clock.now() >= this.#notBefore) await this.#read(new AbortController().signal, Math.max(1000, this.#deadlineMs));
  }

  #t(): number {
    return this.#o.clock.now() - this.#o.runStartMono;
  }

  async #run(): Promise<void> {
    const { clock, pollIntervalMs } = this.#o;
    let next = clock.now();
    while (!this.#stopped) {
      if (clock.now() < this.#notBefore) this.#failed(this.#t(), this.#failing?.reason ?? 'throttled: waiting as the API asked', false);
      else await this.#read(this.#abort.signal, this.#deadlineMs);
      // Absolute schedule: a slow read does not push every later read back.
      next += pollIntervalMs;
      const wait = next - clock.now();
      if (wait < 0) next = clock.now();
      try {
        await clock.sleep(Math.max(0, wait), this.#abort.signal);
      } catch {
        return;
      }
    }
  }

  /** One read of samples and events, retried within `budgetMs`. Never throws. */
  async #read(signal: AbortSignal, budgetMs: number): Promise<void> {
    const { clock } = this.#o;
    const deadline = clock.now() + budgetMs;
    for (let attempt = 0; ; attempt++) {
      const fetchedT = this.#t();
      this.stats.reads++;
      this.#checkClocks(fetchedT);
      try {
        const samples = await this.#withDeadline((s) => this.#o.provider.sample(s), signal, deadline - clock.now());
        this.#accept(samples, fetchedT);
        await this.#readEvents(signal, deadline, fetchedT);
        return;
      } catch (err) {
        if (signal.aborted) return;
        this.stats.failures++;
        const decision = retryDecision(err, attempt, deadline - clock.now(), this.#random, this.#o.backoff ?? DEFAULT_BACKOFF);
        if (!decision.retry) {
          if (decision.notBeforeMs > 0) this.#notBefore = Math.max(this.#notBefore, clock.now() + decision.notBeforeMs);
          this.#failed(this.#t(), describe(err), !isRetryable(err), err);
          return;
        }
        this.stats.retries++;
        try {
          await clock.sleep(decision.waitMs, signal);
        } catch {
          return;
        }
      }
    }
  }

  /** Runs one provider call with its own abort signal, and gives up at the deadline even if the provider ignores the signal. */
  async #withDeadline<T>(call: (signal: AbortSignal) => Promise<T>, outer: AbortSignal, remainingMs: number): Promise<T> {
    const local = new AbortController();
    const signal = AbortSignal.any([outer, local.signal]);
    const name = this.#o.provider.name;
    const timedOut = this.#o.clock.sleep(Math.max(0, remainingMs), signal).then(() => {
      const err = new ProviderError(name, 'unavailable', `no answer within ${formatDuration(Math.max(0, remainingMs))} (timeout)`);
      local.abort(err);
      throw err;
    });
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    const result = call(signal);
    result.catch(() => {});
    timedOut.catch(() => {});
    aborted.catch(() => {});
    try {
      return await Promise.race([result, timedOut, aborted]);
    } finally {
      local.abort();
    }
  }

  async #readEvents(signal: AbortSignal, deadline: number, fetchedT: number): Promise<void> {
    try {
      const events = await this.#withDeadline((s) => this.#o.provider.events(this.#eventsSinceWall, s), signal, deadline - this.#o.clock.now());
      if (!Array.isArray(events)) throw new ProviderError(this.#o.provider.name, 'bad-response', 'events() did not return a list');
      for (const e of events) if (validEvent(e)) this.#appendEvent(e, fetchedT);
      const newest = events.reduce((m, e) => (validEvent(e) ? Math.max(m, e.atWall) : m), 0);
      // Re-read a margin back: platforms publish events with second precision and some lateness.
      if (newest) this.#eventsSinceWall = Math.max(this.#eventsSinceWall, newest - 60_000);
      if (this.#eventsFailing) this.#o.log.info('platform events readable again');
      this.#eventsFailing = false;
    } catch (err) {
      // Samples were read: events are retried next poll from the same point, so none is lost.
      if (signal.aborted) return;
      if (!this.#eventsFailing) this.#o.log.warn(`platform events could not be read (samples were): ${describe(err)}`);
      this.#eventsFailing = true;
    }
  }

  #accept(samples: unknown, fetchedT: number): void {
    const name = this.#o.provider.name;
    if (!Array.isArray(samples)) throw new ProviderError(name, 'bad-response', 'sample() did not return a list');
    const valid = samples.filter(validSample);
    if (valid.length < samples.length) {
      // A partial answer: keep what is usable, and if nothing is, the read failed.
      if (valid.length === 0) throw new ProviderError(name, 'bad-response', `malformed platform data (${samples.length} unusable sample${samples.length === 1 ? '' : 's'})`);
      this.#o.log.debug(`${samples.length - valid.length} malformed sample(s) ignored`);
    }
    const readAt = readStamps(valid);
    for (const s of valid) this.#appendSample(s, fetchedT, readAt.get(s.source));
    const stale = this.#staleness();
    if (stale) {
      this.#failed(this.#t(), stale, false);
      return;
    }
    this.#recovered(fetchedT);
    this.#successes++;
    this.#firstSample.resolve();
  }

  /** Why the data is stale, or null when it is fresh enough. */
  #staleness(): string | null {
    if (this.#newestAtWall === null) return null;
    const ageMs = this.#o.clock.wallNow() - this.#newestAtWall;
    const delay = Number((this.#o.provider as { metricDelayMs?: unknown }).metricDelayMs) || 0;
    const limit = this.#o.staleAfterMs ?? delay + this.#maxResolutionMs + Math.max(MIN_STALE_MS, 3 * this.#o.pollIntervalMs);
    return ageMs > limit ? `stale platform data: no sample newer than ${formatDuration(limit)}` : null;
  }

  /** Takes the provider's clock estimate for this read (writing it when it moved) and checks our own wall clock. */
  #checkClocks(t: number): void {
    const drift = this.#o.wallDriftMs?.();
    if (drift !== undefined && Number.isFinite(drift) && Math.abs(drift - this.#wallDriftWritten) > CLOCK_WARN_MS) {
      this.#wallDriftWritten = drift;
      this.#o.append({ kind: 'clock', t, source: 'local-wall', offsetMs: Math.round(drift), boundMs: 0, observations: 0, step: true });
      const message = `this machine's wall clock stepped by ${formatDuration(Math.abs(drift))} ${drift > 0 ? 'forward' : 'back'} during the run (NTP or a VM resume?): run times follow the monotonic clock and were not moved by it`;
      this.#o.log.warn(message);
      this.#o.append({ kind: 'note', t, level: 'warning', message });
    }
    const p = this.#o.provider;
    if (!hasServerClock(p)) return;
    let c: PlatformClock | null = null;
    try {
      c = p.serverClockForRead();
    } catch {
      c = null;
    }
    if (!c || !Number.isFinite(c.offsetMs) || !(c.boundMs >= 0)) {
      this.#clock = null;
      return;
    }
    this.#clock = c;
    if (!changedMaterially(this.#clockWritten, c)) return;
    const step = this.#clockWritten !== null && c.steps !== this.#clockWritten.steps;
    this.#clockWritten = c;
    this.#o.append({ kind: 'clock', t, source: c.source, offsetMs: Math.round(c.offsetMs), boundMs: Math.ceil(c.boundMs), observations: c.observations, ...(step ? { step: true } : {}) });
    if (step) this.#warn(t, `the platform clock (${c.source}) stepped during the run: its offset is now ${signed(c.offsetMs)} (+-${formatDuration(c.boundMs)}); later platform times are converted with the new offset (a time it stamped before its step may be off by up to the step)`);
    else if (!this.#clockWarned && Math.abs(c.offsetMs) > CLOCK_WARN_MS) {
      this.#clockWarned = true;
      this.#warn(t, `the platform clock (${c.source}) is ${formatDuration(Math.abs(c.offsetMs))} ${c.offsetMs > 0 ? 'ahead of' : 'behind'} this machine's (+-${formatDuration(c.boundMs)}): platform times were converted to this machine's clock`);
    }
  }

  #warn(t: number, message: string): void {
    this.#o.log.warn(message);
    this.#o.append({ kind: 'note', t, level: 'warning', message });
  }

  /** A platform-stamped time is only as good as the clock estimate it was converted with. */
  #widened<T extends { atWall: number; resolutionMs: number; platformStamped?: boolean }>(x: T): T {
    return x.platformStamped && this.#clock ? widenForClock(x, this.#clock.boundMs) : x;
  }

  /** `readAt`: the earliest read-stamped time of the same source in the same answer. */
  #appendSample(raw: PlatformSample, fetchedT: number, readAt: number | undefined): void {
    // The point's identity is the platform's own time: a re-read (or a revision) of it is the same
    // point even when the clock bound it is widened by has narrowed since, so it keeps one place.
    const key = `${raw.source}|${raw.atWall}`;
    const s = this.#placements.place(key, notAfterTheRead(this.#widened(raw), readAt));
    const { atWall, source, resolutionMs, ...values } = s;
    this.#newestAtWall = Math.max(this.#newestAtWall ?? atWall, atWall);
    this.#maxResolutionMs = Math.max(this.#maxResolutionMs, resolutionMs);
    if (this.#seenSamples.has(key, JSON.stringify(values))) return;
    const record: SampleRecord = { kind: 'sample', t: atWall - this.#o.startedAtWall, fetchedT, resolutionMs, source, ...values };
    if (record.desired !== undefined || record.ready !== undefined) this.latest = { ...(this.latest ?? record), ...record };
    this.#o.append(record);
  }

  #appendEvent(raw: PlatformEvent, fetchedT: number): void {
    const key = raw.id ?? `${raw.source}|${raw.atWall}|${raw.message}`;
    if (this.#seenEvents.has(key, '')) return;
    const e = this.#widened(raw);
    const { atWall, ...rest } = e;
    const record: EventRecord = { kind: 'event', t: atWall - this.#o.startedAtWall, fetchedT, ...rest };
    this.#o.append(record);
  }

  /** A poll gave no fresh data: extend the gap to `t`, writing it now so a crash keeps it. */
  #failed(t: number, reason: string, permanent: boolean, err?: unknown): void {
    if (this.#failing === null) {
      this.#o.log.warn(`platform read failed, recording a gap until reads succeed: ${reason}`);
      this.#failing = { reason, fromT: this.#lastOkT };
    }
    if (permanent) this.#warnPermanent(t, err, reason);
    const from = this.#failing.fromT;
    if (t > from) {
      this.#o.append({ kind: 'gap', t: from, untilT: t, reason: this.#failing.reason });
      this.stats.gapRecords++;
    }
    this.#failing = { reason, fromT: Math.max(from, t) };
  }

  #warnPermanent(t: number, err: unknown, reason: string): void {
    const kind = err instanceof ProviderError ? err.kind : 'error';
    if (this.#warnedKinds.has(kind)) return;
    this.#warnedKinds.add(kind);
    const what = kind === 'credentials' ? 'the credentials stopped working (expired?)' : kind === 'access-denied' ? 'access was denied (a permission removed?)' : 'the platform refused the read';
    const message = `mid-run, ${what}: ${reason}. The load goes on; platform data is a gap until reads succeed again`;
    this.#o.log.warn(message);
    this.#o.append({ kind: 'note', t, level: 'warning', message });
  }

  #recovered(t: number): void {
    if (this.#failing !== null) {
      if (t > this.#failing.fromT) {
        this.#o.append({ kind: 'gap', t: this.#failing.fromT, untilT: t, reason: this.#failing.reason });
        this.stats.gapRecords++;
      }
      this.#o.log.info(`platform reads recovered after ${formatDuration(t - this.#lastOkT)}`);
      this.#failing = null;
    }
    this.#lastOkT = t;
  }

  /** Called at the end: a failure still open becomes a gap up to now. */
  closeOpenGap(): void {
    if (this.#failing !== null) {
      const t = this.#t();
      if (t > this.#failing.fromT) {
        this.#o.append({ kind: 'gap', t: this.#failing.fromT, untilT: t, reason: this.#failing.reason });
        this.stats.gapRecords++;
      }
      this.#failing = null;
    }
  }
}

const signed = (ms: number) => `${ms < 0 ? '-' : '+'}${formatDuration(Math.abs(ms))}`;

/** Per source, the earliest time a sample of it was stamped by the read itself (not by the platform). */
function readStamps(samples: readonly PlatformSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) if (!s.platformStamped) out.set(s.source, Math.min(out.get(s.source) ?? Infinity, s.atWall));
  return out;
}

/**
 * Everything the platform stamped in an answer happened before the answer was read, so before a
 * count the same read stamped: a platform time widened by the clock bound past that read is
 * brought back to just before it (its earliest possible time kept). Else a replica's start, widened,
 * would land after the read that already counted it, and read as a flap (2, 4, 2, 4).
 */
function notAfterTheRead<T extends { atWall: number; resolutionMs: number; platformStamped?: boolean }>(x: T, readAt: number | undefined): T {
  if (!x.platformStamped || readAt === undefined || x.atWall < readAt) return x;
  const atWall = readAt - 1;
  return { ...x, atWall, resolutionMs: Math.max(0, x.resolutionMs - (x.atWall - atWall)) };
}

function describe(err: unknown): string {
  if (err instanceof ProviderError) return `${err.message}${err.kind === 'throttled' ? ' (throttled)' : ''}`;
  return err instanceof Error ? err.message : String(err);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optionalCount = (v: unknown) => v === undefined || (finite(v) && v >= 0);

function validSample(s: unknown): s is PlatformSample {
  if (!s || typeof s !== 'object') return false;
  const x = s as Record<string, unknown>;
  return (
    finite(x.atWall) &&
    finite(x.resolutionMs) &&
    (x.resolutionMs as number) >= 0 &&
    typeof x.source === 'string' &&
    optionalCount(x.desired) &&
    optionalCount(x.ready) &&
    optionalCount(x.pending) &&
    optionalCount(x.running) &&
    (x.cpuPct === undefined || finite(x.cpuPct)) &&
    (x.memPct === undefined || finite(x.memPct))
  );
}

function validEvent(e: unknown): e is PlatformEvent {
  if (!e || typeof e !== 'object') return false;
  const x = e as Record<string, unknown>;
  return finite(x.atWall) && finite(x.resolutionMs) && typeof x.source === 'string' && typeof x.type === 'string' && typeof x.message === 'string';
}
