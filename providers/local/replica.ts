/**
 * Entry point of one replica process (forked by the platform). Waits out the startup delay,
 * listens on 127.0.0.1:0, serves with the configured capacity and reports its counters over IPC.
 * It exits as soon as the IPC channel closes, so it can never outlive the platform.
 */
import http from 'node:http';
import type { FromReplica, ReplicaOptions, ReplicaStats, ToReplica } from './protocol.js';
import { ReplicaSlots } from './replica-slots.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as ReplicaOptions;
if (!process.send) {
  process.stderr.write('replica.ts runs only as a child of the local platform\n');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));

const slots = new ReplicaSlots({ concurrency: opts.concurrency, queueLimit: opts.queueLimit, serviceTimeMs: opts.serviceTimeMs, replicaId: opts.id });
const server = http.createServer((req, res) => slots.handle(req, res));
server.keepAliveTimeout = 60_000; // the platform's balancer keeps connections open; don't race it

const send = (m: FromReplica): void => {
  if (process.connected) process.send!(m);
};
const stats = (): ReplicaStats => {
  const now = performance.now();
  return { uptimeMs: now, ...slots.counters(now), rssBytes: process.memoryUsage.rss() };
};

process.on('message', (m: ToReplica) => {
  if (m.type !== 'drain') return;
  server.close();
  server.closeIdleConnections();
  const check = setInterval(() => {
    if (slots.idle) process.exit(0);
  }, 20);
  check.unref();
  if (slots.idle) process.exit(0);
});

const waitMs = Math.max(0, opts.readyNotBeforeWall - Date.now());
setTimeout(() => {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    send({ type: 'listening', port, stats: stats() });
    setInterval(() => send({ type: 'stats', stats: stats() }), opts.reportIntervalMs);
  });
}, waitMs);
