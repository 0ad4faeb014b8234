/**
 * Load windows in two halves, so one engine runs in one thread or across worker threads:
 *
 *   shard (main thread or worker)                       main thread
 *   WindowAccumulator --- WindowPart per window ---> WindowMerger --- LoadRecord[] ---> timeline
 *     counts events,        (histograms live, or         adds the parts of every shard,
 *     one histogram set     HdrHistogram compressed      emits a window once all shards
 *     per open window       base64 from a worker)        sent theirs, in window order
 *
 * Window n covers [origin + n·windowMs, origin + (n+1)·windowMs) on the monotonic clock:
 * planned, sent, dropped and scheduler lag go to the window of the INTENDED send time;
 * completed, ok, errors, check failures and latency to the window of the COMPLETION.
 * Histograms are merged exactly (HdrHistogram add), never averaged. Nothing is kept per request.
 *
 * "Keys" are what records are emitted for besides the aggregate `*`: each request name, then each
 * tag value (`tag=value`). A request counts in its own key and in its tags' keys.
 */
import { decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { Clock } from '../clock.js';
import type { ErrorClass, LoadRecord } from '../timeline/types.js';
import { encodeHistogram, HistogramPool, recordMs, summarize } from './latency-histogram.js';
import type { OutcomeClass } from './outcome.js';

/**
 * A histogram in a part: live in the same thread, encoded across threads, or SAME_AS_ALL for a
 * key that had all of the window's completions (its histogram is the aggregate's: not encoded twice).
 */
export type HistogramPart = Histogram | string | null;
export const SAME_AS_ALL = '=';

export interface CountersPart {
  planned: number;
  sent: number;
  completed: number;
  ok: number;
  dropped: number;
  throttled: number;
  checkFailures: number;
  errors: Record<ErrorClass, number>;
  latency: HistogramPart;
}

/** One shard's share of one window. */
export interface WindowPart {
  index: number;
  all: CountersPart;
  /** By key index; null when the key had no activity. */
  keys: Array<CountersPart | null>;
  /** Scheduler lag (actual − intended send) and latency from the actual send. */
  lag: HistogramPart;
  send: HistogramPart;
  /** Requests in flight when the window closed, in all and per key. */
  inFlightAll: number;
  inFlight: number[];
  /** Handed over by `close()`: the window may not have ended; the merger decides its width. */
  final: boolean;
}

/** Zeroed counters for one window part. */
export const newCounters = (): CountersPart => ({
  planned: 0,
  sent: 0,
  completed: 0,
  ok: 0,
  dropped: 0,
  throttled: 0,
  checkFailures: 0,
  errors: { http4xx: 0, http5xx: 0, timeout: 0, connection: 0, other: 0 },
  latency: null,
});

interface OpenWindow {
  all: CountersPart;
  keys: Array<CountersPart | null>;
  lag: Histogram | null;
  send: Histogram | null;
}

export interface AccumulatorOptions {
  clock: Clock;
  originMono: number;
  windowMs: number;
  keyCount: number;
  /** Keys each request counts in (its own name first, then its tags). */
  keysOf: ReadonlyArray<readonly number[]>;
  /** Encode histograms (for postMessage) instead of handing them over live. */
  encode: boolean;
  emitPart(part: WindowPart): void;
}

/** Counts one shard's events into windows and hands each closed window over as a part. */
export class WindowAccumulator {
  readonly #o: AccumulatorOptions;
  readonly #open = new Map<number, OpenWindow>();
  readonly #pool = new HistogramPool();
  readonly #inFlight: number[];
  #inFlightAll = 0;
  #next = 0;
  #closed = false;

  constructor(options: AccumulatorOptions) {
    if (!(options.windowMs > 0)) throw new RangeError(`window must be above 0 ms, got ${options.windowMs}`);
    this.#o = options;
    this.#inFlight = new Array<number>(options.keyCount).fill(0);
  }

  inFlight(key?: number): number {
    return key === undefined ? this.#inFlightAll : this.#inFlight[key];
  }

  planned(req: number, intendedMono: number): void {
    const w = this.#window(intendedMono);
    if (!w) return;
    w.all.planned++;
    for (const k of this.#o.keysOf[req]) this.#key(w, k).planned++;
  }

  dropped(req: number, intendedMono: number): void {
    const w = this.#window(intendedMono);
    if (!w) return;
    w.all.dropped++;
    for (const k of this.#o.keysOf[req]) this.#key(w, k).dropped++;
  }

  sent(req: number, intendedMono: number, actualMono: number): void {
    this.#inFlightAll++;
    for (const k of this.#o.keysOf[req]) this.#inFlight[k]++;
    const w = this.#window(intendedMono);
    if (!w) return;
    w.all.sent++;
    for (const k of this.#o.keysOf[req]) this.#key(w, k).sent++;
    w.lag ??= this.#pool.take();
    recordMs(w.lag, actualMono - intendedMono);
  }

  /** A request finished; latency from `intendedMono`, and from `sentMono` for the self-check. */
  completed(req: number, cls: OutcomeClass, throttled: boolean, intendedMono: number, endMono: number, sentMono = intendedMono, checkFailed = false): void {
    this.#inFlightAll = Math.max(0, this.#inFlightAll - 1);
    for (const k of this.#o.keysOf[req]) this.#inFlight[k] = Math.max(0, this.#inFlight[k] - 1);
    const w = this.#window(endMono);
    if (!w) return;
    const latencyMs = endMono - intendedMono;
    this.#count(w.all, cls, throttled, checkFailed, latencyMs);
    for (const k of this.#o.keysOf[req]) this.#count(this.#key(w, k), cls, throttled, checkFailed, latencyMs);
    w.send ??= this.#pool.take();
    recordMs(w.send, endMono - sentMono);
  }

  /** Hands over every window that ended by now (empty ones too: the merger counts parts). */
  tick(): void {
    if (this.#closed) return;
    const current = Math.floor((this.#o.clock.now() - this.#o.originMono) / this.#o.windowMs);
    while (this.#next < current) this.#emit(this.#next++);
  }

  /** Hands over the windows that ended and the current one; later events are ignored. */
  close(): void {
    if (this.#closed) return;
    this.tick();
    this.#closed = true;
    const last = Math.max(this.#next, ...this.#open.keys());
    for (let i = this.#next; i <= last; i++) this.#emit(i, true);
    this.#next = last + 1;
  }

  #count(c: CountersPart, cls: OutcomeClass, throttled: boolean, checkFailed: boolean, latencyMs: number): void {
    c.completed++;
    if (cls === 'ok') c.ok++;
    else c.errors[cls]++;
    if (throttled) c.throttled++;
    if (checkFailed) c.checkFailures++;
    c.latency ??= this.#pool.take();
    recordMs(c.latency as Histogram, latencyMs);
  }

  #window(mono: number): OpenWindow | null {
    if (this.#closed) return null;
    // An event for a window already handed over lands in the oldest open one rather than being lost.
    const index = Math.max(this.#next, Math.floor((mono - this.#o.originMono) / this.#o.windowMs));
    let w = this.#open.get(index);
    if (!w) {
      w = { all: newCounters(), keys: [], lag: null, send: null };
      this.#open.set(index, w);
    }
    return w;
  }

  #key(w: OpenWindow, k: number): CountersPart {
    return (w.keys[k] ??= newCounters());
  }

  #emit(index: number, final = false): void {
    const w = this.#open.get(index) ?? { all: newCounters(), keys: [], lag: null, send: null };
    this.#open.delete(index);
    const keys: Array<CountersPart | null> = [];
    for (let k = 0; k < this.#o.keyCount; k++) keys.push(w.keys[k] ?? null);
    const hist = (h: HistogramPart): HistogramPart => (h && this.#o.encode ? encodeHistogram(h as Histogram) : h);
    const keyHist = (c: CountersPart): HistogramPart => (this.#o.encode && c.latency && c.completed === w.all.completed ? SAME_AS_ALL : hist(c.latency));
    const part: WindowPart = {
      index,
      all: { ...w.all, latency: hist(w.all.latency) },
      keys: keys.map((c) => (c ? { ...c, latency: keyHist(c) } : null)),
      lag: hist(w.lag),
      send: hist(w.send),
      inFlightAll: this.#inFlightAll,
      inFlight: [...this.#inFlight],
      final,
    };
    this.#o.emitPart(part);
    // The merger consumed live histograms synchronously: reuse them.
    for (const h of [w.lag, w.send, w.all.latency, ...keys.map((c) => c?.latency ?? null)]) this.#pool.give(h as Histogram | null);
  }
}

export interface MergerOptions {
  shards: number;
  runStartMono: number;
  originMono: number;
  windowMs: number;
  /** Record name per key (request names, then `tag=value`) and, for tag keys, the tag name. */
  keyNames: readonly string[];
  keyTags: ReadonlyArray<string | undefined>;
  /** Closed model: planned users at a time since the origin, reported as the aggregate's `planned`. */
  plannedLevel?: (sinceOriginMs: number) => number;
  emit(records: LoadRecord[]): void;
}

interface MergedCounters {
  c: Omit<CountersPart, 'latency'>;
  latency: Histogram | null;
}

interface MergedWindow {
  parts: number;
  final: boolean;
  all: MergedCounters;
  keys: Array<MergedCounters | null>;
  lag: Histogram | null;
  send: Histogram | null;
  inFlightAll: number;
  inFlight: number[];
}

/** Adds the parts of every shard per window and emits LoadRecords in window order. */
export class WindowMerger {
  readonly #o: MergerOptions;
  readonly #open = new Map<number, MergedWindow>();
  readonly #pool = new HistogramPool();
  #next = 0;
  #closed = false;

  constructor(options: MergerOptions) {
    if (!(options.windowMs > 0)) throw new RangeError(`window must be above 0 ms, got ${options.windowMs}`);
    this.#o = options;
  }

  add(part: WindowPart): void {
    if (this.#closed) return;
    const index = Math.max(this.#next, part.index);
    let m = this.#open.get(index);
    if (!m) {
      m = { parts: 0, final: false, all: this.#newMerged(), keys: [], lag: null, send: null, inFlightAll: 0, inFlight: new Array<number>(this.#o.keyNames.length).fill(0) };
      this.#open.set(index, m);
    }
    m.parts++;
    m.final ||= part.final;
    // Decode the aggregate once: keys marked SAME_AS_ALL add the same histogram.
    const allHist = typeof part.all.latency === 'string' ? decodeFromCompressedBase64(part.all.latency) : part.all.latency;
    this.#addCounters(m.all, part.all, allHist);
    part.keys.forEach((c, k) => {
      if (c) this.#addCounters((m.keys[k] ??= this.#newMerged()), c, c.latency === SAME_AS_ALL ? allHist : c.latency);
    });
    m.lag = this.#addHist(m.lag, part.lag);
    m.send = this.#addHist(m.send, part.send);
    m.inFlightAll += part.inFlightAll;
    part.inFlight.forEach((n, k) => (m.inFlight[k] += n));
    while (this.#ready(this.#open.get(this.#next))) this.#emit(this.#next++, this.#o.windowMs);
  }

  /** Emits every window still open: those that ended by `nowMono` in full, the current one partial. */
  close(nowMono: number): void {
    if (this.#closed) return;
    this.#closed = true;
    const current = Math.floor((nowMono - this.#o.originMono) / this.#o.windowMs);
    while (this.#next < current) this.#emit(this.#next++, this.#o.windowMs);
    const width = nowMono - this.#o.originMono - this.#next * this.#o.windowMs;
    if (width > 0 || this.#open.has(this.#next)) this.#emit(this.#next, Math.max(0, width));
    this.#next++;
    for (const index of [...this.#open.keys()].sort((a, b) => a - b)) this.#emit(index, 0);
  }

  #ready(m: MergedWindow | undefined): boolean {
    return m !== undefined && m.parts >= this.#o.shards && !m.final;
  }

  #newMerged(): MergedCounters {
    const { latency: _unused, ...c } = newCounters();
    return { c, latency: null };
  }

  #addCounters(into: MergedCounters, c: CountersPart, latency: HistogramPart): void {
    const t = into.c;
    t.planned += c.planned;
    t.sent += c.sent;
    t.completed += c.completed;
    t.ok += c.ok;
    t.dropped += c.dropped;
    t.throttled += c.throttled;
    t.checkFailures += c.checkFailures;
    for (const k of Object.keys(t.errors) as ErrorClass[]) t.errors[k] += c.errors[k];
    into.latency = this.#addHist(into.latency, latency);
  }

  #addHist(into: Histogram | null, h: HistogramPart): Histogram | null {
    if (!h) return into;
    const target = into ?? this.#pool.take();
    target.add(typeof h === 'string' ? decodeFromCompressedBase64(h) : h);
    return target;
  }

  #emit(index: number, widthMs: number): void {
    const m = this.#open.get(index);
    this.#open.delete(index);
    const t = this.#o.originMono - this.#o.runStartMono + index * this.#o.windowMs;
    const all = record(t, widthMs, '*', m?.all ?? this.#newMerged(), m?.inFlightAll ?? 0);
    if (this.#o.plannedLevel) all.planned = this.#o.plannedLevel(index * this.#o.windowMs);
    if (m?.lag && m.lag.totalCount > 0) {
      all.lagP50 = m.lag.getValueAtPercentile(50) / 1000;
      all.lagP99 = m.lag.getValueAtPercentile(99) / 1000;
      all.lagMax = m.lag.maxValue / 1000;
      all.lagHdr = encodeHistogram(m.lag);
    }
    if (m?.send && m.send.totalCount > 0) all.sendLatency = summarize(m.send);
    const records = [all];
    if (m) {
      this.#o.keyNames.forEach((name, k) => {
        const c = m.keys[k];
        if (!c) return;
        // Every completion records the same value in `*` and in its keys: a key that had all of
        // the window's completions has the same histogram, so reuse its summary and encoding.
        const same = c.c.completed === m.all.c.completed ? all : null;
        const r = record(t, widthMs, name, c, m.inFlight[k], same);
        const tag = this.#o.keyTags[k];
        if (tag !== undefined) r.tag = tag;
        records.push(r);
      });
      for (const h of [m.lag, m.send, m.all.latency, ...m.keys.map((c) => c?.latency ?? null)]) this.#pool.give(h);
    }
    this.#o.emit(records);
  }
}

function record(t: number, windowMs: number, request: string, m: MergedCounters, inFlight: number, sameAs: LoadRecord | null = null): LoadRecord {
  const c = m.c;
  const r: LoadRecord = {
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
    latency: sameAs ? { ...sameAs.latency } : summarize(m.latency),
    checkFailures: c.checkFailures,
  };
  if (sameAs) {
    if (sameAs.hdr !== undefined) r.hdr = sameAs.hdr;
  } else if (m.latency && m.latency.totalCount > 0) r.hdr = encodeHistogram(m.latency);
  return r;
}
