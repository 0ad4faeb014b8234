/**
 * Live progress. On a terminal: one status line rewritten in place. Elsewhere (CI logs): a
 * plain line every `plainEveryMs`. It only reads timeline records, so it cannot change a run.
 */
import type { TimelineRecord } from '../timeline/types.js';
import { formatDuration } from '../units.js';

export interface ProgressOptions {
  stream: NodeJS.WriteStream | NodeJS.WritableStream;
  isTTY: boolean;
  plainEveryMs?: number;
}

interface State {
  t: number;
  phase: string;
  stage: string;
  planned: number;
  rate: number;
  p95: number | null;
  errors: number;
  dropped: number;
  desired: number | null;
  ready: number | null;
  pending: number | null;
  cpu: number | null;
}

export class Progress {
  readonly #o: ProgressOptions;
  readonly #s: State = { t: 0, phase: 'start', stage: '-', planned: 0, rate: 0, p95: null, errors: 0, dropped: 0, desired: null, ready: null, pending: null, cpu: null };
  #lastPlainT = -Infinity;
  #lineShown = false;
  #stageCount = 0;

  constructor(options: ProgressOptions) {
    this.#o = options;
  }

  setStageCount(n: number): void {
    this.#stageCount = n;
  }

  onRecord = (r: TimelineRecord): void => {
    const s = this.#s;
    switch (r.kind) {
      case 'phase':
        s.phase = r.phase;
        s.t = Math.max(s.t, r.t);
        if (r.phase === 'observe') this.#print(true);
        break;
      case 'stage':
        s.stage = `${r.index + 1}${this.#stageCount ? `/${this.#stageCount}` : ''}${r.name ? ` ${r.name}` : ''}`;
        break;
      case 'load':
        if (r.request !== '*') return;
        s.t = Math.max(s.t, r.t + r.windowMs);
        s.planned = (r.planned * 1000) / r.windowMs;
        s.rate = (r.completed * 1000) / r.windowMs;
        s.p95 = r.latency.count ? r.latency.p95 : null;
        s.errors += Object.values(r.errors).reduce((a, b) => a + b, 0);
        s.dropped += r.dropped;
        this.#print(false);
        break;
      case 'sample':
        if (r.desired !== undefined) s.desired = r.desired;
        if (r.ready !== undefined) s.ready = r.ready;
        if (r.pending !== undefined) s.pending = r.pending;
        if (r.cpuPct !== undefined) s.cpu = r.cpuPct;
        s.t = Math.max(s.t, r.fetchedT);
        if (s.phase !== 'load') this.#print(false);
        break;
      default:
    }
  };

  #line(): string {
    const s = this.#s;
    const replicas = s.ready === null && s.desired === null ? '' : ` | replicas ready ${s.ready ?? '?'}/${s.desired ?? '?'}${s.pending ? ` (+${s.pending} pending)` : ''}`;
    const cpu = s.cpu === null ? '' : ` cpu ${Math.round(s.cpu)}%`;
    if (s.phase === 'observe' || s.phase === 'end') return `${formatDuration(s.t)} observing after load${replicas}${cpu}`;
    const p95 = s.p95 === null ? '-' : `${s.p95 < 10 ? s.p95.toFixed(1) : Math.round(s.p95)}ms`;
    const errs = s.errors ? ` errors ${s.errors}` : '';
    const drops = s.dropped ? ` dropped ${s.dropped}` : '';
    return `${formatDuration(s.t)} stage ${s.stage} | ${Math.round(s.rate)}/${Math.round(s.planned)} req/s p95 ${p95}${errs}${drops}${replicas}${cpu}`;
  }

  #print(force: boolean): void {
    const { stream, isTTY } = this.#o;
    if (isTTY) {
      stream.write(`\r\x1b[2K${this.#line()}`);
      this.#lineShown = true;
      return;
    }
    if (force || this.#s.t - this.#lastPlainT >= (this.#o.plainEveryMs ?? 5000)) {
      this.#lastPlainT = this.#s.t;
      stream.write(`${this.#line()}\n`);
    }
  }

  /** Leave the terminal on a fresh line before the summary. */
  finish(): void {
    if (this.#o.isTTY && this.#lineShown) this.#o.stream.write('\n');
    this.#lineShown = false;
  }
}
