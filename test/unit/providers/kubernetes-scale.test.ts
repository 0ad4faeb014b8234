/**
 * The pure parts of the kubernetes provider's generic mode (an HPA target that is neither a
 * Deployment nor a StatefulSet): apiVersion splitting, finding the kind and its /scale in an
 * APIResourceList, the Scale's selector, the summary and warning, and the permissions asked.
 */
import { describe, expect, test } from 'vitest';
import { permissionLabel, permissionsNeeded, roleYaml } from '../../../providers/kubernetes/access.js';
import { discoveryPath, findScaleTarget, scaleSelector, scaleTargetSummary, scaleTargetWarning, splitApiVersion, type ApiResource } from '../../../providers/kubernetes/scale.js';

const ARGO: ApiResource[] = [
  { name: 'rollouts', kind: 'Rollout', namespaced: true, verbs: ['get', 'list', 'watch'] },
  { name: 'rollouts/scale', kind: 'Scale', namespaced: true, verbs: ['get', 'patch', 'update'] },
  { name: 'rollouts/status', kind: 'Rollout', namespaced: true, verbs: ['get', 'patch', 'update'] },
  { name: 'analysisruns', kind: 'AnalysisRun', namespaced: true, verbs: ['get', 'list'] },
  { name: 'analysisruns/status', kind: 'AnalysisRun', namespaced: true, verbs: ['get'] },
];

describe('generic mode: discovery', () => {
  test('apiVersion -> group and version; core for v1 or nothing; discovery paths', () => {
    expect(splitApiVersion('argoproj.io/v1alpha1')).toEqual({ group: 'argoproj.io', version: 'v1alpha1' });
    expect(splitApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(splitApiVersion(undefined)).toEqual({ group: '', version: 'v1' });
    expect(discoveryPath('argoproj.io', 'v1alpha1')).toBe('/apis/argoproj.io/v1alpha1');
    expect(discoveryPath('', 'v1')).toBe('/api/v1');
  });

  test('finds the kind by its top-level resource and requires {plural}/scale', () => {
    expect(findScaleTarget(ARGO, { kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1' })).toEqual({
      ok: true,
      target: { kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', namespaced: true },
    });
    // AnalysisRun is served, but has no scale subresource (only a status one).
    const noScale = findScaleTarget(ARGO, { kind: 'AnalysisRun', apiVersion: 'argoproj.io/v1alpha1' });
    expect(noScale).toMatchObject({ ok: false, reason: 'no-scale' });
    expect(!noScale.ok && noScale.message).toMatch(/^AnalysisRun \(analysisruns in argoproj\.io\/v1alpha1\) has no scale subresource \(analysisruns\/scale\), so the HPA cannot scale it either/);
    // A subresource's kind (Scale) is not a kind the HPA could target.
    const scaleKind = findScaleTarget(ARGO, { kind: 'Scale', apiVersion: 'argoproj.io/v1alpha1' });
    expect(scaleKind).toMatchObject({ ok: false, reason: 'no-kind' });
    expect(!scaleKind.ok && scaleKind.message).toMatch(/serves no kind Scale in argoproj\.io\/v1alpha1 \(it serves AnalysisRun, Rollout\)/);
    // Core group: a ReplicationController has one.
    const core: ApiResource[] = [
      { name: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true },
      { name: 'replicationcontrollers/scale', kind: 'Scale', namespaced: true },
    ];
    expect(findScaleTarget(core, { kind: 'ReplicationController', apiVersion: 'v1' })).toMatchObject({ ok: true, target: { group: '', version: 'v1', apiVersion: 'v1', plural: 'replicationcontrollers' } });
    expect(findScaleTarget([], { kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1' })).toMatchObject({ ok: false, reason: 'no-kind' });
  });

  test("the Scale's selector string (the HPA refuses an empty one)", () => {
    expect(scaleSelector({ status: { replicas: 2, selector: 'app=web,tier in (a,b)' } })).toBe('app=web,tier in (a,b)');
    expect(scaleSelector({ status: { replicas: 2, selector: '  ' } })).toBeUndefined();
    expect(scaleSelector({ spec: { replicas: 2 } })).toBeUndefined();
  });

  test('summary and design warning', () => {
    const t = { kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', namespaced: true };
    expect(scaleTargetSummary(t, 'prod', 'web')).toBe('Kubernetes Rollout prod/web (argoproj.io/v1alpha1, via the scale subresource)');
    const w = scaleTargetWarning(t, 'web');
    expect(w).toMatch(/^Rollout web is followed through its scale subresource only/);
    expect(w).toContain('rollouts/scale spec.replicas');
    expect(w).toMatch(/status\.selector/);
    expect(w).toMatch(/\(rollout or canary progress, paused steps, observedGeneration\) is not read for this kind$/);
  });
});

describe('generic mode: permissions', () => {
  test('get {plural}/scale (required), get {plural} (optional), list pods required; no apps permissions', () => {
    const perms = permissionsNeeded({ hpa: true, podMetrics: true, scale: { kind: 'Rollout', group: 'argoproj.io', plural: 'rollouts' } });
    const required = perms.filter((p) => p.required).map(permissionLabel);
    expect(required).toEqual(['get rollouts/scale.argoproj.io', 'list pods', 'get horizontalpodautoscalers.autoscaling', 'list horizontalpodautoscalers.autoscaling']);
    expect(perms.find((p) => p.resource === 'rollouts')).toMatchObject({ verb: 'get', required: false, without: expect.stringMatching(/pod template is not read/) });
    expect(perms.some((p) => p.group === 'apps')).toBe(false);
    const role = roleYaml('prod', perms);
    expect(role).toContain('  - apiGroups: ["argoproj.io"]\n    resources: ["rollouts/scale", "rollouts"]\n    verbs: ["get"]');
    // The Deployment mode is unchanged.
    expect(permissionsNeeded({ hpa: true, podMetrics: false }).filter((p) => p.required).map(permissionLabel)).toEqual([
      'get deployments.apps',
      'list deployments.apps',
      'get horizontalpodautoscalers.autoscaling',
      'list horizontalpodautoscalers.autoscaling',
    ]);
  });
});
