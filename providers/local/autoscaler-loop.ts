/**
 * The platform's autoscaler: every sync period it feeds the replicas' measured utilization to
 * the pure HPA model (src/scaling-models/hpa.ts) and applies the decision to the replica pool.
 * Every rescale is recorded with its wall time, from/to and reason: the ground truth that
 * measurements are compared with.
 */
import { hpaStep, initialHpaState, type HpaPod, type HpaSpec, type HpaState } from '../../src/scaling-models/hpa.js';
import type { LocalEvent } from './protocol.js';
import type { ReplicaPool } from './replica-pool.js';

export class AutoscalerLoop {
  readonly #spec: HpaSpec;
  readonly #pool: ReplicaPool;
  readonly #syncPeriodMs: number;
  readonly #onEvent: (e: Omit<LocalEvent, 'id' | 'atWall'>) => void;
  #state: HpaState = initialHpaState();
  #timer: NodeJS.Timeout | undefined;
  /** `scale.spec.replicas`: what the autoscaler last set. */
  desired: number;

  constructor(o: { spec: HpaSpec; pool: ReplicaPool; syncPeriodMs: number; initialReplicas: number; onEvent: (e: Omit<LocalEvent, 'id' | 'atWall'>) => void }) {
    this.#spec = o.spec;
    this.#pool = o.pool;
    this.#syncPeriodMs = o.syncPeriodMs;
    this.#onEvent = o.onEvent;
    this.desired = o.initialReplicas;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.sync(), this.#syncPeriodMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  sync(): void {
    const pods: HpaPod[] = [];
    for (const r of this.#pool.all()) {
      if (r.state === 'draining') continue; // a pod being deleted is ignored by the HPA
      const utilization = r.state === 'ready' ? this.#pool.utilization(r) : undefined;
      pods.push(utilization === undefined ? { ready: r.state === 'ready' } : { ready: true, utilization });
    }
    const d = hpaStep(this.#spec, this.#state, { currentReplicas: this.desired, pods }, performance.now());
    this.#state = d.state;
    if (!d.rescale) return;
    const from = this.desired;
    this.desired = d.desired;
    const pct = d.utilization === undefined ? '' : ` at ${Math.round(d.utilization * 100)}% utilization (target ${Math.round(this.#spec.targetUtilization * 100)}%)`;
    this.#onEvent({
      type: d.desired > from ? 'scale-up' : 'scale-down',
      message: `New size: ${d.desired}; reason: ${d.reason}${pct}${d.limitedBy ? `; limited by ${d.limitedBy}` : ''}`,
      from,
      to: d.desired,
      reason: d.reason,
      ...(d.limitedBy ? { limitedBy: d.limitedBy } : {}),
      ...(d.utilization === undefined ? {} : { utilization: d.utilization }),
    });
    this.#pool.scaleTo(d.desired);
  }
}
