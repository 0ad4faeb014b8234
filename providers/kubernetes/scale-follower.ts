/**
 * The generic mode's state: one HPA target of another kind (found by discovery, scale.ts)
 * followed through its Scale, as the HPA follows it. It keeps the latest Scale, the pods'
 * selector and the pod template, and turns each Scale read into a `k8s:scale` sample. A read
 * that fails is said once, and so is its recovery: the run goes on with `desired` from the
 * HPA's status meanwhile.
 */
import type { Clock } from '../../src/clock.js';
import type { PlatformEvent, PlatformSample } from '../../src/provider.js';
import type { Deployment, PodSpec } from './map.js';
import type { Scale, ScaleTarget } from './scale.js';
import { readPodTemplate, readScale, selectorOrError, type ScaleApi } from './scale-client.js';

/** One Scale read at a sample: the sample (if it says `desired`), and news about the reads failing or recovering. */
export interface ScaleRead {
  sample: PlatformSample | null;
  event?: PlatformEvent;
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

  /** The pods' label selector, from the Scale's status.selector (set by `load`). */
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
      if (!this.#failing) return { sample };
      this.#failing = false;
      return { sample, event: { atWall: at, resolutionMs: 0, source: 'k8s:scale', type: 'info', id: `scale-ok:${at}`, message: `${what} can be read again` } };
    } catch (err) {
      if (signal.aborted) throw err;
      if (this.#failing) return { sample: null };
      this.#failing = true;
      const at = clock.wallNow();
      const message = `${what} cannot be read (${(err as Error).message}); desired comes from the HPA's status only while this lasts`;
      return { sample: null, event: { atWall: at, resolutionMs: 0, source: 'k8s:scale', type: 'warning', id: `scale-failed:${at}`, message } };
    }
  }
}
