/**
 * Per-response checks and JSON captures, compiled once. A check sees the status and, when it
 * needs one, the body (kept up to load.body_limit; a check on a truncated body fails). JSON paths
 * are `$.a.b[0].c` (or `a.b.0.c`, or `$["a key"]`).
 */
import type { ChecksSpec } from '../../profile/schema.js';

export type CheckFn = (status: number, body: Buffer | null, truncated: boolean) => boolean;

export interface CompiledChecks {
  check: CheckFn;
  /** The body must be read. */
  needsBody: boolean;
}

type Segment = string | number;

/** Parses a JSON path; null when it is not one. */
export function parseJsonPath(path: string): Segment[] | null {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const out: Segment[] = [];
  const token = /^(?:\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])/;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (!m) return null;
    if (m[1] !== undefined) out.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(`"${m[3]}"`) as string);
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** The value at `path` in `doc`, or `undefined` when absent. */
export function getPath(doc: unknown, path: readonly Segment[]): unknown {
  let cur = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (typeof seg !== 'number') return undefined;
      cur = cur[seg];
    } else {
      if (!Object.hasOwn(cur, String(seg))) return undefined;
      cur = (cur as Record<string, unknown>)[String(seg)];
    }
  }
  return cur;
}

export function isNonEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function parseJson(body: Buffer | null): { ok: true; doc: unknown } | { ok: false } {
  if (!body) return { ok: false };
  try {
    return { ok: true, doc: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

export function compileChecks(spec: ChecksSpec | undefined, problems: string[], where: string): CompiledChecks | null {
  if (!spec) return null;
  const statuses = spec.status ? new Set(spec.status) : null;
  const json = (spec.json ?? []).map((j, i) => {
    const path = parseJsonPath(j.path);
    if (!path) problems.push(`${where}: checks.json[${i}]: not a JSON path: ${j.path}`);
    return { ...j, segs: path ?? [] };
  });
  const contains = spec.body_contains ? Buffer.from(spec.body_contains, 'utf8') : null;
  const needsBody = json.length > 0 || contains !== null;
  if (!statuses && !needsBody) return null;
  const check: CheckFn = (status, body, truncated) => {
    if (statuses && !statuses.has(status)) return false;
    if (!needsBody) return true;
    if (truncated || !body) return false;
    if (contains && body.indexOf(contains) < 0) return false;
    if (json.length === 0) return true;
    const parsed = parseJson(body);
    if (!parsed.ok) return false;
    for (const j of json) {
      const v = getPath(parsed.doc, j.segs);
      if (j.exists && v === undefined) return false;
      if (j.non_empty && !isNonEmpty(v)) return false;
      if (j.equals !== undefined && v !== j.equals) return false;
      if (!j.exists && !j.non_empty && j.equals === undefined && v === undefined) return false;
    }
    return true;
  };
  return { check, needsBody };
}

/** Captures from a JSON body: name -> string value; missing or empty ones are listed in `missing`. */
export function captureValues(capture: Readonly<Record<string, string>>, body: Buffer | null, missing: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const parsed = parseJson(body);
  for (const [name, path] of Object.entries(capture)) {
    const segs = parseJsonPath(path);
    const v = parsed.ok && segs ? getPath(parsed.doc, segs) : undefined;
    if (v === undefined || v === null || v === '') missing.push(name);
    else out[name] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}
