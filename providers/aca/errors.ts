/**
 * Azure SDK failures -> ProviderError a user can act on: which credential was tried
 * (credentials), which RBAC action is missing (access-denied), what does not exist
 * (not-found). Pure: works on the error's shape (`name`, `statusCode`, `code`, headers), not
 * on SDK classes.
 */
import { ProviderError } from '../../src/errors.js';

export const PROVIDER = 'azure-container-apps';

export interface AzureCall {
  /** RBAC action, e.g. `Microsoft.App/containerApps/read`. */
  action: string;
  /** e.g. `container app web in resource group rg`. */
  about: string;
  endpoint: string;
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'REQUEST_SEND_ERROR', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

interface AzErrorShape {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  response?: { headers?: { get?(n: string): string | undefined } };
  errors?: unknown[];
  cause?: unknown;
}

/** Turn any failure of `call` into a ProviderError; `credential` names the chain tried. */
export function toProviderError(err: unknown, call: AzureCall, credential: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = (err && typeof err === 'object' ? err : {}) as AzErrorShape;
  const name = e.name ?? '';
  const status = e.statusCode;
  const msg = (e.message ?? String(err)).trim();
  const first = msg.split('\n')[0];
  const where = `${call.action} on ${call.about} (${call.endpoint})`;
  if (/CredentialUnavailableError|AggregateAuthenticationError|AuthenticationError|AuthenticationRequiredError/.test(name)) {
    return new ProviderError(PROVIDER, 'credentials', `no usable Azure credentials for ${where}: tried ${credential}: ${msg.replace(/\s+/g, ' ').slice(0, 900)}`, {
      hint: 'run `az login` (and `az account set --subscription <id>`), or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or use a managed identity',
      cause: err,
    });
  }
  if (status === 401 || e.code === 'InvalidAuthenticationToken' || e.code === 'ExpiredAuthenticationToken') {
    return new ProviderError(PROVIDER, 'credentials', `Azure rejected the token from ${credential} for ${where} (${e.code ?? 'HTTP 401'}): ${first}`, {
      hint: 'the token is expired, for another tenant or audience: `az login` again, or check settings.arm_audience / metrics_audience',
      cause: err,
    });
  }
  if (status === 403 || e.code === 'AuthorizationFailed') {
    return new ProviderError(PROVIDER, 'access-denied', `the identity from ${credential} may not ${call.action} (for ${call.about}): ${first}`, {
      hint: `assign a role that allows ${call.action} on the resource group, e.g. Reader${call.action.startsWith('Microsoft.Insights') ? ' or Monitoring Reader' : ''} (see providers/aca/README.md)`,
      cause: err,
    });
  }
  if (status === 429) {
    const ra = Number(e.response?.headers?.get?.('retry-after'));
    return new ProviderError(PROVIDER, 'throttled', `Azure throttled ${where}: ${first}`, {
      hint: 'raise provider.poll_interval or settings.metric_interval',
      cause: err,
      ...(Number.isFinite(ra) && ra > 0 ? { retryAfterMs: ra * 1000 } : {}),
    });
  }
  if (status === 404) {
    return new ProviderError(PROVIDER, 'not-found', `${call.about} not found (${e.code ?? 'HTTP 404'}): ${first}`, {
      hint: 'check subscription, resource_group and app: `az containerapp show -g <group> -n <app>`',
      cause: err,
    });
  }
  if (status !== undefined && status >= 500) return new ProviderError(PROVIDER, 'unavailable', `Azure failed ${where} (HTTP ${status}): ${first}`, { cause: err });
  const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
  if (code && NETWORK.has(code)) {
    return new ProviderError(PROVIDER, 'unavailable', `cannot reach ${call.endpoint} for ${call.action}: ${code} ${first}`, {
      hint: /CERT/.test(code) ? 'the endpoint uses a certificate Node does not trust: set NODE_EXTRA_CA_CERTS to its CA' : 'check the network, proxy and endpoints settings',
      cause: err,
    });
  }
  if (status !== undefined && status >= 400) return new ProviderError(PROVIDER, 'config', `Azure refused ${where} (HTTP ${status} ${e.code ?? ''}): ${first}`, { cause: err });
  return new ProviderError(PROVIDER, 'bad-response', `unexpected failure of ${where}: ${name ? `${name}: ` : ''}${first}`, { cause: err });
}
