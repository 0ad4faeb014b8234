/**
 * PURE: how far a platform's clock is from ours, from the `Date` headers its answers carry.
 *
 * A `Date` header has 1 s resolution and is truncated (RFC 9110 IMF-fixdate): a header D was
 * produced at a server instant in [D, D + res). That instant is also somewhere between when we
 * sent the request and when the answer arrived (on our clock). So
 *
 *   offset = server - ours   lies in   [D - received, D + res - sent]
 *
 * Each answer gives such an interval; the true offset is in all of them, so they are
 * intersected. As the sub-second phase of our requests varies the intersection shrinks toward
 * the round trip. An EMPTY intersection means a clock stepped (theirs or ours): the estimate
 * restarts from the new answer and says so (`steps`).
 *
 * The offset used is STICKY: any value in the interval is a valid estimate, so the one in use is
 * kept while the interval still contains it (0 when it can: clocks that may agree are not moved),
 * and the bound is its distance to the farther end. Converted platform times then stay the same
 * from read to read (a point re-read is the same point), instead of moving with every answer.
 */

export interface ServerClockObservation {
  /** Our (steady) wall time when the request was sent, epoch ms. */
  sentWall: number;
  /** Our (steady) wall time when the answer arrived, epoch ms. */
  receivedWall: number;
  /** The server's time from the answer (the `Date` header), epoch ms. */
  serverMs: number;
  /** The resolution of serverMs (1000 for a `Date` header: truncated to the second). */
  resolutionMs?: number;
}

export interface ServerClockEstimate {
  /** Estimate of server - ours, ms: inside what is possible, kept while it stays so. */
  offsetMs: number;
  /** The true offset is within offsetMs +- boundMs. */
  boundMs: number;
  /** Answers behind the estimate since the last step. */
  observations: number;
  /** How many times the intervals stopped agreeing (a clock stepped) during the run. */
  steps: number;
}

export class ServerClockEstimator {
  #low = -Infinity;
  #high = Infinity;
  #observations = 0;
  #steps = 0;
  #used = 0;

  /** Adds one answer; returns true when it contradicted what was known (a clock step). */
  observe(o: ServerClockObservation): boolean {
    const res = o.resolutionMs ?? 1000;
    if (![o.sentWall, o.receivedWall, o.serverMs, res].every(Number.isFinite) || o.receivedWall < o.sentWall || res < 0) return false;
    const low = o.serverMs - o.receivedWall;
    const high = o.serverMs + res - o.sentWall;
    if (low > this.#high || high < this.#low) {
      this.#steps++;
      this.#low = low;
      this.#high = high;
      this.#observations = 1;
      this.#settle();
      return true;
    }
    this.#low = Math.max(this.#low, low);
    this.#high = Math.min(this.#high, high);
    this.#observations++;
    this.#settle();
    return false;
  }

  /** Keeps the offset in use while it is possible; else 0 if that is, else the middle. */
  #settle(): void {
    if (this.#observations > 1 && this.#used >= this.#low && this.#used <= this.#high) return;
    this.#used = this.#low <= 0 && this.#high >= 0 ? 0 : (this.#low + this.#high) / 2;
  }

  estimate(): ServerClockEstimate | null {
    if (this.#observations === 0) return null;
    return { offsetMs: this.#used, boundMs: Math.max(this.#used - this.#low, this.#high - this.#used), observations: this.#observations, steps: this.#steps };
  }
}

/**
 * A platform-stamped time on our clock, the best guess (the middle of what is possible). The
 * true moment lies within +- boundMs of it: see `widenForClock`.
 */
export function fromPlatformClock(platformMs: number, e: ServerClockEstimate | null): number {
  return e ? platformMs - e.offsetMs : platformMs;
}

/**
 * The analysis reads a sample's time as the LATEST moment it could describe, with its margin
 * going backwards (resolutionMs). A converted time that is only good to +- bound is therefore
 * moved to its latest (atWall + bound) and its resolution grows by 2 x bound.
 */
export function widenForClock<T extends { atWall: number; resolutionMs: number }>(x: T, boundMs: number): T {
  if (!(boundMs > 0)) return x;
  return { ...x, atWall: x.atWall + boundMs, resolutionMs: x.resolutionMs + 2 * boundMs };
}

/** An estimate worth a new timeline record: the first, a step, or a move of more than `minMs`, or a bound halved. */
export function changedMaterially(prev: ServerClockEstimate | null, next: ServerClockEstimate, minMs = 100): boolean {
  if (!prev) return true;
  if (next.steps !== prev.steps) return true;
  if (Math.abs(next.offsetMs - prev.offsetMs) > minMs) return true;
  return next.boundMs < prev.boundMs / 2 && prev.boundMs - next.boundMs > minMs / 10;
}
