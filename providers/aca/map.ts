/**
 * PURE: Container Apps ARM responses and Azure Monitor metrics -> samples and events. No IO, no
 * clock: the time of each read comes in as an argument.
 *
 * Timestamps:
 * - Revisions and replicas are a point read: atWall = when the response arrived, resolution 0.
 * - ACA has no "ready since" time: a replica seen ready now became ready between the previous
 *   read and this one, so its event is stamped at this read with resolutionMs = the time since the previous read began.
 * - A new replica's createdTime (whole seconds) is the platform's own decision time; it is
 *   stamped at the end of that second with resolution 1 s.
 * - An Azure Monitor point's timeStamp is the START of its grain (PT1M); it is emitted at the
 *   grain's END with resolutionMs = grain, so it describes [atWall - resolutionMs, atWall].
 */
import type { ContainerApp, Replica, Revision } from '@azure/arm-appcontainers';
import type { MetricsQueryResult } from '@azure/monitor-query-metrics';
import type { PlatformEvent, PlatformSample } from '../../src/provider.js';

export const SOURCE = {
  replicas: 'aca:replicas',
  revisions: 'aca:revisions',
  monitor: 'azure-monitor:containerApps',
} as const;

const ms = (d: Date | undefined): number | undefined => (d instanceof Date && Number.isFinite(d.getTime()) ? d.getTime() : undefined);

/** Revisions that receive traffic or run replicas (single mode: the latest; multiple: several). */
export function activeRevisions(revisions: readonly Revision[]): Revision[] {
  return revisions.filter((r) => r.active === true);
}

/** One replica as the provider remembers it between reads. */
export interface ReplicaView {
  name: string;
  revision: string;
  createdAtWall?: number;
  /** When its creation second ended, on OUR clock (createdTime is on Azure's): set when a clock converter is given. */
  createdEndAtWall?: number;
  running: boolean;
  ready: boolean;
  /** Every container terminated: a replica on its way out (a scale-in), still listed; not pending. */
  leaving?: boolean;
}

/** A replica is ready when it is Running and every (app) container reports ready. */
export function replicaView(r: Replica, revision: string, toOurs?: (platformMs: number) => number): ReplicaView {
  const containers = r.containers ?? [];
  const running = r.runningState === 'Running';
  const view: ReplicaView = { name: r.name ?? '?', revision, running, ready: running && containers.length > 0 && containers.every((c) => c.ready === true) };
  const created = ms(r.createdTime);
  if (created !== undefined) view.createdAtWall = created;
  const end = createdEnd(view);
  if (toOurs && end !== undefined) view.createdEndAtWall = toOurs(end);
  if (!view.ready && containers.length > 0 && containers.every((c) => c.runningState === 'Terminated')) view.leaving = true;
  return view;
}

/**
 * Counts now: desired = the active revisions' `replicas` (the count the scaler set); running /
 * ready / pending from the replica list when it was read.
 */
/** `readMs`: how long the read took; the counts were true somewhere in it, so it is their resolution. */
export function replicaSample(revisions: readonly Revision[], replicas: readonly ReplicaView[] | undefined, readAtWall: number, readMs = 0): PlatformSample {
  const active = activeRevisions(revisions);
  const out: PlatformSample = { atWall: readAtWall, resolutionMs: Math.max(0, readMs), source: replicas ? SOURCE.replicas : SOURCE.revisions };
  out.desired = active.reduce((n, r) => n + (r.replicas ?? 0), 0);
  if (replicas) {
    out.running = replicas.filter((r) => r.running).length;
    out.ready = replicas.filter((r) => r.ready).length;
    // A replica terminating after a scale-in is still listed: it is neither ready nor coming.
    out.pending = replicas.filter((r) => !r.ready && !r.leaving).length;
  }
  return out;
}

export interface ReadState {
  atWall: number;
  /** When the read began (default atWall): what it did not see happened after this. */
  startedAtWall?: number;
  desired: number;
  replicas: ReadonlyMap<string, ReplicaView> | undefined;
}

/** createdTime has whole seconds: the creation happened within the second that follows it. */
function createdEnd(r: ReplicaView): number | undefined {
  if (r.createdEndAtWall !== undefined) return r.createdEndAtWall;
  if (r.createdAtWall === undefined) return undefined;
  return r.createdAtWall % 1000 === 0 ? r.createdAtWall + 1000 : r.createdAtWall;
}

/**
 * What changed between two reads: the scale decision (from/to, stamped at the earliest new
 * replica's createdTime when it falls after the previous read), replicas created, ready and gone.
 */
export function diffReads(prev: ReadState | undefined, next: ReadState): PlatformEvent[] {
  if (!prev) return [];
  // A change this read saw and the previous one did not happened after the previous read BEGAN.
  const gap = Math.max(0, next.atWall - (prev.startedAtWall ?? prev.atWall));
  const out: PlatformEvent[] = [];
  const created = next.replicas ? [...next.replicas.values()].filter((r) => !prev.replicas?.has(r.name)) : [];
  if (next.desired !== prev.desired) {
    const up = next.desired > prev.desired;
    const firstCreated = Math.min(...created.map((r) => createdEnd(r) ?? Infinity));
    const byCreation = up && Number.isFinite(firstCreated) && firstCreated > prev.atWall && firstCreated - 1000 <= next.atWall;
    const stamped = created.some((r) => r.createdEndAtWall !== undefined) ? { platformStamped: true } : {};
    const at = byCreation ? { atWall: Math.min(firstCreated, next.atWall), resolutionMs: 1000, ...stamped } : { atWall: next.atWall, resolutionMs: gap };
    out.push({ ...at, source: SOURCE.revisions, type: up ? 'scale-up' : 'scale-down', message: `active revisions scaled from ${prev.desired} to ${next.desired} replicas`, id: `aca-scale:${next.atWall}:${prev.desired}->${next.desired}`, from: prev.desired, to: next.desired });
  }
  if (!next.replicas || !prev.replicas) return out;
  for (const r of created) {
    const end = createdEnd(r);
    out.push({ atWall: end === undefined ? next.atWall : Math.min(end, next.atWall), resolutionMs: end !== undefined ? 1000 : gap, ...(r.createdEndAtWall !== undefined ? { platformStamped: true } : {}), source: SOURCE.replicas, type: 'info', message: `replica ${r.name} of revision ${r.revision} created`, id: `aca-replica:${r.name}:created` });
  }
  for (const r of next.replicas.values()) {
    if (r.ready && !prev.replicas.get(r.name)?.ready) out.push({ atWall: next.atWall, resolutionMs: gap, source: SOURCE.replicas, type: 'replica-ready', message: `replica ${r.name} is ready`, id: `aca-replica:${r.name}:ready` });
  }
  for (const r of prev.replicas.values()) {
    if (!next.replicas.has(r.name)) out.push({ atWall: next.atWall, resolutionMs: gap, source: SOURCE.replicas, type: 'replica-stopped', message: `replica ${r.name} is gone`, id: `aca-replica:${r.name}:gone` });
  }
  return out;
}

/** `PT1M` -> 60000, `PT30S` -> 30000, `PT1H` -> 3600000; undefined otherwise. */
export function isoDurationMs(iso: string | undefined): number | undefined {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso ?? '');
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** Finds a metric by its id (`…/metrics/Replicas`) or name value, never by the localized name. */
function metricOf(result: MetricsQueryResult, name: string) {
  return result.metrics.find((m) => m.id?.endsWith(`/${name}`) || m.name === name);
}

/**
 * Azure Monitor `Replicas` (Maximum per minute) -> running; `UsageNanoCores` (Average) ->
 * cpuPct when the CPU cores of one replica are known (1e9 nano cores = 1 core).
 */
export function monitorSamples(results: readonly MetricsQueryResult[], cpuCoresPerReplica: number | undefined, defaultGrainMs = 60_000): PlatformSample[] {
  const byTime = new Map<number, PlatformSample>();
  for (const r of results) {
    const grain = isoDurationMs(r.granularity) ?? defaultGrainMs;
    const put = (name: 'Replicas' | 'UsageNanoCores', apply: (s: PlatformSample, p: { average?: number; maximum?: number }) => void) => {
      for (const ts of metricOf(r, name)?.timeseries ?? []) {
        for (const p of ts.data ?? []) {
          const start = ms(p.timeStamp);
          if (start === undefined) continue;
          const atWall = start + grain;
          const s = byTime.get(atWall) ?? { atWall, resolutionMs: grain, source: SOURCE.monitor };
          apply(s, p);
          byTime.set(atWall, s);
        }
      }
    };
    put('Replicas', (s, p) => {
      const v = p.maximum ?? p.average;
      if (typeof v === 'number') s.running = Math.round(v);
    });
    put('UsageNanoCores', (s, p) => {
      if (typeof p.average === 'number' && cpuCoresPerReplica && cpuCoresPerReplica > 0) s.cpuPct = (p.average / (cpuCoresPerReplica * 1e9)) * 100;
    });
  }
  return [...byTime.values()].filter((s) => s.running !== undefined || s.cpuPct !== undefined).sort((a, b) => a.atWall - b.atWall);
}

/** CPU cores of one replica: the sum of its containers' `resources.cpu`. */
export function cpuCoresPerReplica(app: ContainerApp): number | undefined {
  const cores = (app.template?.containers ?? []).reduce((n, c) => n + (c.resources?.cpu ?? 0), 0);
  return cores > 0 ? cores : undefined;
}
