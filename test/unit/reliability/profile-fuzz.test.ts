/**
 * Bad profiles, generated: random text, random YAML documents, and valid profiles with one part
 * mutated. Each must either load or be refused with a ProfileError / UsageError (exit 2) whose
 * message names the problem (a field path or a YAML position); never another error, never slow.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ProfileError, UsageError } from '../../../src/errors.js';
import { parseProfile } from '../../../src/profile/load-profile.js';
import { providers } from '../../../providers/index.js';

const opts = {
  providerNames: Object.keys(providers).sort(),
  providerSettings: async (name: string) => providers[name]?.settings(),
};

const VALID = {
  name: 'fuzz',
  provider: { name: 'local', poll_interval: '1s', settings: { replicas: { min: 1, max: 4 } } },
  load: {
    start: 5,
    stages: [{ name: 'up', duration: '30s', rate: 50 }, { duration: '1m', rate: 50 }],
    requests: [{ name: 'home', path: '/', headers: { Accept: 'text/html' } }, { name: 'api', method: 'POST', path: '/api', json: { a: 1 }, weight: 2 }],
    timeout: '5s',
  },
  observe_after: '30s',
  targets: { error_rate: '1%', latency: { p95: '300ms' }, autoscaling: { scale_up_time: '1m', max_instances: 4 }, requests: { api: { p99: '1s' } } },
  abort_when: { error_rate: { above: '50%', for: '30s' }, replicas_at_max: { for: '2m' } },
  limits: { max_duration: '2h', max_rate: 1000 },
};

/** What loading said: ok, or the refusal; anything else fails the property. */
async function outcome(text: string): Promise<'ok' | 'refused'> {
  try {
    await parseProfile(text, 'fuzz.yaml', opts);
    return 'ok';
  } catch (err) {
    if (!(err instanceof ProfileError || err instanceof UsageError)) throw err;
    expect(err.exitCode).toBe(2);
    if (err instanceof ProfileError) {
      expect(err.issues.length).toBeGreaterThan(0);
      for (const issue of err.issues) {
        expect(issue.message.trim().length).toBeGreaterThan(3);
        // Located in the file, or at a named field.
        expect(issue.line !== undefined || issue.path !== '').toBe(true);
      }
      expect(err.message).toMatch(/^invalid profile \(\d+ problems?\):\nfuzz\.yaml/);
    }
    return 'refused';
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Replace, delete or add at a random path of a copy of `VALID`. */
function mutate(doc: Json, steps: number[], action: 'replace' | 'delete' | 'add', value: Json, key: string): Json {
  const copy = structuredClone(doc);
  let node: Json = copy;
  for (const step of steps) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = keys[step % keys.length]!;
    const child = (node as Record<string, Json>)[k]!;
    if (child === null || typeof child !== 'object' || step % 5 === 0) {
      if (action === 'delete') delete (node as Record<string, Json>)[k];
      else if (action === 'add' && !Array.isArray(node)) (node as Record<string, Json>)[key] = value;
      else (node as Record<string, Json>)[k] = value;
      return copy;
    }
    node = child;
  }
  return copy;
}

const weird = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>('', '0s', '-1s', '1e309', '100%', '101%', '-5%', 'NaN', 'Infinity', '1h1h', '5 m', '10000000h', 1e21, -1, 0, 0.5, 1.5, 2 ** 53, true, null, [], {}, '/', 'http://', 'ftp://x', '${HOME}'),
);

describe('bad profiles (in process)', () => {
  it('the base profile is valid', async () => {
    expect(await outcome(stringify(VALID))).toBe('ok');
  });

  it('random text: loads or is refused with a located message (300 cases)', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (text) => void (await outcome(text))), { numRuns: 300 });
  });

  it('random YAML documents (300 cases)', async () => {
    const docs = fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('name', 'provider', 'load', 'targets', 'abort_when', 'limits', 'observe_after', 'extra'), fc.jsonValue()));
    await fc.assert(fc.asyncProperty(docs, async (doc) => void (await outcome(stringify(doc)))), { numRuns: 300 });
  });

  it('mutated valid profiles: refused ones name a field (400 cases)', async () => {
    const arb = fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.constantFrom('replace', 'delete', 'add' as const), weird, fc.string({ maxLength: 12 }));
    await fc.assert(
      fc.asyncProperty(arb, async ([steps, action, value, key]) => {
        const doc = mutate(VALID as unknown as Json, steps, action as 'replace' | 'delete' | 'add', value, key);
        await outcome(stringify(doc));
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ['deeply nested flow sequences', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['deeply nested mappings', `${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1`],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]`],
    ['a NUL byte', 'name: a\u0000b'],
    ['a huge number of stages', `load: { url: "http://127.0.0.1:1", stages: [${Array(20000).fill('{duration: 1s, rate: 1}').join(',')}] }`],
    ['a multi-document file', 'name: a\n---\nname: b'],
    ['tabs for indentation', 'load:\n\tstages: []'],
    ['a key given twice', 'name: a\nname: b'],
  ])(
    '%s: refused (or loaded) without a crash or a hang',
    async (_name, text) => {
      await outcome(text);
    },
    // A hang guard, not a speed claim: an alias bomb or a quadratic blow-up would run for minutes.
    20_000,
  );
});
