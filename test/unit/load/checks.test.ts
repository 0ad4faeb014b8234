import { describe, expect, it } from 'vitest';
import { captureValues, compileChecks, getPath, parseJsonPath } from '../../../src/load/scenario/checks.js';

const body = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('JSON paths', () => {
  it('parses $.a.b[0].c, a.b.0.c and bracketed keys', () => {
    expect(parseJsonPath('$.a.b[0].c')).toEqual(['a', 'b', 0, 'c']);
    expect(parseJsonPath('a.b.0.c')).toEqual(['a', 'b', 0, 'c']);
    expect(parseJsonPath('$["a key"].x')).toEqual(['a key', 'x']);
    expect(parseJsonPath('$.a[')).toBeNull();
    expect(getPath({ a: { b: [{ c: 1 }] } }, ['a', 'b', 0, 'c'])).toBe(1);
    expect(getPath({ a: [] }, ['a', 'x'])).toBeUndefined();
  });
});

describe('checks', () => {
  it('status in a set', () => {
    const c = compileChecks({ status: [200, 201] }, [], 'x');
    expect(c?.needsBody).toBe(false);
    expect(c?.check(201, null, false)).toBe(true);
    expect(c?.check(500, null, false)).toBe(false);
  });

  it('JSON path exists / non-empty / equals, and body contains', () => {
    const problems: string[] = [];
    const c = compileChecks({ json: [{ path: '$.results', non_empty: true }, { path: '$.meta.ok', equals: true }, { path: '$.id', exists: true }], body_contains: 'results' }, problems, 'x');
    expect(problems).toEqual([]);
    expect(c?.needsBody).toBe(true);
    expect(c?.check(200, body({ results: [1], meta: { ok: true }, id: null }), false)).toBe(true);
    expect(c?.check(200, body({ results: [], meta: { ok: true }, id: 1 }), false)).toBe(false);
    expect(c?.check(200, body({ results: [1], meta: { ok: 'true' }, id: 1 }), false)).toBe(false);
    expect(c?.check(200, body({ results: [1], meta: { ok: true } }), false)).toBe(false);
    expect(c?.check(200, Buffer.from('not json results'), false)).toBe(false);
    expect(c?.check(200, body({ results: [1], meta: { ok: true }, id: 1 }), true)).toBe(false); // truncated
  });

  it('a bad path is a problem found before the load', () => {
    const problems: string[] = [];
    compileChecks({ json: [{ path: '$.[', exists: true }] }, problems, 'request "a"');
    expect(problems[0]).toMatch(/request "a": checks.json\[0\]: not a JSON path/);
  });
});

describe('captures', () => {
  it('captures strings as they are and other values as JSON; reports missing names only', () => {
    const missing: string[] = [];
    const v = captureValues({ token: '$.data.token', n: '$.n', none: '$.nope', empty: '$.e' }, body({ data: { token: 'abc' }, n: 5, e: '' }), missing);
    expect(v).toEqual({ token: 'abc', n: '5' });
    expect(missing).toEqual(['none', 'empty']);
  });
});
