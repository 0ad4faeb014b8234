import { describe, expect, it } from 'vitest';
import { compileTemplate, type TemplateContext } from '../../../src/load/scenario/template.js';

const ctx: TemplateContext = { data: { q: ['a b', 'c"d'], n: [7] }, env: { API_KEY: 'k-123' }, vars: { token: 'tok' } };

function compile(text: string, escape: 'raw' | 'uri' | 'json' = 'raw') {
  const problems: string[] = [];
  const t = compileTemplate(text, ctx, escape, problems, 'test');
  return { t, problems };
}

describe('templates', () => {
  it('resolves env and vars once: the template stays constant', () => {
    const { t, problems } = compile('Bearer {{ vars.token }} {{env.API_KEY}}');
    expect(problems).toEqual([]);
    expect(t.constant).toBe('Bearer tok k-123');
  });

  it('renders seq, uuid, randomInt and pick per request', () => {
    const { t, problems } = compile('/x/{{ seq }}/{{ uuid }}/{{ randomInt 3 5 }}/{{ pick n }}');
    expect(problems).toEqual([]);
    expect(t.constant).toBeNull();
    const seen = new Set<string>();
    for (let i = 1; i <= 50; i++) {
      const m = /^\/x\/(\d+)\/([0-9a-f-]{36})\/(\d)\/7$/.exec(t.render(i));
      expect(m?.[1]).toBe(String(i));
      expect(Number(m?.[3])).toBeGreaterThanOrEqual(3);
      expect(Number(m?.[3])).toBeLessThanOrEqual(5);
      seen.add(m?.[2] ?? '');
    }
    expect(seen.size).toBe(50);
  });

  it('escapes values for where they land', () => {
    const uri = compile('/s?q={{ pick q }}', 'uri').t;
    const json = compile('{"q":"{{ pick q }}"}', 'json').t;
    for (let i = 0; i < 20; i++) {
      expect(['/s?q=a%20b', '/s?q=c%22d']).toContain(uri.render(i));
      expect(['a b', 'c"d']).toContain((JSON.parse(json.render(i)) as { q: string }).q);
    }
  });

  it('reports unknown expressions, lists, variables and env vars without their values', () => {
    const { problems } = compile('{{ nope }} {{ pick zz }} {{ vars.missing }} {{ env.UNSET_VAR_X }} {{ randomInt 5 1 }}');
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/unknown template \{\{ nope \}\}/);
    expect(problems.join('\n')).toMatch(/no list "zz"/);
    expect(problems.join('\n')).toMatch(/no captured value "missing"/);
    expect(problems.join('\n')).toMatch(/UNSET_VAR_X is not set/);
  });
});
