/**
 * Secrets never reach logs, timelines or reports. Anything under a key that names a secret, and
 * the value of sensitive headers, is replaced before it is stored.
 */
const SECRET_KEY = /(authorization|cookie|token|secret|password|passwd|api[-_]?key|access[-_]?key|private[-_]?key|credential|client[-_]?secret|sas)/i;

export const REDACTED = '[redacted]';

/** A deep copy of `value` with secret-looking fields replaced. */
export function redactSecrets<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(value: unknown, key: string | undefined): unknown {
  if (key !== undefined && SECRET_KEY.test(key) && value !== undefined && value !== null && typeof value !== 'boolean') {
    return REDACTED;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, undefined));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
  }
  return value;
}

/** Remove credentials from a URL (user:password@, and query params that look secret). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = u.username ? REDACTED : '';
      u.password = '';
    }
    for (const k of [...u.searchParams.keys()]) if (SECRET_KEY.test(k)) u.searchParams.set(k, REDACTED);
    return u.toString();
  } catch {
    return url;
  }
}
