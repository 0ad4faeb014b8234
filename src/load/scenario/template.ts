/**
 * `{{ … }}` templates in paths, header values and bodies, compiled once before the load into a
 * list of literal pieces and generators, so rendering a request is a string concatenation.
 *
 *   {{ seq }}               the arrival's sequence number (1, 2, …; unique across workers)
 *   {{ uuid }}              a random UUID v4
 *   {{ randomInt 1 100 }}   a random whole number in [1, 100]
 *   {{ pick queries }}      a random value of the list `load.data.queries`
 *   {{ env.NAME }}          an environment variable (resolved once)
 *   {{ vars.token }}        a value captured by the setup requests (resolved once)
 *
 * Values are escaped for where they land (`escape`): percent-encoded in a path or form,
 * JSON-string-escaped in a JSON body, raw in headers and raw bodies. A template that only uses
 * env and vars is constant, and the request stays pre-built.
 */
import { randomUUID } from 'node:crypto';

export type Escape = 'raw' | 'uri' | 'json';

export interface TemplateContext {
  data: Readonly<Record<string, ReadonlyArray<string | number>>>;
  env: Readonly<Record<string, string | undefined>>;
  vars: Readonly<Record<string, string>>;
}

/** A compiled template: `constant` is set when it needs nothing per request. */
export interface Template {
  constant: string | null;
  render(seq: number): string;
}

type Piece = string | ((seq: number) => string);

const EXPR = /\{\{\s*(.*?)\s*\}\}/g;

/** Compiles `text`; unknown expressions, variables and lists are added to `problems`. */
export function compileTemplate(text: string, ctx: TemplateContext, escape: Escape, problems: string[], where: string): Template {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(EXPR)) {
    pieces.push(text.slice(last, m.index));
    pieces.push(compileExpr(m[1], ctx, escape, problems, where));
    last = m.index + m[0].length;
  }
  pieces.push(text.slice(last));
  const merged: Piece[] = [];
  for (const p of pieces) {
    const prev = merged.at(-1);
    if (typeof p === 'string' && typeof prev === 'string') merged[merged.length - 1] = prev + p;
    else if (p !== '') merged.push(p);
  }
  if (merged.every((p) => typeof p === 'string')) {
    const constant = merged.join('');
    return { constant, render: () => constant };
  }
  return {
    constant: null,
    render: (seq) => {
      let out = '';
      for (const p of merged) out += typeof p === 'string' ? p : p(seq);
      return out;
    },
  };
}

export function hasTemplate(text: string): boolean {
  return /\{\{.*?\}\}/.test(text);
}

function escaper(escape: Escape): (v: string) => string {
  if (escape === 'uri') return encodeURIComponent;
  if (escape === 'json') return (v) => JSON.stringify(v).slice(1, -1);
  return (v) => v;
}

function compileExpr(expr: string, ctx: TemplateContext, escape: Escape, problems: string[], where: string): Piece {
  const esc = escaper(escape);
  const [fn, ...args] = expr.split(/\s+/);
  if (fn === 'seq' && args.length === 0) return (seq) => String(seq);
  if (fn === 'uuid' && args.length === 0) return () => randomUUID();
  if (fn === 'randomInt' && args.length === 2) {
    const [lo, hi] = args.map(Number);
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi) {
      problems.push(`${where}: randomInt needs two whole numbers, low then high: {{ ${expr} }}`);
      return '';
    }
    return () => String(lo + Math.floor(Math.random() * (hi - lo + 1)));
  }
  if (fn === 'pick' && args.length === 1) {
    const list = ctx.data[args[0]];
    if (!list || list.length === 0) {
      problems.push(`${where}: no list "${args[0]}" in load.data (have: ${Object.keys(ctx.data).join(', ') || 'none'})`);
      return '';
    }
    const values = list.map((v) => esc(String(v)));
    return () => values[Math.floor(Math.random() * values.length)];
  }
  const ref = /^(env|vars)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
  if (ref && ref[1] === 'env') {
    const v = ctx.env[ref[2]];
    if (v === undefined) problems.push(`${where}: environment variable ${ref[2]} is not set`);
    return esc(v ?? '');
  }
  if (ref && ref[1] === 'vars') {
    const v = ctx.vars[ref[2]];
    if (v === undefined) problems.push(`${where}: no captured value "${ref[2]}" (capture it in load.setup)`);
    return esc(v ?? '');
  }
  problems.push(`${where}: unknown template {{ ${expr} }} (use seq, uuid, randomInt A B, pick LIST, env.NAME, vars.NAME)`);
  return '';
}
