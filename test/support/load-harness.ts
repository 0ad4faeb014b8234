/**
 * What every load-engine integration test needs: a loopback target server closed after each
 * test, a load spec parsed by the real schema (one shard in this thread, whatever the cores:
 * the worker path has its own test), and one engine run that collects its records.
 */
import { afterEach } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { runLoad } from '../../src/load/engine.js';
import { loadSchema, type LoadSpec } from '../../src/profile/schema.js';
import type { LoadRecord, StageRecord } from '../../src/timeline/types.js';
import { startTargetServer, type TargetServer, type TargetServerOptions } from './target-server.js';

/** Registers the cleanup; returns the function that starts this test's target server. */
export function useTargetServer(): (options?: TargetServerOptions) => Promise<TargetServer> {
  let server: TargetServer | null = null;
  afterEach(async () => {
    // A test may have closed its server already (to get a refused connection): that is fine.
    await server?.close().catch(() => {});
    server = null;
  });
  return async (options = {}) => (server = await startTargetServer(options));
}

export const loadSpec = (raw: Record<string, unknown>): LoadSpec => loadSchema.parse({ workers: 1, ...raw });

export interface RunOptions {
  /**
   * Aborts the run once this holds (checked every few ms), e.g. "the server has received 50
   * requests": an event, not a delay, so a slow machine aborts at the same point of the run.
   */
  abortWhen?: () => boolean;
  drainMs?: number;
  env?: Record<string, string>;
}

export async function runOnce(load: LoadSpec, baseUrl: string, opts: RunOptions = {}) {
  const records: LoadRecord[] = [];
  const stages: StageRecord[] = [];
  const controller = new AbortController();
  let abortedAt = 0;
  const abortWhen = opts.abortWhen;
  const timer = !abortWhen
    ? null
    : setInterval(() => {
        if (controller.signal.aborted || !abortWhen()) return;
        abortedAt = systemClock.now();
        controller.abort();
      }, 5);
  const runStartMono = systemClock.now();
  const result = await runLoad({
    load,
    baseUrl,
    ...(opts.env ? { env: opts.env } : {}),
    clock: systemClock,
    runStartMono,
    signal: controller.signal,
    drainMs: opts.drainMs ?? 2000,
    onStage: (s) => stages.push(s),
    onWindows: (batch) => records.push(...batch),
  });
  const resolvedAt = systemClock.now();
  if (timer) clearInterval(timer);
  return { result, records, stages, abortedAt, resolvedAt, runStartMono };
}
