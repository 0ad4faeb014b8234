/**
 * A configurable HTTP target on 127.0.0.1 (port 0) for load tests. Per path (or by default):
 * a fixed delay, a status sequence played in a loop, a reset (the socket is destroyed), or no
 * answer at all. A periodic stall holds every response while it lasts, like a GC pause or a
 * saturated replica. It counts requests per path and per client connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PathBehaviour {
  /** Delay before answering. */
  delayMs?: number;
  /** Statuses answered in turn (looping); default 200. */
  statuses?: number[];
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Response body (default `hello world\n`) and its content type. */
  body?: string;
  contentType?: string;
  /** Answer 401 unless this header has this value. */
  requireHeader?: { name: string; value: string };
  /** Keep the request bodies (and headers) of this path, up to 20 of them. */
  keepRequests?: boolean;
}

export interface KeptRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface TargetServerOptions extends PathBehaviour {
  /** Behaviour by exact path (query string ignored); other paths use the top-level options. */
  paths?: Record<string, PathBehaviour>;
  /** Every `everyMs`, hold all responses for `forMs` (measured from server start). */
  stall?: { everyMs: number; forMs: number };
}

export interface TargetServer {
  url: string;
  port: number;
  /** Requests received (including ones that were reset or never answered). */
  readonly total: number;
  readonly byPath: ReadonlyMap<string, number>;
  /** Requests per client connection (`remotePort`), in connection order. */
  readonly byConnection: ReadonlyMap<number, number>;
  /** TCP connections accepted. */
  readonly accepted: number;
  /** Most requests ever being handled at once, and the count now. */
  readonly peakConcurrent: number;
  readonly concurrent: number;
  /** Requests kept by paths with `keepRequests`. */
  readonly kept: readonly KeptRequest[];
  close(): Promise<void>;
}

export async function startTargetServer(options: TargetServerOptions = {}): Promise<TargetServer> {
  const byPath = new Map<string, number>();
  const byConnection = new Map<number, number>();
  const turns = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let total = 0;
  let accepted = 0;
  let concurrent = 0;
  let peakConcurrent = 0;
  const kept: KeptRequest[] = [];
  const startedAt = performance.now();

  const later = (ms: number, fn: () => void): void => {
    if (ms <= 0) return fn();
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  /** Time left in the current stall, 0 outside one. */
  const stallLeft = (): number => {
    if (!options.stall) return 0;
    const phase = (performance.now() - startedAt) % options.stall.everyMs;
    return phase < options.stall.forMs ? options.stall.forMs - phase : 0;
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    total++;
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
    const port = req.socket.remotePort ?? 0;
    byConnection.set(port, (byConnection.get(port) ?? 0) + 1);
    const b: PathBehaviour = options.paths?.[path] ?? options;
    concurrent++;
    peakConcurrent = Math.max(peakConcurrent, concurrent);
    let counted = true;
    const done = () => {
      if (counted) concurrent--;
      counted = false;
    };
    res.on('close', done);
    if (b.keepRequests) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (kept.length < 20) kept.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) });
      });
    } else req.resume();
    if (b.hang) return;
    if (b.reset) return void req.socket.destroy();
    const statuses = b.statuses ?? [200];
    const turn = turns.get(path) ?? 0;
    turns.set(path, turn + 1);
    const required = b.requireHeader;
    const status = required && req.headers[required.name.toLowerCase()] !== required.value ? 401 : statuses[turn % statuses.length];
    const answer = () => {
      const wait = stallLeft();
      if (wait > 0) return later(wait, answer);
      res.writeHead(status, { 'content-type': b.contentType ?? 'text/plain' }).end(b.body ?? 'hello world\n');
    };
    later(b.delayMs ?? 0, answer);
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get total() {
      return total;
    },
    byPath,
    byConnection,
    get accepted() {
      return accepted;
    },
    get peakConcurrent() {
      return peakConcurrent;
    },
    get concurrent() {
      return concurrent;
    },
    kept,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
