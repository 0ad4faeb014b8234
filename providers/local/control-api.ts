/**
 * The platform's control plane API on 127.0.0.1, polled by the provider the way a cloud
 * provider polls DescribeServices or the HPA status: read-only JSON.
 *   GET /v1/status            counts, utilization, one entry per replica
 *   GET /v1/events?since=ms   scaling decisions and replica lifecycle at or after `since` (epoch ms)
 *   GET /v1/config            the settings in force
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigBody, LocalEvent, StatusBody } from './protocol.js';

export interface ControlHandlers {
  status(): StatusBody;
  events(sinceWall: number): LocalEvent[];
  config(): ConfigBody;
}

export async function startControlApi(h: ControlHandlers): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const reply = (status: number, body: unknown) => {
      const json = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
    };
    if (req.method !== 'GET') return reply(405, { error: 'only GET' });
    if (url.pathname === '/v1/status') return reply(200, h.status());
    if (url.pathname === '/v1/config') return reply(200, h.config());
    if (url.pathname === '/v1/events') {
      const since = Number(url.searchParams.get('since') ?? 0);
      if (!Number.isFinite(since)) return reply(400, { error: 'since must be epoch milliseconds' });
      return reply(200, { events: h.events(since) });
    }
    return reply(404, { error: `no route ${url.pathname}` });
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}
