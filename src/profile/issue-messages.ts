/**
 * Turns zod issues into messages a profile author can act on: what was expected, what was
 * found, and for a misspelt key the closest allowed one. Messages the schema words itself are
 * kept; zod's defaults ("Invalid input: expected number, received string") are rewritten.
 */
import type { ZodType } from 'zod';
import type { FieldPath } from './locate.js';

/** One zod issue in the shape we read (zod's own union type is wider than we need). */
export interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  values?: unknown[];
  keys?: string[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  format?: string;
  pattern?: string;
}

export interface IssueText {
  path: FieldPath;
  message: string;
  /** Point at the key itself (unknown keys) rather than at its value. */
  atKey: boolean;
  /** The schema worded this message itself (preferred over a rewritten default at the same path). */
  authored: boolean;
}

const ZOD_DEFAULT = /^(Invalid|Too (big|small)|Unrecognized key)/;

const EXPECTED_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
  array: 'a list',
  nan: 'a number',
};

/**
 * Messages for one zod issue; several for an unrecognized_keys issue (one per key).
 * `schema` is the root the issue path is relative to, used to list the allowed keys.
 */
export function issueTexts(issue: ZodIssueLike, schema: ZodType): IssueText[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = shapeKeysAt(schema, issue.path);
    return (issue.keys ?? []).map((key) => ({ path: [...issue.path, key], message: unknownKeyMessage(key, allowed), atKey: true, authored: true }));
  }
  const authored = !ZOD_DEFAULT.test(issue.message);
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  let message: string;
  if (missing) message = `required but missing: ${authored ? issue.message : `expected ${expectedWord(issue.expected)}`}`;
  else if (authored) message = withGot(issue.message, issue);
  else message = rewriteDefault(issue);
  return [{ path: issue.path, message, atKey: false, authored }];
}

/** `"abc"` -> `string "abc"`, 90 -> `90`, [] -> `a list`: the "got ..." part of a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** Closest candidate within a small edit distance (1 per 3 letters), for "did you mean ...?". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const guess = closest(key, allowed);
  if (guess) return `unknown key "${key}"; did you mean "${guess}"?`;
  return allowed.length ? `unknown key "${key}" (allowed here: ${allowed.join(', ')})` : `unknown key "${key}"`;
}

function withGot(message: string, issue: ZodIssueLike): string {
  // Only a field's own value is worth echoing (not a whole object checked by a refinement).
  if (!('input' in issue) || /\bgot\b/.test(message)) return message;
  const v = issue.input;
  if (v !== null && typeof v === 'object' && issue.code === 'custom') return message;
  return `${message}, got ${describeValue(v)}`;
}

function expectedWord(expected: string | undefined): string {
  return (expected && EXPECTED_WORDS[expected]) ?? expected ?? 'a different value';
}

function rewriteDefault(issue: ZodIssueLike): string {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${expectedWord(issue.expected)}, ${got}`;
    case 'invalid_value': {
      const values = (issue.values ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      const guess = typeof issue.input === 'string' ? closest(issue.input, values) : undefined;
      return `expected one of ${values.join(', ')}, ${got}${guess ? `; did you mean "${guess}"?` : ''}`;
    }
    case 'too_small':
    case 'too_big':
      return `${boundText(issue)}, ${got}`;
    case 'invalid_format':
      return `expected ${issue.format === 'regex' && issue.pattern ? `text matching ${issue.pattern}` : `a valid ${issue.format ?? 'value'}`}, ${got}`;
    case 'invalid_union':
      return `expected one of the allowed forms, ${got}`;
    default:
      return `${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
  }
}

function boundText(issue: ZodIssueLike): string {
  const small = issue.code === 'too_small';
  const n = Number(small ? issue.minimum : issue.maximum);
  const items = issue.origin === 'array' ? ` item${n === 1 ? '' : 's'}` : issue.origin === 'string' ? ` character${n === 1 ? '' : 's'}` : '';
  const word = small ? (issue.inclusive === false ? 'more than' : 'at least') : issue.inclusive === false ? 'less than' : 'at most';
  return `expected ${word} ${n}${items}`;
}

/** Optimal string alignment distance: a swap of two neighbours costs 1 (`nmae` -> `name`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The zod definition fields this module reads to walk a schema. */
interface DefLike {
  type: string;
  innerType?: ZodType;
  in?: ZodType;
  shape?: Record<string, ZodType>;
  element?: ZodType;
  valueType?: ZodType;
}

const defOf = (s: ZodType): DefLike => (s as unknown as { _zod: { def: DefLike } })._zod.def;

/** Keys allowed by the object schema found at `path` (empty when it is not an object). */
export function shapeKeysAt(schema: ZodType, path: FieldPath): string[] {
  let s: ZodType | undefined = schema;
  for (const seg of path) {
    if (!s) return [];
    const def = defOf(unwrap(s));
    if (def.type === 'object') s = def.shape?.[String(seg)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return [];
  }
  if (!s) return [];
  const def = defOf(unwrap(s));
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

/** Through optional, default, prefault, nullable, readonly, catch and the input side of pipes. */
function unwrap(schema: ZodType): ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!next) return s;
    s = next;
  }
  return s;
}
