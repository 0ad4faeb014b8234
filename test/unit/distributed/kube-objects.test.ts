/** The Job and ConfigMap a distributed run creates, pod status in words, and how a run becomes distributed. */
import { describe, expect, it } from 'vitest';
import { configMapManifest, jobManifest, RUN_LABEL } from '../../../src/distributed/job-spec.js';
import { resolveDistributed } from '../../../src/distributed/options.js';
import { containerStarted, podGone, podIndex, podProblem, type KPod } from '../../../src/distributed/pod-status.js';
import { parseLine, encodeLine, PROTOCOL, LineSplitter } from '../../../src/distributed/protocol.js';
import { distributedSchema } from '../../../src/distributed/settings.js';
import { loadSchema, profileSchema } from '../../../src/profile/schema.js';

const pod = (status: KPod['status'], extra: Partial<KPod['metadata']> = {}): KPod => ({ metadata: { name: 'scaleproof-x-1-abcde', annotations: { 'batch.kubernetes.io/job-completion-index': '1' }, ...extra }, status });

describe('job manifest', () => {
  it('is one Indexed Job of N pods running `scaleproof agent`, no retries, bounded in time', () => {
    const spec = distributedSchema.parse({ agents: 4, resources: { requests: { cpu: '1' }, limits: { memory: '512Mi' } }, node_selector: { pool: 'load' }, service_account: 'sp-agent', secret_env: 'tokens' });
    const job = jobManifest({ runId: 'abc123', namespace: 'loadgen', image: 'reg/sp:1', spec, budgetMs: 100_500 });
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimit: 0, activeDeadlineSeconds: 401, ttlSecondsAfterFinished: 600 });
    const pod = job.spec!.template.spec!;
    expect(pod).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'sp-agent', nodeSelector: { pool: 'load' } });
    const c = pod.containers[0];
    expect(c).toMatchObject({ name: 'agent', image: 'reg/sp:1', args: ['agent'], resources: { requests: { cpu: '1' }, limits: { memory: '512Mi' } }, envFrom: [{ secretRef: { name: 'tokens' } }] });
    expect(c.env).toContainEqual({ name: 'SCALEPROOF_CONFIGMAP', value: 'scaleproof-abc123' });
    expect(c.env).toContainEqual({ name: 'SCALEPROOF_AGENTS', value: '4' });
    expect(c.env).toContainEqual({ name: 'SCALEPROOF_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(job.spec!.template.metadata!.labels![RUN_LABEL]).toBe('abc123');
    expect(jobManifest({ runId: 'a', namespace: 'n', image: 'i', spec: { ...spec, keep: true }, budgetMs: 0 }).spec!.ttlSecondsAfterFinished).toBeUndefined();
  });

  it('puts the validated load in the ConfigMap', () => {
    const load = loadSchema.parse({ url: 'http://127.0.0.1:1', stages: [{ duration: '5s', rate: 10 }] });
    const cm = configMapManifest('r1', 'ns', { protocol: 1, version: '0.1.0', runId: 'r1', agents: 2, baseUrl: 'http://127.0.0.1:1', load, drainMs: 2000 });
    expect(cm.metadata).toMatchObject({ name: 'scaleproof-r1', namespace: 'ns' });
    expect(JSON.parse(cm.data!['config.json']).load.stages[0].duration).toBe(5000);
  });
});

describe('pod status in words', () => {
  it('reads the completion index', () => {
    expect(podIndex(pod({}))).toBe(1);
    expect(podIndex({ metadata: { name: 'x' } })).toBeNull();
  });

  it('says why a pod is not ready', () => {
    expect(podProblem(pod({ phase: 'Pending', containerStatuses: [{ name: 'agent', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } } }] }))).toBe('ImagePullBackOff: Back-off pulling image "x"');
    expect(podProblem(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] }))).toBe('Pending, not scheduled: Unschedulable: 0/3 nodes are available');
    expect(podProblem(pod({ phase: 'Failed', containerStatuses: [{ name: 'agent', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] }))).toBe('terminated (OOMKilled, exit code 137)');
    expect(podProblem(pod({ phase: 'Pending', containerStatuses: [{ name: 'agent', state: { waiting: { reason: 'ContainerCreating' } } }] }))).toBe('Pending: ContainerCreating');
    expect(podProblem(pod({ phase: 'Running' }))).toMatch(/no READY line yet/);
  });

  it('knows when the log can be followed and when the pod is gone', () => {
    expect(containerStarted(pod({ phase: 'Pending' }))).toBe(false);
    expect(containerStarted(pod({ phase: 'Running', containerStatuses: [{ name: 'agent', state: { running: {} } }] }))).toBe(true);
    expect(containerStarted(pod({ phase: 'Failed' }))).toBe(true);
    expect(podGone(pod({ phase: 'Running' }))).toBe(false);
    expect(podGone(pod({ phase: 'Running' }, { deletionTimestamp: '2025-01-01T00:00:00Z' }))).toBe(true);
    expect(podGone(pod({ phase: 'Failed' }))).toBe(true);
  });
});

describe('agent protocol lines', () => {
  it('round-trips and ignores anything else', () => {
    const l = { sp: PROTOCOL, type: 'ready' as const, index: 2, agents: 3, version: '1' };
    expect(parseLine(encodeLine(l))).toEqual(l);
    expect(parseLine('warning: something')).toBeNull();
    expect(parseLine('{"sp":99,"type":"ready","index":0}')).toBeNull();
    expect(parseLine('{"sp":1,"type":"part","index":0,"part":{}}')).toBeNull();
    const got: string[] = [];
    const s = new LineSplitter();
    s.push('a\nb', (x) => got.push(x));
    s.push('c\n\nd', (x) => got.push(x));
    s.flush((x) => got.push(x));
    expect(got).toEqual(['a', 'bc', 'd']);
  });
});

describe('which runs are distributed', () => {
  const base = profileSchema.parse({ load: { url: 'http://127.0.0.1:1', stages: [{ duration: '1s', rate: 1 }] } });
  const withSection = profileSchema.parse({ load: { url: 'http://127.0.0.1:1', stages: [{ duration: '1s', rate: 1 }] }, distributed: { agents: 5, namespace: 'lg' } });

  it('follows the profile section, with the command line winning', () => {
    expect(resolveDistributed(base, {})).toBeNull();
    expect(resolveDistributed(withSection, {})).toMatchObject({ agents: 5, namespace: 'lg', platform: 'kubernetes', keep: false, ready_timeout: 180_000 });
    expect(resolveDistributed(withSection, { agents: '3' })).toMatchObject({ agents: 3, namespace: 'lg' });
    expect(resolveDistributed(base, { distributed: 'kubernetes', agents: '4' })).toMatchObject({ agents: 4 });
    expect(resolveDistributed(withSection, { distributed: 'off' })).toBeNull();
  });

  it('refuses what cannot work', () => {
    expect(() => resolveDistributed(base, { agents: '3' })).toThrow(/--agents needs --distributed kubernetes/);
    expect(() => resolveDistributed(base, { distributed: 'kubernetes', agents: '0' })).toThrow(/whole number above 0/);
    expect(() => resolveDistributed(base, { distributed: 'docker' })).toThrow(/unknown platform/);
    expect(profileSchema.safeParse({ provider: { name: 'local' }, distributed: {} }).success).toBe(false);
  });
});
