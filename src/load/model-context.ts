/**
 * What a workload model (open or closed) gets from the engine and gives back. Models only
 * decide WHEN to send WHICH request; sending is the Sender's job and bookkeeping the
 * recorder's, so a model runs the same inside a worker thread or against a fake sender.
 */
import type { Clock } from '../clock.js';
import type { Sender } from './http-client.js';
import type { OutcomeClass } from './outcome.js';
import type { LoadPlan } from './plan.js';
import type { RequestMix } from './request-mix.js';
import type { PreparedRequest } from './request-options.js';
import type { UserSetup } from './scenario/user-setup.js';

/** Where a model reports its events: a window recorder, a shard's accumulator, or nothing (warm-up). */
export interface LoadEvents {
  planned(req: number, intendedMono: number): void;
  dropped(req: number, intendedMono: number): void;
  sent(req: number, intendedMono: number, actualMono: number): void;
  completed(req: number, cls: OutcomeClass, throttled: boolean, intendedMono: number, endMono: number, sentMono?: number, checkFailed?: boolean): void;
}

/** Events of the unrecorded warm-up. */
export const NO_EVENTS: LoadEvents = { planned() {}, dropped() {}, sent() {}, completed() {} };

export interface ModelContext {
  plan: LoadPlan;
  clock: Clock;
  /** Clock value of the plan's t = 0. */
  originMono: number;
  requests: readonly PreparedRequest[];
  mix: RequestMix;
  sender: Sender;
  recorder: LoadEvents;
  /** Aborted to stop new arrivals at once. */
  stop: AbortSignal;
  /** Called on every scheduler wake-up with the time since the origin (stages, windows). */
  onTick(sinceOriginMs: number): void;
  /** This model runs shard `shard` of `shards` (worker threads): arrivals k ≡ shard + 1 mod shards, users j ≡ shard mod shards. */
  shard?: number;
  shards?: number;
  /** Added to arrival numbers for `{{ seq }}` (the warm-up's arrivals come first). */
  seqOffset?: number;
  /** Closed model, `setup.per: user`: each user runs these steps before its first request. */
  userSetup?: UserSetup;
}

/** Arrivals of one stage: planned (due), sent, dropped. */
export interface StageCounts {
  planned: number;
  sent: number;
  dropped: number;
}

export interface ModelResult {
  /** Arrivals due (open) or iterations started (closed) before the model stopped. */
  planned: number;
  sent: number;
  dropped: number;
  /** Clock value where the load ended: the planned end, or the stop. */
  endMono: number;
  stoppedEarly: boolean;
  /** Per plan stage (open model; the closed model counts iterations by the stage they started in). */
  stages: StageCounts[];
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
