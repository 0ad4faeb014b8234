import { setTimeout as sleepTimer } from 'node:timers/promises';

/**
 * The only door to real time. Schedulers, pollers and the run loop take a Clock so tests can
 * drive them with a fake one instead of sleeping.
 */
export interface Clock {
  /** Monotonic milliseconds (fractional). Use for durations, schedules and latencies. */
  now(): number;
  /** Wall-clock epoch milliseconds. Use to stamp the run and to align platform timestamps. */
  wallNow(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleepTimer(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  },
};
