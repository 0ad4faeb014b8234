/** Process helpers for tests that drive the real CLI: descendants, liveness, waiting. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The direct children of `pid`, by `pgrep -P`. */
export function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there is no child
  }
}

/** Every descendant pid of `pid` (children, grandchildren...). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const kids = children(queue.shift()!);
    out.push(...kids);
    queue.push(...kids);
  }
  return out;
}

/** Alive and not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs: number, stepMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The single run folder under `runsDir`, once it exists. */
export function runDirIn(runsDir: string): string | undefined {
  if (!fs.existsSync(runsDir)) return undefined;
  const [first] = fs.readdirSync(runsDir);
  return first ? path.join(runsDir, first) : undefined;
}

export function timelineRecords(runDir: string): Array<Record<string, any>> {
  const file = path.join(runDir, 'timeline.ndjson');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, any>];
      } catch {
        return [];
      }
    });
}

/**
 * A small local-provider profile whose load lasts long enough to be interrupted. `loadSeconds` 0:
 * no load, only watching the platform for a minute (independent of the load engine).
 */
export function localProfile(name: string, loadSeconds = 60, extra = '', serviceTime = '20ms'): string {
  if (loadSeconds === 0) {
    return `
name: ${name}
provider:
  name: local
  poll_interval: 250ms
  settings:
    replicas: { min: 2, max: 3 }
    capacity: { concurrency: 5, service_time: 20ms, startup_delay: 300ms, queue_limit: 100 }
observe_after: 60s
${extra}
`;
  }
  return `
name: ${name}
provider:
  name: local
  poll_interval: 250ms
  settings:
    replicas: { min: 1, max: 3 }
    capacity: { concurrency: 50, service_time: ${serviceTime}, startup_delay: 300ms, queue_limit: 100 }
    autoscaler: { target_utilization: 60%, sync_period: 500ms, scale_down_stabilization: 2s, metric_window: 1s }
load:
  workers: 1 # in-thread: the stop takes effect at the signal, with no message to a worker in between
  start: 20
  stages:
    - { name: steady, duration: ${loadSeconds}s, rate: 20 }
observe_after: 1s
${extra}
`;
}
