/**
 * The contract between the run and the load engine. The engine applies `load` to `baseUrl`,
 * calls `onStage` at each stage start and `onWindows` once per closed window (aggregate `*`
 * record first, then one per request name), and resolves when the last stage ends and the
 * in-flight requests have finished (or `drainMs` passed).
 */
import type { Clock } from '../clock.js';
import type { LoadSpec } from '../profile/schema.js';
import type { LoadRecord, StageRecord } from '../timeline/types.js';

export interface LoadEngineOptions {
  load: LoadSpec;
  /** Base URL requests go to (request paths are appended). */
  baseUrl: string;
  clock: Clock;
  /** Monotonic clock value (clock.now()) of the run's t = 0; records carry t relative to it. */
  runStartMono: number;
  /** Aborting stops new arrivals at once; in-flight requests get `drainMs` to finish. */
  signal: AbortSignal;
  drainMs?: number;
  onStage(stage: StageRecord): void;
  onWindows(records: LoadRecord[]): void;
}

export interface LoadRunResult {
  /** t of the first arrival and of the end of the last stage. */
  startT: number;
  endT: number;
  planned: number;
  sent: number;
  dropped: number;
  /** True when the run was stopped by the signal before the plan ended. */
  stoppedEarly: boolean;
}

export type LoadEngine = (opts: LoadEngineOptions) => Promise<LoadRunResult>;
