/**
 * An agent's orders on Kubernetes: the run ConfigMap. The agent reads `config.json` once,
 * then WATCHES the ConfigMap (field selector on its name) for `start-at` and `stop`, with a
 * slow GET as a backstop when the watch drops. A deleted ConfigMap means stop.
 */
import type { Logger } from '../log.js';
import type { AgentControl } from './agent-runner.js';
import type { KubeJobs } from './kube.js';
import { CONFIG_KEY, START_KEY, STOP_KEY, type AgentConfig } from './protocol.js';

const CONFIG_ATTEMPTS = 20;
const RETRY_MS = 1000;
const BACKSTOP_MS = 5000;

export class ConfigMapControl implements AgentControl {
  readonly #kube: KubeJobs;
  readonly #name: string;
  readonly #log: Logger;
  #data: Record<string, string> = {};
  #changed: Array<() => void> = [];
  #stopFns: Array<() => void> = [];
  #stopped = false;
  #closed = false;
  #unwatch: (() => void) | null = null;
  #backstop: NodeJS.Timeout | null = null;

  constructor(kube: KubeJobs, name: string, log: Logger) {
    this.#kube = kube;
    this.#name = name;
    this.#log = log;
  }

  async config(signal: AbortSignal): Promise<AgentConfig> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < CONFIG_ATTEMPTS && !signal.aborted; attempt++) {
      try {
        const cm = await this.#kube.getConfigMap(this.#name);
        this.#update(cm.data ?? {});
        void this.#watch(cm.metadata?.resourceVersion ?? '');
        this.#backstop = setInterval(() => void this.#poll(), BACKSTOP_MS);
        this.#backstop.unref();
        const raw = this.#data[CONFIG_KEY];
        if (!raw) throw new Error(`ConfigMap ${this.#name} has no ${CONFIG_KEY}`);
        return JSON.parse(raw) as AgentConfig;
      } catch (err) {
        lastErr = err;
        if (err instanceof Error && /access-denied|has no/.test(`${(err as { kind?: string }).kind ?? ''} ${err.message}`)) break;
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
    throw lastErr instanceof Error ? lastErr : new Error(`cannot read ConfigMap ${this.#name}`);
  }

  startAt(signal: AbortSignal): Promise<number | null> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        if (this.#stopped || signal.aborted || this.#closed) return resolve(null), true;
        const v = Number(this.#data[START_KEY]);
        if (this.#data[START_KEY] !== undefined && Number.isFinite(v)) return resolve(v), true;
        return false;
      };
      if (check()) return;
      const onChange = () => {
        if (check()) {
          this.#changed = this.#changed.filter((f) => f !== onChange);
          signal.removeEventListener('abort', onChange);
        }
      };
      this.#changed.push(onChange);
      signal.addEventListener('abort', onChange, { once: true });
    });
  }

  onStop(fn: () => void): void {
    if (this.#stopped) fn();
    else this.#stopFns.push(fn);
  }

  close(): void {
    this.#closed = true;
    this.#unwatch?.();
    if (this.#backstop) clearInterval(this.#backstop);
    for (const f of this.#changed.splice(0)) f();
  }

  #update(data: Record<string, string>): void {
    this.#data = data;
    if (data[STOP_KEY] !== undefined) this.#stop();
    for (const f of [...this.#changed]) f();
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const f of this.#stopFns.splice(0)) f();
    for (const f of [...this.#changed]) f();
  }

  async #poll(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#update((await this.#kube.getConfigMap(this.#name)).data ?? {});
    } catch (err) {
      if ((err as { kind?: string }).kind === 'not-found') this.#stop();
    }
  }

  async #watch(resourceVersion: string): Promise<void> {
    if (this.#closed) return;
    try {
      this.#unwatch = await this.#kube.watch(
        'configmaps',
        { fieldSelector: `metadata.name=${this.#name}`, ...(resourceVersion ? { resourceVersion } : {}) },
        (type, obj) => {
          const cm = obj as { data?: Record<string, string>; metadata?: { resourceVersion?: string } };
          if (type === 'DELETED') this.#stop();
          else if (type === 'ADDED' || type === 'MODIFIED') this.#update(cm.data ?? {});
        },
        () => {
          if (!this.#closed) setTimeout(() => void this.#watch(''), RETRY_MS).unref();
        },
      );
    } catch (err) {
      this.#log.debug(`agent: watch on ConfigMap ${this.#name} failed (${err instanceof Error ? err.message : String(err)}); polling`);
      if (!this.#closed) setTimeout(() => void this.#watch(''), RETRY_MS).unref();
    }
  }
}
