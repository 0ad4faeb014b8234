/**
 * AWS SDK failures -> ProviderError a user can act on: which credential chain / profile was
 * tried (credentials), which IAM action is missing (access-denied), what does not exist
 * (not-found). Pure: works on the error's shape (`name`, `$metadata.httpStatusCode`,
 * `code` of a socket error), not on SDK classes.
 */
import { ProviderError } from '../../src/errors.js';

export const PROVIDER = 'aws-ecs';

/** One AWS call, for messages: the IAM action and what it was about. */
export interface AwsCall {
  /** IAM action, e.g. `ecs:DescribeServices`. */
  action: string;
  /** e.g. `service web in cluster demo`. */
  about: string;
  /** The endpoint used, when overridden. */
  endpoint?: string;
}

/** Where credentials come from, for messages. Never holds a secret. */
export interface AwsIdentity {
  region: string;
  /** `profile "dev"` or `the default credential chain`. */
  chain: string;
  profile?: string;
}

const CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidClientTokenIdException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'AuthFailure',
]);
const ACCESS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException', 'NotAuthorized']);
const THROTTLE = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'SlowDown']);
const NOT_FOUND = new Set(['ClusterNotFoundException', 'ServiceNotFoundException', 'ObjectNotFoundException', 'ResourceNotFoundException', 'ResourceNotFound']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'TimeoutError']);

/** The default chain, in the order the SDK tries it, for "no credentials" messages. */
export function chainDescription(id: AwsIdentity): string {
  if (id.profile) return `profile "${id.profile}" from ~/.aws/config and ~/.aws/credentials (SSO, role_arn, credential_process or static keys)`;
  return 'the AWS SDK default chain: environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), the "default" profile in ~/.aws/config and ~/.aws/credentials (SSO, role_arn, credential_process), web identity (AWS_WEB_IDENTITY_TOKEN_FILE), ECS container credentials, EC2 instance metadata';
}

function credentialHint(id: AwsIdentity): string {
  return id.profile
    ? `run \`aws sso login --profile ${id.profile}\` or fix the profile, then check with \`aws sts get-caller-identity --profile ${id.profile}\``
    : 'set AWS_PROFILE or settings.profile, run `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; check with `aws sts get-caller-identity`';
}

interface AwsErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: { throttling?: boolean };
  $response?: { headers?: Record<string, string> };
  cause?: unknown;
}

function socketCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && NETWORK.has(c)) return c;
    const n = (e as { name?: unknown }).name;
    if (n === 'TimeoutError') return n;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Turn any failure of `call` into a ProviderError. */
export function toProviderError(err: unknown, call: AwsCall, id: AwsIdentity): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = (err && typeof err === 'object' ? err : {}) as AwsErrorShape;
  const name = e.name ?? '';
  const code = e.Code ?? name;
  const status = e.$metadata?.httpStatusCode;
  const detail = e.message ? `: ${e.message}` : '';
  const where = `${call.action} on ${call.about} (${id.region}${call.endpoint ? `, endpoint ${call.endpoint}` : ''})`;
  if (name === 'CredentialsProviderError' || /Could not load credentials|Unable to load credentials|no valid credential/i.test(e.message ?? '')) {
    return new ProviderError(PROVIDER, 'credentials', `no usable AWS credentials for ${where}: tried ${chainDescription(id)}${detail}`, { hint: credentialHint(id), cause: err });
  }
  if (CREDENTIALS.has(name) || CREDENTIALS.has(code) || status === 401) {
    return new ProviderError(PROVIDER, 'credentials', `AWS rejected the credentials from ${id.chain} for ${where} (${code || `HTTP ${status}`})${detail}`, {
      hint: `the keys are wrong, expired or for another partition: ${credentialHint(id)}`,
      cause: err,
    });
  }
  if (ACCESS.has(name) || ACCESS.has(code) || status === 403) {
    return new ProviderError(PROVIDER, 'access-denied', `the AWS identity from ${id.chain} is not allowed ${call.action} (for ${call.about})${detail}`, {
      hint: `grant ${call.action} to that identity (the read-only policy is in providers/ecs/README.md)`,
      cause: err,
    });
  }
  if (THROTTLE.has(name) || THROTTLE.has(code) || status === 429 || e.$retryable?.throttling) {
    const ra = Number(e.$response?.headers?.['retry-after']);
    return new ProviderError(PROVIDER, 'throttled', `AWS throttled ${where}${detail}`, {
      hint: 'raise provider.poll_interval or settings.metric_interval, or ask for a higher API rate quota',
      cause: err,
      ...(Number.isFinite(ra) && ra > 0 ? { retryAfterMs: ra * 1000 } : {}),
    });
  }
  if (NOT_FOUND.has(name) || NOT_FOUND.has(code)) {
    return new ProviderError(PROVIDER, 'not-found', `${call.about} not found (${name || code}) in ${id.region}${detail}`, {
      hint: `check the region, cluster and service names: \`aws ecs describe-services --region ${id.region} --cluster <cluster> --services <service>\``,
      cause: err,
    });
  }
  if (status !== undefined && status >= 500) return new ProviderError(PROVIDER, 'unavailable', `AWS failed ${where} (HTTP ${status} ${code})${detail}`, { cause: err });
  const sock = socketCode(err);
  if (sock) {
    return new ProviderError(PROVIDER, 'unavailable', `cannot reach AWS for ${where}: ${sock}`, {
      hint: call.endpoint ? `check that ${call.endpoint} is up` : 'check the network, proxy (HTTPS_PROXY) and region',
      cause: err,
    });
  }
  if (status !== undefined && status >= 400) {
    return new ProviderError(PROVIDER, 'config', `AWS refused ${where} (HTTP ${status} ${code})${detail}`, { hint: 'check the cluster, service and region settings', cause: err });
  }
  if (/Region is missing|region/i.test(e.message ?? '') && name !== 'SyntaxError') {
    return new ProviderError(PROVIDER, 'config', `no AWS region for ${call.action}${detail}`, { hint: 'set settings.region or AWS_REGION', cause: err });
  }
  return new ProviderError(PROVIDER, 'bad-response', `unexpected failure of ${where}: ${name ? `${name}: ` : ''}${e.message ?? String(err)}`, { cause: err });
}
