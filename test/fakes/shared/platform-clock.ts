/**
 * A fake platform's own clock, `clockOffsetMs` away from ours, optionally stepping by
 * `clockStep.byMs` at `clockStep.atWall` (our epoch ms): what an NTP correction on the platform's
 * side looks like. Every fake keeps its ground truth on OUR clock and shifts only what it serves
 * (the `Date` header, object and metric times) through `toPlatform`.
 */
export interface PlatformClockOptions {
  /** Platform clock = ours + this (ms). */
  clockOffsetMs?: number;
  /** At `atWall` (our clock) the platform clock jumps by `byMs` more. */
  clockStep?: { atWall: number; byMs: number };
}

export class FakePlatformClock {
  constructor(readonly o: PlatformClockOptions = {}) {}

  /** Platform minus ours at our time `ourMs`. */
  offsetAt(ourMs: number): number {
    const step = this.o.clockStep;
    return (this.o.clockOffsetMs ?? 0) + (step && ourMs >= step.atWall ? step.byMs : 0);
  }

  toPlatform(ourMs: number): number {
    return ourMs + this.offsetAt(ourMs);
  }

  /** A time the platform was given (a query's StartTime) back on our clock, with the offset now. */
  toOurs(platformMs: number): number {
    return platformMs - this.offsetAt(Date.now());
  }

  /** The `Date` header the platform sends now (IMF-fixdate: truncated to the second). */
  dateHeader(): string {
    return new Date(this.toPlatform(Date.now())).toUTCString();
  }
}
