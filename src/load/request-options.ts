/**
 * Turns the profile's requests into ready-to-dispatch options, validated up front. undici 7.30.2
 * rejects bad options at dispatch time AND leaves a pool slot wedged behind each rejection, so a
 * bad header would hang a run; here every problem is found once, before any load, and reported
 * together. Templates are compiled here (see scenario/template.ts); a request whose templates
 * are constant keeps one pre-built options object, the others render path, headers and body
 * per request. Files for multipart bodies are read once, here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { ScaleproofError, ExitCode } from '../errors.js';
import type { LoadSpec, RequestSpec, SetupRequestSpec } from '../profile/schema.js';
import { compileChecks, type CheckFn } from './scenario/checks.js';
import { compileTemplate, type Escape, type Template, type TemplateContext } from './scenario/template.js';

/** One request of the mix, as the client sends it. */
export interface PreparedRequest {
  /** Index in `load.requests` (and in the recorder's names). */
  index: number;
  name: string;
  weight: number;
  /** Per-request deadline in ms, counted from the dispatch. */
  timeoutMs: number;
  /** Scheme, host and port, e.g. `http://127.0.0.1:8080`. */
  origin: string;
  /** The options when nothing varies per request (else the constant part). */
  dispatch: Dispatcher.DispatchOptions;
  /** Renders per-request options (templates with seq, uuid, random values); null when constant. */
  render: ((seq: number) => Dispatcher.DispatchOptions) | null;
  /** True when the response passed its checks; null without checks. */
  check: CheckFn | null;
  /** Keep the body (up to bodyLimit) for the check. */
  readBody: boolean;
  bodyLimit: number;
  tags: Readonly<Record<string, string>>;
}

export interface PrepareContext {
  env?: Readonly<Record<string, string | undefined>>;
  /** Values captured by the setup requests. */
  vars?: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE_BAD = /[^\t\x20-\x7e\x80-\xff]/;
const PATH_BAD = /[^\u0021-\u00ff]/;
/** Headers undici refuses, or that would break connection reuse and body framing. */
const FORBIDDEN_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'content-length']);

type LoadInput = Pick<LoadSpec, 'requests' | 'timeout'> & Partial<Pick<LoadSpec, 'data' | 'body_limit' | 'headers_timeout' | 'body_timeout'>>;
type AnyRequest = Omit<RequestSpec, 'weight' | 'tags'> & Partial<Pick<RequestSpec, 'weight' | 'tags'>>;

export function prepareRequests(baseUrl: string, load: LoadInput, ctx: PrepareContext = {}): PreparedRequest[] {
  return prepareList(baseUrl, load, load.requests, ctx, 'load.requests');
}

/** The setup requests, prepared the same way (their captures are applied by the caller). */
export function prepareSetupRequests(baseUrl: string, load: LoadInput, setup: readonly SetupRequestSpec[], ctx: PrepareContext = {}): PreparedRequest[] {
  return prepareList(baseUrl, load, setup, ctx, 'load.setup');
}

function prepareList(baseUrl: string, load: LoadInput, list: readonly AnyRequest[], ctx: PrepareContext, section: string): PreparedRequest[] {
  const problems: string[] = [];
  let base: URL | null = null;
  try {
    base = new URL(baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') problems.push(`load url: expected http:// or https://, got ${base.protocol}`);
  } catch {
    problems.push(`load url: not a URL: ${baseUrl}`);
  }
  const tctx: TemplateContext = { data: load.data ?? {}, env: ctx.env ?? {}, vars: ctx.vars ?? {} };
  for (const [name, values] of Object.entries(tctx.data)) {
    if (values.some((v) => HEADER_VALUE_BAD.test(String(v)))) problems.push(`load.data.${name}: a value has a control character (CR, LF or NUL)`);
  }
  const prefix = base ? base.pathname.replace(/\/+$/, '') : '';
  const env = { origin: base?.origin ?? '', prefix, timeoutMs: load.timeout, headersTimeoutMs: load.headers_timeout, bodyTimeoutMs: load.body_timeout, bodyLimit: load.body_limit ?? 65_536, tctx, problems };
  const prepared = list.map((r, index) => prepareOne(r, index, env));
  if (problems.length > 0) {
    // Problems name variables and paths, never their values: captured values and env secrets stay out.
    throw new ScaleproofError(`invalid load requests:\n- ${problems.join('\n- ')}`, ExitCode.badInput, { hint: `fix the requests in the profile (${section})` });
  }
  return prepared;
}

interface PrepareEnv {
  origin: string;
  prefix: string;
  timeoutMs: number;
  headersTimeoutMs: number | undefined;
  bodyTimeoutMs: number | undefined;
  bodyLimit: number;
  tctx: TemplateContext;
  problems: string[];
}

function prepareOne(r: AnyRequest, index: number, env: PrepareEnv): PreparedRequest {
  const { problems, tctx } = env;
  const where = `request "${r.name}"`;
  const tpl = (text: string, escape: Escape, what: string): Template => compileTemplate(text, tctx, escape, problems, `${where} ${what}`);
  const pathT = tpl(env.prefix + r.path, 'uri', 'path');
  const samplePath = pathT.render(1);
  if (!samplePath.startsWith('/')) problems.push(`${where}: path must start with /`);
  if (PATH_BAD.test(samplePath)) problems.push(`${where}: path has a space or a character outside Latin-1; percent-encode it`);
  if (!TOKEN.test(r.method)) problems.push(`${where}: invalid method ${r.method}`);

  const headerT: Array<[string, Template]> = [];
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(r.headers)) {
    const lower = key.toLowerCase();
    if (!TOKEN.test(key)) problems.push(`${where}: invalid header name "${key}"`);
    else if (FORBIDDEN_HEADERS.has(lower)) problems.push(`${where}: header "${key}" is managed by the client and cannot be set`);
    else if (seen.has(lower)) problems.push(`${where}: header "${key}" is given twice`);
    const t = typeof value === 'string' ? tpl(value, 'raw', `header "${key}"`) : null;
    if (!t || HEADER_VALUE_BAD.test(t.render(1))) problems.push(`${where}: header "${key}" has a control character (CR, LF or NUL) in its value`);
    seen.add(lower);
    if (t) headerT.push([lower, t]);
  }
  const body = prepareBody(r, where, tpl, problems);
  if (body.contentType && !seen.has('content-type')) headerT.push(['content-type', { constant: body.contentType, render: () => body.contentType as string }]);

  const timeoutMs = r.timeout ?? env.timeoutMs;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) problems.push(`${where}: timeout must be above 0`);
  const checks = compileChecks(r.checks, problems, where);
  const constHeaders: Record<string, string> = {};
  for (const [k, t] of headerT) if (t.constant !== null) constHeaders[k] = t.constant;
  const dynHeaders = headerT.filter(([, t]) => t.constant === null);
  const dispatch: Dispatcher.DispatchOptions = {
    method: r.method,
    path: pathT.constant ?? samplePath,
    headers: constHeaders,
    body: body.template ? (body.template.constant ?? null) : body.buffer,
    // undici's own timeouts (classified as `timeout`); without them, backstops behind the request deadline.
    headersTimeout: env.headersTimeoutMs ?? timeoutMs + 1000,
    bodyTimeout: env.bodyTimeoutMs ?? timeoutMs + 1000,
  };
  const dynamic = pathT.constant === null || dynHeaders.length > 0 || (body.template !== null && body.template.constant === null);
  const render = dynamic
    ? (seq: number): Dispatcher.DispatchOptions => {
        let headers = constHeaders;
        if (dynHeaders.length > 0) {
          headers = { ...constHeaders };
          for (const [k, t] of dynHeaders) headers[k] = t.render(seq);
        }
        return { ...dispatch, path: pathT.render(seq), headers, body: body.template ? body.template.render(seq) : body.buffer };
      }
    : null;
  return { index, name: r.name, weight: r.weight ?? 1, timeoutMs, origin: env.origin, dispatch, render, check: checks?.check ?? null, readBody: checks?.needsBody ?? false, bodyLimit: env.bodyLimit, tags: r.tags ?? {} };
}

interface PreparedBody {
  template: Template | null;
  buffer: Buffer | null;
  contentType?: string;
}

function prepareBody(r: AnyRequest, where: string, tpl: (text: string, escape: Escape, what: string) => Template, problems: string[]): PreparedBody {
  if (r.body !== undefined) return { template: tpl(r.body, 'raw', 'body'), buffer: null };
  if (r.json !== undefined) return { template: tpl(JSON.stringify(r.json), 'json', 'json body'), buffer: null, contentType: 'application/json' };
  if (r.form !== undefined) {
    // Literal text is percent-encoded here, template values when rendered.
    const encoded = Object.entries(r.form)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeLiteralParts(v)}`)
      .join('&');
    return { template: tpl(encoded, 'uri', 'form body'), buffer: null, contentType: 'application/x-www-form-urlencoded' };
  }
  if (r.multipart !== undefined) return multipartBody(r.multipart, where, tpl, problems);
  return { template: null, buffer: null };
}

/** Percent-encodes the text outside `{{ }}` (the template values are encoded when rendered). */
function encodeLiteralParts(v: string): string {
  return v
    .split(/(\{\{.*?\}\})/)
    .map((part) => (part.startsWith('{{') ? part : encodeURIComponent(part)))
    .join('');
}

function multipartBody(spec: NonNullable<AnyRequest['multipart']>, where: string, tpl: (text: string, escape: Escape, what: string) => Template, problems: string[]): PreparedBody {
  const boundary = `----scaleproof${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
  const parts: Buffer[] = [];
  const quote = (s: string) => s.replace(/["\r\n\\]/g, '_');
  for (const [name, value] of Object.entries(spec.fields)) {
    const t = tpl(value, 'raw', `multipart field "${name}"`);
    if (t.constant === null) problems.push(`${where}: multipart field "${name}": only env and vars templates are allowed in multipart fields`);
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${quote(name)}"\r\n\r\n${t.constant ?? ''}\r\n`));
  }
  for (const [name, file] of Object.entries(spec.files)) {
    let data: Buffer = Buffer.alloc(0);
    try {
      data = readFileSync(file.path);
    } catch (err) {
      problems.push(`${where}: multipart file "${name}": cannot read ${file.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const filename = file.filename ?? path.basename(file.path);
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${quote(name)}"; filename="${quote(filename)}"\r\ncontent-type: ${file.content_type}\r\n\r\n`), data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { template: null, buffer: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
