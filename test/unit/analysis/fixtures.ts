/** Shared scenarios for the analysis tests. */
import { TimelineBuilder } from '../../support/timeline-builder.js';

export const URL = 'http://127.0.0.1:1';

/** 10 req/s for 10 s, a step to 300 req/s at t = 10 s held for 60 s, then the load ends at 70 s. */
export function stepProfile(targets: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    name: 'step',
    provider: { name: 'fake', poll_interval: '1s' },
    load: {
      url: URL,
      start: 10,
      stages: [
        { duration: '10s', rate: 10 },
        { duration: '0s', rate: 300 },
        { duration: '60s', rate: 300 },
      ],
    },
    targets,
    ...extra,
  };
}

/** desired 2 -> 5 at 13 s, ready 2 -> 5 at 18 s (polled every second from 0 to 69 s). */
export function stepReplicas(t: number): [number, number] {
  return [t >= 13_000 ? 5 : 2, t >= 18_000 ? 5 : 2];
}

export function stepTimeline(targets: Record<string, unknown> = {}, opts: { resolutionMs?: number } = {}): TimelineBuilder {
  const b = new TimelineBuilder(stepProfile(targets)).stagesFromProfile(0);
  for (let t = 0; t < 70_000; t += 1000) b.sample(t, pair(stepReplicas(t)), { resolutionMs: opts.resolutionMs ?? 0 });
  return b;
}

export function pair([desired, ready]: [number, number]) {
  return { desired, ready };
}
