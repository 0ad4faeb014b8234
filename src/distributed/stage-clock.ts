/**
 * The coordinator's side of a distributed load that the in-process engine does for itself:
 * stage records at each stage's start (on the coordinator's clock, from the common origin),
 * the `load-end` marker, and the LoadRunResult summed over the agents. An agent that was lost
 * counts with what its window parts showed up to then (no per-stage breakdown).
 */
import { LOAD_END_MARKER } from '../load/engine.js';
import { levelAt, type LoadPlan } from '../load/plan.js';
import type { LoadRunResult, StageResult } from '../load/types.js';
import type { StageRecord } from '../timeline/types.js';
import type { AgentResult } from './protocol.js';
import type { AgentTally } from './share-merger.js';

export class StageClock {
  readonly originT: number;
  readonly #plan: LoadPlan;
  readonly #onStage: (s: StageRecord) => void;
  #next = 0;

  constructor(plan: LoadPlan, originT: number, onStage: (s: StageRecord) => void) {
    this.#plan = plan;
    this.originT = originT;
    this.#onStage = onStage;
  }

  /** Writes every stage whose start is at or before `sinceOriginMs`. */
  upTo(sinceOriginMs: number): void {
    const stages = this.#plan.stages;
    while (this.#next < stages.length && stages[this.#next].startMs <= sinceOriginMs) {
      const s = stages[this.#next++];
      this.#onStage({ kind: 'stage', t: this.originT + s.startMs, index: s.index, ...(s.name === undefined ? {} : { name: s.name }), from: s.from, to: s.to, durationMs: s.durationMs });
    }
  }

  end(t: number, plan: LoadPlan): void {
    this.#onStage({ kind: 'stage', t, index: plan.stages.length, name: LOAD_END_MARKER, from: levelAt(plan, t - this.originT), to: 0, durationMs: 0 });
  }
}

export function summarize(plan: LoadPlan, agents: ReadonlyArray<{ done: AgentResult | null; lost: string | null }>, tallies: readonly AgentTally[], originT: number, endT: number): LoadRunResult {
  let planned = 0;
  let sent = 0;
  let dropped = 0;
  let connections = 0;
  const per = plan.stages.map(() => ({ planned: 0, sent: 0, dropped: 0 }));
  agents.forEach((a, i) => {
    if (a.done) {
      planned += a.done.planned;
      sent += a.done.sent;
      dropped += a.done.dropped;
      connections += a.done.connects;
      a.done.stages.forEach((s, k) => {
        if (!per[k]) return;
        per[k].planned += s.planned;
        per[k].sent += s.sent;
        per[k].dropped += s.dropped;
      });
    } else {
      planned += tallies[i]?.planned ?? 0;
      sent += tallies[i]?.sent ?? 0;
      dropped += tallies[i]?.dropped ?? 0;
    }
  });
  const stages: StageResult[] = plan.stages.map((s, i) => {
    const ranMs = Math.max(0, Math.min(s.durationMs, endT - originT - s.startMs));
    const perSec = (x: number) => (ranMs > 0 ? (x * 1000) / ranMs : null);
    const c = per[i];
    return { index: s.index, ...(s.name === undefined ? {} : { name: s.name }), planned: c.planned, sent: c.sent, dropped: c.dropped, plannedRate: perSec(c.planned), achievedRate: perSec(c.sent) };
  });
  const stoppedEarly = agents.some((a) => a.lost !== null || a.done?.stoppedEarly === true);
  return { startT: originT, endT, planned, sent, dropped, stoppedEarly, stages, connections };
}
