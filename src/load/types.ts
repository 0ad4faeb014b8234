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
  /** Environment for `{{ env.NAME }}` templates (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
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
  /** Achieved vs planned, per plan stage (see `achievedRateNotes` for the notes a run should write). */
  stages?: StageResult[];
  /** Connections opened, rotations included. */
  connections?: number;
}

/** One plan stage as it ran. Arrivals count in the stage of their INTENDED send time. */
export interface StageResult {
  index: number;
  name?: string;
  /** Arrivals due (open) or iterations started (closed) in the stage, sent, and dropped. */
  planned: number;
  sent: number;
  dropped: number;
  /** Average planned and achieved (sent) req/s over the part of the stage that ran; null for an instant stage. */
  plannedRate: number | null;
  achievedRate: number | null;
}

export type LoadEngine = (opts: LoadEngineOptions) => Promise<LoadRunResult>;
