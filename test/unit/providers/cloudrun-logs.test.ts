/** Cloud Run system-log lines -> instance events, and the filter that asks for them. */
import { describe, expect, test } from 'vitest';
import { instanceEvent, systemLogFilter, type LogEntry } from '../../../providers/cloudrun/logs.js';

const at = { seconds: '1795764320', nanos: 401_000_000 };
const entry = (textPayload: string, extra: Partial<LogEntry> = {}): LogEntry => ({
  insertId: 'abc123',
  timestamp: at,
  textPayload,
  labels: { instanceId: '0069c7a988ea0e1c8a7f6b2d4e3f00aa11bb22cc33dd44ee55ff' },
  resource: { type: 'cloud_run_revision', labels: { revision_name: 'web-00003-kex' } },
  ...extra,
});

describe('cloud run system log', () => {
  test('an AUTOSCALING start is a scale-up decision at the line’s own sub-second time', () => {
    const e = instanceEvent(entry('Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.'));
    expect(e).toEqual({
      atWall: 1_795_764_320_401,
      resolutionMs: 1,
      source: 'cloud-logging:system',
      id: 'cloud-logging:abc123',
      type: 'scale-up',
      message: 'Cloud Run started instance 0069c7a988ea… of revision web-00003-kex (reason AUTOSCALING)',
    });
  });

  test('a start for another reason is information, not a scaling decision', () => {
    expect(instanceEvent(entry('Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started because of a new revision rollout.'))?.type).toBe('info');
  });

  test('a STARTUP probe success (TCP or HTTP) makes the instance ready', () => {
    const tcp = instanceEvent(entry('Default STARTUP TCP probe succeeded after 1 attempt for container "app" on port 8080.'));
    expect(tcp).toMatchObject({ type: 'replica-ready', atWall: 1_795_764_320_401 });
    expect(tcp!.message).toContain('instance 0069c7a988ea… of revision web-00003-kex is ready');
    expect(instanceEvent(entry('STARTUP HTTP probe succeeded after 3 attempts for container "app" on port 8080 path "/healthz".'))?.type).toBe('replica-ready');
  });

  test('other lines, and lines without a time, are not events', () => {
    expect(instanceEvent(entry('Container called exit(0).'))).toBeNull();
    expect(instanceEvent(entry('STARTUP TCP probe failed 1 time consecutively for container "app" on port 8080.'))).toBeNull();
    expect(instanceEvent(entry('Starting new instance. Reason: AUTOSCALING', { timestamp: null }))).toBeNull();
  });

  test('without an insertId the id still tells lines apart', () => {
    const a = instanceEvent(entry('Starting new instance. Reason: AUTOSCALING', { insertId: '' }))!;
    const b = instanceEvent(entry('Starting new instance. Reason: AUTOSCALING', { insertId: '', labels: { instanceId: 'other' } }))!;
    expect(a.id).not.toBe(b.id);
  });

  test('the filter names the system log, the service, and the window start', () => {
    const f = systemLogFilter('shop-prod', 'api', 'europe-west1', Date.UTC(2026, 10, 27, 9, 0, 0, 250));
    expect(f).toBe(
      'logName="projects/shop-prod/logs/run.googleapis.com%2Fvarlog%2Fsystem" AND resource.type="cloud_run_revision" AND resource.labels.service_name="api" AND resource.labels.location="europe-west1" AND timestamp>="2026-11-27T09:00:00.250Z" AND (textPayload:"Starting new instance" OR textPayload:"STARTUP")',
    );
  });
});
