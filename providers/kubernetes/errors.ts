/**
 * Kubernetes client failures -> ProviderError a user can act on: which kubeconfig, context,
 * user and auth method were tried (credentials), which RBAC verb on which resource is missing
 * (access-denied), what does not exist (not-found). Pure: works on the error's shape
 * (`code` + JSON `body` of an ApiException, `code` of a socket error), not on SDK classes.
 */
import { ProviderError } from '../../src/errors.js';

export const PROVIDER = 'kubernetes';

/** Where the credentials came from, for messages. Never holds a secret. */
export interface CredentialChain {
  /** e.g. `settings.kubeconfig /home/me/kc.yaml`, `$KUBECONFIG (a.yaml:b.yaml)`, `~/.kube/config`, `in-cluster service account`. */
  source: string;
  context: string;
  user: string;
  /** e.g. `bearer token`, `exec plugin gke-gcloud-auth-plugin`, `client certificate`. */
  auth: string;
  server: string;
}

/** One API call, for messages: `list pods in namespace demo`. */
export interface Call {
  verb: string;
  resource: string;
  /** API group, '' for core. */
  group: string;
  namespace: string;
  name?: string;
}

export function resourceLabel(c: Pick<Call, 'resource' | 'group'>): string {
  return c.group ? `${c.resource}.${c.group}` : c.resource;
}

export function callLabel(c: Call): string {
  return `${c.verb} ${resourceLabel(c)}${c.name ? ` "${c.name}"` : ''} in namespace ${c.namespace}`;
}

interface StatusBody {
  message?: string;
  reason?: string;
}

function statusOf(err: unknown): { code?: number; status?: StatusBody; headers?: Record<string, string> } {
  if (!err || typeof err !== 'object') return {};
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown; headers?: Record<string, string> };
  const code = typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  let status: StatusBody | undefined;
  if (typeof e.body === 'string') {
    try {
      status = JSON.parse(e.body) as StatusBody;
    } catch {
      status = { message: e.body.slice(0, 300) };
    }
  } else if (e.body && typeof e.body === 'object') status = e.body as StatusBody;
  return { ...(code === undefined ? {} : { code }), ...(status ? { status } : {}), ...(e.headers ? { headers: e.headers } : {}) };
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'ABORT_ERR']);

function socketCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const c = (e as { code?: unknown; errno?: unknown }).code ?? (e as { errno?: unknown }).errno;
    if (typeof c === 'string') return c;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A hint for refreshing credentials, by auth method. */
export function credentialHint(chain: CredentialChain): string {
  if (/gke-gcloud-auth-plugin|gcloud/.test(chain.auth)) return 'run `gcloud auth login` (and `gcloud container clusters get-credentials`), then retry';
  if (/aws/.test(chain.auth)) return 'refresh your AWS session (`aws sso login` or new access keys), then retry';
  if (/kubelogin|azure/i.test(chain.auth)) return 'run `az login` (kubelogin), then retry';
  if (/token/.test(chain.auth)) return 'the token expired or was revoked: get a new one and update the kubeconfig user';
  return `check that \`kubectl --context ${chain.context} get pods\` works, then retry`;
}

/** Turn any failure of `call` into a ProviderError. */
export function toProviderError(err: unknown, call: Call, chain: CredentialChain): ProviderError {
  if (err instanceof ProviderError) return err;
  const { code, status, headers } = statusOf(err);
  const detail = status?.message ? `: ${status.message}` : '';
  const who = `user "${chain.user}" (${chain.auth}) of context "${chain.context}" from ${chain.source}`;
  if (code === 401) {
    return new ProviderError(PROVIDER, 'credentials', `the API server ${chain.server} rejected the credentials (401 Unauthorized) of ${who} while trying to ${callLabel(call)}`, {
      hint: credentialHint(chain),
      cause: err,
    });
  }
  if (code === 403) {
    return new ProviderError(PROVIDER, 'access-denied', `RBAC denies ${who}: cannot ${callLabel(call)}${detail}`, {
      hint: `grant verb "${call.verb}" on ${resourceLabel(call)} in namespace ${call.namespace} (a read-only Role is in providers/kubernetes/README.md)`,
      cause: err,
    });
  }
  if (code === 404) {
    const what = call.name ? `${resourceLabel(call)} "${call.name}"` : resourceLabel(call);
    const apiMissing = !call.name && status?.reason !== 'NotFound' ? ` (is the ${call.group || 'core'} API served by this cluster?)` : '';
    return new ProviderError(PROVIDER, 'not-found', `${what} not found in namespace ${call.namespace} on ${chain.server} (context "${chain.context}")${apiMissing}`, {
      hint: `check the name and namespace: \`kubectl --context ${chain.context} -n ${call.namespace} get ${call.resource}\``,
      cause: err,
    });
  }
  if (code === 429) {
    const ra = Number(headers?.['retry-after']);
    return new ProviderError(PROVIDER, 'throttled', `the API server throttled ${callLabel(call)}${detail}`, { cause: err, ...(Number.isFinite(ra) ? { retryAfterMs: ra * 1000 } : {}) });
  }
  if (code !== undefined && code >= 500) {
    return new ProviderError(PROVIDER, 'unavailable', `the API server failed to ${callLabel(call)} (HTTP ${code})${detail}`, { cause: err });
  }
  if (code !== undefined && code >= 400) {
    return new ProviderError(PROVIDER, 'bad-response', `the API server refused to ${callLabel(call)} (HTTP ${code})${detail}`, { cause: err });
  }
  const sock = socketCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  if (sock && NETWORK.has(sock)) {
    return new ProviderError(PROVIDER, 'unavailable', `cannot reach the API server ${chain.server} (context "${chain.context}") to ${callLabel(call)}: ${sock}`, {
      hint: 'check the cluster is up and reachable from here (VPN, private endpoint, `kubectl cluster-info`)',
      cause: err,
    });
  }
  if (/exec|auth|token|credential|certificate|x509|ENOENT/i.test(msg) || sock === 'ENOENT') {
    return new ProviderError(PROVIDER, 'credentials', `could not get credentials for ${who}: ${msg.trim().split('\n')[0]}`, { hint: credentialHint(chain), cause: err });
  }
  return new ProviderError(PROVIDER, 'unavailable', `failed to ${callLabel(call)}: ${msg}`, { cause: err });
}
