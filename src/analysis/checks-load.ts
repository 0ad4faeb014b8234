/**
 * Checks on what the clients saw: latency percentiles, error rate, unserved rate and sustained
 * throughput, for the whole run (`latency.p95`, `error_rate`, `unserved_rate`, `throughput`) and
 * per request (`requests.<name>.p95`, ...).
 *
 * The error rate is over sent requests: when arrivals were dropped its target says so, since
 * those users were not served either (the unserved rate counts them).
 *
 * A percentile built without hdr for some windows is an upper bound: under the target it
 * passes, over it the check is unknown (the true value may still be under).
 */
import type { Targets } from '../profile/schema.js';
import { formatPercent } from '../units.js';
import { ms, perSecond, unknownCheck } from './check-util.js';
import type { CheckResult, LoadSlice, UnservedRate } from './types.js';
import { droppedNote, unservedDetail } from './unserved.js';

type LatencyTargets = NonNullable<Targets['latency']>;
type LatencyKey = keyof LatencyTargets;
const LATENCY_KEYS: readonly LatencyKey[] = ['p50', 'p90', 'p95', 'p99', 'p999', 'max'];
const LABEL: Record<LatencyKey, string> = { p50: 'p50', p90: 'p90', p95: 'p95', p99: 'p99', p999: 'p99.9', max: 'max' };

interface Scope {
  /** `latency` / `error_rate` ids for the run; `requests.<name>.` prefixed ones for a request. */
  prefix: string;
  /** ` (search)` after each target for a request, empty for the run. */
  suffix: string;
  slice: LoadSlice | null;
  sustained: number | null;
  unserved: UnservedRate | null;
}

export function loadChecks(targets: Targets, run: Scope, requests: Record<string, Scope>): CheckResult[] {
  const checks = [
    ...latencyChecks(targets.latency ?? {}, run),
    ...errorRateCheck(targets.error_rate, run),
    ...unservedRateCheck(targets.unserved_rate, run),
    ...throughputCheck(targets.throughput, run),
  ];
  for (const [name, t] of Object.entries(targets.requests ?? {})) {
    const scope = requests[name] ?? requestScope(name, null, null);
    checks.push(...latencyChecks(t, scope), ...errorRateCheck(t.error_rate, scope), ...unservedRateCheck(t.unserved_rate, scope), ...throughputCheck(t.throughput, scope));
  }
  return checks;
}

export function runScope(slice: LoadSlice | null, sustained: number | null, unserved: UnservedRate | null = null): Scope {
  return { prefix: '', suffix: '', slice, sustained, unserved };
}

export function requestScope(name: string, slice: LoadSlice | null, sustained: number | null, unserved: UnservedRate | null = null): Scope {
  return { prefix: `requests.${name}.`, suffix: ` (${name})`, slice, sustained, unserved };
}

function latencyChecks(targets: LatencyTargets, scope: Scope): CheckResult[] {
  return LATENCY_KEYS.filter((k) => targets[k] !== undefined).map((key) => {
    const limit = targets[key]!;
    const id = scope.prefix ? `${scope.prefix}${key}` : `latency.${key}`;
    const target = `${LABEL[key]} <= ${ms(limit)}${scope.suffix}`;
    const slice = scope.slice;
    if (!slice || slice.latency.count === 0) return unknownCheck(id, target, 'no completed requests to measure');
    const value = slice.latency[key];
    const exact = key === 'max' || slice.latencyExact;
    const measured = exact ? ms(value) : `<= ${ms(value)}`;
    if (value <= limit) return { id, target, measured, status: 'pass' };
    if (!exact) return { id, target, measured, status: 'unknown', detail: `only an upper bound is known (windows without hdr histograms) and it is above ${ms(limit)}` };
    return { id, target, measured, status: 'fail', detail: `${LABEL[key]} was ${ms(value)} over ${slice.latency.count} responses` };
  });
}

function errorRateCheck(limit: number | undefined, scope: Scope): CheckResult[] {
  if (limit === undefined) return [];
  const id = `${scope.prefix}error_rate`;
  const slice = scope.slice;
  const target = `error rate <= ${formatPercent(limit)}${scope.suffix}${droppedNote(slice?.dropped ?? 0)}`;
  if (!slice || slice.completed === 0) return [unknownCheck(id, target, 'no completed requests to measure')];
  const measured = formatPercent(slice.errorRate);
  if (slice.errorRate <= limit) return [{ id, target, measured, status: 'pass' }];
  const byClass = Object.entries(slice.errors).filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', ');
  const errors = Object.values(slice.errors).reduce((a, b) => a + b, 0);
  return [{ id, target, measured, status: 'fail', detail: `${errors} errors in ${slice.completed} completed requests (${byClass})` }];
}

function unservedRateCheck(limit: number | undefined, scope: Scope): CheckResult[] {
  if (limit === undefined) return [];
  const id = `${scope.prefix}unserved_rate`;
  const target = `unserved rate <= ${formatPercent(limit)}${scope.suffix}`;
  const u = scope.unserved;
  if (!u || u.rate === null) return [unknownCheck(id, target, u?.basis === 'sent-requests' ? 'no requests sent to measure' : 'no planned arrivals to measure')];
  const measured = formatPercent(u.rate);
  const detail = unservedDetail(u);
  return [{ id, target, measured, status: u.rate <= limit ? 'pass' : 'fail', detail }];
}

function throughputCheck(min: number | undefined, scope: Scope): CheckResult[] {
  if (min === undefined) return [];
  const id = `${scope.prefix}throughput`;
  const target = `sustained throughput >= ${perSecond(min)}${scope.suffix}`;
  if (scope.sustained === null) return [unknownCheck(id, target, 'no load windows to measure')];
  const measured = perSecond(scope.sustained);
  if (scope.sustained >= min) return [{ id, target, measured, status: 'pass' }];
  return [{ id, target, measured, status: 'fail', detail: `best window averaged ${measured} of successful responses` }];
}
