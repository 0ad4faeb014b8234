/**
 * `provider.settings` of the local provider: the size of the replicas, what one replica can
 * serve, and how the HPA-style autoscaler reacts. Defaults mirror a Kubernetes HPA with its
 * default flags (15 s sync, 10 % tolerance, 5 min scale-down stabilization); profiles that must
 * finish in minutes shorten them. Cheap to import: zod only.
 */
import { z } from 'zod';
import { duration, fraction, nonNegativeInt, positiveInt } from '../../src/profile/fields.js';

const replicas = z
  .strictObject({
    min: positiveInt('Fewest replicas; the service starts with this many.').default(1),
    max: positiveInt('Most replicas the autoscaler may run.').default(10),
  })
  .refine((r) => r.min <= r.max, { error: 'replicas.min is above replicas.max', path: ['min'] })
  .meta({ description: 'Replica count bounds (HPA minReplicas / maxReplicas).' });

const capacity = z
  .strictObject({
    concurrency: positiveInt('Requests one replica serves at the same time (its slots).').default(10),
    service_time: duration('Time each request holds a slot (a timer, not CPU work). With concurrency 10 and 100ms one replica serves 100 req/s at 100 % utilization.').default(100),
    startup_delay: duration('Time from starting a replica until it is ready and receives traffic.').default(2000),
    queue_limit: nonNegativeInt('Requests that may wait per replica when every slot is busy; beyond it the replica answers 503.').default(50),
  })
  .meta({ description: 'What one replica can serve. Utilization = busy slot-time / (concurrency × interval).' });

const autoscaler = z
  .strictObject({
    target_utilization: fraction('Mean utilization of the ready replicas the autoscaler aims for (HPA averageUtilization).').default(0.6),
    sync_period: duration('How often the autoscaler decides (HPA --horizontal-pod-autoscaler-sync-period).').default(15_000),
    tolerance: fraction('No change while |utilization / target − 1| is within this (HPA --horizontal-pod-autoscaler-tolerance).').default(0.1),
    scale_up_stabilization: duration('Scale-up follows the lowest recommendation of this window (behavior.scaleUp.stabilizationWindowSeconds).').default(0),
    scale_down_stabilization: duration('Scale-down follows the highest recommendation of this window (behavior.scaleDown.stabilizationWindowSeconds).').default(300_000),
    metric_window: duration('How far back each replica’s utilization is averaged (metrics-server reports the last 15 s).').default(15_000),
  })
  .refine((a) => a.sync_period >= 100, { error: 'sync_period must be at least 100ms', path: ['sync_period'] })
  .refine((a) => a.metric_window >= 100, { error: 'metric_window must be at least 100ms', path: ['metric_window'] })
  .refine((a) => a.target_utilization > 0, { error: 'target_utilization must be above 0', path: ['target_utilization'] })
  .meta({ description: 'The HPA-style autoscaler (scale-up/down rate policies are the Kubernetes defaults).' });

export const localSettingsSchema = z
  .strictObject({
    replicas: replicas.prefault({}),
    capacity: capacity.prefault({}),
    autoscaler: autoscaler.prefault({}),
  })
  .meta({ description: 'Settings of the local provider: a real service of replica processes on 127.0.0.1, scaled by an HPA-style autoscaler.' });

/** Validated settings: durations in ms, fractions in [0, 1]. */
export type LocalSettings = z.output<typeof localSettingsSchema>;
