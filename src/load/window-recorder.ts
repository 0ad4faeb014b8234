/**
 * Turns request events into timeline load windows in one thread: a WindowAccumulator feeding a
 * one-shard WindowMerger (see window-parts.ts for the window rules). `tick()` emits every window
 * that has ended (empty ones too, so the timeline has no holes): the aggregate `*` record first,
 * then one per request name and per tag value that had activity. `close()` emits the final
 * partial window with its real width. Nothing is kept per request.
 */
import type { Clock } from '../clock.js';
import type { LoadSpec } from '../profile/schema.js';
import type { LoadRecord } from '../timeline/types.js';
import type { OutcomeClass } from './outcome.js';
import { WindowAccumulator, WindowMerger, type WindowPart } from './window-parts.js';

export interface WindowRecorderOptions {
  clock: Clock;
  /** Clock value of the run's t = 0 (records carry t relative to it). */
  runStartMono: number;
  /** Clock value where window 0 starts (the load start). */
  originMono: number;
  windowMs: number;
  /** Request names; events refer to them by index. */
  names: readonly string[];
  /** Tags of each request (by index), for the per-tag records. */
  tags?: ReadonlyArray<Readonly<Record<string, string>>>;
  /** Closed model: planned users at a time since the origin, reported as the aggregate's `planned`. */
  plannedLevel?: (sinceOriginMs: number) => number;
  emit(records: LoadRecord[]): void;
}

/** The record keys of a request mix: request names first, then every `tag=value` in use. */
export interface RecordKeys {
  names: string[];
  tags: Array<string | undefined>;
  keysOf: number[][];
}

export function recordKeys(names: readonly string[], tags?: ReadonlyArray<Readonly<Record<string, string>>>): RecordKeys {
  const keyNames = [...names];
  const keyTags: Array<string | undefined> = names.map(() => undefined);
  const byName = new Map<string, number>();
  const keysOf = names.map((_, req) => {
    const keys = [req];
    for (const [tag, value] of Object.entries(tags?.[req] ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      const name = `${tag}=${value}`;
      let k = byName.get(name);
      if (k === undefined) {
        k = keyNames.length;
        keyNames.push(name);
        keyTags.push(tag);
        byName.set(name, k);
      }
      keys.push(k);
    }
    return keys;
  });
  return { names: keyNames, tags: keyTags, keysOf };
}

/**
 * The record keys of a load: its requests by index, then, when every virtual user runs the setup
 * itself (`setup.per: user`), the setup requests (index requests.length + step), then the tags.
 */
export function loadRecordKeys(load: Pick<LoadSpec, 'requests' | 'setup'>): RecordKeys {
  const setup = load.setup?.per === 'user' ? load.setup.requests : [];
  return recordKeys(
    [...load.requests.map((r) => r.name), ...setup.map((r) => r.name)],
    [...load.requests.map((r) => r.tags), ...setup.map(() => ({}))],
  );
}

export class WindowRecorder {
  readonly #clock: Clock;
  readonly #acc: WindowAccumulator;
  readonly #merger: WindowMerger;

  constructor(options: WindowRecorderOptions) {
    const keys = recordKeys(options.names, options.tags);
    this.#clock = options.clock;
    this.#merger = new WindowMerger({
      shards: 1,
      runStartMono: options.runStartMono,
      originMono: options.originMono,
      windowMs: options.windowMs,
      keyNames: keys.names,
      keyTags: keys.tags,
      ...(options.plannedLevel ? { plannedLevel: options.plannedLevel } : {}),
      emit: options.emit,
    });
    this.#acc = new WindowAccumulator({
      clock: options.clock,
      originMono: options.originMono,
      windowMs: options.windowMs,
      keyCount: keys.names.length,
      keysOf: keys.keysOf,
      encode: false,
      emitPart: (p: WindowPart) => this.#merger.add(p),
    });
  }

  /** Requests sent and not yet completed, for one request or all. */
  inFlight(req?: number): number {
    return this.#acc.inFlight(req);
  }

  planned(req: number, intendedMono: number): void {
    this.#acc.planned(req, intendedMono);
  }

  dropped(req: number, intendedMono: number): void {
    this.#acc.dropped(req, intendedMono);
  }

  sent(req: number, intendedMono: number, actualMono: number): void {
    this.#acc.sent(req, intendedMono, actualMono);
  }

  /** A request finished; latency is measured from `intendedMono` (and from `sentMono` for the self-check). */
  completed(req: number, cls: OutcomeClass, throttled: boolean, intendedMono: number, endMono: number, sentMono = intendedMono, checkFailed = false): void {
    this.#acc.completed(req, cls, throttled, intendedMono, endMono, sentMono, checkFailed);
  }

  tick(): void {
    this.#acc.tick();
  }

  close(): void {
    this.#acc.close();
    this.#merger.close(this.#clock.now());
  }
}
