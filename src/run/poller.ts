/**
 * Reads the platform every poll interval and appends what it says to the timeline. A failed
 * read becomes a gap record (the analysis treats that span as unknown), never an invented
 * value, and never stops the load: each read has the poll interval as its deadline.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { ProviderError } from '../errors.js';
import type { PlatformEvent, PlatformSample, Provider } from '../provider.js';
import type { EventRecord, SampleRecord, TimelineRecord } from '../timeline/types.js';

export interface PollerOptions {
  provider: Provider;
  clock: Clock;
  log: Logger;
  pollIntervalMs: number;
  /** Monotonic clock value at t = 0 and the matching wall time. */
  runStartMono: number;
  startedAtWall: number;
  append(record: TimelineRecord): void;
}

/** Remembers what was already written so repeated reads of late metrics are stored once. */
class SeenSet {
  #keys = new Map<string, string>();
  constructor(private readonly limit = 20_000) {}
  /** True when `key` was already stored with the same `value`. */
  has(key: string, value: string): boolean {
    if (this.#keys.get(key) === value) return true;
    this.#keys.set(key, value);
    if (this.#keys.size > this.limit) this.#keys.delete(this.#keys.keys().next().value as string);
    return false;
  }
}

export class Poller {
  readonly #o: PollerOptions;
  readonly #seenSamples = new SeenSet();
  readonly #seenEvents = new SeenSet();
  #stopped = false;
  #loop: Promise<void> | null = null;
  #abort = new AbortController();
  /** t of the last read that succeeded; a failure records a gap from there. */
  #lastOkT = 0;
  #failing: string | null = null;
  #eventsSinceWall: number;
  #successes = 0;
  #firstSample: { resolve: () => void; promise: Promise<void> };
  latest: SampleRecord | null = null;

  constructor(options: PollerOptions) {
    this.#o = options;
    this.#eventsSinceWall = options.startedAtWall - 60_000;
    let resolve!: () => void;
    this.#firstSample = { resolve: () => resolve(), promise: new Promise<void>((r) => (resolve = r)) };
  }

  start(): void {
    this.#loop = this.#run();
  }

  /** Resolves after the first successful read, or after `timeoutMs`. */
  async firstRead(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const ok = await Promise.race([this.#firstSample.promise.then(() => true as const), timeout]);
    clearTimeout(timer);
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
    await this.pollOnce(AbortSignal.timeout(Math.max(1000, this.#o.pollIntervalMs)));
  }

  #t(): number {
    return this.#o.clock.now() - this.#o.runStartMono;
  }

  async #run(): Promise<void> {
    const { clock, pollIntervalMs } = this.#o;
    let next = clock.now();
    while (!this.#stopped) {
      await this.pollOnce(AbortSignal.any([this.#abort.signal, AbortSignal.timeout(pollIntervalMs * 2)]));
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

  async pollOnce(signal: AbortSignal): Promise<void> {
    const fetchedT = this.#t();
    const { provider } = this.#o;
    try {
      const [samples, events] = await Promise.all([provider.sample(signal), provider.events(this.#eventsSinceWall, signal)]);
      for (const s of samples) this.#appendSample(s, fetchedT);
      for (const e of events) this.#appendEvent(e, fetchedT);
      const newest = events.reduce((m, e) => Math.max(m, e.atWall), 0);
      // Re-read a margin back: platforms publish events with second precision and some lateness.
      if (newest) this.#eventsSinceWall = Math.max(this.#eventsSinceWall, newest - 60_000);
      this.#recovered(fetchedT);
      this.#successes++;
      this.#firstSample.resolve();
    } catch (err) {
      if (this.#stopped && signal.aborted) return;
      this.#failed(fetchedT, err);
    }
  }

  #appendSample(s: PlatformSample, fetchedT: number): void {
    const { atWall, source, resolutionMs, ...values } = s;
    if (this.#seenSamples.has(`${source}|${atWall}`, JSON.stringify(values))) return;
    const record: SampleRecord = { kind: 'sample', t: atWall - this.#o.startedAtWall, fetchedT, resolutionMs, source, ...values };
    if (record.desired !== undefined || record.ready !== undefined) this.latest = { ...(this.latest ?? record), ...record };
    this.#o.append(record);
  }

  #appendEvent(e: PlatformEvent, fetchedT: number): void {
    const key = e.id ?? `${e.source}|${e.atWall}|${e.message}`;
    if (this.#seenEvents.has(key, '')) return;
    const { atWall, ...rest } = e;
    const record: EventRecord = { kind: 'event', t: atWall - this.#o.startedAtWall, fetchedT, ...rest };
    this.#o.append(record);
  }

  #failed(t: number, err: unknown): void {
    const reason = err instanceof ProviderError ? err.message : err instanceof Error ? err.message : String(err);
    if (this.#failing === null) this.#o.log.warn(`platform read failed, recording a gap: ${reason}`);
    this.#failing = reason;
  }

  #recovered(t: number): void {
    if (this.#failing !== null) {
      this.#o.append({ kind: 'gap', t: this.#lastOkT, untilT: t, reason: this.#failing });
      this.#o.log.info(`platform reads recovered after ${Math.round((t - this.#lastOkT) / 1000)}s`);
      this.#failing = null;
    }
    this.#lastOkT = t;
  }

  /** Called at the end: a failure still open becomes a gap up to now. */
  closeOpenGap(): void {
    if (this.#failing !== null) {
      this.#o.append({ kind: 'gap', t: this.#lastOkT, untilT: this.#t(), reason: this.#failing });
      this.#failing = null;
    }
  }
}
