/**
 * The capacity of one replica: `concurrency` slots, each request holds one for `serviceTimeMs`
 * (a timer, not CPU work, so replicas do not compete with the load generator for the 2 cores),
 * a FIFO queue of `queueLimit` waiting requests, and 503 beyond. Busy slot-time is counted
 * exactly, including requests still in service, so utilization = Δbusy / (concurrency × Δt).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SlotCounters {
  busySlotMs: number;
  served: number;
  rejected: number;
  active: number;
  queued: number;
}

export class ReplicaSlots {
  readonly #concurrency: number;
  readonly #queueLimit: number;
  readonly #serviceTimeMs: number;
  readonly #body: string;
  readonly #queue: ServerResponse[] = [];
  #active = 0;
  /** Slot-ms of finished requests, plus the sum of start times of active ones (for the exact running total). */
  #doneSlotMs = 0;
  #activeStartSumMs = 0;
  #served = 0;
  #rejected = 0;

  constructor(opts: { concurrency: number; queueLimit: number; serviceTimeMs: number; replicaId: number }) {
    this.#concurrency = opts.concurrency;
    this.#queueLimit = opts.queueLimit;
    this.#serviceTimeMs = opts.serviceTimeMs;
    this.#body = `ok from replica ${opts.replicaId}\n`;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume(); // read any body so the keep-alive connection stays usable
    if (this.#active < this.#concurrency) return this.#serve(res);
    if (this.#queue.length < this.#queueLimit) {
      this.#queue.push(res);
      // A client that gives up while waiting frees its place in the queue.
      res.once('close', () => {
        const i = this.#queue.indexOf(res);
        if (i >= 0) this.#queue.splice(i, 1);
      });
      return;
    }
    this.#rejected++;
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('replica overloaded: all slots busy and the queue is full\n');
  }

  counters(nowMs: number): SlotCounters {
    return {
      busySlotMs: this.#doneSlotMs + this.#active * nowMs - this.#activeStartSumMs,
      served: this.#served,
      rejected: this.#rejected,
      active: this.#active,
      queued: this.#queue.length,
    };
  }

  get idle(): boolean {
    return this.#active === 0 && this.#queue.length === 0;
  }

  #serve(res: ServerResponse): void {
    const startMs = performance.now();
    this.#active++;
    this.#activeStartSumMs += startMs;
    setTimeout(() => {
      const endMs = performance.now();
      this.#active--;
      this.#activeStartSumMs -= startMs;
      this.#doneSlotMs += endMs - startMs;
      this.#served++;
      // The work is done even when the client left: the slot was held all the same.
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/plain' }).end(this.#body);
      const next = this.#queue.shift();
      if (next) this.#serve(next);
    }, this.#serviceTimeMs);
  }
}
