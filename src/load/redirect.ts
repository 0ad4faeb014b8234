/**
 * The next hop of a redirect, as browsers and fetch() take it: 303 (and 301/302 after a POST)
 * becomes a GET without a body; 307/308 repeat the method and body. Only redirects within the
 * target's origin are followed: a load test must not carry its load on to another host (a login
 * page, a CDN) that nobody asked it to hit, so there the 3xx stays the answer.
 */
import type { Dispatcher } from 'undici';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The request to send next, or null when the response is the answer. */
export function nextHop(current: Dispatcher.DispatchOptions, origin: string, status: number, rawHeaders: ReadonlyArray<Buffer | string>): Dispatcher.DispatchOptions | null {
  if (!REDIRECTS.has(status)) return null;
  const location = header(rawHeaders, 'location');
  if (!location) return null;
  let url: URL;
  try {
    url = new URL(location, new URL(current.path, origin));
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  const path = url.pathname + url.search;
  const toGet = current.method !== 'HEAD' && (status === 303 || ((status === 301 || status === 302) && current.method === 'POST'));
  if (!toGet) return { ...current, path };
  return { ...current, path, method: 'GET', body: null, headers: withoutBodyHeaders(current.headers) };
}

function header(raw: ReadonlyArray<Buffer | string>, name: string): string | null {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toString().toLowerCase() === name) return raw[i + 1]!.toString();
  }
  return null;
}

function withoutBodyHeaders(headers: Dispatcher.DispatchOptions['headers']): Dispatcher.DispatchOptions['headers'] {
  if (!headers || Array.isArray(headers) || typeof headers !== 'object' || Symbol.iterator in headers) return headers;
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (!/^content-(type|length|encoding)$/i.test(k)) out[k] = v;
  }
  return out;
}
