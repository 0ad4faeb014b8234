/**
 * The setup requests (`load.setup`, `per: run`): sent once, in order, before any load, on a
 * connection of their own. Each may use the values captured by the ones before it, and captures values from
 * its JSON response (a login's token, say) for the load's templates. A setup request that does
 * not answer 2xx, fails a check, or misses a capture stops the run before the load.
 *
 * Captured values are secrets: they live in memory only. Errors name the request and the
 * capture, never a value, a header or a body.
 */
import { Client } from 'undici';
import { ExitCode, ScaleproofError } from '../../errors.js';
import type { LoadSpec } from '../../profile/schema.js';
import type { TlsOptions } from '../http-client.js';
import { prepareSetupRequests } from '../request-options.js';
import { captureValues } from './checks.js';
import { placeholderVars } from './user-setup.js';

export interface SetupOptions {
  baseUrl: string;
  load: LoadSpec;
  env: Readonly<Record<string, string | undefined>>;
  tls?: TlsOptions;
  signal: AbortSignal;
}

export async function runSetup(opts: SetupOptions): Promise<Record<string, string>> {
  // Per user: each virtual user sends the setup itself (user-setup.ts). Here every step is only
  // checked, in order, with stand-ins for the captures (every problem before any load); the
  // stand-ins then let the load's requests be checked the same way.
  if (opts.load.setup?.per === 'user') {
    const seen: Record<string, string> = {};
    for (const step of opts.load.setup.requests) {
      prepareSetupRequests(opts.baseUrl, opts.load, [step], { env: opts.env, vars: seen });
      for (const name of Object.keys(step.capture)) seen[name] = '';
    }
    return placeholderVars(opts.load);
  }
  const steps = opts.load.setup?.requests ?? [];
  const vars: Record<string, string> = {};
  if (steps.length === 0) return vars;
  const origin = new URL(opts.baseUrl).origin;
  const tls = opts.tls ?? {};
  const client = new Client(origin, {
    connectTimeout: opts.load.connect_timeout,
    allowH2: opts.load.http2,
    connect: { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.servername ? { servername: tls.servername } : {}), rejectUnauthorized: !tls.insecure },
  });
  try {
    for (const step of steps) {
      const [req] = prepareSetupRequests(opts.baseUrl, opts.load, [step], { env: opts.env, vars });
      const options = req.render ? req.render(1) : req.dispatch;
      const fail = (why: string, cause?: unknown) =>
        new ScaleproofError(`setup request "${step.name}" ${why}`, ExitCode.runFailed, { hint: 'check load.setup (credentials, path, captures)', ...(cause === undefined ? {} : { cause }) });
      let status: number;
      let body: Buffer;
      try {
        const res = await client.request({ ...options, signal: AbortSignal.any([opts.signal, AbortSignal.timeout(req.timeoutMs)]) } as Parameters<Client['request']>[0]);
        status = res.statusCode;
        body = Buffer.from(await res.body.arrayBuffer());
      } catch (err) {
        if (opts.signal.aborted) throw err;
        throw fail(`failed: ${(err as { code?: string }).code ?? (err as Error).name}`);
      }
      if (status < 200 || status >= 300) throw fail(`answered ${status}`);
      const truncated = body.length > req.bodyLimit;
      if (req.check && !req.check(status, truncated ? body.subarray(0, req.bodyLimit) : body, truncated)) throw fail('failed its checks');
      const missing: string[] = [];
      Object.assign(vars, captureValues(step.capture, body, missing));
      if (missing.length > 0) throw fail(`response has no value to capture for ${missing.join(', ')} (a JSON body with those paths was expected)`);
    }
    return vars;
  } finally {
    await client.destroy().catch(() => {});
  }
}
