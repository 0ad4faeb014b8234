/**
 * Messages between the engine (main thread) and its load workers. Times cross threads as
 * absolute high-resolution epochs (`performance.timeOrigin + performance.now()`), because each
 * thread's `performance.now()` counts from its own start.
 */
import type { ShardResult, ShardSpec } from './shard.js';
import type { WindowPart } from './window-parts.js';

export interface WorkerInit extends ShardSpec {
  preopenConcurrency: number;
}

export type ToWorker = { type: 'start'; originAbs: number; drainMs: number } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'part'; part: WindowPart }
  | { type: 'done'; result: Omit<ShardResult, 'endMono'>; endAbs: number }
  | { type: 'error'; message: string };
