/** The examples in docs/examples/ must stay valid: the suite, and the suite + profile in the CronJob. */
import fs from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSuite } from '../../../src/audit/suite.js';
import { profileSchema } from '../../../src/profile/schema.js';

const read = (f: string) => fs.readFileSync(`docs/examples/${f}`, 'utf8');

describe('docs/examples', () => {
  it('suite.yaml is a valid suite', () => {
    const suite = parseSuite(read('suite.yaml'));
    expect(suite.profiles.length).toBeGreaterThan(0);
    for (const p of suite.profiles) expect(fs.existsSync(p), p).toBe(true);
  });

  it('the CronJob mounts a valid suite and profile and only grants read verbs', () => {
    const docs = parseAllDocuments(read('kubernetes-cronjob-audit.yaml')).map((d) => d.toJS() as Record<string, any>);
    const kinds = docs.map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'CronJob']));
    const cm = docs.find((d) => d.kind === 'ConfigMap')!;
    parseSuite(cm.data['suite.yaml']);
    const profile = profileSchema.safeParse(parse(cm.data['web-step.yaml']));
    expect(profile.success, JSON.stringify(profile.error?.issues)).toBe(true);
    const role = docs.find((d) => d.kind === 'Role')!;
    const verbs = new Set(role.rules.flatMap((r: { verbs: string[] }) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    const job = docs.find((d) => d.kind === 'CronJob')!;
    expect(job.spec.jobTemplate.spec.template.spec.serviceAccountName).toBe('scaleproof-audit');
  });

  it('the workflow is scheduled, uploads the reports and writes the job summary', () => {
    const wf = parse(read('github-actions-weekly-audit.yml')) as Record<string, any>;
    expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* \d$/);
    const steps: Array<Record<string, any>> = wf.jobs.audit.steps;
    expect(steps.some((s) => String(s.uses).startsWith('actions/upload-artifact'))).toBe(true);
    expect(steps.some((s) => String(s.run ?? '').includes('GITHUB_STEP_SUMMARY'))).toBe(true);
    expect(steps.some((s) => String(s.run ?? '').includes('scaleproof audit'))).toBe(true);
  });
});
