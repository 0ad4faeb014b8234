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
