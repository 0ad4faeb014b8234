/**
 * A load worker thread: one shard (see shard.ts). It pre-opens its connections, says `ready`,
 * waits for `start` (the common origin), runs its share of the plan, streams one encoded
 * window part per window, and reports `done`. `stop` ends its arrivals at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../clock.js';
import { Shard } from './shard.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('load-worker.ts runs as a worker thread');
const init = workerData as WorkerInit;
const stop = new AbortController();
const post = (m: FromWorker) => port.postMessage(m);

async function main(): Promise<void> {
  const shard = new Shard(init, systemClock);
  const started = new Promise<Extract<ToWorker, { type: 'start' }>>((resolve) => {
    port!.on('message', (m: ToWorker) => {
      if (m.type === 'stop') stop.abort();
      else if (m.type === 'start') resolve(m);
    });
  });
  try {
    await shard.preOpen(init.preopenConcurrency, stop.signal);
    post({ type: 'ready' });
    const start = await Promise.race([started, new Promise<null>((resolve) => stop.signal.addEventListener('abort', () => resolve(null), { once: true }))]);
    if (start) {
      const { endMono, ...result } = await shard.run({
        originMono: start.originAbs - performance.timeOrigin,
        drainMs: start.drainMs,
        stop: stop.signal,
        encode: true,
        emitPart: (part) => post({ type: 'part', part }),
      });
      post({ type: 'done', result, endAbs: performance.timeOrigin + endMono });
    }
  } finally {
    await shard.close(1000);
    port!.close();
  }
}

main().catch((err: unknown) => {
  post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  port.close();
});
