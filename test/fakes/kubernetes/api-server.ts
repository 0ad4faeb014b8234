/**
 * A Kubernetes API server fake on 127.0.0.1 (plain HTTP) over a FakeCluster: get, list and
 * watch for Deployments, StatefulSets, Argo Rollouts (a custom kind), HPAs (autoscaling/v2), Pods
 * and Events; the /scale subresource of the workload kinds (GET and merge PATCH, autoscaling/v1
 * Scale); API discovery of apps/v1 and argoproj.io/v1alpha1; metrics.k8s.io PodMetrics;
 * SelfSubjectAccessReview (with subresources). Watches stream one JSON object per line (chunked), replay changes
 * after the requested resourceVersion, send BOOKMARKs, and answer ERROR 410 for a version that
 * was compacted away. Faults for tests: expired token (401), forbidden verbs (403 with the real
 * RBAC wording), metrics API down (503), watch drops, watch refusals.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { ROLLOUT, type Change, type FakeCluster, type KObject, type Kind, type WorkloadPlural } from './cluster.js';

export interface FakeKubeApiOptions {
  token?: string;
  user?: string;
  /** Real ms between BOOKMARK lines on watches that asked for them. */
  bookmarkMs?: number;
  /** What a real API server does that a kind fake would not (test/fakes/README.md, "Unkind modes"). */
  unkind?: FakeKubeUnkind;
}

/**
 * Unkind modes of the fake API server, each from the Kubernetes documentation. Lingering
 * terminating pods are the cluster's (FakeClusterOptions.terminationGraceSeconds: a deleted pod
 * stays listed with its deletionTimestamp until the grace period ends).
 */
export interface FakeKubeUnkind {
  /**
   * Lists honour `limit` and `continue` (a consistent snapshot per list); `pageSize` also caps
   * every page: "A client should specify the maximum results they wish to receive in each chunk
   * with `limit` and the server will return up to `limit` resources in the result and include a
   * `continue` value if there are more resources in the collection."
   * (https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks);
   * ListOptions limit: "Setting a limit may return fewer than the requested amount of items (up
   * to zero items) in the event all requested objects are filtered out and clients should only
   * use the presence of the continue field to determine whether more results are available."
   * (https://kubernetes.io/docs/reference/kubernetes-api/common-parameters/common-parameters/#limit).
   * Default 0: no cap beyond the client's limit (a list without limit is one page, as real).
   */
  pageSize?: number;
  /**
   * API Priority and Fairness: reads beyond a token bucket are rejected with 429 Too Many
   * Requests and a Retry-After header (retryAfterSeconds; 0: no header). "A type of `Reject`
   * means that excess traffic will immediately be rejected with an HTTP 429 (Too Many Requests)
   * error." (https://kubernetes.io/docs/concepts/cluster-administration/flow-control/, read in
   * the kubernetes/website source; the Retry-After header is not on that page: not verified
   * against the live page, searched the docs and kubernetes/website; the API conventions tell a
   * client given 429 to "Read the `Retry-After` HTTP header from the response, and wait at least
   * that long before retrying.",
   * https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md).
   * Watches are not
   * counted (long-running). Default false: a healthy control plane rejects nothing.
   */
  throttle?: { burst: number; refillPerSec: number; retryAfterSeconds: number } | false;
}

interface Route {
  kind: Kind | 'podmetrics';
  group: string;
  apiVersion: string;
  listKind: string;
  name?: string;
  namespace: string;
}

const KINDS: Record<string, { kind: Kind | 'podmetrics'; group: string; apiVersion: string; listKind: string }> = {
  '/api/v1/pods': { kind: 'pods', group: '', apiVersion: 'v1', listKind: 'PodList' },
  '/api/v1/events': { kind: 'events', group: '', apiVersion: 'v1', listKind: 'EventList' },
  '/apis/apps/v1/deployments': { kind: 'deployments', group: 'apps', apiVersion: 'apps/v1', listKind: 'DeploymentList' },
  '/apis/apps/v1/statefulsets': { kind: 'statefulsets', group: 'apps', apiVersion: 'apps/v1', listKind: 'StatefulSetList' },
  [`/apis/${ROLLOUT.apiVersion}/${ROLLOUT.plural}`]: { kind: 'rollouts', group: ROLLOUT.group, apiVersion: ROLLOUT.apiVersion, listKind: 'RolloutList' },
  '/apis/autoscaling/v2/horizontalpodautoscalers': { kind: 'horizontalpodautoscalers', group: 'autoscaling', apiVersion: 'autoscaling/v2', listKind: 'HorizontalPodAutoscalerList' },
  '/apis/metrics.k8s.io/v1beta1/pods': { kind: 'podmetrics', group: 'metrics.k8s.io', apiVersion: 'metrics.k8s.io/v1beta1', listKind: 'PodMetricsList' },
};

export class FakeKubeApi {
  readonly cluster: FakeCluster;
  readonly #server: http.Server;
  readonly #o: Required<FakeKubeApiOptions>;
  readonly #watches = new Set<http.ServerResponse>();
  /** Every request: method, path and query, in order. */
  readonly requests: Array<{ method: string; path: string; query: Record<string, string> }> = [];
  /** The resourceAttributes of every SelfSubjectAccessReview asked, in order. */
  readonly accessReviews: Array<{ verb: string; group?: string; resource: string; subresource?: string; namespace?: string }> = [];
  readonly faults = {
    expiredToken: false,
    /** `verb resource[.group]`, e.g. `watch pods`, `list events`, `list pods.metrics.k8s.io`. */
    forbidden: new Set<string>(),
    metricsUnavailable: false,
    /** Answer every watch request with this HTTP status (e.g. 500) instead of a stream. */
    watchStatus: 0,
    /** No SelfSubjectAccessReview API (404): the provider must find permissions by trying. */
    noAccessReview: false,
  };
  /**
   * Extra resources served by add-ons (jobs.ts: ConfigMaps, Jobs, their pods and logs): each
   * handler is asked first, after authentication, and returns true when it answered.
   */
  readonly handlers: Array<(req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean | Promise<boolean>> = [];
  url = '';
  /** Unkind modes, defaults applied. */
  readonly unkind: Required<FakeKubeUnkind>;
  /** Requests refused with 429 (throttle). */
  throttled = 0;
  #tokens = 0;
  #tokensAt = Date.now();
  /** List snapshots behind continue tokens. */
  readonly #snapshots = new Map<string, { items: KObject[]; rv: string }>();

  constructor(cluster: FakeCluster, options: FakeKubeApiOptions = {}) {
    this.cluster = cluster;
    this.#o = { token: 'fake-token', user: 'system:serviceaccount:ci:scaleproof', bookmarkMs: 1000, unkind: {}, ...options };
    this.unkind = { pageSize: 0, throttle: false, ...this.#o.unkind };
    this.#tokens = this.unkind.throttle ? this.unkind.throttle.burst : 0;
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.#status(res, 500, 'InternalError', String(err));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const w of this.#watches) w.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Write a kubeconfig for this server (plain HTTP needs insecure-skip-tls-verify). */
  writeKubeconfig(file: string, opts: { context?: string; namespace?: string; token?: string } = {}): string {
    const ctx = opts.context ?? 'fake';
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        `current-context: ${ctx}`,
        'clusters:',
        `- name: fake-cluster\n  cluster:\n    server: ${this.url}\n    insecure-skip-tls-verify: true`,
        'users:',
        `- name: fake-user\n  user:\n    token: ${opts.token ?? this.#o.token}`,
        'contexts:',
        `- name: ${ctx}\n  context:\n    cluster: fake-cluster\n    user: fake-user${opts.namespace ? `\n    namespace: ${opts.namespace}` : ''}`,
        '',
      ].join('\n'),
    );
    return file;
  }

  /** Cut every open watch: `close` ends the stream cleanly, `destroy` resets the connection. */
  dropWatches(how: 'close' | 'destroy' = 'destroy'): number {
    const n = this.#watches.size;
    for (const w of this.#watches) (how === 'close' ? w.end() : w.destroy());
    this.#watches.clear();
    return n;
  }

  get openWatches(): number {
    return this.#watches.size;
  }

  // ------------------------------------------------------------------ unkind modes

  /** One token of the APF bucket, refilled by the time since the last request; false: reject. */
  #takeToken(): boolean {
    const bucket = this.unkind.throttle;
    if (!bucket) return true;
    const now = Date.now();
    this.#tokens = Math.min(bucket.burst, this.#tokens + ((now - this.#tokensAt) / 1000) * bucket.refillPerSec);
    this.#tokensAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #tooManyRequests(res: http.ServerResponse): void {
    this.throttled++;
    const retryAfter = this.unkind.throttle ? this.unkind.throttle.retryAfterSeconds : 0;
    res.writeHead(429, { 'content-type': 'application/json', ...(retryAfter > 0 ? { 'retry-after': String(retryAfter) } : {}) });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: retryAfter }, code: 429 }));
  }

  /** A page of a list: `limit` (capped by pageSize), `continue` into the snapshot the first page took. */
  #page(res: http.ServerResponse, r: Route, current: KObject[], query: Record<string, string>): void {
    let snap = { items: current, rv: String(this.cluster.rv) };
    let from = 0;
    if (query.continue) {
      const [id, offset] = Buffer.from(query.continue, 'base64url').toString().split(':');
      const found = this.#snapshots.get(id!);
      if (!found) return this.#status(res, 410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      snap = found;
      from = Number(offset);
    }
    const limit = Number(query.limit) > 0 ? Number(query.limit) : Infinity;
    const size = Math.min(limit, this.unkind.pageSize > 0 ? this.unkind.pageSize : Infinity);
    const items = snap.items.slice(from, from + size);
    let cont: string | undefined;
    if (from + size < snap.items.length) {
      const id = query.continue ? Buffer.from(query.continue, 'base64url').toString().split(':')[0]! : `${snap.rv}-${this.#snapshots.size}`;
      this.#snapshots.set(id, snap);
      cont = Buffer.from(`${id}:${from + size}`).toString('base64url');
    }
    this.#json(res, { kind: r.listKind, apiVersion: r.apiVersion, metadata: { resourceVersion: snap.rv, ...(cont ? { continue: cont, remainingItemCount: snap.items.length - from - size } : {}) }, items });
  }

  // ------------------------------------------------------------------

  #status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    res.writeHead(code, { 'content-type': 'application/json', date: this.cluster.platformClock.dateHeader() });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
  }

  #json(res: http.ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json', date: this.cluster.platformClock.dateHeader() });
    res.end(JSON.stringify(body));
  }

  #forbidden(res: http.ServerResponse, verb: string, r: { kind: string; group: string; namespace: string; name?: string }, subresource?: string): void {
    const plural = r.kind === 'podmetrics' ? 'pods' : r.kind;
    const full = r.group ? `${plural}.${r.group}` : plural;
    this.#status(
      res,
      403,
      'Forbidden',
      `${full}${r.name ? ` "${r.name}"` : ''} is forbidden: User "${this.#o.user}" cannot ${verb} resource "${plural}${subresource ? `/${subresource}` : ''}" in API group "${r.group}" in the namespace "${r.namespace}"`,
    );
  }

  #isForbidden(verb: string, kind: string, group: string): boolean {
    const plural = kind === 'podmetrics' ? 'pods' : kind;
    return this.faults.forbidden.has(`${verb} ${group ? `${plural}.${group}` : plural}`);
  }

  #route(pathname: string): Route | null {
    const m = /^\/(api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(pathname);
    if (!m) return null;
    const k = KINDS[`/${m[1]}/${m[3]}`];
    if (!k) return null;
    return { ...k, namespace: m[2]!, ...(m[4] ? { name: m[4] } : {}) };
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query });
    if (this.faults.expiredToken || req.headers.authorization !== `Bearer ${this.#o.token}`) {
      this.#status(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    for (const h of this.handlers) if (await h(req, res, url)) return;
    if (query.watch !== 'true' && query.watch !== '1' && !this.#takeToken()) return this.#tooManyRequests(res);
    if (req.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      const body = JSON.parse(await readBody(req)) as { spec: { resourceAttributes: { verb: string; group?: string; resource: string; subresource?: string; namespace?: string } } };
      if (this.faults.noAccessReview) {
        this.#status(res, 404, 'NotFound', 'the server could not find the requested resource');
        return;
      }
      const a = body.spec.resourceAttributes;
      this.accessReviews.push(a);
      const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
      const allowed = !this.#isForbidden(a.verb, resource === 'pods' && a.group === 'metrics.k8s.io' ? 'podmetrics' : resource, a.group ?? '');
      this.#json(res, { ...body, apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', status: { allowed, ...(allowed ? {} : { reason: 'no RBAC policy matched' }) } });
      return;
    }
    if (req.method === 'GET' && DISCOVERY[url.pathname]) {
      this.#json(res, this.#discovery(url.pathname));
      return;
    }
    const sm = SCALE.exec(url.pathname);
    if (sm && (req.method === 'GET' || req.method === 'PATCH')) {
      await this.#scale(req, res, sm[1]!, sm[2]!, sm[3]!, sm[4]!);
      return;
    }
    const r = req.method === 'GET' ? this.#route(url.pathname) : null;
    if (!r) {
      this.#status(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    const watch = query.watch === 'true' || query.watch === '1';
    const verb = watch ? 'watch' : r.name ? 'get' : 'list';
    if (r.kind === 'podmetrics') {
      if (this.faults.metricsUnavailable) {
        this.#status(res, 503, 'ServiceUnavailable', 'the server is currently unable to handle the request (get pods.metrics.k8s.io)');
        return;
      }
      if (this.#isForbidden(verb, r.kind, r.group)) return this.#forbidden(res, verb, r);
      this.#json(res, { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: this.#podMetrics(r.namespace, query.labelSelector) });
      return;
    }
    if (this.#isForbidden(verb, r.kind, r.group)) return this.#forbidden(res, verb, r);
    const kind = r.kind;
    if (r.name) {
      const obj = r.namespace === this.cluster.o.namespace ? this.cluster.get(kind, r.name) : undefined;
      if (!obj) {
        this.#status(res, 404, 'NotFound', `${r.group ? `${kind}.${r.group}` : kind} "${r.name}" not found`);
        return;
      }
      this.#json(res, obj);
      return;
    }
    const match = matcher(query.fieldSelector, query.labelSelector, r.namespace);
    if (watch) {
      this.#watch(req, res, kind, match, query);
      return;
    }
    const items = [...this.cluster.objects.get(kind)!.values()].filter(match);
    if (query.limit || query.continue) return this.#page(res, r, items, query);
    this.#json(res, { kind: r.listKind, apiVersion: r.apiVersion, metadata: { resourceVersion: String(this.cluster.rv) }, items });
  }

  /** An APIResourceList, as `GET /apis/{group}/{version}` answers (the Rollout's scale subresource only when enabled). */
  #discovery(path: string): unknown {
    const d = DISCOVERY[path]!;
    const resources = d.resources.filter((r) => !(r.name === `${ROLLOUT.plural}/scale` && !this.cluster.o.scaleSubresource));
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: d.groupVersion, resources };
  }

  /** GET / merge PATCH of `{plural}/{name}/scale` (autoscaling/v1 Scale), like the HPA controller uses it. */
  async #scale(req: http.IncomingMessage, res: http.ServerResponse, groupVersion: string, namespace: string, plural: string, name: string): Promise<void> {
    const k = KINDS[`/apis/${groupVersion}/${plural}`];
    const served = k && (k.kind === 'deployments' || k.kind === 'statefulsets' || k.kind === 'rollouts') && (k.kind !== 'rollouts' || this.cluster.o.scaleSubresource);
    if (!served) {
      this.#status(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    const verb = req.method === 'PATCH' ? 'patch' : 'get';
    if (this.#isForbidden(verb, `${plural}/scale`, k.group)) return this.#forbidden(res, verb, { kind: plural, group: k.group, namespace, name }, 'scale');
    const workload = k.kind as WorkloadPlural;
    const isOurs = namespace === this.cluster.o.namespace && workload === this.cluster.workloadPlural && name === this.cluster.o.deployment;
    if (!isOurs || !this.cluster.scaleOf(workload, name)) {
      this.#status(res, 404, 'NotFound', `${plural}.${k.group} "${name}" not found`);
      return;
    }
    if (verb === 'patch') {
      const patch = JSON.parse(await readBody(req)) as { spec?: { replicas?: number } };
      if (typeof patch.spec?.replicas === 'number') this.cluster.scale(patch.spec.replicas);
    }
    this.#json(res, this.cluster.scaleOf(workload, name));
  }

  #podMetrics(namespace: string, labelSelector: string | undefined): unknown[] {
    if (namespace !== this.cluster.o.namespace) return [];
    const match = matcher(undefined, labelSelector, namespace);
    const out: unknown[] = [];
    const windowMs = Math.round(this.cluster.real(this.cluster.o.metricResolutionMs));
    for (const pod of this.cluster.objects.get('pods')!.values()) {
      const m = this.cluster.podMetrics.get(pod.metadata.name);
      if (!m || !match(pod)) continue;
      out.push({
        metadata: { name: pod.metadata.name, namespace, labels: pod.metadata.labels, creationTimestamp: new Date().toISOString() },
        timestamp: new Date(Math.floor(this.cluster.platformClock.toPlatform(m.atWall) / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
        window: `${windowMs}ms`,
        containers: [{ name: 'app', usage: { cpu: `${m.cpuMillis * 1_000_000}n`, memory: `${Math.round(m.memBytes / 1024)}Ki` } }],
      });
    }
    return out;
  }

  #watch(req: http.IncomingMessage, res: http.ServerResponse, kind: Kind, match: (o: KObject) => boolean, query: Record<string, string>): void {
    if (this.faults.watchStatus) {
      this.#status(res, this.faults.watchStatus, 'InternalError', 'watch refused by the fake');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', date: this.cluster.platformClock.dateHeader() });
    res.flushHeaders(); // like the API server: the client sees the stream open before any change
    const send = (type: string, object: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const rv = query.resourceVersion;
    if (rv && rv !== '0' && Number(rv) < this.cluster.compactedRv) {
      send('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rv} (${this.cluster.compactedRv})`, reason: 'Expired', code: 410 });
      res.end();
      return;
    }
    if (!rv || rv === '0') {
      for (const o of this.cluster.objects.get(kind)!.values()) if (match(o)) send('ADDED', o);
    } else {
      for (const c of this.cluster.log) if (c.kind === kind && c.rv > Number(rv) && match(c.obj)) send(c.type, c.obj);
    }
    const unsubscribe = this.cluster.subscribe((c: Change) => {
      if (c.kind === kind && match(c.obj)) send(c.type, c.obj);
    });
    const bookmarks =
      query.allowWatchBookmarks === 'true'
        ? setInterval(() => send('BOOKMARK', { kind: 'Bookmark', apiVersion: 'v1', metadata: { resourceVersion: String(this.cluster.rv) } }), this.#o.bookmarkMs)
        : null;
    this.#watches.add(res);
    const cleanup = () => {
      unsubscribe();
      if (bookmarks) clearInterval(bookmarks);
      this.#watches.delete(res);
    };
    res.on('close', cleanup);
    req.on('close', cleanup);
  }
}

/** `/apis/{group}/{version}/namespaces/{ns}/{plural}/{name}/scale`. */
const SCALE = /^\/apis\/([^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)\/scale$/;

const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const scaleRes = (plural: string) => ({ name: `${plural}/scale`, singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
const statusRes = (plural: string, kind: string) => ({ name: `${plural}/status`, singularName: '', namespaced: true, kind, verbs: ['get', 'patch', 'update'] });
/** API discovery documents served (`kubectl api-resources` reads the same). */
const DISCOVERY: Record<string, { groupVersion: string; resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[]; [k: string]: unknown }> }> = {
  '/apis/apps/v1': {
    groupVersion: 'apps/v1',
    resources: [
      { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs, shortNames: ['deploy'] },
      scaleRes('deployments'),
      statusRes('deployments', 'Deployment'),
      { name: 'statefulsets', singularName: 'statefulset', namespaced: true, kind: 'StatefulSet', verbs, shortNames: ['sts'] },
      scaleRes('statefulsets'),
      statusRes('statefulsets', 'StatefulSet'),
    ],
  },
  [`/apis/${ROLLOUT.apiVersion}`]: {
    groupVersion: ROLLOUT.apiVersion,
    resources: [
      { name: ROLLOUT.plural, singularName: 'rollout', namespaced: true, kind: ROLLOUT.kind, verbs, shortNames: ['ro'] },
      scaleRes(ROLLOUT.plural),
      statusRes(ROLLOUT.plural, ROLLOUT.kind),
      { name: 'analysisruns', singularName: 'analysisrun', namespaced: true, kind: 'AnalysisRun', verbs, shortNames: ['ar'] },
    ],
  },
};

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

/** fieldSelector (a.b=c,...) and labelSelector (k=v,...) matching, equality only. */
function matcher(fieldSelector: string | undefined, labelSelector: string | undefined, namespace: string): (o: KObject) => boolean {
  const fields = (fieldSelector ?? '').split(',').filter(Boolean).map((p) => p.split('=') as [string, string]);
  const labels = (labelSelector ?? '').split(',').filter(Boolean).map((p) => p.split('=') as [string, string]);
  return (o) => {
    if (o.metadata.namespace !== namespace) return false;
    for (const [path, want] of fields) {
      const v = path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);
      if (String(v) !== want) return false;
    }
    for (const [k, want] of labels) if (o.metadata.labels?.[k] !== want) return false;
    return true;
  };
}
