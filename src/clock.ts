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

/**
 * A Clock whose wall time follows its monotonic time from one anchor: wallNow() = anchor wall +
 * (now() - anchor mono). During a run everything is stamped with it, so an NTP step or a VM
 * resume on this machine moves nothing against the monotonic timeline. `driftMs()` says how
 * far the machine's own wall clock has moved away from it since (a step, when large).
 */
export interface SteadyClock extends Clock {
  driftMs(): number;
}

export function steadyWallClock(base: Clock, anchorWall = base.wallNow(), anchorMono = base.now()): SteadyClock {
  const wallNow = () => anchorWall + (base.now() - anchorMono);
  return {
    now: () => base.now(),
    wallNow,
    sleep: (ms, signal) => base.sleep(ms, signal),
    driftMs: () => base.wallNow() - wallNow(),
  };
}
