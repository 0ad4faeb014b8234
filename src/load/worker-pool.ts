/**
 * Runs the shards in worker threads and brings their results back to the main thread: starts
 * N workers, waits until every one has pre-opened its connections, gives them ONE origin a
 * little in the future (so all start the plan together), forwards the stop, and hands every
 * window part to the caller (the merger). The script is `load-worker.js` next to this module
 * in dist/, or `load-worker.ts` under tsx/vitest, which then gets tsx's loader.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ShardResult, ShardSpec } from './shard.js';
import type { WindowPart } from './window-parts.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

export interface WorkerRunOptions {
  specs: ShardSpec[];
  preopenConcurrency: number;
  /** Lead before the plan origin: the warm-up plus a margin for the start message. */
  leadMs: number;
  drainMs: number;
  stop: AbortSignal;
  onPart(part: WindowPart): void;
  /** Told the origin (main-thread performance.now()) before any shard starts. */
  onOrigin(originMono: number): void;
  /** Called every few ms while the shards run (stage records). */
  onTick(): void;
}

const START_MARGIN_MS = 30;
const TICK_MS = 5;

/**
 * How to start the worker: `load-worker.js` next to this module in dist/; from source (.ts,
 * under tsx or vitest) a tiny ESM bootstrap that registers tsx's loader in the worker first,
 * because Node 20 does not apply `--import` loader hooks given in a worker's execArgv.
 */
export function workerEntry(callerUrl: string = import.meta.url): { entry: string | URL; eval: boolean } {
  const callerFile = fileURLToPath(callerUrl);
  const ext = path.extname(callerFile);
  const file = path.join(path.dirname(callerFile), `load-worker${ext}`);
  if (ext !== '.ts') return { entry: pathToFileURL(file), eval: false };
  const tsxDir = path.dirname(createRequire(callerUrl).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); })`;
  return { entry: code, eval: true };
}

/** Results per shard, or null when stopped before the start. */
export async function runInWorkers(opts: WorkerRunOptions): Promise<ShardResult[] | null> {
  const { entry, eval: isEval } = workerEntry();
  const workers = opts.specs.map((spec) => new Worker(entry, { eval: isEval, workerData: { ...spec, preopenConcurrency: opts.preopenConcurrency } satisfies WorkerInit }));
  const send = (m: ToWorker) => workers.forEach((w) => w.postMessage(m));
  const onStop = () => send({ type: 'stop' });
  opts.stop.addEventListener('abort', onStop, { once: true });
  let ticker: NodeJS.Timeout | null = null;
  let failed: (err: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => {});
  const ready = workers.map((w, i) => {
    let resolveReady: () => void = () => {};
    let resolveDone: (r: ShardResult) => void = () => {};
    const isReady = new Promise<void>((resolve) => (resolveReady = resolve));
    const done = new Promise<ShardResult>((resolve) => (resolveDone = resolve));
    w.on('message', (m: FromWorker) => {
      if (m.type === 'ready') resolveReady();
      else if (m.type === 'part') opts.onPart(m.part);
      else if (m.type === 'done') resolveDone({ ...m.result, endMono: m.endAbs - performance.timeOrigin });
      else if (m.type === 'error') failed(new Error(`load worker ${i}: ${m.message}`));
    });
    w.on('error', (err) => failed(err));
    w.on('exit', (code) => {
      // A worker that exits before `done` (crash, or stopped during pre-open) resolves ready so nobody waits on it.
      resolveReady();
      if (code !== 0) failed(new Error(`load worker ${i} exited with code ${code}`));
    });
    return { isReady, done };
  });
  try {
    await Promise.race([Promise.all(ready.map((r) => r.isReady)), failure]);
    if (opts.stop.aborted) return null;
    const originMono = performance.now() + opts.leadMs + START_MARGIN_MS;
    opts.onOrigin(originMono);
    send({ type: 'start', originAbs: performance.timeOrigin + originMono, drainMs: opts.drainMs });
    ticker = setInterval(opts.onTick, TICK_MS);
    return await Promise.race([Promise.all(ready.map((r) => r.done)), failure]);
  } finally {
    if (ticker) clearInterval(ticker);
    opts.stop.removeEventListener('abort', onStop);
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  }
}
