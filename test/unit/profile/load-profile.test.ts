import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProfileError, UsageError, type ProfileIssue } from '../../../src/errors.js';
import { loadProfile, parseProfile, type LoadProfileOptions } from '../../../src/profile/load-profile.js';

const dir = mkdtempSync(path.join(tmpdir(), 'scaleproof-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const testSettings = z.strictObject({
  replicas: z.number().int().min(1).default(1),
  command: z.string().optional(),
});

const opts: LoadProfileOptions = {
  providerNames: ['aws-ecs', 'kubernetes', 'local'],
  providerSettings: async (name) => (name === 'local' ? testSettings : undefined),
};

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** Writes the YAML to a file, loads it, and returns the issues of the ProfileError it must throw. */
async function issuesOf(yaml: string): Promise<ProfileIssue[]> {
  const file = path.join(dir, `p${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const err = await loadProfile(file, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProfileError);
  expect((err as ProfileError).exitCode).toBe(2);
  expect((err as ProfileError).file).toBe(file);
  return [...(err as ProfileError).issues];
}

/** The one issue a profile must produce. */
async function onlyIssue(yaml: string): Promise<ProfileIssue> {
  const issues = await issuesOf(yaml);
  expect(issues).toHaveLength(1);
  return issues[0];
}

const OPEN_LOAD = ['load:', '  url: http://127.0.0.1:8080', '  stages:', '    - duration: 1m', '      rate: 10'];

describe('loadProfile: bad profiles are reported at their line and column', () => {
  it('YAML syntax error', async () => {
    const i = await onlyIssue(lines('load:', '  stages: [1, 2', 'targets: {}'));
    expect(i).toMatchObject({ line: 3, column: 1 });
    expect(i.message).toMatch(/^YAML syntax: .*\]/);
  });

  it('duplicate YAML key', async () => {
    const i = await onlyIssue(lines(...OPEN_LOAD, 'name: a', 'name: b'));
    expect(i).toMatchObject({ line: 7, column: 1 });
    expect(i.message).toContain('unique');
  });

  it('empty file', async () => {
    const i = await onlyIssue('# nothing here yet\n');
    expect(i).toMatchObject({ path: '', line: 1, column: 1 });
    expect(i.message).toBe('the file is empty: a profile needs a load, a provider, or both');
  });

  it('a list where the profile mapping belongs', async () => {
    const i = await onlyIssue(lines('- load'));
    expect(i).toMatchObject({ path: '', line: 1, column: 1, message: 'expected a mapping (key: value lines), got a list' });
  });

  it('wrong type: text where a number belongs', async () => {
    const i = await onlyIssue(lines('load:', '  url: http://127.0.0.1:8080', '  stages:', '    - duration: 1m', '      rate: abc'));
    expect(i).toEqual({ path: 'load.stages[0].rate', line: 5, column: 13, message: 'expected a number, got string "abc"' });
  });

  it('duration without a unit', async () => {
    const i = await onlyIssue(lines('load:', '  url: http://127.0.0.1:8080', '  stages:', '    - duration: 90', '      rate: 10'));
    expect(i).toMatchObject({ path: 'load.stages[0].duration', line: 4, column: 17 });
    expect(i.message).toBe('expected a duration with a unit, like 90s, 5m, 1m30s or 250ms, got 90');
  });

  it('percentage above 100%', async () => {
    const i = await onlyIssue(lines(...OPEN_LOAD, 'targets:', '  error_rate: 150%'));
    expect(i).toMatchObject({ path: 'targets.error_rate', line: 7, column: 15 });
    expect(i.message).toMatch(/^expected a percentage like 1% .*\(at most 100%\), got string "150%"$/);
  });

  it('fraction above 1 is reported once, in the schema\'s words', async () => {
    const i = await onlyIssue(lines(...OPEN_LOAD, 'targets:', '  cpu:', '    max: 1.5'));
    expect(i).toMatchObject({ path: 'targets.cpu.max', line: 8, column: 10 });
    expect(i.message).toMatch(/^expected a percentage .*, got 1\.5$/);
  });

  it('unknown top-level key, with the closest allowed key', async () => {
    const i = await onlyIssue(lines(...OPEN_LOAD, 'nmae: demo'));
    expect(i).toEqual({ path: 'nmae', line: 6, column: 1, message: 'unknown key "nmae"; did you mean "name"?' });
  });

  it('unknown nested key with no close match lists the allowed keys', async () => {
    const i = await onlyIssue(lines(...OPEN_LOAD, 'targets:', '  latency:', '    p100: 1s'));
    expect(i).toMatchObject({ path: 'targets.latency.p100', line: 8, column: 5 });
    expect(i.message).toBe('unknown key "p100" (allowed here: p50, p90, p95, p99, p999, max)');
  });

  it('misspelt key inside a list item', async () => {
    const i = await onlyIssue(lines('load:', '  url: http://127.0.0.1:8080', '  stages:', '    - duration: 1m', '      rate: 10', '      nme: warm'));
    expect(i).toEqual({ path: 'load.stages[0].nme', line: 6, column: 7, message: 'unknown key "nme"; did you mean "name"?' });
  });

  it('missing stages points at the parent key', async () => {
    const i = await onlyIssue(lines('name: x', 'load:', '  url: http://127.0.0.1:8080'));
    expect(i).toEqual({ path: 'load.stages', line: 2, column: 1, message: 'required but missing: expected a list' });
  });

  it('missing duration in a stage points at the list item', async () => {
    const i = await onlyIssue(lines('load:', '  url: http://127.0.0.1:8080', '  stages:', '    - rate: 10'));
    expect(i).toMatchObject({ path: 'load.stages[0].duration', line: 4, column: 7 });
    expect(i.message).toMatch(/^required but missing: expected a duration with a unit/);
  });

  it('rate on a closed model', async () => {
    const i = await onlyIssue(lines('load:', '  url: http://127.0.0.1:8080', '  model: closed', '  stages:', '    - duration: 1m', '      vus: 5', '      rate: 10'));
    expect(i).toEqual({ path: 'load.stages[0].rate', line: 7, column: 13, message: 'rate belongs to the open model; this load is closed (use vus)' });
  });

  it('enum value lists the allowed values', async () => {
    const i = await onlyIssue(lines('load:', '  url: http://127.0.0.1:8080', '  model: opn', '  stages:', '    - duration: 1m', '      rate: 10'));
    expect(i).toEqual({ path: 'load.model', line: 3, column: 10, message: 'expected one of open, closed, got string "opn"; did you mean "open"?' });
  });

  it('unknown provider name lists the registered ones', async () => {
    const i = await onlyIssue(lines('provider:', '  name: locl'));
    expect(i).toEqual({ path: 'provider.name', line: 2, column: 9, message: 'unknown provider "locl"; did you mean "local"? (available: aws-ecs, kubernetes, local)' });
  });

  it('bad provider setting, checked with that provider\'s schema', async () => {
    const issues = await issuesOf(lines('provider:', '  name: local', '  settings:', '    replicas: 0', '    comand: ./server'));
    expect(issues).toEqual([
      { path: 'provider.settings.replicas', line: 4, column: 15, message: 'expected at least 1, got 0' },
      { path: 'provider.settings.comand', line: 5, column: 5, message: 'unknown key "comand"; did you mean "command"?' },
    ]);
  });

  it('targets.requests naming an unknown request', async () => {
    const i = await onlyIssue(lines(...OPEN_LOAD, '  requests:', '    - name: home', 'targets:', '  requests:', '    search:', '      p95: 500ms'));
    expect(i).toEqual({ path: 'targets.requests.search', line: 10, column: 5, message: 'no request named "search" in load.requests (have: home)' });
  });

  it('min_instances above max_instances', async () => {
    const i = await onlyIssue(lines(...OPEN_LOAD, 'targets:', '  autoscaling:', '    min_instances: 5', '    max_instances: 2'));
    expect(i).toEqual({ path: 'targets.autoscaling.min_instances', line: 8, column: 20, message: 'min_instances (5) is above max_instances (2)' });
  });

  it('duplicate request names', async () => {
    const i = await onlyIssue(lines(...OPEN_LOAD, '  requests:', '    - name: home', '    - name: home', '      path: /other'));
    expect(i).toEqual({ path: 'load.requests[1].name', line: 8, column: 13, message: 'duplicate request name "home"' });
  });

  it('neither load nor provider', async () => {
    const i = await onlyIssue(lines('name: nothing-to-do'));
    expect(i).toMatchObject({ path: '', line: 1, column: 1, message: 'a profile needs a load, a provider, or both' });
  });

  it('empty value where a mapping belongs', async () => {
    const i = await onlyIssue(lines('name: x', 'load:'));
    expect(i).toEqual({ path: 'load', line: 2, column: 1, message: 'expected a mapping (key: value lines), got an empty value' });
  });

  it('an alias to no anchor', async () => {
    const i = await onlyIssue(lines(...OPEN_LOAD, 'targets:', '  latency: *limits'));
    expect(i).toMatchObject({ line: 7, column: 12 });
    expect(i.message).toContain('*limits');
  });

  it('reports every problem at once, in file order', async () => {
    const issues = await issuesOf(
      lines('nmae: x', 'type: soak', 'provider:', '  name: local', '  settings:', '    replicas: many', 'load:', '  stages:', '    - duration: 90', '      rate: -1', 'targets:', '  throughput: lots'),
    );
    expect(issues.map((i) => `${i.line}:${i.column} ${i.path}`)).toEqual([
      '1:1 nmae',
      '2:7 type',
      '6:15 provider.settings.replicas',
      '9:17 load.stages[0].duration',
      '10:13 load.stages[0].rate',
      '12:15 targets.throughput',
    ]);
    expect(issues[1].message).toBe('expected one of load, stress, spike, endurance, scalability, got string "soak"');
    expect(issues[2].message).toBe('expected a number, got string "many"');
    expect(issues[4].message).toBe('expected 0 or more, got -1');
  });

  it('the error message carries file:line:column and the field path', async () => {
    const file = path.join(dir, 'msg.yaml');
    writeFileSync(file, lines(...OPEN_LOAD, 'observe_after: 5'));
    await expect(loadProfile(file, opts)).rejects.toThrow(`${file}:6:16: observe_after: expected a duration with a unit, like 90s, 5m, 1m30s or 250ms, got 5`);
  });
});

describe('loadProfile: files and valid profiles', () => {
  it('a missing file is a usage error (exit 2)', async () => {
    const err = await loadProfile(path.join(dir, 'nope.yaml'), opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toContain('nope.yaml');
  });

  it('a valid profile loads with units converted and defaults filled', async () => {
    const file = path.join(dir, 'valid.yaml');
    writeFileSync(
      file,
      lines(
        'name: quick',
        'provider:',
        '  name: local',
        '  poll_interval: 2s',
        '  settings:',
        '    command: ./server',
        'load:',
        '  stages:',
        '    - duration: 1m30s',
        '      rate: 20',
        '    - duration: 250ms',
        '      rate: 0',
        'observe_after: 5m',
        'targets:',
        '  error_rate: 1%',
        '  latency: { p95: 500ms }',
        '  cpu: { target: 0.7 }',
      ),
    );
    const p = await loadProfile(file, opts);
    expect(p.name).toBe('quick');
    expect(p.provider).toEqual({ name: 'local', poll_interval: 2000, settings: { command: './server' } });
    expect(p.load?.stages).toEqual([
      { duration: 90_000, rate: 20 },
      { duration: 250, rate: 0 },
    ]);
    expect(p.load).toMatchObject({ model: 'open', start: 0, connections: 50, max_in_flight: 2000, timeout: 10_000, think_time: 0, window: 1000 });
    expect(p.load?.requests).toEqual([{ name: 'root', method: 'GET', path: '/', weight: 1, headers: {}, tags: {} }]);
    expect(p.observe_after).toBe(300_000);
    expect(p.targets).toEqual({ error_rate: 0.01, latency: { p95: 500 }, cpu: { target: 0.7 } });
    expect(p.analysis).toEqual({ flap_window: 300_000, throughput_window: 10_000 });
  });

  it('a load-only profile needs no provider and applies the provider-free defaults', async () => {
    const p = await parseProfile(lines(...OPEN_LOAD), 'inline.yaml', opts);
    expect(p.provider).toBeUndefined();
    expect(p.targets).toEqual({});
  });

  it('provider settings are not checked when the registry has no schema for them', async () => {
    const p = await parseProfile(lines('provider:', '  name: kubernetes', '  settings: { anything: 1 }'), 'k.yaml', opts);
    expect(p.provider?.settings).toEqual({ anything: 1 });
  });
});
