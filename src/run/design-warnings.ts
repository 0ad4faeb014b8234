/**
 * Targets that the platform's configuration cannot meet by design: said before any load is
 * applied, so nobody spends an hour proving what the configuration already decides.
 */
import type { ScalingConfig } from '../provider.js';
import type { Targets } from '../profile/schema.js';
import { formatDuration } from '../units.js';

export function designWarnings(targets: Targets, scaling: ScalingConfig): string[] {
  const out: string[] = [];
  const a = targets.autoscaling;
  const t = scaling.timings;
  if (a?.scale_up_time !== undefined && t.earliestScaleUpMs !== undefined && t.earliestScaleUpMs > a.scale_up_time) {
    out.push(
      `targets.autoscaling.scale_up_time is ${formatDuration(a.scale_up_time)}, but this configuration cannot decide a scale-up sooner than ${formatDuration(t.earliestScaleUpMs)} after load rises`,
    );
  }
  if (a?.scale_down_time !== undefined && t.earliestScaleDownMs !== undefined && t.earliestScaleDownMs > a.scale_down_time) {
    out.push(
      `targets.autoscaling.scale_down_time is ${formatDuration(a.scale_down_time)}, but this configuration cannot scale down sooner than ${formatDuration(t.earliestScaleDownMs)} after load drops`,
    );
  }
  if (a?.scale_up_time !== undefined && t.metricResolutionMs !== undefined && t.metricResolutionMs >= a.scale_up_time) {
    out.push(
      `the scaling metric has ${formatDuration(t.metricResolutionMs)} resolution, as coarse as the ${formatDuration(a.scale_up_time)} scale_up_time target: the measurement cannot resolve it`,
    );
  }
  if (a?.max_instances !== undefined && scaling.maxReplicas !== undefined && a.max_instances > scaling.maxReplicas) {
    out.push(`targets.autoscaling.max_instances is ${a.max_instances}, above the configured maximum of ${scaling.maxReplicas}: it can never be reached`);
  }
  if (a?.min_instances !== undefined && scaling.minReplicas !== undefined && a.min_instances > scaling.minReplicas) {
    out.push(`targets.autoscaling.min_instances is ${a.min_instances}, but the platform may scale down to ${scaling.minReplicas}`);
  }
  return out;
}
