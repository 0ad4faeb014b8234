/**
 * Late metric points are re-read every poll (CloudWatch and Azure Monitor publish minutes late
 * and revise the newest period while it fills). This remembers what was emitted so each point
 * leaves the provider once, and again only when the platform changed its value. Pure: no IO,
 * no clock; the caller passes the point times.
 */
import type { PlatformSample } from '../../src/provider.js';

export class PointDedupe {
  readonly #seen = new Map<string, string>();
  constructor(private readonly limit = 5000) {}

  /** The samples not emitted before with the same values (key: source + atWall). */
  fresh(samples: readonly PlatformSample[]): PlatformSample[] {
    const out: PlatformSample[] = [];
    for (const s of samples) {
      const { atWall, source, ...values } = s;
      const key = `${source}|${atWall}`;
      const value = JSON.stringify(values);
      if (this.#seen.get(key) === value) continue;
      this.#seen.delete(key);
      this.#seen.set(key, value);
      out.push(s);
    }
    while (this.#seen.size > this.limit) this.#seen.delete(this.#seen.keys().next().value as string);
    return out;
  }
}
