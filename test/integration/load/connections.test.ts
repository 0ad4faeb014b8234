/**
 * Connections as an L4 balancer sees them: pre-opened without a request (no burst before the load),
 * every connection carries an even share, and rotation keeps opening new ones so replicas added
 * during a run get traffic. Loopback only, ≤ 2 s and ≤ 400 req/s per test.
 */
import { describe, expect, it } from 'vitest';
import type { LoadSpec } from '../../../src/profile/schema.js';
import { loadSpec, runOnce, useTargetServer } from '../../support/load-harness.js';

const target = useTargetServer();
const spec = loadSpec;

async function run(load: LoadSpec, baseUrl: string) {
  const { result, records } = await runOnce(load, baseUrl);
  return { result, records };
}

describe('connections', () => {
  it('pre-opens every connection without sending a request: nothing reaches the service before the load', async () => {
    const s = await target({ delayMs: 40 });
    // No arrivals at all: the pre-open alone.
    const r = await run(spec({ stages: [{ duration: '100ms', rate: 0 }], connections: 20 }), s.url);
    expect(r.result.sent).toBe(0);
    expect(s.accepted).toBe(20);
    expect(s.total).toBe(0);
  });

  it('spreads requests evenly over every connection, the pre-opened ones (no rotation)', async () => {
    const s = await target();
    const r = await run(spec({ start: 300, stages: [{ duration: '1s', rate: 300 }], connections: 10, rotate: { max_requests: 0, max_age: '0s' } }), s.url);
    expect(r.result.sent).toBe(300);
    // The 10 pre-opened connections carried everything: no other connection was opened.
    expect(s.accepted).toBe(10);
    expect(s.byConnection.size).toBe(10);
    const counts = [...s.byConnection.values()];
    // 30 each, to ±1 when every connection is free at its turn; a connection still busy then is
    // skipped rather than queued behind (http-client.ts #pick), which a busy machine makes happen.
    // Either way every connection carries its share (undici's Pool would pile onto the first few).
    const mean = 30;
    console.info(`requests per connection: ${counts.join(', ')}`);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(mean / 2);
    expect(Math.max(...counts)).toBeLessThanOrEqual(mean * 1.5);
  });

  it('rotates by request count: every connection closes after max_requests and new ones keep appearing', async () => {
    const s = await target();
    const r = await run(spec({ start: 400, stages: [{ duration: '1s', rate: 400 }], connections: 8, rotate: { max_requests: 25, max_age: '0s' } }), s.url);
    expect(r.result.sent).toBe(400);
    const counts = [...s.byConnection.values()];
    expect(Math.max(...counts)).toBeLessThanOrEqual(25);
    expect(s.byConnection.size).toBeGreaterThanOrEqual(Math.floor(400 / 25));
    expect(r.result.connections).toBe(s.byConnection.size);
    const errors = r.records.filter((x) => x.request === '*').reduce((n, x) => n + x.errors.connection + x.errors.other, 0);
    expect(errors).toBe(0);
  });

  it('rotates by age: connections older than max_age are replaced during the run', async () => {
    const s = await target();
    const r = await run(spec({ start: 200, stages: [{ duration: '1500ms', rate: 200 }], connections: 4, rotate: { max_requests: 0, max_age: '300ms' } }), s.url);
    expect(r.result.sent).toBe(300);
    // 4 connections renewed about every 300 ms over 1.5 s.
    expect(s.byConnection.size).toBeGreaterThanOrEqual(12);
    const ok = r.records.filter((x) => x.request === '*').reduce((n, x) => n + x.ok, 0);
    expect(ok).toBe(300);
    console.info(`age rotation 300 ms, 4 connections, 1.5 s: ${s.byConnection.size} connections seen`);
  });
});
