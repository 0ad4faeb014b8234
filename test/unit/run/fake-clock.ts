/**
 * A Clock whose time only moves when the test says so. `advance(ms)` fires due sleeps in time
 * order, letting the awaiting code run (a few event-loop turns) after each one.
 */
import type { Clock } from '../../../src/clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve(): void;
}

export class FakeClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];
  readonly wallBase: number;

  constructor(wallBase = Date.UTC(2026, 10, 27, 3, 0, 0)) {
    this.wallBase = wallBase;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.wallBase + this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Pending sleeps (for assertions that nothing waits longer than it should). */
  get pending(): number {
    return this.#timers.length;
  }

  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await settle();
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#timers[0];
      if (!next || next.at > until) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.resolve();
      await settle();
    }
    this.#now = until;
    await settle();
  }

  /** Advance in steps until `promise` settles (or `limitMs` of fake time passed). */
  async runUntil<T>(promise: Promise<T>, stepMs = 50, limitMs = 3_600_000): Promise<T> {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    for (let spent = 0; !done && spent < limitMs; spent += stepMs) await this.advance(stepMs);
    return promise;
  }
}

/** Lets promise chains and immediate callbacks run. */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}
