/**
 * The service's front door: one HTTP listener on 127.0.0.1 that sends each request to the next
 * READY replica in turn (request-level round robin, like a cloud load balancer), over pooled
 * keep-alive connections. 503 when no replica is ready, 502 when the replica fails mid-request.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Replica } from './replica-pool.js';

/** Connection-level headers belong to one hop and must not be forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

export class FrontBalancer {
  readonly #server: http.Server;
  readonly #readyReplicas: () => Replica[];
  #next = 0;

  constructor(readyReplicas: () => Replica[]) {
    this.#readyReplicas = readyReplicas;
    this.#server = http.createServer((req, res) => void this.#route(req, res));
    // Outlive the load generator's idle connections, so it never writes into a closing socket.
    this.#server.keepAliveTimeout = 65_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((ok, fail) => this.#server.once('error', fail).listen(0, '127.0.0.1', ok));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.#server.close();
    this.#server.closeAllConnections();
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ready = this.#readyReplicas().filter((r) => r.dispatcher);
    if (ready.length === 0) {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no ready replica\n');
      return;
    }
    const replica = ready[this.#next++ % ready.length]!;
    replica.inFlight++;
    if (req.method === 'GET' || req.method === 'HEAD') req.resume();
    try {
      const upstream = await replica.dispatcher!.request({
        method: req.method as 'GET',
        path: req.url ?? '/',
        headers: forwardable(req.headers),
        body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
      });
      res.writeHead(upstream.statusCode, forwardable(upstream.headers));
      for await (const chunk of upstream.body) res.write(chunk);
      res.end();
    } catch {
      req.resume();
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`replica ${replica.id} failed\n`);
      else res.destroy();
    } finally {
      replica.inFlight--;
    }
  }
}
