/**
 * A small, bounded open-model load for tests: `rps` arrivals per second to a loopback URL for
 * `durationMs`, at most `maxInFlight` outstanding. Refuses anything but 127.0.0.1 / localhost.
 */
import http from 'node:http';

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  dropped: number;
}

export async function driveLoad(url: string, rps: number, durationMs: number, options: { maxInFlight?: number; signal?: AbortSignal } = {}): Promise<LoadResult> {
  const target = new URL(url);
  if (!/^(127\.0\.0\.1|localhost)$/.test(target.hostname)) throw new Error(`driveLoad only loads loopback servers, not ${target.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const maxInFlight = options.maxInFlight ?? 200;
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, dropped: 0 };
  let inFlight = 0;
  const pending: Promise<void>[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      inFlight++;
      result.sent++;
      const req = http.get(target, { agent, timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) result.ok++;
          else result.failed++;
          inFlight--;
          resolve();
        });
      });
      req.on('error', () => {
        result.failed++;
        inFlight--;
        resolve();
      });
      req.on('timeout', () => req.destroy());
    });
  const start = performance.now();
  let due = 0;
  while (!options.signal?.aborted) {
    const elapsed = performance.now() - start;
    if (elapsed >= durationMs) break;
    const should = Math.floor((elapsed / 1000) * rps);
    for (; due < should; due++) {
      if (inFlight >= maxInFlight) result.dropped++;
      else pending.push(one());
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(pending);
  agent.destroy();
  return result;
}
