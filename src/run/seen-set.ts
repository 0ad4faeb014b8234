/** Remembers what was already written so repeated reads of late metrics are stored once (bounded). */
export class SeenSet {
  #keys = new Map<string, string>();
  readonly #limit: number;
  constructor(limit = 20_000) {
    this.#limit = limit;
  }
  /** True when `key` was already stored with the same `value`; otherwise remembers it. */
  has(key: string, value: string): boolean {
    if (this.#keys.get(key) === value) return true;
    this.#keys.set(key, value);
    if (this.#keys.size > this.#limit) this.#keys.delete(this.#keys.keys().next().value as string);
    return false;
  }
}

/**
 * Where each platform point was first placed on the timeline (its time and resolution after the
 * clock widening), so every later read of it lands on the same place (bounded, like SeenSet).
 */
export class PointPlacements {
  #placed = new Map<string, { atWall: number; resolutionMs: number }>();
  readonly #limit: number;
  constructor(limit = 20_000) {
    this.#limit = limit;
  }
  place<T extends { atWall: number; resolutionMs: number }>(key: string, x: T): T {
    const first = this.#placed.get(key);
    if (first) return { ...x, ...first };
    this.#placed.set(key, { atWall: x.atWall, resolutionMs: x.resolutionMs });
    if (this.#placed.size > this.#limit) this.#placed.delete(this.#placed.keys().next().value as string);
    return x;
  }
}
