/**
 * Merges the window parts of N agents into timeline records with the engine's own merger
 * (window-parts.ts WindowMerger: exact HdrHistogram add, counters summed), and copes with an
 * agent that is lost mid-run: from its last part on it contributes EMPTY parts, so the other
 * agents' windows still close on time, and its share is simply missing from the counts.
 * Parts replayed after a log reconnect (index already seen) are dropped, so nothing counts twice.
 */
import { newCounters, type WindowMerger, type WindowPart } from '../load/window-parts.js';

export interface AgentTally {
  planned: number;
  sent: number;
  dropped: number;
  /** Index of the last window part received, -1 before the first. */
  lastWindow: number;
}

export function emptyPart(index: number, keyCount: number, final = false): WindowPart {
  return { index, all: newCounters(), keys: new Array<null>(keyCount).fill(null), lag: null, send: null, inFlightAll: 0, inFlight: new Array<number>(keyCount).fill(0), final };
}

export class ShareMerger {
  readonly tallies: AgentTally[];
  readonly #merger: WindowMerger;
  readonly #keyCount: number;
  readonly #lost = new Set<number>();
  /** Next window each lost agent still owes a (filler) part for. */
  readonly #fillFrom = new Map<number, number>();
  #highest = -1;

  constructor(merger: WindowMerger, agents: number, keyCount: number) {
    this.#merger = merger;
    this.#keyCount = keyCount;
    this.tallies = Array.from({ length: agents }, () => ({ planned: 0, sent: 0, dropped: 0, lastWindow: -1 }));
  }

  isLost(agent: number): boolean {
    return this.#lost.has(agent);
  }

  /** A part from `agent`; false when it was a duplicate or the agent is already counted as lost. */
  add(agent: number, part: WindowPart): boolean {
    const t = this.tallies[agent];
    if (!t || this.#lost.has(agent) || part.index <= t.lastWindow) return false;
    t.lastWindow = part.index;
    t.planned += part.all.planned;
    t.sent += part.all.sent;
    t.dropped += part.all.dropped;
    this.#merger.add(part);
    this.#highest = Math.max(this.#highest, part.index);
    this.#fill();
    return true;
  }

  /** The agent will send nothing more: its share is missing from window `lastWindow + 1` on. Returns that window. */
  lose(agent: number): number {
    const t = this.tallies[agent];
    if (!t || this.#lost.has(agent)) return t ? t.lastWindow + 1 : 0;
    this.#lost.add(agent);
    this.#fillFrom.set(agent, t.lastWindow + 1);
    this.#fill();
    return t.lastWindow + 1;
  }

  #fill(): void {
    for (const [agent, from] of this.#fillFrom) {
      for (let i = from; i <= this.#highest; i++) this.#merger.add(emptyPart(i, this.#keyCount));
      this.#fillFrom.set(agent, Math.max(from, this.#highest + 1));
    }
  }
}
