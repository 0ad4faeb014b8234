/**
 * Turns request events into timeline load windows. Window n covers
 * [origin + n·windowMs, origin + (n+1)·windowMs) on the monotonic clock:
 *
 *   - planned, sent, dropped and scheduler lag go to the window of the INTENDED send time;
 *   - completed, ok, errors and latency go to the window of the COMPLETION time;
 *   - inFlight is read when the window closes.
 *
 * `tick()` emits every window that has ended (empty ones too, so the timeline has no holes):
 * the aggregate `*` record first, then one per request name that had activity. `close()` emits
 * the final partial window with its real width. Nothing is kept per request: memory depends on
 * the number of request names and open windows, never on the request count.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { Clock } from '../clock.js';
import type { ErrorClass, LoadRecord } from '../timeline/types.js';
import { encodeHistogram, HistogramPool, recordMs, summarize } from './latency-histogram.js';
import type { OutcomeClass } from './outcome.js';

export interface WindowRecorderOptions {
  clock: Clock;
  /** Clock value of the run's t = 0 (records carry t relative to it). */
  runStartMono: number;
  /** Clock value where window 0 starts (the load start). */
  originMono: number;
  windowMs: number;
  /** Request names; events refer to them by index. */
  names: readonly string[];
  /** Closed model: planned users at a time since the origin, reported as the aggregate's `planned`. */
  plannedLevel?: (sinceOriginMs: number) => number;
  emit(records: LoadRecord[]): void;
}

interface Counters {
  planned: number;
  sent: number;
  completed: number;
  ok: number;
  dropped: number;
  throttled: number;
  errors: Record<ErrorClass, number>;
  latency: Histogram | null;
}

interface WindowState {
  all: Counters;
  byName: Array<Counters | undefined>;
  lag: Histogram | null;
}

const newCounters = (): Counters => ({
  planned: 0,
  sent: 0,
  completed: 0,
  ok: 0,
  dropped: 0,
  throttled: 0,
  errors: { http4xx: 0, http5xx: 0, timeout: 0, connection: 0, other: 0 },
  latency: null,
});

export class WindowRecorder {
  readonly #o: WindowRecorderOptions;
  readonly #open = new Map<number, WindowState>();
  readonly #pool = new HistogramPool();
  readonly #inFlight: number[];
  /** Index of the oldest window not yet emitted. */
  #next = 0;
  #closed = false;

  constructor(options: WindowRecorderOptions) {
    if (!(options.windowMs > 0)) throw new RangeError(`window must be above 0 ms, got ${options.windowMs}`);
    this.#o = options;
    this.#inFlight = options.names.map(() => 0);
  }

  /** Requests sent and not yet completed, for one request or all. */
  inFlight(req?: number): number {
    return req === undefined ? this.#inFlight.reduce((a, n) => a + n, 0) : this.#inFlight[req];
  }

  planned(req: number, intendedMono: number): void {
    const w = this.#window(intendedMono);
    if (!w) return;
    w.all.planned++;
    this.#counters(w, req).planned++;
  }

  dropped(req: number, intendedMono: number): void {
    const w = this.#window(intendedMono);
    if (!w) return;
    w.all.dropped++;
    this.#counters(w, req).dropped++;
  }

  sent(req: number, intendedMono: number, actualMono: number): void {
    this.#inFlight[req]++;
    const w = this.#window(intendedMono);
    if (!w) return;
    w.all.sent++;
    this.#counters(w, req).sent++;
    w.lag ??= this.#pool.take();
    recordMs(w.lag, actualMono - intendedMono);
  }

  /** A request finished; latency is measured from `intendedMono`. */
  completed(req: number, cls: OutcomeClass, throttled: boolean, intendedMono: number, endMono: number): void {
    this.#inFlight[req] = Math.max(0, this.#inFlight[req] - 1);
    const w = this.#window(endMono);
    if (!w) return;
    const latencyMs = endMono - intendedMono;
    for (const c of [w.all, this.#counters(w, req)]) {
      c.completed++;
      if (cls === 'ok') c.ok++;
      else c.errors[cls]++;
      if (throttled) c.throttled++;
      c.latency ??= this.#pool.take();
      recordMs(c.latency, latencyMs);
    }
  }

  /** Emits every window that ended by now. */
  tick(): void {
    if (this.#closed) return;
    const current = Math.floor((this.#o.clock.now() - this.#o.originMono) / this.#o.windowMs);
    while (this.#next < current) this.#emit(this.#next++, this.#o.windowMs);
  }

  /** Emits the windows that ended and the final partial one; later events are ignored. */
  close(): void {
    if (this.#closed) return;
    this.tick();
    this.#closed = true;
    const width = this.#o.clock.now() - this.#o.originMono - this.#next * this.#o.windowMs;
    if (width > 0 || this.#open.has(this.#next)) this.#emit(this.#next, Math.max(0, width));
    this.#next++;
  }

  #window(mono: number): WindowState | null {
    if (this.#closed) return null;
    // An event for a window already emitted (it should not happen: the models send what is due
    // before ticking) lands in the oldest open window rather than being lost.
    const index = Math.max(this.#next, Math.floor((mono - this.#o.originMono) / this.#o.windowMs));
    let w = this.#open.get(index);
    if (!w) {
      w = { all: newCounters(), byName: [], lag: null };
      this.#open.set(index, w);
    }
    return w;
  }

  #counters(w: WindowState, req: number): Counters {
    return (w.byName[req] ??= newCounters());
  }

  #emit(index: number, widthMs: number): void {
    const w = this.#open.get(index) ?? { all: newCounters(), byName: [], lag: null };
    this.#open.delete(index);
    const t = this.#o.originMono - this.#o.runStartMono + index * this.#o.windowMs;
    const all = this.#record(t, widthMs, '*', w.all, this.inFlight());
    if (this.#o.plannedLevel) all.planned = this.#o.plannedLevel(index * this.#o.windowMs);
    if (w.lag && w.lag.totalCount > 0) all.lagP99 = w.lag.getValueAtPercentile(99) / 1000;
    const records = [all];
    this.#o.names.forEach((name, req) => {
      const c = w.byName[req];
      if (c) records.push(this.#record(t, widthMs, name, c, this.#inFlight[req]));
    });
    this.#pool.give(w.lag);
    for (const c of [w.all, ...w.byName]) this.#pool.give(c?.latency ?? null);
    this.#o.emit(records);
  }

  #record(t: number, windowMs: number, request: string, c: Counters, inFlight: number): LoadRecord {
    const record: LoadRecord = {
      kind: 'load',
      t,
      windowMs,
      request,
      planned: c.planned,
      sent: c.sent,
      completed: c.completed,
      ok: c.ok,
      dropped: c.dropped,
      throttled: c.throttled,
      errors: { ...c.errors },
      inFlight,
      latency: summarize(c.latency),
    };
    if (c.latency && c.latency.totalCount > 0) record.hdr = encodeHistogram(c.latency);
    return record;
  }
}
