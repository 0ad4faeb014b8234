/**
 * The APP endpoint of a fake platform: an HTTP server on 127.0.0.1 whose capacity is
 * proportional to the replicas the fake says are running. Each replica serves `concurrency`
 * requests at a time, each holding a slot for `serviceMs`; beyond that requests queue (latency
 * rises) up to `queuePerReplica` per replica, then get 503. With no replica every request gets
 * 503 at once.
 *
 * It integrates what the fake's scaling model needs:
 *   utilization = busy slot-ms / available slot-ms     (the "CPU" of the service)
 *   concurrency = (in flight + queued) request-ms / ms (average concurrent requests)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapacityAppOptions {
  concurrency?: number;
  serviceMs?: number;
  queuePerReplica?: number;
}

export interface Usage {
  /** Busy fraction of the available slots over the interval; undefined when no replica ran. */
  utilization: number | undefined;
  /** Mean requests in flight or queued over the interval. */
  concurrency: number;
  /** Requests that arrived in the interval. */
  requests: number;
}

export class CapacityApp {
  readonly #o: Required<CapacityAppOptions>;
  readonly #server: http.Server;
  #replicas = 0;
  #inFlight = 0;
  #queue: (() => void)[] = [];
  #lastT = performance.now();
  #busy = 0;
  #cap = 0;
  #conc = 0;
  #span = 0;
  #arrivals = 0;
  served = 0;
  rejected = 0;
  url = '';

  constructor(options: CapacityAppOptions = {}) {
    this.#o = { concurrency: 10, serviceMs: 50, queuePerReplica: 20, ...options };
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 1000;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  get replicas(): number {
    return this.#replicas;
  }

  setReplicas(n: number): void {
    this.#integrate();
    this.#replicas = Math.max(0, n);
    this.#drain();
  }

  /** Usage since the previous call (or start). */
  takeUsage(): Usage {
    const usage = this.peekUsage();
    this.#busy = this.#cap = this.#conc = this.#span = this.#arrivals = 0;
    return usage;
  }

  /** Usage since the previous takeUsage(), without starting a new interval (a period still filling). */
  peekUsage(): Usage {
    this.#integrate();
    return { utilization: this.#cap > 0 ? Math.min(1, this.#busy / this.#cap) : undefined, concurrency: this.#span > 0 ? this.#conc / this.#span : 0, requests: this.#arrivals };
  }

  #slots(): number {
    return this.#replicas * this.#o.concurrency;
  }

  #integrate(): void {
    const now = performance.now();
    const dt = now - this.#lastT;
    this.#lastT = now;
    this.#busy += Math.min(this.#inFlight, this.#slots()) * dt;
    this.#cap += this.#slots() * dt;
    this.#conc += (this.#inFlight + this.#queue.length) * dt;
    this.#span += dt;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    this.#integrate();
    this.#arrivals++;
    const run = () => {
      this.#integrate();
      this.#inFlight++;
      setTimeout(() => {
        this.#integrate();
        this.#inFlight--;
        this.served++;
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok replicas=${this.#replicas}\n`);
        this.#drain();
      }, this.#o.serviceMs);
    };
    if (this.#inFlight < this.#slots()) return run();
    if (this.#replicas > 0 && this.#queue.length < this.#replicas * this.#o.queuePerReplica) {
      this.#queue.push(run);
      return;
    }
    this.rejected++;
    res.writeHead(503, { 'content-type': 'text/plain' }).end(this.#replicas === 0 ? 'no replica running\n' : 'overloaded\n');
  }

  #drain(): void {
    while (this.#queue.length && this.#inFlight < this.#slots()) this.#queue.shift()!();
  }

  async close(): Promise<void> {
    this.#replicas = 0;
    this.#queue.splice(0).forEach((run) => run());
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Reads a request body as text (fakes only; bodies are small). */
export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
