/**
 * The LoadRunResult of a distributed load, summed over the agents. An agent that was lost
 * counts with what its window parts showed up to then (no per-stage breakdown).
 */
import type { LoadPlan } from '../load/plan.js';
import type { LoadRunResult, StageResult } from '../load/types.js';
import type { AgentResult } from './protocol.js';
import type { AgentTally } from './share-merger.js';

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
