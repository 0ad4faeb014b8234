/**
 * TLS and HTTP/2: a loopback HTTPS server with a self-signed certificate made for the test
 * (openssl), offering h2 and http/1.1. ≤ 20 requests per case, all to 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { runLoad } from '../../../src/load/engine.js';
import { loadSchema } from '../../../src/profile/schema.js';
import type { LoadRecord } from '../../../src/timeline/types.js';

let dir: string;
let server: http2.Http2SecureServer;
let url: string;
const versions: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  server = http2.createSecureServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert), allowHTTP1: true }, (req, res) => {
    versions.push(req.httpVersion);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(raw: Record<string, unknown>) {
  versions.length = 0;
  const load = loadSchema.parse({ workers: 1, start: 20, stages: [{ duration: '500ms', rate: 20 }], connections: 2, timeout: '2s', ...raw });
  const records: LoadRecord[] = [];
  const result = await runLoad({ load, baseUrl: url, clock: systemClock, runStartMono: systemClock.now(), signal: new AbortController().signal, drainMs: 2000, onStage: () => {}, onWindows: (b) => records.push(...b) });
  const ok = records.filter((r) => r.request === '*').reduce((n, r) => n + r.ok, 0);
  return { result, ok };
}

describe('TLS and HTTP/2', () => {
  it('trusts a custom CA and speaks HTTP/2 when the server offers it', async () => {
    const r = await run({ http2: true, tls: { ca: path.join(dir, 'cert.pem') } });
    expect(r.ok).toBe(10);
    expect(new Set(versions)).toEqual(new Set(['2.0']));
  });

  it('stays on HTTP/1.1 unless http2 is set', async () => {
    const r = await run({ tls: { ca: path.join(dir, 'cert.pem') } });
    expect(r.ok).toBe(10);
    expect(new Set(versions)).toEqual(new Set(['1.1']));
  });

  it('refuses an untrusted certificate, and accepts it with insecure: true', async () => {
    const refused = await run({});
    expect(refused.result.sent).toBe(10);
    expect(refused.ok).toBe(0);
    const insecure = await run({ tls: { insecure: true } });
    expect(insecure.ok).toBe(10);
  });
});
