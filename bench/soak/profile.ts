/** The soak profile: the local provider, load alternating between `rate` and twice it every minute. */
export function soakProfile(minutes: number, rate: number): string {
  const totalS = Math.round(minutes * 60);
  const stages: string[] = [];
  for (let s = 0, high = false; s < totalS; s += 60, high = !high) {
    const d = Math.min(60, totalS - s);
    stages.push(`    - { duration: ${d}s, rate: ${high ? rate * 2 : rate} }`);
    if (s + d < totalS) stages.push(`    - { duration: 0s, rate: ${high ? rate : rate * 2} }`);
  }
  return `
name: soak
provider:
  name: local
  poll_interval: 1s
  settings:
    replicas: { min: 1, max: 4 }
    capacity: { concurrency: 8, service_time: 20ms, startup_delay: 500ms, queue_limit: 400 }
    autoscaler: { target_utilization: 60%, sync_period: 2s, scale_down_stabilization: 20s, metric_window: 4s }
load:
  start: ${rate}
  workers: 1
  timeout: 2s
  stages:
${stages.join('\n')}
observe_after: 5s
limits: { max_duration: ${Math.ceil(minutes) + 10}m }
`;
}
