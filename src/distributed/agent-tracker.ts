/**
 * The coordinator's view of its N agents: it watches the Job's pods (list + watch, relist when
 * the watch ends), follows each agent's log as soon as its container runs, parses the protocol
 * lines, and decides when an agent is LOST: its log ended without a `done` line and its pod is
 * gone (failed, deleted) — not when the log stream merely dropped, which is followed again
 * (window parts already seen are skipped by the ShareMerger, so a replay never counts twice).
 */
import type { Logger } from '../log.js';
import { CONTAINER } from './job-spec.js';
import type { KubeJobs } from './kube.js';
import { containerStarted, podGone, podIndex, podProblem, type KPod } from './pod-status.js';
import { LineSplitter, parseLine, type AgentLine, type AgentResult } from './protocol.js';

export interface AgentState {
  index: number;
  pod: KPod | null;
  ready: boolean;
  done: AgentResult | null;
  /** Why the agent is lost; null while it is alive (or finished). */
  lost: string | null;
  /** Last `error` line the agent wrote. */
  error: string | null;
  /** How late it received the start instant (ms), from its `start` line. */
  lateMs: number | null;
}

export interface TrackerEvents {
  onLine(agent: AgentState, line: AgentLine): void;
  onLost(agent: AgentState): void;
  /** Any state change (ready, pod status), to re-check waits. */
  onChange(): void;
}

const FOLLOW_ATTEMPTS = 8;
const GONE_GRACE_MS = 5000;
const RELIST_MS = 1000;

interface Follow {
  active: boolean;
  attempts: number;
  stop: (() => void) | null;
  splitter: LineSplitter;
  goneTimer: NodeJS.Timeout | null;
  podName: string | null;
}

export class AgentTracker {
  readonly agents: AgentState[];
  readonly #kube: KubeJobs;
  readonly #selector: string;
  readonly #ev: TrackerEvents;
  readonly #log: Logger;
  readonly #follows: Follow[];
  readonly #timers = new Set<NodeJS.Timeout>();
  #unwatch: (() => void) | null = null;
  #closed = false;

  constructor(kube: KubeJobs, selector: string, agents: number, events: TrackerEvents, log: Logger) {
    this.#kube = kube;
    this.#selector = selector;
    this.#ev = events;
    this.#log = log;
    this.agents = Array.from({ length: agents }, (_, index) => ({ index, pod: null, ready: false, done: null, lost: null, error: null, lateMs: null }));
    this.#follows = this.agents.map(() => ({ active: false, attempts: 0, stop: null, splitter: new LineSplitter(), goneTimer: null, podName: null }));
  }

  start(): Promise<void> {
    return this.#relist();
  }

  close(): void {
    this.#closed = true;
    this.#unwatch?.();
    for (const t of this.#timers) clearTimeout(t);
    for (const f of this.#follows) {
      f.stop?.();
      if (f.goneTimer) clearTimeout(f.goneTimer);
    }
  }

  /** Gives up on an agent (e.g. it never finished): its log is no longer followed. */
  lose(agent: AgentState, reason: string): void {
    if (agent.lost || agent.done || this.#closed) return;
    agent.lost = reason;
    const f = this.#follows[agent.index];
    f.stop?.();
    f.active = false;
    this.#ev.onLost(agent);
    this.#ev.onChange();
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(t);
  }

  async #relist(): Promise<void> {
    if (this.#closed) return;
    try {
      const list = await this.#kube.listPods(this.#selector);
      for (const p of list.items) this.#onPod(p, false);
      this.#unwatch = await this.#kube.watch(
        'pods',
        { labelSelector: this.#selector, ...(list.resourceVersion ? { resourceVersion: list.resourceVersion } : {}) },
        (type, obj) => {
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.#onPod(obj as KPod, type === 'DELETED');
        },
        () => this.#later(RELIST_MS, () => void this.#relist()),
      );
    } catch (err) {
      this.#log.debug(`distributed: listing agent pods failed (${err instanceof Error ? err.message : String(err)}); retrying`);
      this.#later(RELIST_MS, () => void this.#relist());
    }
  }

  #onPod(pod: KPod, deleted: boolean): void {
    if (this.#closed) return;
    const index = podIndex(pod);
    const agent = index === null ? undefined : this.agents[index];
    if (!agent) return;
    const f = this.#follows[agent.index];
    if (f.podName && f.podName !== pod.metadata.name && !deleted) return; // one pod per index (backoffLimit 0)
    agent.pod = deleted ? { ...pod, metadata: { ...pod.metadata, deletionTimestamp: pod.metadata.deletionTimestamp ?? new Date().toISOString() } } : pod;
    if (!agent.done && !agent.lost) {
      if (containerStarted(pod) && !f.active && !deleted) void this.#follow(agent);
      else if (podGone(agent.pod) && !f.active && f.podName === null) this.lose(agent, describeAgent(agent));
      else if (podGone(agent.pod) && f.active && !f.goneTimer) {
        // The log should end on its own; if the stream hangs, give up after a grace period.
        f.goneTimer = setTimeout(() => this.lose(agent, describeAgent(agent)), GONE_GRACE_MS);
      }
    }
    this.#ev.onChange();
  }

  async #follow(agent: AgentState): Promise<void> {
    const f = this.#follows[agent.index];
    const name = agent.pod?.metadata.name;
    if (!name || f.active || this.#closed) return;
    f.active = true;
    f.podName = name;
    f.attempts++;
    f.splitter = new LineSplitter();
    const onLine = (text: string) => {
      const line = parseLine(text);
      if (!line || line.index !== agent.index || agent.lost) return;
      if (line.type === 'ready') agent.ready = true;
      else if (line.type === 'done') agent.done = line.result;
      else if (line.type === 'error') agent.error = line.message;
      else if (line.type === 'start') agent.lateMs = line.lateMs;
      this.#ev.onLine(agent, line);
      if (line.type === 'ready' || line.type === 'done') this.#ev.onChange();
    };
    try {
      f.stop = await this.#kube.followLog(
        name,
        CONTAINER,
        (chunk) => f.splitter.push(chunk, onLine),
        () => {
          f.splitter.flush(onLine);
          f.active = false;
          f.stop = null;
          void this.#afterLogEnd(agent);
        },
      );
    } catch (err) {
      f.active = false;
      this.#log.debug(`distributed: following the log of ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      void this.#afterLogEnd(agent);
    }
  }

  async #afterLogEnd(agent: AgentState): Promise<void> {
    if (agent.done || agent.lost || this.#closed) return;
    const f = this.#follows[agent.index];
    try {
      if (f.podName) agent.pod = await this.#kube.getPod(f.podName);
    } catch (err) {
      if ((err as { kind?: string }).kind === 'not-found' && agent.pod) agent.pod = { ...agent.pod, metadata: { ...agent.pod.metadata, deletionTimestamp: new Date().toISOString() } };
    }
    if (agent.pod && podGone(agent.pod)) return this.lose(agent, describeAgent(agent));
    if (f.attempts >= FOLLOW_ATTEMPTS) return this.lose(agent, `its log stream ended ${f.attempts} times without a result (${agent.pod ? podProblem(agent.pod) : 'no pod'})`);
    this.#later(Math.min(2000, 250 * 2 ** f.attempts), () => void this.#follow(agent));
  }
}

/** Why an agent is gone, for notes and errors: its own error line first, else its pod status. */
export function describeAgent(agent: AgentState): string {
  const pod = agent.pod ? `pod ${agent.pod.metadata.name}: ${podProblem(agent.pod)}` : 'no pod was created for it';
  return agent.error ? `${agent.error} (${pod})` : pod;
}
