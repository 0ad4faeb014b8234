/**
 * The generic mode's state: one HPA target of another kind (found by discovery, scale.ts)
 * followed through its Scale, as the HPA follows it. It keeps the latest Scale, the pods'
 * selector and the pod template, and turns each Scale read into a `k8s:scale` sample. A read
 * that fails is said once, and so is its recovery: the run goes on with `desired` from the
 * HPA's status meanwhile. The selector is followed too: a Scale whose status.selector differs
 * from the held one moves the follower to it and reports the change once (the provider then
 * watches the new pods). A Scale without a selector mid-run keeps the held one and says nothing:
 * that is the HPA's InvalidSelector, which its own condition (ScalingActive=False) reports.
 */
import type { Clock } from '../../src/clock.js';
import type { PlatformEvent, PlatformSample } from '../../src/provider.js';
import type { Deployment, PodSpec } from './map.js';
import { scaleSelector, type Scale, type ScaleTarget } from './scale.js';
import { readPodTemplate, readScale, selectorOrError, type ScaleApi } from './scale-client.js';

/** One Scale read at a sample: the sample (if it says `desired`), news about the reads failing or recovering, and a selector change. */
export interface ScaleRead {
  sample: PlatformSample | null;
  event?: PlatformEvent;
  /** The Scale names other pods than the selector held until now (reported by the read that saw it, once). */
  selectorChanged?: { from: string; to: string };
}

export class ScaleFollower {
  #scale: Scale | null = null;
  #template: PodSpec | undefined;
  #selector = '';
  #failing = false;

  constructor(
    readonly api: ScaleApi,
    readonly target: ScaleTarget,
    readonly name: string,
  ) {}

  /** Reads the Scale (a configuration error when it has no selector) and, when asked, the pod template. */
  async load(withTemplate: boolean): Promise<void> {
    const scale = await readScale(this.api, this.target, this.name);
    this.#selector = selectorOrError(scale, this.target, this.api.namespace, this.name);
    this.#scale = scale;
    if (withTemplate) this.#template = await readPodTemplate(this.api, this.target, this.name);
  }

  /** The pods' label selector, from the Scale's status.selector (set by `load`, followed by `sample`). */
  get selector(): string {
    return this.#selector;
  }
  get scale(): Scale | null {
    return this.#scale;
  }
  get template(): PodSpec | undefined {
    return this.#template;
  }

  /** The Scale (and pod template) in the shape the shared mapping reads for a workload. */
  asWorkload(): Deployment {
    const replicas = this.#scale?.spec?.replicas;
    return { spec: { ...(replicas === undefined ? {} : { replicas }), ...(this.#template ? { template: { spec: this.#template } } : {}) } };
  }

  /**
   * Reads the Scale for `desired` = its spec.replicas, stamped at the answer with the round trip
   * as its resolution (the API server read it somewhere in between). A failure is not thrown
   * (unless aborted): it comes back as a warning event the first time.
   */
  async sample(clock: Clock, signal: AbortSignal): Promise<ScaleRead> {
    const what = `${this.target.plural}/scale`;
    try {
      const sentAt = clock.wallNow();
      const scale = await readScale(this.api, this.target, this.name);
      signal.throwIfAborted();
      const at = clock.wallNow();
      this.#scale = scale;
      const desired = scale.spec?.replicas;
      const sample = desired === undefined ? null : { atWall: at, resolutionMs: Math.max(0, at - sentAt), source: 'k8s:scale', desired };
      const selectorChanged = this.#followSelector(scale);
      const news = selectorChanged ? { selectorChanged } : {};
      if (!this.#failing) return { sample, ...news };
      this.#failing = false;
      return { sample, ...news, event: { atWall: at, resolutionMs: 0, source: 'k8s:scale', type: 'info', id: `scale-ok:${at}`, message: `${what} can be read again` } };
    } catch (err) {
      if (signal.aborted) throw err;
      if (this.#failing) return { sample: null };
      this.#failing = true;
      const at = clock.wallNow();
      const message = `${what} cannot be read (${(err as Error).message}); desired comes from the HPA's status only while this lasts`;
      return { sample: null, event: { atWall: at, resolutionMs: 0, source: 'k8s:scale', type: 'warning', id: `scale-failed:${at}`, message } };
    }
  }

  /**
   * Take the Scale's selector when it differs from the held one, and say what changed. No selector
   * keeps the held one (not a reason to stop counting the pods), and a first selector (none held
   * yet, before `load`) is not a change.
   */
  #followSelector(scale: Scale): { from: string; to: string } | undefined {
    const to = scaleSelector(scale);
    if (!to || to === this.#selector) return undefined;
    const from = this.#selector;
    this.#selector = to;
    return from ? { from, to } : undefined;
  }
}
