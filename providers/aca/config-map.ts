/**
 * PURE: a container app -> the ScalingConfig `check` prints and the warnings to read first.
 *
 *   rule kind        evaluated every          scales on
 *   http / tcp       15 s                     concurrent requests / connections per replica
 *   custom (KEDA)    pollingInterval (30 s)   cpu / memory utilization, queue length …
 *   earliestScaleUp   = the fastest rule's interval
 *   earliestScaleDown = 300 s scale-down stabilization (and the cooldownPeriod before zero)
 */
import type { ContainerApp, ScaleRule } from '@azure/arm-appcontainers';
import type { ScalingConfig, ScalingRule } from '../../src/provider.js';
import { formatDuration } from '../../src/units.js';

export const HTTP_INTERVAL_MS = 15_000;
export const SCALE_DOWN_STABILIZATION_MS = 300_000;

function ruleOf(r: ScaleRule, pollingMs: number): { rule: ScalingRule; intervalMs: number } {
  const name = r.name ? `"${r.name}" ` : '';
  if (r.http) {
    const n = Number(r.http.metadata?.concurrentRequests ?? 10);
    return { rule: { metric: 'http-concurrency', target: n, unit: ' concurrent requests/replica', description: `HTTP rule ${name}evaluated every 15 s` }, intervalMs: HTTP_INTERVAL_MS };
  }
  if (r.tcp) {
    const n = Number(r.tcp.metadata?.concurrentConnections ?? 10);
    return { rule: { metric: 'tcp-connections', target: n, unit: ' connections/replica', description: `TCP rule ${name}evaluated every 15 s` }, intervalMs: HTTP_INTERVAL_MS };
  }
  if (r.azureQueue) {
    return { rule: { metric: 'azure-queue', target: r.azureQueue.queueLength ?? NaN, unit: ' messages/replica', description: `queue rule ${name}on ${r.azureQueue.queueName ?? '?'}, polled every ${formatDuration(pollingMs)}` }, intervalMs: pollingMs };
  }
  const type = r.custom?.type ?? 'custom';
  const md = r.custom?.metadata ?? {};
  if (type === 'cpu' || type === 'memory') {
    const util = (md.type ?? md.metricType ?? 'Utilization') === 'Utilization';
    return {
      rule: { metric: type, target: Number(md.value ?? NaN), unit: util ? '%' : type === 'cpu' ? ' cores (average value)' : ' (average value)', description: `KEDA ${type} rule ${name}(${util ? 'utilization of the request' : 'average value'}), polled every ${formatDuration(pollingMs)}` },
      intervalMs: pollingMs,
    };
  }
  const target = Number(Object.entries(md).find(([k]) => /length|count|target|value|threshold/i.test(k))?.[1] ?? NaN);
  return { rule: { metric: type, target, unit: '', description: `KEDA ${type} rule ${name}polled every ${formatDuration(pollingMs)}; metadata ${Object.keys(md).join(', ')}` }, intervalMs: pollingMs };
}

export function acaScalingConfig(app: ContainerApp): { scaling: ScalingConfig; warnings: string[] } {
  const scale = app.template?.scale ?? {};
  const min = scale.minReplicas ?? 0;
  const max = scale.maxReplicas ?? 10;
  const cooldownMs = (scale.cooldownPeriod ?? 300) * 1000;
  const pollingMs = (scale.pollingInterval ?? 30) * 1000;
  const warnings: string[] = [];
  const ingress = app.configuration?.ingress;
  let rules = (scale.rules ?? []).map((r) => ruleOf(r, pollingMs));
  if (rules.length === 0 && ingress) {
    rules = [ruleOf({ name: 'default', http: { metadata: { concurrentRequests: '10' } } }, pollingMs)];
    warnings.push('no scale rule is set: ACA applies its default HTTP rule (10 concurrent requests per replica, 0..10 replicas)');
  } else if (rules.length === 0) {
    warnings.push('no scale rule and no ingress: the app stays at its minimum replica count');
  }
  const timings: Record<string, number> = { cooldownPeriodMs: cooldownMs, pollingIntervalMs: pollingMs, scaleDownStabilizationMs: SCALE_DOWN_STABILIZATION_MS };
  if (rules.length) {
    timings.earliestScaleUpMs = Math.min(...rules.map((r) => r.intervalMs));
    timings.metricResolutionMs = timings.earliestScaleUpMs;
  }
  timings.earliestScaleDownMs = Math.max(SCALE_DOWN_STABILIZATION_MS, min === 0 ? cooldownMs : 0);

  warnings.push(
    `ACA scales in only after ${formatDuration(SCALE_DOWN_STABILIZATION_MS)} of lower load (scale-down stabilization)${min === 0 ? `, and to zero only ${formatDuration(cooldownMs)} (cooldownPeriod) after the last active metric` : ''}: a scale-down target under ${formatDuration(timings.earliestScaleDownMs)} cannot be met`,
  );
  if (rules.some((r) => r.rule.metric === 'cpu' || r.rule.metric === 'memory') || rules.some((r) => r.intervalMs === pollingMs && r.rule.metric !== 'http-concurrency' && r.rule.metric !== 'tcp-connections'))
    warnings.push(`custom (KEDA) rules are polled every ${formatDuration(pollingMs)}; scale-up is decided no sooner than that after the metric rises`);
  if (rules.some((r) => r.rule.metric === 'http-concurrency') && rules.some((r) => r.rule.metric === 'cpu'))
    warnings.push('an HTTP rule together with a CPU rule: the replica count is the highest either asks for (users report the HTTP rule seeming ignored, microsoft/azure-container-apps#468)');
  if (min === 0) warnings.push('minReplicas is 0: the first request after idle waits for a cold start');
  if (app.configuration?.activeRevisionsMode === 'Multiple') warnings.push('activeRevisionsMode is Multiple: counts are summed over every active revision');
  if (app.latestRevisionName && app.latestReadyRevisionName && app.latestRevisionName !== app.latestReadyRevisionName)
    warnings.push(`the latest revision ${app.latestRevisionName} is not ready (latest ready: ${app.latestReadyRevisionName})`);
  if (app.runningStatus && app.runningStatus !== 'Running') warnings.push(`the app's running status is ${app.runningStatus}`);

  const details: Record<string, unknown> = {
    location: app.location,
    activeRevisionsMode: app.configuration?.activeRevisionsMode ?? 'Single',
    latestReadyRevision: app.latestReadyRevisionName,
    cpuPerReplica: (app.template?.containers ?? []).reduce((n, c) => n + (c.resources?.cpu ?? 0), 0) || undefined,
  };
  return { scaling: { minReplicas: min, maxReplicas: max, rules: rules.map((r) => r.rule), timings, details }, warnings };
}
