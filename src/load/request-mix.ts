/**
 * Which request each arrival (or each user iteration) sends: a smooth weighted round-robin
 * (the nginx upstream algorithm). It is deterministic, spreads each request evenly through
 * time instead of in bursts, and any window of `sum(weights)` picks matches the weights
 * exactly when they are whole numbers.
 */

/** Anything with a weight; the mix returns indexes into the list it was given. */
export interface Weighted {
  weight: number;
}

export class RequestMix {
  readonly #weights: number[];
  readonly #current: number[];
  readonly #total: number;

  constructor(items: readonly Weighted[]) {
    this.#weights = items.map((i) => (Number.isFinite(i.weight) && i.weight > 0 ? i.weight : 0));
    this.#total = this.#weights.reduce((a, w) => a + w, 0);
    if (this.#total <= 0) throw new RangeError('request mix: at least one request needs a weight above 0');
    this.#current = this.#weights.map(() => 0);
  }

  /** Advances the mix by `n` picks (another shard sends them). */
  skip(n: number): void {
    for (let i = 0; i < n; i++) this.next();
  }

  /** Index of the next request to send. */
  next(): number {
    let best = -1;
    for (let i = 0; i < this.#weights.length; i++) {
      if (this.#weights[i] === 0) continue;
      this.#current[i] += this.#weights[i];
      if (best < 0 || this.#current[i] > this.#current[best]) best = i;
    }
    this.#current[best] -= this.#total;
    return best;
  }
}
