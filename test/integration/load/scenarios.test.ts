/**
 * Scenarios in the shape of the classic RAG-API load test: a login in the setup captures a token,
 * then weighted health / search / upload / status calls use it, with templates, JSON, form and
 * multipart bodies, per-request checks and tags. Loopback only, ≤ 1 s at ≤ 100 req/s per test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadSpec } from '../../../src/profile/schema.js';
import { loadSpec, runOnce, useTargetServer } from '../../support/load-harness.js';

const TOKEN = 'tok-9f8e7d6c5b4a';
const target = useTargetServer();
const spec = loadSpec;
let tmp: string | null = null;
afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = null;
});

async function run(load: LoadSpec, baseUrl: string, env: Record<string, string> = {}) {
  const { result, records } = await runOnce(load, baseUrl, { env });
  const total = (name: string, k: 'sent' | 'ok' | 'checkFailures' | 'completed') => records.filter((r) => r.request === name).reduce((n, r) => n + (r[k] ?? 0), 0);
  return { result, records, total };
}

describe('scenarios', () => {
  it('logs in once, captures the token, and every later request carries it; the token never reaches the records', async () => {
    const auth = { name: 'authorization', value: `Bearer ${TOKEN}` };
    const s = await target({
      paths: {
        '/login': { body: JSON.stringify({ data: { access_token: TOKEN } }), contentType: 'application/json', keepRequests: true },
        '/health': { body: '{"status":"ok"}', contentType: 'application/json' },
        '/search': { requireHeader: auth, body: JSON.stringify({ results: [{ id: 1 }] }), contentType: 'application/json', keepRequests: true },
        '/status': { requireHeader: auth, body: JSON.stringify({ results: [] }), contentType: 'application/json' },
      },
    });
    const load = spec({
      start: 100,
      stages: [{ duration: '1s', rate: 100 }],
      connections: 4,
      data: { queries: ['what is RAG', 'vector search', 'a & b'] },
      setup: { requests: [{ name: 'login', method: 'POST', path: '/login', json: { user: 'u1', password: '{{ env.PASSWORD }}' }, capture: { token: '$.data.access_token' } }] },
      requests: [
        { name: 'health', path: '/health', weight: 1, checks: { status: [200], json: [{ path: '$.status', equals: 'ok' }] }, tags: { group: 'public' } },
        { name: 'search', path: '/search?q={{ pick queries }}&n={{ seq }}', weight: 2, headers: { authorization: 'Bearer {{ vars.token }}', 'x-request-id': '{{ uuid }}' }, checks: { json: [{ path: '$.results', non_empty: true }] }, tags: { group: 'api' } },
        { name: 'status', path: '/status/{{ randomInt 1 9 }}', weight: 1, headers: { authorization: 'Bearer {{ vars.token }}' }, checks: { status: [200], json: [{ path: 'results', non_empty: true }] }, tags: { group: 'api' } },
      ],
    });
    const r = await run(load, s.url, { PASSWORD: 's3cret-pw' });
    expect(r.result.sent).toBe(100);
    // The login body had the password from the environment; the token went into later headers.
    const login = s.kept.find((k) => k.url === '/login');
    expect(JSON.parse(login?.body.toString() ?? '{}')).toEqual({ user: 'u1', password: 's3cret-pw' });
    expect(r.total('search', 'ok')).toBe(50);
    expect(r.total('status', 'completed')).toBe(25);
    expect(r.total('status', 'ok')).toBe(25); // /status/N is not /status: the server's default 200 text answer
    // Checks: health passes, search passes, status fails every time (its body is not JSON): ok, but a check failure.
    expect(r.total('health', 'checkFailures')).toBe(0);
    expect(r.total('search', 'checkFailures')).toBe(0);
    expect(r.total('status', 'checkFailures')).toBe(25);
    expect(r.total('*', 'checkFailures')).toBe(25);
    expect(r.total('group=api', 'sent')).toBe(75);
    expect(r.total('group=public', 'sent')).toBe(25);
    // Templates: encoded queries, sequence numbers, UUIDs.
    const searches = s.kept.filter((k) => k.url.startsWith('/search?'));
    expect(searches.length).toBeGreaterThan(0);
    for (const k of searches) {
      expect(k.url).toMatch(/^\/search\?q=(what%20is%20RAG|vector%20search|a%20%26%20b)&n=\d+$/);
      expect(k.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const text = JSON.stringify(r.records);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('s3cret-pw');
  });

  it('a failed login stops the run before any load, without the secret in the message', async () => {
    const s = await target({ paths: { '/login': { statuses: [403] } } });
    const load = spec({ start: 10, stages: [{ duration: '1s', rate: 10 }], setup: { requests: [{ name: 'login', method: 'POST', path: '/login', json: { password: '{{ env.PASSWORD }}' }, capture: { token: '$.token' } }] } });
    await expect(run(load, s.url, { PASSWORD: 'p4ssw0rd-x' })).rejects.toThrow(/setup request "login" answered 403/);
    expect(s.total).toBe(1);
  });

  it('sends form bodies and multipart uploads of a file on disk', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-mp-'));
    const file = path.join(tmp, 'doc.txt');
    fs.writeFileSync(file, 'retrieval augmented generation\n');
    const s = await target({ paths: { '/upload': { keepRequests: true }, '/form': { keepRequests: true } } });
    const load = spec({
      start: 20,
      stages: [{ duration: '500ms', rate: 20 }],
      connections: 2,
      requests: [
        { name: 'upload', method: 'POST', path: '/upload', multipart: { fields: { collection: 'docs' }, files: { file: { path: file, content_type: 'text/plain' } } } },
        { name: 'form', method: 'POST', path: '/form', form: { q: 'a b&c', n: '{{ seq }}' } },
      ],
    });
    const r = await run(load, s.url);
    expect(r.result.sent).toBe(10);
    const upload = s.kept.find((k) => k.url === '/upload' && k.method === 'POST');
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const body = upload?.body.toString() ?? '';
    expect(body).toContain('name="collection"\r\n\r\ndocs\r\n');
    expect(body).toContain('name="file"; filename="doc.txt"\r\ncontent-type: text/plain\r\n\r\nretrieval augmented generation\n\r\n');
    const form = s.kept.find((k) => k.url === '/form');
    expect(form?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form?.body.toString()).toMatch(/^q=a%20b%26c&n=\d+$/);
  });

  it('warms up at the start rate before the plan, kept out of the results', async () => {
    const s = await target();
    const r = await run(spec({ start: 100, warmup: '300ms', stages: [{ duration: '500ms', rate: 100 }], connections: 2 }), s.url);
    expect(r.result.planned).toBe(50);
    expect(r.total('*', 'sent')).toBe(50);
    expect(r.total('*', 'completed')).toBe(50);
    expect(s.total).toBe(30 + 50); // warm-up + plan (the pre-open sends nothing)
  });

  it('a body check on a body longer than body_limit fails', async () => {
    const s = await target({ body: 'x'.repeat(5000) + 'needle' });
    const r = await run(spec({ start: 20, stages: [{ duration: '500ms', rate: 20 }], connections: 1, body_limit: 1024, requests: [{ name: 'big', checks: { body_contains: 'needle' } }] }), s.url);
    expect(r.total('big', 'ok')).toBe(10);
    expect(r.total('big', 'checkFailures')).toBe(10);
  });

  it('headers_timeout fails a request whose headers do not come, as a timeout, before the request deadline', async () => {
    const s = await target({ paths: { '/slow': { hang: true } } });
    // The request deadline and the drain both outlast the test: only headers_timeout can end these requests.
    const load = spec({ start: 10, stages: [{ duration: '500ms', rate: 10 }], connections: 5, timeout: '10m', headers_timeout: '150ms', requests: [{ name: 'slow', path: '/slow' }] });
    const { records } = await runOnce(load, s.url, { drainMs: 600_000 });
    const all = records.filter((x) => x.request === '*');
    expect(all.reduce((n, x) => n + x.errors.timeout, 0)).toBe(5);
    expect(all.at(-1)?.inFlight).toBe(0);
  });
});

