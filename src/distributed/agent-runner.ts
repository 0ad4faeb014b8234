/**
 * One agent of a distributed run (`scaleproof agent`): it reads what to run, runs its setup
 * requests, opens its connections, says READY, waits for the common start instant, sends its
 * exact share of the plan (share.ts), and writes one window part per window on stdout, where
 * the coordinator reads it through the pod log. It is the engine's own Shard (src/load/shard.ts)
 * with encoded histograms, so a window part from an agent is exactly a worker thread's.
 *
 *   config → setup → preOpen → READY ··· start-at ··· [warm-up] plan → drain → done
 */
import { systemClock, type Clock } from '../clock.js';
import { RunError } from '../errors.js';
import type { Logger } from '../log.js';
import { runSetup } from '../load/scenario/setup.js';
import { Shard } from '../load/shard.js';
import { monoAt, checkShare, type Share } from './plan-share.js';
import { encodeLine, PROTOCOL, type AgentConfig, type AgentLine, type AgentResult } from './protocol.js';

/** Where an agent gets its orders: the run ConfigMap on Kubernetes (agent-control.ts), or a test double. */
export interface AgentControl {
  config(signal: AbortSignal): Promise<AgentConfig>;
  /** The start instant (epoch ms of the plan origin), or null when stopped first. */
  startAt(signal: AbortSignal): Promise<number | null>;
  /** Called once if the coordinator asks the agents to stop early. */
  onStop(fn: () => void): void;
  close(): void;
}

export interface AgentOptions {
  share: Share;
  control: AgentControl;
  /** Writes one protocol line (stdout). */
  write(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** SIGTERM (the Job was deleted): stop arrivals, drain, report. */
  signal: AbortSignal;
  log: Logger;
  version: string;
  clock?: Clock;
}

const CLOSE_TIMEOUT_MS = 1000;

export async function runAgent(o: AgentOptions): Promise<AgentResult | null> {
  checkShare(o.share);
  const clock = o.clock ?? systemClock;
  const index = o.share.index;
  const emit = (line: AgentLine) => o.write(encodeLine(line));
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  o.control.onStop(onAbort);
  try {
    const config = await o.control.config(stop.signal);
    if (config.agents !== o.share.shares) throw new RunError(`agent ${index}: the run has ${config.agents} agents but this pod was told ${o.share.shares}`);
    if (config.version !== o.version) o.log.warn(`agent ${index}: scaleproof ${o.version} runs a plan made by scaleproof ${config.version}`);
    const { load, baseUrl } = config;
    const vars = await runSetup({ baseUrl, load, env: o.env, ...(config.tls ? { tls: config.tls } : {}), signal: stop.signal });
    const shard = new Shard({ load, baseUrl, shard: index, shards: o.share.shares, env: { ...o.env }, vars, ...(config.tls ? { tls: config.tls } : {}) }, clock);
    try {
      await shard.preOpen(Math.max(1, Math.ceil(load.preopen_concurrency / o.share.shares)), stop.signal);
      emit({ sp: PROTOCOL, type: 'ready', index, agents: o.share.shares, version: o.version });
      const startAtWall = await o.control.startAt(stop.signal);
      if (startAtWall === null || stop.signal.aborted) return null;
      const originMono = monoAt(startAtWall, clock.wallNow(), clock.now());
      const lateMs = Math.max(0, clock.now() - (originMono - load.warmup));
      emit({ sp: PROTOCOL, type: 'start', index, startAtWall, lateMs: Math.round(lateMs) });
      if (lateMs > 0) o.log.warn(`agent ${index}: the start instant came ${Math.round(lateMs)} ms late (clock skew or a slow API); the first arrivals go out at once`);
      const { endMono, ...result } = await shard.run({ originMono, drainMs: config.drainMs, stop: stop.signal, encode: true, emitPart: (part) => emit({ sp: PROTOCOL, type: 'part', index, part }) });
      const done: AgentResult = { ...result, endWall: clock.wallNow() + (endMono - clock.now()) };
      emit({ sp: PROTOCOL, type: 'done', index, result: done });
      return done;
    } finally {
      await shard.close(CLOSE_TIMEOUT_MS);
    }
  } catch (err) {
    if (stop.signal.aborted && !(err instanceof RunError)) return null;
    emit({ sp: PROTOCOL, type: 'error', index, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    o.control.close();
  }
}
