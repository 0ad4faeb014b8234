/**
 * What became of one request, and the rules that classify it. Kept apart from the HTTP client so
 * the recorder and the models never see undici, and a later engine (worker threads, checks on
 * the response) produces the same shape.
 */
import type { ErrorClass } from '../timeline/types.js';

export type OutcomeClass = 'ok' | ErrorClass;

export interface Outcome {
  cls: OutcomeClass;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** Monotonic clock value when the response (body included) or the failure completed. */
  endMono: number;
  /** A response arrived and failed one of the request's checks (never set for transport errors). */
  checkFailed?: boolean;
}

/** 2xx/3xx ok (a 3xx is the answer unless load.max_redirects follows it), 4xx and 5xx errors. */
export function classifyStatus(status: number): OutcomeClass {
  if (status >= 200 && status < 400) return 'ok';
  if (status >= 400 && status < 500) return 'http4xx';
  if (status >= 500 && status < 600) return 'http5xx';
  return 'other';
}

/** A 429 is a 4xx error and is also counted as throttled. */
export const isThrottled = (status: number): boolean => status === 429;

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const CONNECTION_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** TLS handshake and certificate failures: the connection could not be set up, so `connection`. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(GET|VERIFY)_)/;

/** A transport failure: deadlines are `timeout`, socket, connect and TLS failures `connection`. */
export function classifyError(err: unknown): ErrorClass {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (CONNECTION_CODES.has(code) || TLS_CODE.test(code)) return 'connection';
  }
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== err ? classifyError(cause) : 'other';
}
