/**
 * Secrets never reach logs, timelines or reports. Three layers, each at the point of capture:
 * - `redactSecrets(value)`: structured data (the profile, a target description). Anything under a
 *   key that names a secret is replaced, and every string has URL credentials, secret query
 *   parameters and `Bearer …` / `Basic …` credentials removed.
 * - `redactText(text)`: the same patterns in free text (error messages, notes, reasons).
 * - `secretScrubber(profile, env)`: every literal secret value the run knows about (header values,
 *   URL passwords, values under secret keys, secret-named environment variables), removed from any
 *   text: the last line of defence for a provider that echoes a URL or a header into an error.
 */
const SECRET_KEY = /(authorization|cookie|token|secret|password|passwd|passphrase|api[-_]?key|access[-_]?key|private[-_]?key|credential|signature|session|bearer|jwt|(^|[-_])auth($|[-_])|(^|[-_])sas($|[-_])|sig$)/i;

export const REDACTED = '[redacted]';

/** True when a key (field, header, query parameter, env var) names a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A deep copy of `value` with secret-looking fields replaced. */
export function redactSecrets<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(value: unknown, key: string | undefined): unknown {
  if (key !== undefined && isSecretKey(key) && value !== undefined && value !== null && typeof value !== 'boolean') {
    return REDACTED;
  }
  if (typeof value === 'string') return redactText(value);
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
    for (const k of [...u.searchParams.keys()]) if (isSecretKey(k)) u.searchParams.set(k, REDACTED);
    return u.toString();
  } catch {
    return redactText(url);
  }
}

/** `scheme://user:pass@` → `scheme://[redacted]@`. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
/** `?token=abc` / `&api_key=abc` → the value redacted (the name stays: it says what was there). */
const SECRET_PARAM = /([?&;]([^=&\s"'#]+)=)([^&\s"'#]+)/g;
/** `Bearer abc`, `Basic dXNlcjpwYXNz` (HTTP auth schemes); a credential has a digit or symbol, prose does not. */
const AUTH_SCHEME = /\b(bearer|basic|digest|negotiate)\s+([A-Za-z0-9._~+/=-]{6,})/gi;
/** `password=abc`, `"secret": "abc"`, `api_key: abc` in free text. */
const SECRET_ASSIGN = /\b([A-Za-z0-9_-]*(?:password|passwd|secret|token|api[-_]?key|access[-_]?key|authorization|cookie)[A-Za-z0-9_-]*)("?\s*[:=]\s*"?)([^\s"',;&]{2,})/gi;

/** Remove credential patterns from free text (messages, reasons, notes). */
export function redactText(text: string): string {
  if (text.length < 4) return text;
  return text
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(SECRET_PARAM, (all, head: string, name: string) => (isSecretKey(decodeSafe(name)) ? `${head}${REDACTED}` : all))
    .replace(AUTH_SCHEME, (all, scheme: string, cred: string) => (/[0-9._~+/=-]/.test(cred) || scheme.toLowerCase() === 'bearer' ? `${scheme} ${REDACTED}` : all))
    .replace(SECRET_ASSIGN, (all, name: string, sep: string, value: string) => (value === REDACTED || /^(bearer|basic|digest|negotiate)$/i.test(value) ? all : `${name}${sep}${REDACTED}`));
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const ENV_TEMPLATE = /\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Shorter literals would redact ordinary words and numbers. */
const MIN_SECRET_LENGTH = 6;

/**
 * Every literal secret in a profile and an environment: values under secret keys, request header
 * values whose header names a secret, URL user names and passwords, secret query values,
 * environment variables with secret-looking names, and every variable a `{{ env.NAME }}` template
 * uses. (Values captured by setup requests are never written by the load engine.)
 */
export function collectSecrets(value: unknown, env: Readonly<Record<string, string | undefined>> = {}): string[] {
  const found = new Set<string>();
  const add = (s: unknown) => {
    if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH && s !== REDACTED) found.add(s);
    else if (typeof s === 'number' && String(s).length >= 6) found.add(String(s));
  };
  const visit = (v: unknown, key: string | undefined): void => {
    // `{{ env.NAME }}` templates: the value they put on the wire may be a credential, whatever NAME is.
    if (typeof v === 'string') for (const m of v.matchAll(ENV_TEMPLATE)) add(env[m[1]!]);
    if (key !== undefined && isSecretKey(key) && (typeof v === 'string' || typeof v === 'number')) {
      add(v);
      // `Bearer abc`: the credential alone may show up elsewhere too.
      if (typeof v === 'string') for (const part of v.split(/\s+/).slice(1)) add(part);
    }
    if (typeof v === 'string') for (const s of urlSecrets(v)) add(s);
    if (Array.isArray(v)) v.forEach((x) => visit(x, undefined));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(value, undefined);
  for (const [k, v] of Object.entries(env)) if (v && isSecretKey(k)) add(v);
  return [...found];
}

function urlSecrets(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^\s/?#@"'<>]+)@/gi)) {
    const [user, pass] = m[1]!.split(':');
    for (const s of [user, pass]) if (s) out.push(s, decodeSafe(s));
  }
  for (const m of text.matchAll(SECRET_PARAM)) if (isSecretKey(decodeSafe(m[2]!))) out.push(m[3]!, decodeSafe(m[3]!));
  return out;
}

/** Replaces every known secret literal (and its JSON-escaped and URL-encoded forms), then the patterns. */
export type Scrubber = (text: string) => string;

export function secretScrubber(secrets: readonly string[]): Scrubber {
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(encodeURIComponent(s));
  }
  // Longest first, so a secret that contains another is replaced whole.
  const literals = [...forms].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of literals) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return redactText(out);
  };
}
