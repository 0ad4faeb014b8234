/**
 * What the local platform is configured to do, in the provider contract's terms. Pure: the
 * provider feeds it the settings the platform reports on /v1/config (or the profile's, before start).
 */
import type { TargetDescription } from '../../src/provider.js';
import { formatDuration } from '../../src/units.js';
import { NOMINAL_MEMORY_LIMIT_BYTES } from './protocol.js';
import type { LocalSettings } from './settings.js';

export function describeLocal(s: LocalSettings, serviceUrl?: string): TargetDescription {
  const { replicas, capacity, autoscaler } = s;
  const perReplicaRps = (capacity.concurrency * 1000) / capacity.service_time;
  const warnings: string[] = [];
  if (autoscaler.scale_down_stabilization < autoscaler.metric_window) {
    warnings.push('scale_down_stabilization is shorter than metric_window: the autoscaler may scale down on a utilization average that still includes the load it just added replicas for');
  }
  return {
    summary:
      `local service on 127.0.0.1: ${replicas.min}–${replicas.max} replica processes, each ${capacity.concurrency} concurrent × ${formatDuration(capacity.service_time)} ` +
      `(${Math.round(perReplicaRps)} req/s at 100 %), scaled by an HPA-style autoscaler every ${formatDuration(autoscaler.sync_period)}`,
    scaling: {
      minReplicas: replicas.min,
      maxReplicas: replicas.max,
      rules: [
        {
          metric: 'cpu',
          target: autoscaler.target_utilization * 100,
          unit: '%',
          description: `slot utilization (busy slot-time / concurrency × time, the local stand-in for CPU) averaged over ${formatDuration(autoscaler.metric_window)}, tolerance ${Math.round(autoscaler.tolerance * 100)} %`,
        },
      ],
      timings: {
        syncPeriodMs: autoscaler.sync_period,
        metricWindowMs: autoscaler.metric_window,
        startupDelayMs: capacity.startup_delay,
        scaleUpStabilizationMs: autoscaler.scale_up_stabilization,
        scaleDownStabilizationMs: autoscaler.scale_down_stabilization,
        // A load jump is seen at the next sync at the latest, then the scale-up window must agree.
        earliestScaleUpMs: autoscaler.sync_period + autoscaler.scale_up_stabilization,
        // Every recommendation in the scale-down window must be lower before the count drops.
        earliestScaleDownMs: Math.max(autoscaler.scale_down_stabilization, autoscaler.sync_period),
      },
      details: {
        concurrency: capacity.concurrency,
        serviceTimeMs: capacity.service_time,
        queueLimit: capacity.queue_limit,
        capacityPerReplicaRps: perReplicaRps,
        tolerance: autoscaler.tolerance,
        scaleUpPolicies: 'max(+100 %, +4 replicas) per 15 s (Kubernetes default)',
        scaleDownPolicies: '-100 % per 15 s (Kubernetes default)',
        memoryLimitBytes: NOMINAL_MEMORY_LIMIT_BYTES,
      },
    },
    warnings,
    ...(serviceUrl === undefined ? {} : { serviceUrl }),
  };
}
