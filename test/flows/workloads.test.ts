import { FlowEndpoint, parseHubbleFlows } from '../../lib/flows/hubble';
import { inferPlan } from '../../lib/flows/infer';
import { chooseSelectors, stableLabels, workloadName } from '../../lib/flows/workloads';
import { fixtureText } from './support';

const endpoint = (labels: string[], extra: Partial<FlowEndpoint> = {}): FlowEndpoint => ({ namespace: 'shop', labels, ...extra });

describe('stable workload labels', () => {
  test('drop rollout, replica and bookkeeping labels', () => {
    // GIVEN a StatefulSet pod and a Job pod as Cilium records them
    const labels = stableLabels(endpoint([
      'k8s:app.kubernetes.io/name=postgres', 'k8s:controller-revision-hash=orders-db-5f7c8d9b4', 'k8s:statefulset.kubernetes.io/pod-name=orders-db-0',
      'k8s:apps.kubernetes.io/pod-index=0', 'k8s:pod-template-hash=6d9f7c5b8', 'k8s:pod-template-generation=3',
      'k8s:batch.kubernetes.io/controller-uid=0b1c', 'k8s:batch.kubernetes.io/job-name=migrate-28901', 'k8s:job-name=migrate-28901', 'k8s:controller-uid=0b1c',
      'k8s:io.kubernetes.pod.namespace=shop', 'k8s:io.cilium.k8s.policy.serviceaccount=default', 'k8s:io.cilium.k8s.namespace.labels.team=a',
      'reserved:init', 'container:foo=bar', 'k8s:tier=db',
    ]));
    // THEN only the application's labels remain, sorted
    expect(labels).toEqual({ 'app.kubernetes.io/name': 'postgres', 'tier': 'db' });
  });

  test('keep values containing "=" and labels without value', () => {
    expect(stableLabels(endpoint(['k8s:config=a=b', 'k8s:canary']))).toEqual({ canary: '', config: 'a=b' });
  });

  test('pod-template-hash never reaches a selector of the shop plan', () => {
    // GIVEN the shop capture, with two ReplicaSets of the storefront (a rollout mid-capture)
    const plan = inferPlan(parseHubbleFlows(fixtureText('shop.jsonl')).flows);
    const selectors = plan.namespaces.flatMap(n => n.workloads.map(w => w.selector));
    // THEN no selector names an unstable label, and both storefront ReplicaSets are one workload
    for (const selector of selectors) {
      for (const key of ['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index']) {
        expect(Object.keys(selector)).not.toContain(key);
      }
    }
    expect(plan.namespaces.find(n => n.name === 'shop-web')!.workloads.map(w => w.name)).toEqual(['checkout', 'storefront']);
  });
});

describe('chooseSelectors', () => {
  test('prefers app.kubernetes.io/name, then app, alone when it tells the workloads apart', () => {
    const chosen = chooseSelectors([
      { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'orders' },
      { app: 'redis', tier: 'cache' },
      { team: 'x', role: 'worker' },
    ]);
    expect(chosen).toEqual([
      { selector: { 'app.kubernetes.io/name': 'postgres' }, ambiguous: false },
      { selector: { app: 'redis' }, ambiguous: false },
      { selector: { team: 'x', role: 'worker' }, ambiguous: false },
    ]);
  });

  test('falls back to every stable label when two workloads share the preferred label', () => {
    const chosen = chooseSelectors([
      { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/component': 'primary' },
      { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/component': 'replica' },
    ]);
    expect(chosen.map(c => c.selector)).toEqual([
      { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/component': 'primary' },
      { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/component': 'replica' },
    ]);
    expect(chosen.every(c => !c.ambiguous)).toBe(true);
  });

  test('flags a workload whose labels are a subset of another one', () => {
    const chosen = chooseSelectors([{ app: 'api' }, { app: 'api', canary: 'true' }]);
    expect(chosen[0]).toEqual({ selector: { app: 'api' }, ambiguous: true });
    expect(chosen[1]).toEqual({ selector: { app: 'api', canary: 'true' }, ambiguous: false });
  });
});

describe('workloadName', () => {
  test('uses Hubble\'s workload name, else the pod name without its ReplicaSet or StatefulSet suffix, else a label', () => {
    expect(workloadName(endpoint([], { workloadName: 'Checkout_API' }), {})).toBe('checkout-api');
    expect(workloadName(endpoint(['k8s:pod-template-hash=7c9f8d6b5'], { podName: 'web-front-7c9f8d6b5-x2k4j' }), { app: 'web' })).toBe('web-front');
    expect(workloadName(endpoint(['k8s:statefulset.kubernetes.io/pod-name=db-2'], { podName: 'db-2' }), { app: 'postgres' })).toBe('db');
    expect(workloadName(endpoint(['k8s:controller-revision-hash=6f8d9'], { podName: 'fluent-bit-k2x9q' }), {})).toBe('fluent-bit');
    expect(workloadName(endpoint([], { podName: 'standalone' }), { app: 'tools' })).toBe('tools');
  });
});
