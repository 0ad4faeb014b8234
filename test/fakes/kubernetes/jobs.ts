/**
 * An add-on for the fake API server (api-server.ts `handlers`): ConfigMaps, batch/v1 Jobs in
 * Indexed completion mode, their Pods and the pods/{name}/log endpoint (follow=true streams).
 * Creating a Job REALLY runs each pod: a local process per completion index, by default the
 * scaleproof CLI from source (`scaleproof agent`) with the container's env resolved like the
 * kubelet does (literal values, fieldRef metadata.name/namespace, JOB_COMPLETION_INDEX) plus a
 * KUBECONFIG pointing back at this fake. Its stdout and stderr, line by line, are the pod log.
 * Pod phase and Ready follow the process: Pending → Running (Ready) → Succeeded / Failed with
 * the exit code, like a container. Deleting the Job terminates its pods (SIGTERM, then SIGKILL
 * after a grace) and deletes them. Faults: pods that never start (ImagePullBackOff, Unschedulable)
 * and killing a pod's process mid-run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { cliCommand, ROOT } from '../../support/cli.js';
import type { FakeKubeApi } from './api-server.js';

type Obj = { metadata: { name: string; namespace: string; uid: string; resourceVersion: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown }; [k: string]: any };
type Plural = 'configmaps' | 'jobs' | 'pods';

export type PodFault = { kind: 'ImagePullBackOff' } | { kind: 'Unschedulable' } | { kind: 'CrashOnStart'; exitCode?: number };

export interface FakeJobsOptions {
  /** Kubeconfig file the pod processes get as KUBECONFIG (the fake's own). */
  kubeconfig: string;
  /** Extra environment of every pod process. */
  env?: Record<string, string>;
  /** Real ms from pod creation until its process starts. */
  podStartMs?: number;
  /** Real ms between SIGTERM and SIGKILL when a pod is deleted. */
  terminationGraceMs?: number;
  /** Faults by completion index. */
  faults?: Record<number, PodFault>;
  /** Command of a pod (default: the scaleproof CLI from source, with the container's args). */
  command?: (args: string[]) => string[];
  /** Sees every line a pod writes (debugging tests). */
  onPodLine?: (pod: string, line: string) => void;
}

interface PodRun {
  obj: Obj;
  proc: ChildProcess | null;
  log: string[];
  followers: Set<http.ServerResponse>;
  started: boolean;
  exited: boolean;
  deleting: boolean;
}

interface Change {
  rv: number;
  plural: Plural;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: Obj;
}

const INDEX = 'batch.kubernetes.io/job-completion-index';
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class FakeJobs {
  readonly store: Record<Plural, Map<string, Obj>> = { configmaps: new Map(), jobs: new Map(), pods: new Map() };
  /** Jobs deleted through the API, in order. */
  readonly deletedJobs: string[] = [];
  readonly deletedConfigMaps: string[] = [];
  readonly #runs = new Map<string, PodRun>();
  readonly #o: Required<Omit<FakeJobsOptions, 'onPodLine' | 'faults' | 'env'>> & FakeJobsOptions;
  readonly #changes: Change[] = [];
  readonly #subs = new Set<(c: Change) => void>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #rv = 1;

  constructor(api: FakeKubeApi, options: FakeJobsOptions) {
    this.#o = { podStartMs: 100, terminationGraceMs: 3000, command: (args) => [...cliCommand(), ...args], ...options };
    api.handlers.push((req, res, url) => this.#handle(req, res, url));
  }

  /** Pods of a Job by completion index. */
  pods(job?: string): Obj[] {
    return [...this.store.pods.values()].filter((p) => !job || p.metadata.labels?.['job-name'] === job).sort((a, b) => Number(a.metadata.annotations?.[INDEX]) - Number(b.metadata.annotations?.[INDEX]));
  }

  /** Kills the process of the pod with this completion index (e.g. SIGKILL: an OOM kill). */
  kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
    for (const r of this.#runs.values()) if (Number(r.obj.metadata.annotations?.[INDEX]) === index && r.proc && !r.exited) return r.proc.kill(signal);
    return false;
  }

  /** Processes still running. */
  get running(): number {
    return [...this.#runs.values()].filter((r) => r.proc && !r.exited).length;
  }

  /** Kills everything left (test teardown). */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    const alive = [...this.#runs.values()].filter((r) => r.proc && !r.exited);
    for (const r of alive) r.proc!.kill('SIGKILL');
    await Promise.all(alive.map((r) => new Promise((resolve) => (r.exited ? resolve(null) : r.proc!.once('exit', resolve)))));
  }

  // ---------------------------------------------------------------- store

  #write(plural: Plural, type: Change['type'], obj: Obj): Obj {
    obj.metadata.resourceVersion = String(++this.#rv);
    if (type === 'DELETED') this.store[plural].delete(obj.metadata.name);
    else this.store[plural].set(obj.metadata.name, obj);
    const c: Change = { rv: this.#rv, plural, type, obj: structuredClone(obj) };
    this.#changes.push(c);
    for (const s of this.#subs) s(c);
    return obj;
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  // ---------------------------------------------------------------- HTTP

  async #handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    const m = /^\/(api\/v1|apis\/batch\/v1)\/namespaces\/([^/]+)\/(configmaps|jobs|pods)(?:\/([^/]+))?(?:\/(log))?$/.exec(url.pathname);
    if (!m) return false;
    const [, , ns, plural, name, sub] = m as unknown as [string, string, string, Plural, string | undefined, string | undefined];
    const q = Object.fromEntries(url.searchParams);
    if (plural === 'pods') {
      const mine = name ? this.store.pods.has(name) : (q.labelSelector ?? '').includes('scaleproof.dev/run');
      if (!mine) return false;
    }
    const method = req.method ?? 'GET';
    if (sub === 'log') return this.#log(res, name!, q), true;
    if (!name && method === 'POST') return this.#create(plural, ns, JSON.parse(await readBody(req)) as Obj, res), true;
    if (!name && method === 'GET') {
      if (q.watch === 'true' || q.watch === '1') this.#watch(req, res, plural, ns, q);
      else json(res, 200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(this.#rv) }, items: [...this.store[plural].values()].filter(matcher(ns, q)) });
      return true;
    }
    const obj = name ? this.store[plural].get(name) : undefined;
    if (!obj || obj.metadata.namespace !== ns) return status(res, 404, 'NotFound', `${plural} "${name}" not found`), true;
    if (method === 'GET') return json(res, 200, obj), true;
    if (method === 'PATCH' && plural === 'configmaps') {
      const patch = JSON.parse(await readBody(req)) as { data?: Record<string, string | null> };
      const next = structuredClone(obj);
      next.data = { ...(next.data ?? {}) };
      for (const [k, v] of Object.entries(patch.data ?? {})) v === null ? delete next.data[k] : (next.data[k] = v);
      return json(res, 200, this.#write('configmaps', 'MODIFIED', next)), true;
    }
    if (method === 'DELETE') {
      if (plural === 'jobs') this.#deleteJob(obj);
      else if (plural === 'configmaps') {
        this.deletedConfigMaps.push(name!);
        this.#write('configmaps', 'DELETED', structuredClone(obj));
      } else this.#deletePod(name!);
      return json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name, kind: plural } }), true;
    }
    return status(res, 405, 'MethodNotAllowed', `${method} not supported by the fake`), true;
  }

  #create(plural: Plural, ns: string, body: Obj, res: http.ServerResponse): void {
    const name = body.metadata?.name;
    if (!name) return status(res, 422, 'Invalid', 'metadata.name: Required value');
    if (this.store[plural].has(name)) return status(res, 409, 'AlreadyExists', `${plural} "${name}" already exists`);
    const obj = this.#write(plural, 'ADDED', { ...structuredClone(body), metadata: { ...body.metadata, name, namespace: ns, uid: randomUUID(), resourceVersion: '', creationTimestamp: now() } });
    json(res, 201, obj);
    if (plural === 'jobs') this.#startJob(obj);
  }

  #watch(req: http.IncomingMessage, res: http.ServerResponse, plural: Plural, ns: string, q: Record<string, string>): void {
    const match = matcher(ns, q);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const send = (type: string, object: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const rv = Number(q.resourceVersion ?? 0);
    if (!rv) for (const o of this.store[plural].values()) match(o) && send('ADDED', o);
    else for (const c of this.#changes) if (c.plural === plural && c.rv > rv && match(c.obj)) send(c.type, c.obj);
    const sub = (c: Change) => c.plural === plural && match(c.obj) && send(c.type, c.obj);
    this.#subs.add(sub);
    const cleanup = () => this.#subs.delete(sub);
    res.on('close', cleanup);
    req.on('close', cleanup);
  }

  #log(res: http.ServerResponse, name: string, q: Record<string, string>): void {
    const run = this.#runs.get(name);
    if (!run || !run.started) return status(res, 400, 'BadRequest', `container "${q.container ?? 'agent'}" in pod "${name}" is waiting to start: ContainerCreating`);
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    for (const l of run.log) res.write(l);
    if (q.follow !== 'true' || run.exited) return void res.end();
    run.followers.add(res);
    res.on('close', () => run.followers.delete(res));
  }

  // ---------------------------------------------------------------- the Job controller and kubelet

  #startJob(job: Obj): void {
    const n = job.spec.completions as number;
    for (let i = 0; i < n; i++) {
      const name = `${job.metadata.name}-${i}-${randomUUID().slice(0, 5)}`;
      const tpl = job.spec.template;
      const pod = this.#write('pods', 'ADDED', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: job.metadata.namespace,
          uid: randomUUID(),
          resourceVersion: '',
          creationTimestamp: now(),
          labels: { ...(tpl.metadata?.labels ?? {}), 'job-name': job.metadata.name, [INDEX]: String(i) },
          annotations: { [INDEX]: String(i) },
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid, controller: true }],
        },
        spec: structuredClone(tpl.spec),
        status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
      });
      this.#runs.set(name, { obj: pod, proc: null, log: [], followers: new Set(), started: false, exited: false, deleting: false });
      this.#later(this.#o.podStartMs, () => this.#startPod(name, i));
    }
  }

  #setStatus(name: string, status: Obj['status']): void {
    const cur = this.store.pods.get(name);
    if (!cur) return;
    const next = { ...structuredClone(cur), status };
    this.#runs.get(name)!.obj = next;
    this.#write('pods', 'MODIFIED', next);
  }

  #startPod(name: string, index: number): void {
    const run = this.#runs.get(name);
    const pod = this.store.pods.get(name);
    if (!run || !pod || run.deleting) return;
    const fault = this.#o.faults?.[index];
    const container = pod.spec.containers[0];
    if (fault?.kind === 'ImagePullBackOff') {
      return this.#setStatus(name, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }], containerStatuses: [{ name: container.name, ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` } } }] });
    }
    if (fault?.kind === 'Unschedulable') {
      return this.#setStatus(name, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available.' }] });
    }
    const env: Record<string, string> = {};
    for (const e of container.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = name;
      else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = pod.metadata.namespace;
    }
    const args: string[] = fault?.kind === 'CrashOnStart' ? ['-e', `process.stderr.write("boom\\n"); process.exit(${fault.exitCode ?? 1})`] : this.#o.command(container.args ?? []);
    const proc = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...this.#o.env, ...env, JOB_COMPLETION_INDEX: String(index), KUBECONFIG: this.#o.kubeconfig, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    run.proc = proc;
    run.started = true;
    const t = now();
    this.#setStatus(name, {
      phase: 'Running',
      startTime: t,
      conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Initialized', status: 'True' }, { type: 'ContainersReady', status: 'True' }, { type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: container.name, ready: true, restartCount: 0, started: true, state: { running: { startedAt: t } } }],
    });
    for (const stream of [proc.stdout!, proc.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        const lines = (rest + d).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) this.#append(run, `${l}\n`);
      });
      stream.on('end', () => rest && this.#append(run, `${rest}\n`));
    }
    proc.on('close', (code, signal) => {
      run.exited = true;
      const exitCode = code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 1);
      if (!run.deleting || this.store.pods.has(name)) {
        this.#setStatus(name, {
          phase: exitCode === 0 ? 'Succeeded' : 'Failed',
          startTime: t,
          conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False', reason: exitCode === 0 ? 'PodCompleted' : 'PodFailed' }],
          containerStatuses: [{ name: container.name, ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: t, finishedAt: now() } } }],
        });
      }
      for (const f of run.followers) f.end();
      run.followers.clear();
      if (run.deleting) this.#removePod(name);
    });
  }

  #append(run: PodRun, line: string): void {
    run.log.push(line);
    this.#o.onPodLine?.(run.obj.metadata.name, line.trimEnd());
    for (const f of run.followers) f.write(line);
  }

  #deleteJob(job: Obj): void {
    this.deletedJobs.push(job.metadata.name);
    this.#write('jobs', 'DELETED', structuredClone(job));
    for (const p of this.pods(job.metadata.name)) this.#deletePod(p.metadata.name);
  }

  #deletePod(name: string): void {
    const run = this.#runs.get(name);
    const pod = this.store.pods.get(name);
    if (!run || !pod || run.deleting) return;
    run.deleting = true;
    this.#write('pods', 'MODIFIED', { ...structuredClone(pod), metadata: { ...structuredClone(pod.metadata), deletionTimestamp: now(), deletionGracePeriodSeconds: Math.ceil(this.#o.terminationGraceMs / 1000) } });
    if (!run.proc || run.exited) return this.#removePod(name);
    run.proc.kill('SIGTERM');
    this.#later(this.#o.terminationGraceMs, () => run.exited || run.proc!.kill('SIGKILL'));
  }

  #removePod(name: string): void {
    const pod = this.store.pods.get(name);
    if (pod) this.#write('pods', 'DELETED', structuredClone(pod));
  }
}

function matcher(ns: string, q: Record<string, string>): (o: Obj) => boolean {
  const fields = (q.fieldSelector ?? '').split(',').filter(Boolean).map((p) => p.split('=') as [string, string]);
  const labels = (q.labelSelector ?? '').split(',').filter(Boolean).map((p) => p.split('=') as [string, string]);
  return (o) => {
    if (o.metadata.namespace !== ns) return false;
    for (const [path, want] of fields) if (String(path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o)) !== want) return false;
    for (const [k, want] of labels) if (o.metadata.labels?.[k] !== want) return false;
    return true;
  };
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: http.ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

/** A fake API server with only what a distributed run needs (no Deployment controllers running). */
export async function startJobsFake(options: Omit<FakeJobsOptions, 'kubeconfig'> & { namespace?: string } = {}): Promise<{ api: FakeKubeApi; jobs: FakeJobs; kubeconfig: string; stop(): Promise<void> }> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { FakeCluster } = await import('./cluster.js');
  const { FakeKubeApi } = await import('./api-server.js');
  const namespace = options.namespace ?? 'loadgen';
  const api = new FakeKubeApi(new FakeCluster({ namespace }));
  await api.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scaleproof-jobs-'));
  const kubeconfig = api.writeKubeconfig(path.join(dir, 'kubeconfig.yaml'), { namespace });
  const jobs = new FakeJobs(api, { ...options, kubeconfig });
  return {
    api,
    jobs,
    kubeconfig,
    async stop() {
      await jobs.stop();
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
