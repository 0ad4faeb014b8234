/**
 * A pure model of Azure Container Apps scaling (KEDA + the HPA it drives), for fake control
 * planes in tests and a later what-if simulator.
 *
 *   every httpIntervalMs (15 s):  http rule   -> ceil(concurrent requests / concurrentRequests)
 *   every pollingIntervalMs (30 s): cpu rule  -> ceil(current × utilization / target)
 *                                   (custom rules keep their last value between polls)
 *   recommendation  = max over rules, within [minReplicas, maxReplicas]
 *   scale up        = at once (stabilization 0 s), in steps 1, 4, 8, 16, 32 …:
 *                     min(maxReplicas, recommendation, max(4, 2 × current)); from 0 only to 1
 *   scale down      = to the HIGHEST recommendation of the last 300 s (stabilization window)
 *   to 0            = only when every rule was inactive for cooldownPeriod (300 s) and min is 0
 *
 * Sources: platform-semantics.md §4.1 (learn.microsoft.com/azure/container-apps/scale-app,
 * KEDA scaledobject-spec). Time never comes from the environment: `nowMs` is any monotonic
 * millisecond clock; call `acaScaleStep` every `httpIntervalMs`.
 */

export type AcaRule = { readonly kind: 'http'; readonly concurrentRequests: number } | { readonly kind: 'cpu'; readonly utilizationPct: number };

export interface AcaScaleSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly rules: readonly AcaRule[];
  readonly httpIntervalMs: number;
  readonly pollingIntervalMs: number;
  readonly cooldownPeriodMs: number;
  readonly scaleDownStabilizationMs: number;
}

export type AcaScaleSpecInput = Pick<AcaScaleSpec, 'maxReplicas'> & Partial<AcaScaleSpec>;

/** ACA defaults: min 0, the default HTTP rule (10 concurrent requests), 15 s / 30 s / 300 s / 300 s. */
export function acaScaleSpec(input: AcaScaleSpecInput): AcaScaleSpec {
  const spec: AcaScaleSpec = {
    minReplicas: 0,
    rules: [{ kind: 'http', concurrentRequests: 10 }],
    httpIntervalMs: 15_000,
    pollingIntervalMs: 30_000,
    cooldownPeriodMs: 300_000,
    scaleDownStabilizationMs: 300_000,
    ...input,
  };
  if (spec.minReplicas > spec.maxReplicas) throw new RangeError(`minReplicas ${spec.minReplicas} is above maxReplicas ${spec.maxReplicas}`);
  if (spec.rules.length === 0) throw new RangeError('at least one rule (ACA applies a default HTTP rule when none is set)');
  return spec;
}

/** The soonest a scale-up / scale-down can follow a load change, by design. */
export function acaEarliestDecisionMs(spec: AcaScaleSpec): { scaleUpMs: number; scaleDownMs: number } {
  const up = Math.min(...spec.rules.map((r) => (r.kind === 'http' ? spec.httpIntervalMs : spec.pollingIntervalMs)));
  return { scaleUpMs: up, scaleDownMs: Math.max(spec.scaleDownStabilizationMs, spec.minReplicas === 0 ? spec.cooldownPeriodMs : 0) };
}

export interface AcaScaleState {
  readonly recommendations: readonly { readonly atMs: number; readonly replicas: number }[];
  /** Last time any rule was active (metric above zero). */
  readonly lastActiveAtMs?: number;
  /** Last poll of the polled (custom) rules and the replicas they asked for then. */
  readonly polledAtMs?: number;
  readonly polledReplicas?: number;
  readonly polledActive?: boolean;
}

export function initialAcaScaleState(): AcaScaleState {
  return { recommendations: [] };
}

export interface AcaScaleInput {
  /** Replicas now (the deployment's count). */
  readonly current: number;
  /** Mean concurrent requests over the last http interval, all replicas together. */
  readonly concurrency: number;
  /** Mean CPU of the running replicas, percent of their CPU limit; undefined without replicas. */
  readonly cpuPct: number | undefined;
}

export interface AcaScaleDecision {
  readonly desired: number;
  readonly rescale: boolean;
  /** The rule that asked for the most replicas, e.g. `http` or `cpu`; `cooldown` for a scale to zero. */
  readonly reason: string;
  /** Set when the step limit (1, 4, 8, 16 …) or the stabilization window held the change back. */
  readonly limitedBy?: 'step-limit' | 'stabilization';
  readonly recommendation: number;
  readonly state: AcaScaleState;
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** One evaluation. Pure. */
export function acaScaleStep(spec: AcaScaleSpec, state: AcaScaleState, input: AcaScaleInput, nowMs: number): AcaScaleDecision {
  const { current } = input;
  let s: AcaScaleState = state;
  let best = 0;
  let reason = 'no load';
  let active = false;
  for (const rule of spec.rules) {
    if (rule.kind === 'http') {
      const want = Math.ceil(input.concurrency / rule.concurrentRequests - 1e-9);
      if (input.concurrency > 0) active = true;
      if (want > best) [best, reason] = [want, 'http'];
    } else {
      const due = s.polledAtMs === undefined || nowMs - s.polledAtMs >= spec.pollingIntervalMs;
      if (due) {
        const cpu = input.cpuPct ?? 0;
        s = { ...s, polledAtMs: nowMs, polledReplicas: Math.ceil((Math.max(1, current) * cpu) / rule.utilizationPct - 1e-9), polledActive: cpu > 0 };
      }
      if (s.polledActive) active = true;
      if ((s.polledReplicas ?? 0) > best) [best, reason] = [s.polledReplicas ?? 0, 'cpu'];
    }
  }
  if (active) s = { ...s, lastActiveAtMs: nowMs };
  // Below the minimum of 1 KEDA keeps one replica while active or within the cooldown.
  const idleFor = s.lastActiveAtMs === undefined ? Infinity : nowMs - s.lastActiveAtMs;
  const floor = spec.minReplicas > 0 ? spec.minReplicas : active || idleFor < spec.cooldownPeriodMs ? Math.min(1, spec.maxReplicas) : 0;
  const recommendation = clamp(best, floor, spec.maxReplicas);
  const recs = [...s.recommendations.filter((r) => r.atMs > nowMs - spec.scaleDownStabilizationMs), { atMs: nowMs, replicas: recommendation }];
  s = { ...s, recommendations: recs };

  if (recommendation > current) {
    const limit = current === 0 ? 1 : Math.max(4, 2 * current);
    const desired = Math.min(spec.maxReplicas, recommendation, limit);
    return { desired, rescale: desired !== current, reason, recommendation, state: s, ...(desired < recommendation ? { limitedBy: 'step-limit' as const } : {}) };
  }
  if (recommendation < current) {
    // KEDA itself deactivates to zero after the cooldown; the HPA's stabilization does not apply.
    if (recommendation === 0) return { desired: 0, rescale: true, reason: 'cooldown', recommendation, state: s };
    const stabilized = Math.max(...recs.map((r) => r.replicas));
    const desired = Math.min(current, stabilized);
    if (desired === current) return { desired, rescale: false, reason, recommendation, state: s, limitedBy: 'stabilization' };
    return { desired, rescale: true, reason, recommendation, state: s };
  }
  return { desired: current, rescale: false, reason, recommendation, state: s };
}
