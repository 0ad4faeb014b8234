/**
 * Entry point of the local platform process (forked by the provider, in its own process group):
 * the front balancer, the replica pool, the autoscaler loop and the control API. It exits, taking
 * its replicas with it, as soon as the IPC channel to scaleproof closes, whether scaleproof
 * closed it or died.
 */
import { hpaSpec } from '../../src/scaling-models/hpa.js';
import { AutoscalerLoop } from './autoscaler-loop.js';
import { startControlApi } from './control-api.js';
import { FrontBalancer } from './front-balancer.js';
import { NOMINAL_MEMORY_LIMIT_BYTES, type FromPlatform, type LocalEvent, type StatusBody, type ToPlatform } from './protocol.js';
import { ReplicaPool } from './replica-pool.js';
import type { LocalSettings } from './settings.js';

/** Old events are dropped beyond this many, so a week-long endurance run cannot grow without bound. */
const MAX_EVENTS = 20_000;

if (!process.send) {
  process.stderr.write('platform.ts runs only as a child of the local provider\n');
  process.exit(2);
}
const send = (m: FromPlatform): void => {
  if (process.connected) process.send!(m);
};
let shutdown = (): void => process.exit(0);
process.on('disconnect', () => shutdown());
process.on('uncaughtException', (err) => {
  send({ type: 'fatal', message: `local platform crashed: ${err.stack ?? err.message}` });
  shutdown();
});
process.once('message', (m: ToPlatform) => {
  if (m.type === 'start') void run(m.settings);
});

async function run(settings: LocalSettings): Promise<void> {
  const events: LocalEvent[] = [];
  let seq = 0;
  const record = (e: Omit<LocalEvent, 'id' | 'atWall'>): void => {
    events.push({ id: `local-${++seq}`, atWall: Date.now(), ...e });
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
  };
  const { replicas, capacity, autoscaler } = settings;
  // Several reports per window and per sync, but never chattier than 10 per second.
  const reportIntervalMs = Math.min(1000, Math.max(100, Math.min(autoscaler.sync_period, autoscaler.metric_window) / 4));
  const pool = new ReplicaPool({
    concurrency: capacity.concurrency,
    serviceTimeMs: capacity.service_time,
    queueLimit: capacity.queue_limit,
    startupDelayMs: capacity.startup_delay,
    metricWindowMs: autoscaler.metric_window,
    reportIntervalMs,
    onEvent: record,
  });
  const spec = hpaSpec({
    minReplicas: replicas.min,
    maxReplicas: replicas.max,
    targetUtilization: autoscaler.target_utilization,
    tolerance: autoscaler.tolerance,
    behavior: { scaleUp: { stabilizationWindowMs: autoscaler.scale_up_stabilization }, scaleDown: { stabilizationWindowMs: autoscaler.scale_down_stabilization } },
  });
  const loop = new AutoscalerLoop({ spec, pool, syncPeriodMs: autoscaler.sync_period, initialReplicas: replicas.min, onEvent: record });
  const front = new FrontBalancer(() => pool.ready());
  const frontUrl = await front.listen();

  const status = (): StatusBody => {
    const all = pool.all().map((r) => pool.status(r));
    const ready = all.filter((r) => r.state === 'ready');
    const utils = ready.flatMap((r) => (r.utilization === undefined ? [] : [r.utilization]));
    const rss = ready.flatMap((r) => (r.rssBytes === undefined ? [] : [r.rssBytes]));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      atWall: Date.now(),
      platformPid: process.pid,
      desired: loop.desired,
      ready: ready.length,
      pending: all.filter((r) => r.state === 'pending').length,
      running: all.length,
      ...(utils.length ? { cpuPct: mean(utils) * 100 } : {}),
      ...(rss.length ? { memPct: (mean(rss) / NOMINAL_MEMORY_LIMIT_BYTES) * 100 } : {}),
      replicas: all,
    };
  };
  const control = await startControlApi({
    status,
    events: (since) => events.filter((e) => e.atWall >= since),
    config: () => ({ settings, frontUrl, nominalMemoryLimitBytes: NOMINAL_MEMORY_LIMIT_BYTES, behavior: spec.behavior }),
  });
  let stopping = false;
  shutdown = () => {
    if (stopping) return;
    stopping = true;
    loop.stop();
    front.close();
    control.close();
    void pool.close().finally(() => process.exit(0));
  };

  pool.scaleTo(replicas.min);
  loop.start();
  // The service "is up" once min replicas serve, like a deployment reporting Available.
  const waitReady = setInterval(() => {
    if (pool.ready().length < replicas.min) return;
    clearInterval(waitReady);
    send({ type: 'started', frontUrl, controlUrl: control.url });
  }, 20);
}
