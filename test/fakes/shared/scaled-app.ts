/**
 * The APP endpoint of a fake platform: a loopback HTTP server that receives the load. Its
 * capacity is proportional to the replicas the fake platform says are ready, so the CPU
 * utilization it reports (arrival rate / capacity) is what drives the fake autoscaler.
 * With no ready replica it answers 503, like a Service without endpoints.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScaledAppOptions {
  /** Replicas/instances able to serve right now. */
  readyReplicas(): number;
  /** Requests per second one replica serves at 100 % of its CPU request. */
  capacityPerReplica: number;
  /** Width of the sliding window the arrival rate is measured over (real ms). */
  rateWindowMs?: number;
  /** Response delay (real ms). */
  latencyMs?: number;
  /** Called for each request (e.g. to count in-flight requests for a concurrency model). */
  onRequest?(): void;
}

export class ScaledApp {
  readonly #o: ScaledAppOptions;
  readonly #server: http.Server;
  #arrivals: number[] = [];
  #inFlight = 0;
  served = 0;
  rejected = 0;
  url = '';

  constructor(options: ScaledAppOptions) {
    this.#o = options;
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 5000;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Arrivals per second over the last window. */
  rate(nowMs = Date.now()): number {
    const w = this.#o.rateWindowMs ?? 1000;
    const from = nowMs - w;
    let i = 0;
    while (i < this.#arrivals.length && this.#arrivals[i]! < from) i++;
    if (i > 0) this.#arrivals.splice(0, i);
    return this.#arrivals.length / (w / 1000);
  }

  /** Utilization of each ready replica (fraction of its request); 0 with no replica ready. */
  utilization(nowMs = Date.now()): number {
    const ready = this.#o.readyReplicas();
    return ready > 0 ? this.rate(nowMs) / (ready * this.#o.capacityPerReplica) : 0;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.#arrivals.push(Date.now());
    this.#o.onRequest?.();
    req.resume();
    if (this.#o.readyReplicas() <= 0) {
      this.rejected++;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no ready replica\n');
      return;
    }
    this.#inFlight++;
    const done = () => {
      this.#inFlight--;
      this.served++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    };
    const delay = this.#o.latencyMs ?? 2;
    if (delay > 0) setTimeout(done, delay);
    else done();
  }
}

/** Send `rate` requests per second to `url` for `durationMs` (bounded, loopback only). */
export async function driveLoad(url: string, rate: number, durationMs: number, signal?: AbortSignal): Promise<number> {
  if (!/^http:\/\/127\.0\.0\.1:\d+/.test(url)) throw new Error(`driveLoad only targets loopback fakes, not ${url}`);
  const intervalMs = 1000 / rate;
  const end = Date.now() + durationMs;
  let sent = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const pending: Promise<void>[] = [];
  let next = Date.now();
  while (Date.now() < end && !signal?.aborted) {
    pending.push(
      new Promise<void>((resolve) => {
        const r = http.get(url, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        r.on('error', () => resolve());
      }),
    );
    sent++;
    next += intervalMs;
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(pending);
  agent.destroy();
  return sent;
}
