/**
 * What a workload model (open or closed) gets from the engine and gives back. Models only
 * decide WHEN to send WHICH request; sending is the Sender's job and bookkeeping the
 * recorder's, so a model runs the same inside a worker thread or against a fake sender.
 */
import type { Clock } from '../clock.js';
import type { Sender } from './http-client.js';
import type { LoadPlan } from './plan.js';
import type { RequestMix } from './request-mix.js';
import type { PreparedRequest } from './request-options.js';
import type { WindowRecorder } from './window-recorder.js';

export interface ModelContext {
  plan: LoadPlan;
  clock: Clock;
  /** Clock value of the plan's t = 0. */
  originMono: number;
  requests: readonly PreparedRequest[];
  mix: RequestMix;
  sender: Sender;
  recorder: WindowRecorder;
  /** Aborted to stop new arrivals at once. */
  stop: AbortSignal;
  /** Called on every scheduler wake-up with the time since the origin (stages, windows). */
  onTick(sinceOriginMs: number): void;
}

export interface ModelResult {
  /** Arrivals due (open) or iterations started (closed) before the model stopped. */
  planned: number;
  sent: number;
  dropped: number;
  /** Clock value where the load ended: the planned end, or the stop. */
  endMono: number;
  stoppedEarly: boolean;
}

/** Longest sleep of a scheduler loop, so windows and stage records stay on time when idle. */
export const MAX_IDLE_SLEEP_MS = 20;

/** `clock.sleep` that resolves false instead of rejecting when `signal` aborts. */
export async function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await clock.sleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}
