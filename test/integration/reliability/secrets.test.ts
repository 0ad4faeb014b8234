/**
 * A profile full of secrets (auth headers, cookies, API keys, URL credentials, secret query
 * parameters, a password in a JSON body and in a raw body, secret environment variables) goes
 * through the real CLI against the local provider; no secret string may appear in any file the
 * run writes, nor in stdout or stderr (debug logging on), nor in a rebuilt report.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../support/cli.js';

const SECRETS = {
  bearer: 'AuthB3arer-7f2c9e1d',
  cookie: 'CookieS3ss-41ab77',
  apiKey: 'ApiK3y-0c5d8e2f',
  customToken: 'CustT0ken-99e1aa',
  urlUser: 'urlus3r-admin',
  urlPassword: 'UrlPassw0rd-5b6c',
  queryToken: 'QueryT0ken-d4e5f6',
  pathKey: 'PathK3y-a1b2c3',
  jsonPassword: 'BodyPassw0rd-77aa',
  rawPassword: 'RawPassw0rd-88bb',
  envSecret: 'EnvS3cret-ffee0011',
  envToken: 'EnvT0ken-ccdd2233',
  envTemplate: 'EnvTempl4te-9a8b7c',
  loginPassword: 'L0ginPass-4455aa',
  captured: 'Capt4red-Access-0f9e8d',
};

let dir: string;
let server: http.Server;
let seenAuth = '';
let seenCaptured = '';
let seenEnvTemplate = '';
let res: CliResult;
let report: CliResult;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaleproof-secrets-'));
  server = http.createServer((req, resp) => {
    seenAuth ||= req.headers.authorization ?? '';
    seenCaptured ||= String(req.headers['x-session'] ?? '');
    seenEnvTemplate ||= String(req.headers['x-trace'] ?? '');
    req.resume();
    if (req.url?.startsWith('/base/login')) return void resp.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: SECRETS.captured }));
    // An error page that echoes a credential back: it must not reach any output either.
    resp.writeHead(req.url?.startsWith('/fail') ? 500 : 200).end(`token=${SECRETS.customToken}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const file = path.join(dir, 'secrets.yaml');
  fs.writeFileSync(
    file,
    `
name: secrets
provider:
  name: local
  poll_interval: 250ms
  settings:
    replicas: { min: 1, max: 2 }
    capacity: { concurrency: 5, service_time: 10ms, startup_delay: 200ms }
load:
  url: http://${SECRETS.urlUser}:${SECRETS.urlPassword}@127.0.0.1:${port}/base?token=${SECRETS.queryToken}
  start: 10
  stages:
    - { duration: 2s, rate: 10 }
  setup:
    requests:
      - name: login
        method: POST
        path: /login
        json: { user: alice, password: ${SECRETS.loginPassword} }
        capture: { session: $.access_token }
  requests:
    - name: api
      path: /api?api_key=${SECRETS.pathKey}&page=2
      headers:
        Authorization: Bearer ${SECRETS.bearer}
        Cookie: session=${SECRETS.cookie}
        X-Api-Key: ${SECRETS.apiKey}
        X-Custom-Token: ${SECRETS.customToken}
        X-Session: "{{ vars.session }}"
        X-Trace: "{{ env.SP_TRACE_ID }}"
    - name: login
      method: POST
      path: /fail
      json: { user: alice, password: ${SECRETS.jsonPassword} }
    - name: form
      method: POST
      path: /form
      body: "user=bob&password=${SECRETS.rawPassword}"
targets:
  error_rate: 90%
`,
  );
  const env = { AWS_SECRET_ACCESS_KEY: SECRETS.envSecret, SCALEPROOF_API_TOKEN: SECRETS.envToken, SP_TRACE_ID: SECRETS.envTemplate, SCALEPROOF_DEBUG: '1' };
  res = await runCli(['run', file, '--out', path.join(dir, 'runs')], { env, timeoutMs: 60_000 });
  const runDir = path.join(dir, 'runs', fs.readdirSync(path.join(dir, 'runs'))[0]!);
  fs.rmSync(path.join(runDir, 'report.json'));
  report = await runCli(['report', runDir], { env, timeoutMs: 30_000 });
}, 90_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function allFiles(root: string): string[] {
  return fs.readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(path.join(root, e.name)) : [path.join(root, e.name)]));
}

describe('secrets', () => {
  it('the run really used them (the target saw the Authorization header)', () => {
    expect(res.code, res.stderr).not.toBe(3);
    expect(seenAuth).toBe(`Bearer ${SECRETS.bearer}`);
    expect(seenCaptured).toBe(SECRETS.captured);
    expect(seenEnvTemplate).toBe(SECRETS.envTemplate);
  });

  it('no secret appears in any output file, in stdout or stderr, or in a rebuilt report', () => {
    const outputs: Array<[string, string]> = [
      ['run stdout', res.stdout],
      ['run stderr', res.stderr],
      ['report stdout', report.stdout],
      ['report stderr', report.stderr],
      ...allFiles(path.join(dir, 'runs')).map((f): [string, string] => [f, fs.readFileSync(f, 'utf8')]),
    ];
    expect(outputs.length).toBeGreaterThan(8);
    const leaks: string[] = [];
    for (const [where, text] of outputs) {
      for (const [name, secret] of Object.entries(SECRETS)) {
        for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) if (text.includes(form)) leaks.push(`${name} in ${where}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('the timeline keeps the shape of what was redacted', () => {
    const runDir = path.join(dir, 'runs', fs.readdirSync(path.join(dir, 'runs'))[0]!);
    const header = JSON.parse(fs.readFileSync(path.join(runDir, 'timeline.ndjson'), 'utf8').split('\n')[0]!);
    const [api, login, form] = header.profile.load.requests;
    expect(api.headers).toEqual({ Authorization: '[redacted]', Cookie: '[redacted]', 'X-Api-Key': '[redacted]', 'X-Custom-Token': '[redacted]', 'X-Session': '[redacted]', 'X-Trace': '{{ env.SP_TRACE_ID }}' });
    expect(api.path).toBe('/api?api_key=[redacted]&page=2');
    expect(login.json).toEqual({ user: 'alice', password: '[redacted]' });
    expect(form.body).toBe('user=bob&password=[redacted]');
    expect(header.profile.load.url).toMatch(/^http:\/\/\[redacted\]@127\.0\.0\.1:\d+\/base\?token=\[redacted\]$/);
  });
});
