/**
 * Agent pods as the coordinator sees them, PURE: which index a pod runs, whether it is gone
 * for good, and in words why it is not ready (ImagePullBackOff, Unschedulable, OOMKilled…),
 * taken from the pod status the way `kubectl describe pod` shows it.
 */

/** The parts of a Pod this module reads (plain API JSON). */
export interface KPod {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string | Date };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    containerStatuses?: ContainerStatus[];
  };
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string | Date };
    terminated?: { exitCode?: number; signal?: number; reason?: string; message?: string };
  };
}

export const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** The completion index of a pod of an Indexed Job, or null. */
export function podIndex(pod: KPod): number | null {
  const raw = pod.metadata.annotations?.[INDEX_ANNOTATION] ?? pod.metadata.labels?.[INDEX_ANNOTATION];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/** The container has started (its log can be followed). */
export function containerStarted(pod: KPod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') return (pod.status?.containerStatuses ?? []).some((c) => c.state?.running || c.state?.terminated) || phase !== 'Running';
  return false;
}

/** The pod will not run (again): it failed, finished, or is being deleted. */
export function podGone(pod: KPod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Failed' || phase === 'Succeeded' || pod.metadata.deletionTimestamp !== undefined;
}

const text = (reason?: string, message?: string) => [reason, message].filter(Boolean).join(': ');

/** Why the pod is not (or no longer) serving its share, in one line. */
export function podProblem(pod: KPod): string {
  const s = pod.status ?? {};
  const term = (s.containerStatuses ?? []).map((c) => c.state?.terminated).find(Boolean);
  if (term) {
    const code = term.exitCode === undefined ? '' : `exit code ${term.exitCode}${term.signal ? `, signal ${term.signal}` : ''}`;
    return `terminated (${[term.reason, code].filter(Boolean).join(', ')})${term.message ? `: ${term.message.trim().split('\n').slice(-1)[0]}` : ''}`;
  }
  const waiting = (s.containerStatuses ?? []).map((c) => c.state?.waiting).find((w) => w?.reason && w.reason !== 'ContainerCreating');
  if (waiting) return text(waiting.reason, waiting.message);
  if (pod.metadata.deletionTimestamp !== undefined) return 'being deleted';
  if (s.phase === 'Failed') return `failed${s.reason || s.message ? ` (${text(s.reason, s.message)})` : ''}`;
  if (s.phase === 'Succeeded') return 'exited (0) without finishing its share';
  const sched = s.conditions?.find((c) => c.type === 'PodScheduled');
  if (sched?.status === 'False') return `Pending, not scheduled: ${text(sched.reason ?? 'Unschedulable', sched.message)}`;
  if (s.phase === 'Pending' || s.phase === undefined) {
    const creating = (s.containerStatuses ?? []).some((c) => c.state?.waiting?.reason === 'ContainerCreating');
    return creating ? 'Pending: ContainerCreating' : 'Pending';
  }
  if (s.phase === 'Running') return 'Running, but no READY line yet (still opening connections to the target?)';
  return s.phase ?? 'unknown state';
}
