/**
 * List-then-watch cache of one kind of object (the client-go "reflector" pattern):
 * - list, remember the list's resourceVersion, then watch from it with bookmarks;
 * - after a dropped connection, resume the watch from the last resourceVersion seen;
 * - on 410 Gone (that version is too old), list again and report the differences;
 * - when the watch cannot be kept (forbidden, or failing again and again), fall back to
 *   listing on every read (`poll()`) and say so once through `onFallback`.
 * Every change is reported with the client wall time it arrived at (`Seen.stamp`), because
 * API timestamps have 1 s precision.
 */
import type { Clock } from '../../src/clock.js';
import type { Logger } from '../../src/log.js';
import type { ObjectMeta, Seen } from './map.js';

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

/** The shape of client-node's `Watch.watch` (injected so the provider decides what to use). */
export type WatchFn = (
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  onEvent: (type: string, obj: unknown) => void,
  done: (err: unknown) => void,
) => Promise<{ abort(): void }>;

export interface ReflectorOptions<T> {
  /** For messages: `pods`, `horizontalpodautoscalers.autoscaling`. */
  name: string;
  /** Watch path, e.g. `/api/v1/namespaces/demo/pods`. */
  path: string;
  query: Record<string, string>;
  list(signal?: AbortSignal): Promise<ListResult<T>>;
  /** null: poll only. */
  watch: WatchFn | null;
  clock: Clock;
  log: Logger;
  onChange(old: T | undefined, cur: T | undefined, seen: Seen): void;
  onFallback?(reason: string): void;
  /** Consecutive failed (re)connects before falling back to polling. */
  maxFailures?: number;
  /** First reconnect delay; doubles per failure up to 8 × this. */
  backoffMs?: number;
}

type Obj = { metadata?: ObjectMeta };

/** Notifications this soon after a resumed connection are replays of what happened while it was down. */
const REPLAY_WINDOW_MS = 250;

export class Reflector<T extends Obj> {
  readonly items = new Map<string, T>();
  #o: ReflectorOptions<T>;
  #rv = '';
  #abort: { abort(): void } | null = null;
  #closed = false;
  #mode: 'watch' | 'poll';
  #failures = 0;
  #connectedAt = 0;
  #resumed = false;
  #gone = false;
  #eventsThisConnection = 0;
  #timer: NodeJS.Timeout | null = null;
  /** True while a watch connection is open. */
  live = false;
  /** Wall ms of the last time the watch lost its connection (0: never). */
  disruptedAt = 0;
  /** Connections lost and resumed, and relists after 410 Gone. */
  drops = 0;
  relists = 0;

  constructor(options: ReflectorOptions<T>) {
    this.#o = options;
    this.#mode = options.watch ? 'watch' : 'poll';
  }

  get mode(): 'watch' | 'poll' {
    return this.#mode;
  }

  get resourceVersion(): string {
    return this.#rv;
  }

  /** Initial list, then the watch. Throws what `list` throws. */
  async start(signal?: AbortSignal): Promise<void> {
    await this.#relist(signal);
    if (this.#mode === 'watch') await this.#connect(false);
  }

  /** In polling mode, list again and report differences; in watch mode, nothing to do. */
  async poll(signal?: AbortSignal): Promise<void> {
    if (this.#mode === 'poll' && !this.#closed) await this.#relist(signal);
  }

  close(): void {
    this.#closed = true;
    this.live = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#abort?.abort();
    this.#abort = null;
  }

  #key(o: T): string {
    return o.metadata?.uid ?? o.metadata?.name ?? '';
  }

  async #relist(signal?: AbortSignal): Promise<void> {
    const res = await this.#o.list(signal);
    if (this.#closed) return;
    const seen: Seen = { stamp: this.#o.clock.wallNow(), live: false };
    const fresh = new Map(res.items.map((o) => [this.#key(o), o] as const));
    for (const [k, old] of this.items) {
      if (!fresh.has(k)) {
        this.items.delete(k);
        this.#o.onChange(old, undefined, seen);
      }
    }
    for (const [k, cur] of fresh) {
      const old = this.items.get(k);
      if (old && old.metadata?.resourceVersion === cur.metadata?.resourceVersion) continue;
      this.items.set(k, cur);
      this.#o.onChange(old, cur, seen);
    }
    this.#rv = res.resourceVersion;
  }

  async #connect(resumed: boolean): Promise<void> {
    if (this.#closed || this.#mode !== 'watch' || !this.#o.watch) return;
    this.#gone = false; // set again by an ERROR 410 on this connection
    this.#resumed = resumed;
    this.#eventsThisConnection = 0;
    this.#connectedAt = this.#o.clock.wallNow();
    this.live = true;
    const query = { ...this.#o.query, allowWatchBookmarks: true, resourceVersion: this.#rv };
    try {
      const handle = await this.#o.watch(this.#o.path, query, (type, obj) => this.#onEvent(type, obj), (err) => this.#onDone(err));
      if (this.#closed) handle.abort();
      else this.#abort = handle;
    } catch (err) {
      this.#onDone(err);
    }
  }

  #onEvent(type: string, raw: unknown): void {
    if (this.#closed) return;
    const stamp = this.#o.clock.wallNow();
    const live = !(this.#resumed && stamp - this.#connectedAt < REPLAY_WINDOW_MS);
    const obj = raw as T & { code?: number; reason?: string; message?: string };
    this.#eventsThisConnection++;
    switch (type) {
      case 'ADDED':
      case 'MODIFIED': {
        const k = this.#key(obj);
        const old = this.items.get(k);
        this.items.set(k, obj);
        if (obj.metadata?.resourceVersion) this.#rv = obj.metadata.resourceVersion;
        this.#o.onChange(old, obj, { stamp, live });
        break;
      }
      case 'DELETED': {
        const k = this.#key(obj);
        const old = this.items.get(k) ?? obj;
        this.items.delete(k);
        if (obj.metadata?.resourceVersion) this.#rv = obj.metadata.resourceVersion;
        this.#o.onChange(old, undefined, { stamp, live });
        break;
      }
      case 'BOOKMARK':
        if (obj.metadata?.resourceVersion) this.#rv = obj.metadata.resourceVersion;
        break;
      case 'ERROR':
        if (obj.code === 410) this.#gone = true;
        else this.#o.log.debug(`kubernetes: watch ${this.#o.name}: ${obj.message ?? obj.reason ?? 'error'}`);
        break;
    }
    this.#failures = 0;
  }

  #onDone(err: unknown): void {
    if (this.#closed) return;
    if (!this.live) return; // already handled (done can follow a thrown error)
    this.live = false;
    this.#abort = null;
    const now = this.#o.clock.wallNow();
    this.disruptedAt = now;
    this.drops++;
    const status = (err as { statusCode?: number; code?: number } | null)?.statusCode ?? (err as { code?: unknown } | null)?.code;
    if (status === 403 || status === 401) {
      this.#fallback(`the watch was refused (HTTP ${status})`);
      return;
    }
    const gone = this.#gone || status === 410;
    // A connection that ended at once without a single notification counts as a failure.
    const failed = err !== null && err !== undefined && status !== 410 ? true : !gone && this.#eventsThisConnection === 0 && now - this.#connectedAt < 1000;
    if (failed) this.#failures++;
    if (this.#failures >= (this.#o.maxFailures ?? 3)) {
      const why = err instanceof Error ? err.message : err ? String(err) : 'the server kept closing it';
      this.#fallback(`${this.#failures} reconnects in a row failed (${why})`);
      return;
    }
    const base = this.#o.backoffMs ?? 500;
    const delay = this.#failures === 0 ? 0 : Math.min(base * 2 ** (this.#failures - 1), base * 8);
    if (gone) {
      this.#gone = true;
      this.#o.log.debug(`kubernetes: watch ${this.#o.name}: resourceVersion ${this.#rv} is gone (410), listing again`);
      this.relists++;
      this.#schedule(delay, async () => {
        await this.#relist();
        await this.#connect(false);
      });
    } else {
      this.#schedule(delay, () => this.#connect(true));
    }
  }

  #schedule(delayMs: number, fn: () => Promise<void>): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      fn().catch((e: unknown) => {
        // A relist failed: handled like a failed connection (backoff, then polling).
        this.live = true; // let #onDone run its bookkeeping
        this.#onDone(e);
      });
    }, delayMs);
    this.#timer.unref?.();
  }

  #fallback(reason: string): void {
    this.#mode = 'poll';
    this.live = false;
    this.#o.onFallback?.(reason);
  }
}
