/**
 * The distributed engine end to end on the fake API server: the Indexed Job really runs 3 local
 * `scaleproof agent` processes, their window parts come back through pods/{name}/log?follow=true,
 * and the merged timeline records match the plan (totals, per window, latency distribution).
 */
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrivalsBefore } from '../../../src/load/plan.js';
import type { TargetServer } from '../../support/target-server.js';
import { run, startTarget } from './harness.js';

let target: TargetServer;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.close();
});

describe('distributed load over a fake Kubernetes Job', () => {
  it('3 agents send exactly the plan, ramps included, merged per window into the usual records', async () => {
    const r = await run({ agents: 3, stages: [{ duration: '2s', rate: 300 }, { duration: '3s', rate: 300 }, { duration: '2s', rate: 100 }] });
    expect(r.error).toBeNull();
    const all = r.windows.filter((w) => w.request === '*');
    const planned = all.reduce((n, w) => n + w.planned, 0);
    const sent = all.reduce((n, w) => n + w.sent, 0);
    const completed = all.reduce((n, w) => n + w.completed, 0);
    expect(planned).toBe(r.plan.totalArrivals);
    expect(r.result!.planned).toBe(r.plan.totalArrivals);
    expect(Math.abs(sent - r.plan.totalArrivals)).toBeLessThanOrEqual(r.plan.totalArrivals * 0.001);
    expect(Math.abs(completed - sent)).toBeLessThanOrEqual(sent * 0.001);
    // Every full window carries exactly the plan's arrivals of that second (the shares add up with no drift).
    const origin = r.result!.startT;
    for (const w of all.filter((x) => x.windowMs === 1000 && x.t - origin < r.plan.durationMs)) {
      const from = w.t - origin;
      expect(w.planned).toBe(arrivalsBefore(r.plan, from + 1000) - arrivalsBefore(r.plan, from));
    }
    // Latency: half the requests take >= 5 ms, half >= 60 ms (the target's own delays: lower bounds a
    // busy machine cannot break), and the merged histograms say so.
    const fast = r.windows.filter((w) => w.request === 'fast').reduce((n, w) => n + w.completed, 0);
    const slow = r.windows.filter((w) => w.request === 'slow').reduce((n, w) => n + w.completed, 0);
    expect(fast + slow).toBe(completed);
    expect(Math.abs(fast - slow)).toBeLessThanOrEqual(completed * 0.02);
    const mergeOf = (ws: typeof all) => {
      const h = decodeFromCompressedBase64(ws.find((w) => w.hdr)!.hdr!);
      for (const w of ws.filter((x) => x.hdr).slice(1)) h.add(decodeFromCompressedBase64(w.hdr!));
      return h;
    };
    const merged = mergeOf(all);
    expect(merged.totalCount).toBe(completed);
    // The target's delays show (a busy machine only adds to them; how much is not asserted here).
    // 1 ms under each: Node timers run on a whole-millisecond loop clock and can fire that early.
    expect(merged.getValueAtPercentile(25) / 1000).toBeGreaterThanOrEqual(4);
    expect(merged.getValueAtPercentile(75) / 1000).toBeGreaterThanOrEqual(59);
    // Each half keeps its own floor, and '*' is exactly fast + slow, percentile by percentile.
    const fastH = mergeOf(r.windows.filter((w) => w.request === 'fast'));
    const slowH = mergeOf(r.windows.filter((w) => w.request === 'slow'));
    expect(slowH.minNonZeroValue / 1000).toBeGreaterThanOrEqual(59);
    expect(fastH.minNonZeroValue / 1000).toBeGreaterThanOrEqual(4);
    const both = fastH; // fast + slow from here on
    both.add(slowH);
    for (const p of [25, 50, 75, 99, 100]) expect(merged.getValueAtPercentile(p), `p${p}`).toBe(both.getValueAtPercentile(p));
    // Units and merging, checked without a speed bound: each window's histogram agrees with the
    // summary written beside it, and the merged maximum is the largest window maximum.
    for (const w of all.filter((x) => x.hdr)) {
      const h = decodeFromCompressedBase64(w.hdr!);
      expect(h.totalCount).toBe(w.latency.count);
      expectSameLatency(h.maxValue / 1000, w.latency.max);
    }
    expectSameLatency(merged.maxValue / 1000, Math.max(...all.map((w) => w.latency.max)));
    // Stage records as a local run writes them, then the load-end marker.
    expect(r.stages.map((s) => s.name ?? s.index)).toEqual([0, 1, 2, 'load-end']);
    expect(r.stages[1].t - r.stages[0].t).toBeCloseTo(2000, 6);
    expect(r.notes.filter((n) => n.level === 'warning')).toEqual([]);
    expect(r.deleted.jobs).toHaveLength(1);
    expect(r.deleted.configMaps).toHaveLength(1);
    expect(r.deleted.left).toBe(0);
  }, 200_000); // ~15 s on an idle 2-core box; a hang guard for a loaded CI runner (agents get 120 s to be ready)
});

/** Equal within the histogram's precision (3 significant digits: 0.1 %, at least 1 ms). */
function expectSameLatency(actualMs: number, expectedMs: number): void {
  expect(Math.abs(actualMs - expectedMs)).toBeLessThanOrEqual(Math.max(1, expectedMs * 0.002));
}
