/**
 * One call to get a running fake Cloud Run platform: the simulated service (Cloud Run
 * autoscaling model + Cloud Monitoring buckets with visibility delay), its gRPC APIs on
 * 127.0.0.1, and the APP endpoint that receives the load (capacity follows the serving
 * instances and drives the CPU the autoscaler sees).
 */
import type { PlatformClockOptions } from '../shared/platform-clock.js';
import { ScaledApp } from '../shared/scaled-app.js';
import { FakeGoogleApis } from './grpc-server.js';
import { FakeCloudRun, type FakeCloudRunOptions } from './platform.js';

export { FakeCloudRun, FakeGoogleApis };

export interface CloudRunFake {
  platform: FakeCloudRun;
  apis: FakeGoogleApis;
  app: ScaledApp;
  /** Provider settings that point at this fake. */
  settings: { project: string; region: string; service: string; endpoint: string; insecure: true; alignment_period: string; metric_delay: string; lookback: string; log_interval: string };
  stop(): Promise<void>;
}

export async function startCloudRunFake(options: FakeCloudRunOptions & PlatformClockOptions & { capacityPerInstance?: number } = {}): Promise<CloudRunFake> {
  let platform: FakeCloudRun | null = null;
  const app = new ScaledApp({ readyReplicas: () => platform?.readyCount() ?? 0, capacityPerReplica: options.capacityPerInstance ?? 20 });
  await app.start();
  platform = new FakeCloudRun({ utilization: () => app.utilization(), inFlight: () => app.inFlight, served: () => app.served, uri: app.url, ...options });
  const apis = new FakeGoogleApis(platform, { ...(options.clockOffsetMs === undefined ? {} : { clockOffsetMs: options.clockOffsetMs }), ...(options.clockStep ? { clockStep: options.clockStep } : {}) });
  const endpoint = await apis.start();
  platform.start();
  const p = platform;
  const realBucket = p.bucketRealMs;
  const realDelay = (p.o.visibilityDelayMs + p.o.idleExtraDelayMs) / p.o.timeScale;
  return {
    platform: p,
    apis,
    app,
    settings: {
      project: p.o.project,
      region: p.o.region,
      service: p.o.service,
      endpoint,
      insecure: true,
      alignment_period: `${Math.round(realBucket)}ms`,
      metric_delay: `${Math.round(realDelay + realBucket)}ms`,
      lookback: `${Math.round(realBucket * 10)}ms`,
      // The provider's default 15 s between system log reads, in the fake's time.
      log_interval: `${Math.round(15_000 / p.o.timeScale)}ms`,
    },
    async stop() {
      p.stop();
      await apis.stop();
      await app.stop();
    },
  };
}
