import { describe, expect, it } from 'vitest';
import { ScaleproofError } from '../../../src/errors.js';
import { prepareRequests } from '../../../src/load/request-options.js';
import type { RequestSpec } from '../../../src/profile/schema.js';

const req = (r: Partial<RequestSpec> & { name: string }): RequestSpec => ({ method: 'GET', path: '/', weight: 1, headers: {}, ...r, tags: r.tags ?? {} });

describe('prepareRequests', () => {
  it('appends paths to the base path, sets JSON bodies and deadlines', () => {
    const [a, b] = prepareRequests('http://127.0.0.1:8080/api/', {
      timeout: 5000,
      requests: [req({ name: 'a', path: '/items?x=1' }), req({ name: 'b', method: 'POST', path: '/items', json: { n: 1 }, timeout: 250 })],
    });
    expect(a).toMatchObject({ index: 0, name: 'a', timeoutMs: 5000, origin: 'http://127.0.0.1:8080', dispatch: { method: 'GET', path: '/api/items?x=1', body: null } });
    expect(b.timeoutMs).toBe(250);
    expect(b.dispatch).toMatchObject({ method: 'POST', path: '/api/items', body: '{"n":1}', headers: { 'content-type': 'application/json' } });
  });

  it('reports every invalid option before any request is dispatched', () => {
    const bad = () =>
      prepareRequests('http://127.0.0.1:1', {
        timeout: 1000,
        requests: [req({ name: 'x', path: '/a b', headers: { 'bad name': 'v', connection: 'close', 'x-ok': 'line\nbreak' } })],
      });
    expect(bad).toThrow(ScaleproofError);
    try {
      bad();
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toMatch(/path has a space/);
      expect(msg).toMatch(/invalid header name "bad name"/);
      expect(msg).toMatch(/"connection" is managed by the client/);
      expect(msg).toMatch(/"x-ok" has a control character/);
      expect((e as ScaleproofError).exitCode).toBe(2);
    }
  });
});
