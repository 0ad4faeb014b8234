/**
 * PURE mapping of Cloud Run's system log (Cloud Logging) to per-instance events. Cloud Run
 * writes a line when it starts an instance and when the instance's STARTUP probe succeeds, with
 * the instance id and a sub-second timestamp:
 *
 *   Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors ...
 *   Default STARTUP TCP probe succeeded after 1 attempt for container "app" on port 8080.
 *
 * These are the only per-instance times Cloud Run publishes; Cloud Monitoring has per-minute
 * counts. The analysis uses them to place scale-up milestones inside their minute. There is no
 * line for an instance shutting down, so scale-down stays per minute.
 */
import type { PlatformEvent } from '../../src/provider.js';
import { timestampMs, type Timestamp } from './map.js';

export const LOG_SOURCE = 'cloud-logging:system';

export interface LogEntry {
  insertId?: string | null;
  logName?: string | null;
  timestamp?: Timestamp | null;
  textPayload?: string | null;
  labels?: Record<string, string> | null;
  resource?: { type?: string | null; labels?: Record<string, string> | null } | null;
}

/** The system log of a project, as Cloud Logging names it (the slash is URL-encoded). */
export function systemLogName(project: string): string {
  return `projects/${project}/logs/run.googleapis.com%2Fvarlog%2Fsystem`;
}

/** Instance starts and STARTUP-probe successes of one service since `sinceWall`. */
export function systemLogFilter(project: string, service: string, region: string, sinceWall: number): string {
  return [
    `logName="${systemLogName(project)}"`,
    'resource.type="cloud_run_revision"',
    `resource.labels.service_name="${service}"`,
    `resource.labels.location="${region}"`,
    `timestamp>="${new Date(sinceWall).toISOString()}"`,
    '(textPayload:"Starting new instance" OR textPayload:"STARTUP")',
  ].join(' AND ');
}

const STARTING = /^Starting new instance\. Reason: ([A-Z_]+)/;
const STARTUP_OK = /STARTUP .*probe succeeded/i;

/**
 * One log line -> one event, or null for anything else. A start for AUTOSCALING is a scale-up
 * decision; a start for another reason (deployment, min instances, a replaced instance) is info.
 */
export function instanceEvent(entry: LogEntry): PlatformEvent | null {
  const text = entry.textPayload ?? '';
  const atWall = timestampMs(entry.timestamp);
  if (atWall === undefined) return null;
  const instance = entry.labels?.instanceId;
  const who = instance ? `instance ${shortId(instance)}` : 'an instance';
  const revision = entry.resource?.labels?.revision_name;
  const where = revision ? ` of revision ${revision}` : '';
  const id = `cloud-logging:${entry.insertId || `${atWall}:${instance ?? ''}:${text.slice(0, 40)}`}`;
  const base = { atWall, resolutionMs: 1, source: LOG_SOURCE, id };
  const start = STARTING.exec(text);
  if (start) {
    const reason = start[1]!;
    return { ...base, type: reason === 'AUTOSCALING' ? 'scale-up' : 'info', message: `Cloud Run started ${who}${where} (reason ${reason})` };
  }
  if (STARTUP_OK.test(text)) return { ...base, type: 'replica-ready', message: `${who}${where} is ready: ${text.trim()}` };
  return null;
}

/** Instance ids are 100+ hex characters; the first 12 tell them apart in a report. */
function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 12)}…` : id;
}
