/**
 * Turns the profile's requests into ready-to-dispatch options, validated up front. undici 7.30.2
 * rejects bad options at dispatch time AND leaves a pool slot wedged behind each rejection, so a
 * bad header would hang a run; here every problem is found once, before any load, and reported
 * together.
 */
import type { Dispatcher } from 'undici';
import { ScaleproofError, ExitCode } from '../errors.js';
import type { LoadSpec, RequestSpec } from '../profile/schema.js';

/** One request of the mix, as the client sends it. */
export interface PreparedRequest {
  /** Index in `load.requests` (and in the recorder's names). */
  index: number;
  name: string;
  weight: number;
  /** Per-request deadline in ms, counted from the dispatch. */
  timeoutMs: number;
  /** Scheme, host and port, e.g. `http://127.0.0.1:8080`. */
  origin: string;
  dispatch: Dispatcher.DispatchOptions;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE_BAD = /[^\t\x20-\x7e\x80-\xff]/;
const PATH_BAD = /[^\u0021-\u00ff]/;
/** Headers undici refuses, or that would break connection reuse and body framing. */
const FORBIDDEN_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'content-length']);

export function prepareRequests(baseUrl: string, load: Pick<LoadSpec, 'requests' | 'timeout'>): PreparedRequest[] {
  const problems: string[] = [];
  let base: URL | null = null;
  try {
    base = new URL(baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') problems.push(`load url: expected http:// or https://, got ${base.protocol}`);
  } catch {
    problems.push(`load url: not a URL: ${baseUrl}`);
  }
  const prefix = base ? base.pathname.replace(/\/+$/, '') : '';
  const prepared = load.requests.map((r, index) => prepareOne(r, index, prefix, base?.origin ?? '', load.timeout, problems));
  if (problems.length > 0) {
    throw new ScaleproofError(`invalid load requests:\n- ${problems.join('\n- ')}`, ExitCode.badInput, { hint: 'fix the requests in the profile (load.requests)' });
  }
  return prepared;
}

function prepareOne(r: RequestSpec, index: number, prefix: string, origin: string, defaultTimeoutMs: number, problems: string[]): PreparedRequest {
  const where = `request "${r.name}"`;
  const path = prefix + r.path;
  if (!path.startsWith('/')) problems.push(`${where}: path must start with /`);
  if (PATH_BAD.test(path)) problems.push(`${where}: path has a space or a character outside Latin-1; percent-encode it`);
  if (!TOKEN.test(r.method)) problems.push(`${where}: invalid method ${r.method}`);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(r.headers)) {
    const lower = key.toLowerCase();
    if (!TOKEN.test(key)) problems.push(`${where}: invalid header name "${key}"`);
    else if (FORBIDDEN_HEADERS.has(lower)) problems.push(`${where}: header "${key}" is managed by the client and cannot be set`);
    else if (typeof value !== 'string' || HEADER_VALUE_BAD.test(value)) problems.push(`${where}: header "${key}" has a control character (CR, LF or NUL) in its value`);
    else if (lower in headers) problems.push(`${where}: header "${key}" is given twice`);
    headers[lower] = value;
  }
  let body: string | null = r.body ?? null;
  if (r.json !== undefined) {
    body = JSON.stringify(r.json);
    headers['content-type'] ??= 'application/json';
  }
  const timeoutMs = r.timeout ?? defaultTimeoutMs;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) problems.push(`${where}: timeout must be above 0`);
  return {
    index,
    name: r.name,
    weight: r.weight,
    timeoutMs,
    origin,
    dispatch: {
      method: r.method,
      path,
      headers,
      body,
      // Backstops for a stuck socket; the client's own deadline normally fires first.
      headersTimeout: timeoutMs + 1000,
      bodyTimeout: timeoutMs + 1000,
    },
  };
}
