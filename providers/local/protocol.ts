/**
 * Messages between the three kinds of process of the local provider, and the JSON of the
 * platform's control API. Types only: every side imports this file, none imports another side.
 *
 *   scaleproof (provider) --fork/IPC--> platform --fork/IPC--> replica × N
 *           \---- HTTP: control API (/v1/status, /v1/events, /v1/config) ----/
 */
import type { LocalSettings } from './settings.js';

/** Nominal memory limit of one replica: memPct = RSS / this. A Node replica idles at ~15–25 % of it. */
export const NOMINAL_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;

// ---- provider <-> platform (IPC) ----
export type ToPlatform = { type: 'start'; settings: LocalSettings };
export type FromPlatform =
  | { type: 'started'; frontUrl: string; controlUrl: string }
  | { type: 'fatal'; message: string };

// ---- platform <-> replica (IPC) ----
/** Passed as JSON in argv[2] to a replica. */
export interface ReplicaOptions {
  id: number;
  concurrency: number;
  serviceTimeMs: number;
  queueLimit: number;
  /** Epoch ms before which the replica does not listen: spawn time + startup_delay. */
  readyNotBeforeWall: number;
  reportIntervalMs: number;
}
export type ToReplica = { type: 'drain' };
export interface ReplicaStats {
  /** The replica's own monotonic clock; utilization is computed from differences of these. */
  uptimeMs: number;
  /** Cumulative slot-milliseconds spent serving, including requests still in service. */
  busySlotMs: number;
  rssBytes: number;
  served: number;
  rejected: number;
  active: number;
  queued: number;
}
export type FromReplica = { type: 'listening'; port: number; stats: ReplicaStats } | { type: 'stats'; stats: ReplicaStats };

// ---- control API (HTTP JSON) ----
export type ReplicaState = 'pending' | 'ready' | 'draining';

export interface ReplicaStatus {
  id: number;
  pid: number | undefined;
  state: ReplicaState;
  startedAtWall: number;
  readyAtWall?: number;
  /** Mean utilization over the metric window, fraction; absent until the reports span a whole window. */
  utilization?: number;
  rssBytes?: number;
  served: number;
  rejected: number;
}

/** GET /v1/status */
export interface StatusBody {
  atWall: number;
  platformPid: number;
  desired: number;
  ready: number;
  pending: number;
  /** Replicas whose process runs: pending + ready + draining. */
  running: number;
  /** Mean windowed utilization of ready replicas, percent: what the autoscaler sees. */
  cpuPct?: number;
  /** Mean RSS of ready replicas, percent of NOMINAL_MEMORY_LIMIT_BYTES. */
  memPct?: number;
  replicas: ReplicaStatus[];
}

export type LocalEventType = 'scale-up' | 'scale-down' | 'replica-ready' | 'replica-stopped' | 'warning';

/** GET /v1/events?since=<epoch ms> -> { events: LocalEvent[] } */
export interface LocalEvent {
  id: string;
  atWall: number;
  type: LocalEventType;
  message: string;
  from?: number;
  to?: number;
  /** For scaling decisions: the HPA reason, limit and the utilization it acted on. */
  reason?: string;
  limitedBy?: string;
  utilization?: number;
}

/** GET /v1/config */
export interface ConfigBody {
  settings: LocalSettings;
  frontUrl: string;
  nominalMemoryLimitBytes: number;
  /** The rate policies in force (the Kubernetes defaults). */
  behavior: unknown;
}
