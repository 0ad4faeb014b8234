import { describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCES, parseSuite } from '../../../src/audit/suite.js';
import { UsageError } from '../../../src/errors.js';

describe('parseSuite', () => {
  it('reads profiles in order, converts human units, and fills defaults', () => {
    const suite = parseSuite(`
name: weekly
profiles: [profiles/b.yaml, profiles/a.yaml]
history: audit-history
baseline: audit-history/2026-01-05T0900-step
tolerances:
  scale_up_time: { increase: 45s, ratio: 10% }
  error_rate: { increase: 1% }
`);
    expect(suite.profiles).toEqual(['profiles/b.yaml', 'profiles/a.yaml']);
    expect(suite.baseline).toBe('audit-history/2026-01-05T0900-step');
    expect(suite.tolerances.scale_up_time).toEqual({ increase: 45_000, ratio: 0.1 });
    expect(suite.tolerances.error_rate).toEqual({ increase: 0.01 });
    expect(suite.tolerances.p95).toEqual(DEFAULT_TOLERANCES.p95);
  });

  it('defaults history and baseline', () => {
    const suite = parseSuite('profiles: [p.yaml]');
    expect(suite.history).toBe('audit-history');
    expect(suite.baseline).toBe('previous');
    expect(suite.tolerances).toEqual(DEFAULT_TOLERANCES);
  });

  it('lists every problem with its path', () => {
    expect(() => parseSuite('profiles: []\ntolerances:\n  p95: { increase: fast }\n  latency: {}\n')).toThrow(UsageError);
    try {
      parseSuite('profiles: []\ntolerances:\n  p95: { increase: fast }\n  latency: {}\n', 'suite.yaml');
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toContain('profiles: list at least one profile');
      expect(msg).toContain('tolerances.p95.increase');
      expect(msg).toContain('latency');
    }
  });

  it('reports broken YAML as a usage error', () => {
    expect(() => parseSuite('profiles: [a\n', 'x.yaml')).toThrow(/x.yaml is not valid YAML/);
  });
});
