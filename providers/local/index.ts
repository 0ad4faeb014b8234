/**
 * The local provider: runs a real autoscaled service on this machine and watches it the way the
 * cloud providers watch theirs, through a control API. `start()` forks the platform process
 * (front balancer + replica processes + HPA-style autoscaler, see platform.ts); `sample()` and
 * `events()` poll its /v1/status and /v1/events. Nothing it starts can outlive scaleproof: the
 * platform runs in its own process group, exits when the IPC channel closes, and `close()` (or
 * this process exiting) kills the whole group.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'undici';
import { ProviderError, RunError } from '../../src/errors.js';
import type { ManagesService, PlatformEvent, PlatformSample, Provider, ProviderContext, ProviderFactory, TargetDescription } from '../../src/provider.js';
import { describeLocal } from './describe.js';
import { childScript } from './fork-script.js';
import type { ConfigBody, FromPlatform, LocalEvent, StatusBody, ToPlatform } from './protocol.js';
import type { LocalSettings } from './settings.js';

const NAME = 'local';
/** Time for the platform and its first replicas to come up, on top of the startup delay. */
const START_GRACE_MS = 30_000;
/** Time the platform gets to stop its replicas before the whole group is killed. */
const CLOSE_GRACE_MS = 3000;

export class LocalProvider implements Provider, ManagesService {
  readonly name = NAME;
  readonly #settings: LocalSettings;
  readonly #ctx: ProviderContext;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #exitInfo: string | undefined;
  #stderrTail = '';
  #urls: { front: string; control: string } | undefined;
  #closing: Promise<void> | undefined;
  readonly #killOnExit = (): void => killGroup(this.#child?.pid);

  constructor(settings: LocalSettings, ctx: ProviderContext) {
    this.#settings = settings;
    this.#ctx = ctx;
  }

  /** Pid of the platform process (its process group id too), once started. */
  get platformPid(): number | undefined {
    return this.#child?.pid;
  }

  async start(signal: AbortSignal): Promise<{ url: string }> {
    if (this.#urls) return { url: this.#urls.front };
    if (this.#closing) throw new RunError('the local platform was closed');
    const script = childScript(import.meta.url, 'platform');
    // detached: its own process group, so close() can kill it and every replica with one signal.
    const child = fork(script.file, [], { execArgv: script.execArgv, detached: true, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    this.#child = child;
    process.on('exit', this.#killOnExit);
    this.#exited = new Promise((ok) =>
      child.once('exit', (code, sig) => {
        this.#exitInfo = sig ?? `exit code ${code}`;
        if (this.#urls && !this.#closing) this.#ctx.log.warn(`the local platform exited unexpectedly (${this.#exitInfo})${this.#tail()}`);
        ok();
      }),
    );
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderrTail = (this.#stderrTail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (line.trim()) this.#ctx.log.debug(`local platform: ${line}`);
    });
    child.on('error', () => {}); // surfaces as 'exit'
    try {
      const started = await this.#waitStarted(child, signal);
      this.#urls = { front: started.frontUrl, control: started.controlUrl };
      this.#ctx.log.debug(`local platform pid ${child.pid}: service ${started.frontUrl}, control ${started.controlUrl}`);
      return { url: started.frontUrl };
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  async describe(signal: AbortSignal): Promise<TargetDescription> {
    if (!this.#urls) return describeLocal(this.#settings);
    const config = await this.#get<ConfigBody>('/v1/config', signal);
    return describeLocal(config.settings, config.frontUrl);
  }

  async sample(signal: AbortSignal): Promise<PlatformSample[]> {
    // Nothing runs before start(): `scaleproof check` shows the configuration only.
    if (!this.#child) return [];
    const s = await this.#get<StatusBody>('/v1/status', signal);
    const sample: PlatformSample = { atWall: s.atWall, resolutionMs: 0, source: 'local:control', desired: s.desired, ready: s.ready, pending: s.pending, running: s.running };
    if (s.cpuPct !== undefined) sample.cpuPct = s.cpuPct;
    if (s.memPct !== undefined) sample.memPct = s.memPct;
    return [sample];
  }

  async events(sinceWall: number, signal: AbortSignal): Promise<PlatformEvent[]> {
    if (!this.#child) return [];
    const body = await this.#get<{ events: LocalEvent[] }>(`/v1/events?since=${Math.floor(sinceWall)}`, signal);
    return body.events.map(toPlatformEvent);
  }

  /** The raw control API status (replica pids, per-replica utilization), for tests and debugging. */
  async status(signal: AbortSignal): Promise<StatusBody> {
    return this.#get<StatusBody>('/v1/status', signal);
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const child = this.#child;
    this.#urls = undefined;
    if (!child) return;
    // The platform stops its replicas when the channel closes; kill the group if it takes too long.
    if (child.connected) child.disconnect();
    const graceful = await within(this.#exited, CLOSE_GRACE_MS);
    killGroup(child.pid);
    if (!graceful) await within(this.#exited, 1000);
    await waitGroupGone(child.pid, 2000);
    process.off('exit', this.#killOnExit);
  }

  #waitStarted(child: ChildProcess, signal: AbortSignal): Promise<{ frontUrl: string; controlUrl: string }> {
    const limitMs = START_GRACE_MS + this.#settings.capacity.startup_delay;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new RunError(`the local platform did not become ready within ${Math.round(limitMs / 1000)} s${this.#tail()}`)), limitMs);
      const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new RunError('start of the local platform interrupted'));
      const onMessage = (m: FromPlatform) => {
        if (m.type === 'started') done(() => resolve(m));
        else if (m.type === 'fatal') fail(new RunError(m.message));
      };
      // Deferred a turn so the 'exit' listener above has set #exitInfo.
      const onExit = () => setImmediate(() => fail(new RunError(`the local platform exited during start (${this.#exitInfo ?? 'unknown'})${this.#tail()}`)));
      const done = (then: () => void) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        child.off('message', onMessage);
        child.off('exit', onExit);
        then();
      };
      const fail = (err: Error) => done(() => reject(err));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ type: 'start', settings: this.#settings } satisfies ToPlatform);
    });
  }

  async #get<T>(path: string, signal: AbortSignal): Promise<T> {
    if (!this.#urls) throw new ProviderError(NAME, 'unavailable', `the local platform is not running${this.#closing ? ' (closed)' : this.#exitInfo ? ` (${this.#exitInfo})` : ''}`);
    try {
      const res = await request(`${this.#urls.control}${path}`, { signal });
      if (res.statusCode !== 200) {
        const text = await res.body.text();
        throw new ProviderError(NAME, 'bad-response', `GET ${path} answered ${res.statusCode}: ${text.slice(0, 200)}`);
      }
      return (await res.body.json()) as T;
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      const why = this.#exitInfo ? `the local platform exited (${this.#exitInfo})${this.#tail()}` : err instanceof Error ? err.message : String(err);
      throw new ProviderError(NAME, 'unavailable', `GET ${path} failed: ${why}`, { cause: err });
    }
  }

  #tail(): string {
    const t = this.#stderrTail.trim();
    return t ? `; its last output: ${t.slice(-1000)}` : '';
  }
}

export const createLocalProvider: ProviderFactory<LocalSettings> = (settings, ctx) => new LocalProvider(settings, ctx);

function toPlatformEvent(e: LocalEvent): PlatformEvent {
  const source = e.type === 'scale-up' || e.type === 'scale-down' ? 'local:autoscaler' : 'local:replicas';
  return {
    atWall: e.atWall,
    resolutionMs: 0,
    source,
    type: e.type,
    message: e.message,
    id: e.id,
    ...(e.from === undefined ? {} : { from: e.from }),
    ...(e.to === undefined ? {} : { to: e.to }),
  };
}

/** SIGKILL to the platform's process group: the platform and every replica it forked. */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone
  }
}

async function waitGroupGone(pid: number | undefined, limitMs: number): Promise<void> {
  if (!pid) return;
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await delay(25);
  }
}

const delay = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** True when `p` settles within `ms`; the timer never holds the process open afterwards. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((ok) => (timer = setTimeout(() => ok(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
