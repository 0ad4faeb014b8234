/**
 * Writes a stage record when the schedule reaches each stage's start, and the `load-end` marker
 * when the load stops. Shared by the in-process engine and the distributed coordinator.
 */
import type { StageRecord } from '../timeline/types.js';
import type { LoadPlan } from './plan.js';

/** Name of the stage record written when the load stops (the analysis looks for it). */
export const LOAD_END_MARKER = 'load-end';

export class StageAnnouncer {
  readonly #plan: LoadPlan;
  readonly originT: number;
  readonly originMono: number;
  readonly #onStage: (s: StageRecord) => void;
  #next = 0;

  constructor(plan: LoadPlan, originT: number, onStage: (s: StageRecord) => void, originMono = 0) {
    this.#plan = plan;
    this.originT = originT;
    this.originMono = originMono;
    this.#onStage = onStage;
  }

  upTo(elapsedMs: number): void {
    const stages = this.#plan.stages;
    while (this.#next < stages.length && stages[this.#next].startMs <= elapsedMs) {
      const s = stages[this.#next++];
      this.#onStage({ kind: 'stage', t: this.originT + s.startMs, index: s.index, ...(s.name === undefined ? {} : { name: s.name }), from: s.from, to: s.to, durationMs: s.durationMs });
    }
  }

  /** The `load-end` marker: the level drops from `level` to 0 at `t`. */
  end(t: number, level: number): void {
    this.#onStage({ kind: 'stage', t, index: this.#plan.stages.length, name: LOAD_END_MARKER, from: level, to: 0, durationMs: 0 });
  }
}
