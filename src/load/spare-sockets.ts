/**
 * Connections opened before the load WITHOUT sending anything: one TCP (and TLS) handshake per
 * connection, kept as a spare and handed to undici when that connection's first request asks for
 * a socket. The service sees no request before the plan starts, so pre-opening cannot trigger a
 * scale-up by itself (a warm-up GET per connection did: 50 requests within 0.2 s at one replica
 * looked like 250 req/s to its autoscaler).
 *
 * A spare is handed over only while younger than SPARE_MAX_AGE_MS (under the usual 60 s idle and
 * header timeouts of nginx, Node and load balancers, which may drop an idle connection without a
 * word) and still clean: open (Node closes it on the server's FIN) and, on HTTP/1.1, nothing
 * received (a server that spoke first, e.g. `408 Request Timeout`, is closing). Otherwise the
 * request connects anew. (undici would also re-queue a request whose fresh socket closed before
 * it was written; checking first saves that round trip.)
 */
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import type { Clock } from '../clock.js';

const SPARE_MAX_AGE_MS = 30_000;

export interface ConnectorOptions {
  /** Scheme, host and port of the target. */
  origin: string;
  clock: Clock;
  connectTimeoutMs: number;
  http2: boolean;
  ca?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

interface Spare {
  socket: Socket;
  openedAt: number;
}

export class SpareSockets {
  readonly #connect: buildConnector.connector;
  readonly #target: buildConnector.Options;
  readonly #clock: Clock;
  readonly #spares = new Map<number, Spare>();
  #destroyed = false;

  constructor(o: ConnectorOptions) {
    this.#clock = o.clock;
    this.#connect = buildConnector({
      ...(o.ca ? { ca: o.ca } : {}),
      ...(o.servername ? { servername: o.servername } : {}),
      rejectUnauthorized: o.rejectUnauthorized,
      allowH2: o.http2,
      timeout: o.connectTimeoutMs,
    });
    this.#target = targetOf(o.origin);
  }

  /** The `connect` option of connection `slot`'s undici Client: its spare first, else a new socket. */
  connectorFor(slot: number): buildConnector.connector {
    return (options, callback) => {
      const spare = this.#take(slot);
      // Asynchronously, as a real connect: undici leaves the request queued on a synchronous callback.
      if (spare) queueMicrotask(() => callback(null, spare));
      else this.#connect(options, callback);
    };
  }

  /** Opens a spare for `slot`; resolves when connected or failed (a failure is left for the first request to meet). */
  open(slot: number): Promise<void> {
    return new Promise((resolve) => {
      this.#connect({ ...this.#target }, (err, socket) => {
        // A pre-open cut short (abort, close) may still finish connecting: do not keep that socket.
        if (!err && socket && this.#destroyed) socket.destroy();
        else if (!err && socket) this.#spares.set(slot, { socket, openedAt: this.#clock.now() });
        resolve();
      });
    });
  }

  get count(): number {
    return this.#spares.size;
  }

  /** Closes the spares no request used. */
  destroy(): void {
    this.#destroyed = true;
    for (const s of this.#spares.values()) s.socket.destroy();
    this.#spares.clear();
  }

  #take(slot: number): Socket | null {
    const spare = this.#spares.get(slot);
    if (!spare) return null;
    this.#spares.delete(slot);
    const { socket } = spare;
    const h2 = (socket as Socket & { alpnProtocol?: string | false }).alpnProtocol === 'h2';
    const clean = !socket.destroyed && socket.readyState === 'open' && (h2 || socket.readableLength === 0);
    if (clean && this.#clock.now() - spare.openedAt < SPARE_MAX_AGE_MS) return socket;
    socket.destroy();
    return null;
  }
}

/** What undici's Client passes its connector for `origin` (IPv6 brackets stripped, as undici does). */
function targetOf(origin: string): buildConnector.Options {
  const url = new URL(origin);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { hostname, host: url.host, protocol: url.protocol, port: url.port, localAddress: null };
}
