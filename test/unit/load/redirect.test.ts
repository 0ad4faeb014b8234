import { describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { nextHop } from '../../../src/load/redirect.js';

const ORIGIN = 'http://127.0.0.1:8080';
const post: Dispatcher.DispatchOptions = { method: 'POST', path: '/api/items?x=1', body: '{"a":1}', headers: { 'content-type': 'application/json', authorization: 'Bearer t' } };
const raw = (location: string) => [Buffer.from('Location'), Buffer.from(location)];

describe('nextHop', () => {
  it('resolves relative and absolute same-origin locations', () => {
    expect(nextHop(post, ORIGIN, 307, raw('next'))?.path).toBe('/api/next');
    expect(nextHop(post, ORIGIN, 308, raw('/v2/items?y=2'))?.path).toBe('/v2/items?y=2');
    expect(nextHop(post, ORIGIN, 307, raw(`${ORIGIN}/abs`))?.path).toBe('/abs');
  });

  it('keeps method and body on 307/308, turns 303 and a POST on 301/302 into a GET without body headers', () => {
    expect(nextHop(post, ORIGIN, 307, raw('/b'))).toMatchObject({ method: 'POST', body: '{"a":1}' });
    for (const status of [301, 302, 303]) {
      const hop = nextHop(post, ORIGIN, status, raw('/b'))!;
      expect(hop).toMatchObject({ method: 'GET', body: null, headers: { authorization: 'Bearer t' } });
      expect(hop.headers).not.toHaveProperty('content-type');
    }
    const put = { ...post, method: 'PUT' as const };
    expect(nextHop(put, ORIGIN, 302, raw('/b'))?.method).toBe('PUT');
  });

  it('never leaves the origin, and ignores non-redirects and missing locations', () => {
    expect(nextHop(post, ORIGIN, 302, raw('http://127.0.0.1:9090/b'))).toBeNull();
    expect(nextHop(post, ORIGIN, 302, raw('https://127.0.0.1:8080/b'))).toBeNull();
    expect(nextHop(post, ORIGIN, 302, raw('//evil.example/b'))).toBeNull();
    expect(nextHop(post, ORIGIN, 304, raw('/b'))).toBeNull();
    expect(nextHop(post, ORIGIN, 302, [])).toBeNull();
  });
});
