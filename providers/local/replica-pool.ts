/**
 * The platform's replica set: starts replica processes, tracks pending -> ready -> draining,
 * keeps each one's recent counters to compute its utilization, and drains replicas it stops
 * (out of rotation first, then in-flight requests finish, then the process exits).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Pool } from 'undici';
import { childScript } from './fork-script.js';
import type { FromReplica, LocalEvent, ReplicaOptions, ReplicaState, ReplicaStatus, ToReplica } from './protocol.js';

export interface ReplicaPoolOptions {
  concurrency: number;
  serviceTimeMs: number;
  queueLimit: number;
  startupDelayMs: number;
  metricWindowMs: number;
  reportIntervalMs: number;
  /** Every replica-ready / replica-stopped / warning, in the order they happen. */
  onEvent: (e: Omit<LocalEvent, 'id' | 'atWall'>) => void;
}

interface CounterPoint {
  atMs: number;
  uptimeMs: number;
  busySlotMs: number;
}

/** One replica as the platform sees it; the balancer reads `origin`, `dispatcher` and `inFlight`. */
export interface Replica {
  readonly id: number;
  readonly child: ChildProcess;
  state: ReplicaState;
  startedAtWall: number;
  readyAtWall?: number;
  dispatcher?: Pool;
  inFlight: number;
  history: CounterPoint[];
  rssBytes?: number;
  served: number;
  rejected: number;
}

const script = childScript(import.meta.url, 'replica');
/** Waits longer than this for in-flight requests of a stopped replica, then kills it. */
const DRAIN_LIMIT_MS = 10_000;

export class ReplicaPool {
  readonly #o: ReplicaPoolOptions;
  readonly #replicas = new Map<number, Replica>();
  #nextId = 1;
  #target = 0;
  #closed = false;

  constructor(options: ReplicaPoolOptions) {
    this.#o = options;
  }

  /** Brings the count of pending + ready replicas to `n`, starting or draining the difference. */
  scaleTo(n: number): void {
    this.#target = n;
    this.#reconcile();
  }

  all(): Replica[] {
    return [...this.#replicas.values()];
  }

  ready(): Replica[] {
    return this.all().filter((r) => r.state === 'ready');
  }

  /**
   * Mean utilization over the metric window, from the replica's own clock. Undefined (a missing
   * metric, to the HPA) until the reports span a whole window: like metrics-server, a new replica
   * has no metric at first, so a burst right after it became ready cannot speak for a window.
   */
  utilization(r: Replica): number | undefined {
    const newest = r.history.at(-1);
    const base = r.history[0];
    if (!newest || !base || newest.atMs - base.atMs < this.#o.metricWindowMs || newest.uptimeMs <= base.uptimeMs) return undefined;
    const u = (newest.busySlotMs - base.busySlotMs) / (this.#o.concurrency * (newest.uptimeMs - base.uptimeMs));
    return Math.min(1, Math.max(0, u));
  }

  status(r: Replica): ReplicaStatus {
    const utilization = r.state === 'pending' ? undefined : this.utilization(r);
    return {
      id: r.id,
      pid: r.child.pid,
      state: r.state,
      startedAtWall: r.startedAtWall,
      ...(r.readyAtWall === undefined ? {} : { readyAtWall: r.readyAtWall }),
      ...(utilization === undefined ? {} : { utilization }),
      ...(r.rssBytes === undefined ? {} : { rssBytes: r.rssBytes }),
      served: r.served,
      rejected: r.rejected,
    };
  }

  /**
   * Kills every replica at once (platform shutdown) and waits until they are reaped, so none is
   * left as an orphan or a zombie when the platform exits.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const exits = this.all().map((r) => (r.child.exitCode !== null || r.child.signalCode !== null ? null : new Promise((ok) => r.child.once('exit', ok))));
    for (const r of this.all()) {
      r.child.kill('SIGKILL');
      void r.dispatcher?.destroy().catch(() => {});
    }
    await Promise.race([Promise.all(exits), new Promise((ok) => setTimeout(ok, 2000))]);
  }

  #reconcile(): void {
    if (this.#closed) return;
    const live = this.all().filter((r) => r.state !== 'draining');
    for (let i = live.length; i < this.#target; i++) this.#spawn();
    if (live.length <= this.#target) return;
    // Like a ReplicaSet: remove replicas not yet ready first, then the most recently started.
    const victims = live.sort((a, b) => Number(a.state === 'ready') - Number(b.state === 'ready') || b.id - a.id).slice(0, live.length - this.#target);
    for (const r of victims) void this.#drain(r);
  }

  #spawn(): void {
    const id = this.#nextId++;
    const options: ReplicaOptions = {
      id,
      concurrency: this.#o.concurrency,
      serviceTimeMs: this.#o.serviceTimeMs,
      queueLimit: this.#o.queueLimit,
      readyNotBeforeWall: Date.now() + this.#o.startupDelayMs,
      reportIntervalMs: this.#o.reportIntervalMs,
    };
    const child = fork(script.file, [JSON.stringify(options)], { execArgv: script.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    const replica: Replica = { id, child, state: 'pending', startedAtWall: Date.now(), inFlight: 0, history: [], served: 0, rejected: 0 };
    this.#replicas.set(id, replica);
    child.on('message', (m: FromReplica) => this.#onMessage(replica, m));
    child.on('error', () => {}); // reported through 'exit'
    child.once('exit', (code, signal) => this.#onExit(replica, code, signal));
  }

  #onMessage(r: Replica, m: FromReplica): void {
    const atMs = performance.now();
    r.history.push({ atMs, uptimeMs: m.stats.uptimeMs, busySlotMs: m.stats.busySlotMs });
    // Keep exactly one point at or before the window start: it is the base of the average.
    while (r.history.length > 2 && r.history[1]!.atMs <= atMs - this.#o.metricWindowMs) r.history.shift();
    r.rssBytes = m.stats.rssBytes;
    r.served = m.stats.served;
    r.rejected = m.stats.rejected;
    if (m.type === 'listening' && r.state === 'pending') {
      // Keep-alive connections, as a cloud load balancer keeps to its targets.
      r.dispatcher = new Pool(`http://127.0.0.1:${m.port}`, { keepAliveTimeout: 30_000 });
      r.state = 'ready';
      r.readyAtWall = Date.now();
      this.#o.onEvent({ type: 'replica-ready', message: `replica ${r.id} (pid ${r.child.pid}) is ready after ${r.readyAtWall - r.startedAtWall} ms` });
    }
  }

  async #drain(r: Replica): Promise<void> {
    const wasReady = r.state === 'ready';
    r.state = 'draining';
    if (!wasReady) {
      r.child.kill('SIGTERM');
      return;
    }
    const giveUpAt = performance.now() + DRAIN_LIMIT_MS;
    while (r.inFlight > 0 && performance.now() < giveUpAt && !this.#closed) await new Promise((ok) => setTimeout(ok, 25));
    await r.dispatcher?.close().catch(() => {});
    if (r.child.connected) r.child.send({ type: 'drain' } satisfies ToReplica);
    else r.child.kill('SIGTERM');
    setTimeout(() => r.child.kill('SIGKILL'), 3000).unref();
  }

  #onExit(r: Replica, code: number | null, signal: NodeJS.Signals | null): void {
    this.#replicas.delete(r.id);
    void r.dispatcher?.destroy().catch(() => {});
    if (this.#closed) return;
    if (r.state === 'draining') {
      this.#o.onEvent({ type: 'replica-stopped', message: `replica ${r.id} (pid ${r.child.pid}) stopped${r.readyAtWall === undefined ? ' before it was ready' : ''}` });
      return;
    }
    this.#o.onEvent({ type: 'warning', message: `replica ${r.id} (pid ${r.child.pid}) exited unexpectedly (${signal ?? `code ${code}`}); starting a replacement` });
    this.#o.onEvent({ type: 'replica-stopped', message: `replica ${r.id} (pid ${r.child.pid}) stopped` });
    // A short pause so a replica that cannot start does not become a busy fork loop.
    setTimeout(() => this.#reconcile(), 500).unref();
  }
}
