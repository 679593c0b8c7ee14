/**
 * NP016–NP019, each case derived from the documented Kubernetes semantics, not from the checker's own output:
 *
 * - NetworkPolicy API reference, `policyTypes`: when given, the list of directions the policy relates to; when not
 *   given (or empty: the API server defaults a zero-length list), Ingress always, plus Egress if there are egress
 *   rules. "If you want to write an egress-only policy, you must explicitly specify policyTypes [ "Egress" ]."
 * - Concepts, "Network Policies": a pod is isolated in a direction when a policy selecting it has that direction in
 *   its policyTypes; policies are additive (the allowed traffic is the union of the rules of every policy selecting
 *   the pod); an empty rule (`ingress: [{}]`) allows all traffic in that direction.
 *
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 */
import { Analysis } from '../../lib/analysis';
import { loadText } from '../../lib/model/load';
import { active, allowDns, app, baseline, deploy, lintObjects, np, ns, suppress, suppressed, yamlOf } from './helpers';

type Obj = { [key: string]: unknown };
const only = (id: string) => ({ only: [id] });
const FROM_FRONTEND = { from: [{ podSelector: app('frontend') }], ports: [{ protocol: 'TCP', port: 8080 }] };
const TO_DB = { to: [{ podSelector: app('db') }], ports: [{ protocol: 'TCP', port: 5432 }] };

/** Whether the analysis of the manifests allows the connection (to tie a case to what Kubernetes does). */
function allowed(objects: Obj[], from: string, to: string, port: number): boolean {
  return Analysis.of(loadText(yamlOf(objects), 'test.yaml').cluster).allowed(from, to, port);
}

/** An open namespace (no default deny) with api, frontend and db workloads. */
function openNamespace(): Obj[] {
  return [
    ns('shop'),
    deploy('shop', 'api', { app: 'api' }, ['http:8080/TCP']),
    deploy('shop', 'frontend', { app: 'frontend' }, ['http:80/TCP']),
    deploy('shop', 'db', { app: 'db' }, ['pg:5432/TCP']),
  ];
}

describe('NP016 ignored-rules', () => {
  const egressOnly = (annotations?: { [k: string]: string }) => np('shop', 'api-policy', {
    podSelector: app('api'), policyTypes: ['Egress'], egress: [TO_DB], ingress: [FROM_FRONTEND],
  }, annotations);

  test('flags ingress rules in a policy whose policyTypes is [Egress], as an error naming the policy, the field and the fix', () => {
    const result = lintObjects([...openNamespace(), egressOnly()], only('NP016'));
    const [f] = active(result, 'NP016');
    expect(f.message).toBe('shop/api-policy has 1 ingress rule, but its policyTypes [Egress] do not list Ingress, so Kubernetes ignores spec.ingress entirely: '
      + 'the rules allow nothing and the policy does not isolate pods {app=api} of shop for ingress');
    expect(f).toMatchObject({ severity: 'error', object: { kind: 'NetworkPolicy', namespace: 'shop', name: 'api-policy' }, field: 'spec.ingress' });
    expect(result.rules.find(r => r.id === 'NP016')!.fix).toContain('Add the direction to policyTypes');
    expect(active(result, 'NP016')).toHaveLength(1);
  });

  test('the ignored rules really are ignored: the api is not isolated for ingress, so the db reaches it too', () => {
    // Documented semantics: a policy isolates only the directions its policyTypes list.
    expect(allowed([...openNamespace(), egressOnly()], 'shop/db', 'shop/api', 8080)).toBe(true);
  });

  test('flags egress rules in a policy whose policyTypes is [Ingress]', () => {
    const p = np('shop', 'api-policy', { podSelector: app('api'), policyTypes: ['Ingress'], ingress: [FROM_FRONTEND], egress: [TO_DB, { to: [{ podSelector: app('cache') }] }] });
    const found = active(lintObjects([...openNamespace(), p], only('NP016')), 'NP016');
    expect(found.map(f => f.field)).toEqual(['spec.egress']);
    expect(found[0].message).toContain('has 2 egress rules, but its policyTypes [Ingress] do not list Egress, so Kubernetes ignores spec.egress entirely');
  });

  test('flags only the omitted direction, once for its whole list', () => {
    const p = np('shop', 'api-policy', { podSelector: app('api'), policyTypes: ['Egress'], ingress: [FROM_FRONTEND, {}], egress: [TO_DB] });
    expect(active(lintObjects([...openNamespace(), p], only('NP016')), 'NP016').map(f => f.field)).toEqual(['spec.ingress']);
  });

  test('does not flag policyTypes that list the direction of every rule list', () => {
    const both = np('shop', 'api-policy', { podSelector: app('api'), policyTypes: ['Ingress', 'Egress'], ingress: [FROM_FRONTEND], egress: [TO_DB] });
    expect(active(lintObjects([...openNamespace(), both], only('NP016')), 'NP016')).toEqual([]);
  });

  test('does not flag a policy without policyTypes, nor with an empty policyTypes list: Kubernetes derives them from the rules', () => {
    const absent = np('shop', 'api-policy', { podSelector: app('api'), ingress: [FROM_FRONTEND], egress: [TO_DB] });
    const empty = np('shop', 'api-policy-2', { podSelector: app('api'), policyTypes: [], ingress: [FROM_FRONTEND], egress: [TO_DB] });
    expect(active(lintObjects([...openNamespace(), absent, empty], only('NP016')), 'NP016')).toEqual([]);
  });

  test('does not flag an empty rule list in the omitted direction (`ingress: []` holds no rule)', () => {
    const p = np('shop', 'api-policy', { podSelector: app('api'), policyTypes: ['Egress'], ingress: [], egress: [TO_DB] });
    expect(active(lintObjects([...openNamespace(), p], only('NP016')), 'NP016')).toEqual([]);
  });

  test('is suppressible on the policy', () => {
    const result = lintObjects([...openNamespace(), egressOnly(suppress('NP016', 'ingress switched off during the migration, OPS-7'))], only('NP016'));
    expect(active(result, 'NP016')).toEqual([]);
    expect(suppressed(result, 'NP016')).toHaveLength(1);
  });
});

describe('NP017 implicit-ingress-isolation', () => {
  // "Allow DNS" written without policyTypes: Kubernetes makes it [Ingress, Egress] because it has egress rules.
  const dnsNoTypes = (namespace: string, extra: Obj = {}, annotations?: { [k: string]: string }) => np(namespace, 'allow-dns', {
    podSelector: {}, egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    ...extra,
  }, annotations);

  test('flags an egress-only-looking policy without policyTypes in a namespace without ingress isolation, naming the pods it cuts off', () => {
    const result = lintObjects([...openNamespace(), dnsNoTypes('shop')], only('NP017'));
    const [f] = active(result, 'NP017');
    expect(f.message).toBe('shop/allow-dns has egress rules and no policyTypes, so Kubernetes defaults its policyTypes to [Ingress, Egress]: it also isolates '
      + 'pods {} of shop (shop/api, shop/frontend, shop/db) for ingress and, having no ingress rules, denies them all ingress no other policy allows; '
      + 'no other policy isolates shop/api, shop/frontend, shop/db for ingress, so this policy alone cuts their ingress');
    expect(f).toMatchObject({ severity: 'warning', field: 'spec.policyTypes', object: { namespace: 'shop', name: 'allow-dns' } });
  });

  test('the isolation is real: with the policy, a client outside the cluster cannot reach the api; with policyTypes: [Egress] it can', () => {
    expect(allowed([...openNamespace(), dnsNoTypes('shop')], '203.0.113.9', 'shop/api', 8080)).toBe(false);
    expect(allowed([...openNamespace(), dnsNoTypes('shop', { policyTypes: ['Egress'] })], '203.0.113.9', 'shop/api', 8080)).toBe(true);
  });

  test('flags `ingress: []` too (no ingress rules, whether absent or an empty list)', () => {
    expect(active(lintObjects([...openNamespace(), dnsNoTypes('shop', { ingress: [] })], only('NP017')), 'NP017')).toHaveLength(1);
  });

  test('flags a policy-only namespace (no workloads in the input) by the pods its selector describes', () => {
    const p = np('team', 'api-egress', { podSelector: app('api'), egress: [TO_DB] });
    const [f] = active(lintObjects([p], only('NP017')), 'NP017');
    expect(f.message).toContain('it also isolates pods {app=api} of team (team/{app=api}) for ingress');
  });

  test('does not flag when the namespace has a default deny for ingress: the pods are isolated anyway, the policy changes nothing', () => {
    const deny = np('shop', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(active(lintObjects([...openNamespace(), deny, dnsNoTypes('shop')], only('NP017')), 'NP017')).toEqual([]);
    // nor in a policy-only namespace
    expect(active(lintObjects([deny, dnsNoTypes('shop')], only('NP017')), 'NP017')).toEqual([]);
  });

  test('does not flag when another policy already isolates every selected pod for ingress', () => {
    const apiEgress = np('shop', 'api-egress', { podSelector: app('api'), egress: [TO_DB] });
    const apiIngress = np('shop', 'api-ingress', { podSelector: app('api'), policyTypes: ['Ingress'], ingress: [FROM_FRONTEND] });
    expect(active(lintObjects([...openNamespace(), apiEgress, apiIngress], only('NP017')), 'NP017')).toEqual([]);
    // a policy without policyTypes that has ingress rules isolates for ingress on purpose, and counts too
    const implicitIngress = np('shop', 'api-ingress', { podSelector: app('api'), ingress: [FROM_FRONTEND] });
    expect(active(lintObjects([...openNamespace(), apiEgress, implicitIngress], only('NP017')), 'NP017')).toEqual([]);
  });

  test('flags when the other policies isolate only some of the selected pods, naming the others', () => {
    const apiIngress = np('shop', 'api-ingress', { podSelector: app('api'), policyTypes: ['Ingress'], ingress: [FROM_FRONTEND] });
    const [f] = active(lintObjects([...openNamespace(), apiIngress, dnsNoTypes('shop')], only('NP017')), 'NP017');
    expect(f.message).toContain('no other policy isolates shop/frontend, shop/db for ingress, so this policy alone cuts their ingress');
  });

  test('flags a pod selector whose future pods no other policy isolates, though today\'s workloads are', () => {
    const objects = [ns('shop'), deploy('shop', 'api-v1', { app: 'api', version: 'v1' })];
    const v1Ingress = np('shop', 'api-v1-ingress', { podSelector: { matchLabels: { app: 'api', version: 'v1' } }, policyTypes: ['Ingress'], ingress: [FROM_FRONTEND] });
    const apiEgress = np('shop', 'api-egress', { podSelector: app('api'), egress: [TO_DB] });
    const [f] = active(lintObjects([...objects, v1Ingress, apiEgress], only('NP017')), 'NP017');
    expect(f.message).toContain('no other policy would isolate a pod {app=api} added to shop later for ingress');
  });

  test('two such policies on the same pods do not excuse each other: both are flagged', () => {
    const a = np('shop', 'api-egress-a', { podSelector: app('api'), egress: [TO_DB] });
    const b = np('shop', 'api-egress-b', { podSelector: app('api'), egress: [{ to: [{ podSelector: app('cache') }] }] });
    expect(active(lintObjects([...openNamespace(), a, b], only('NP017')), 'NP017').map(f => f.object.name)).toEqual(['api-egress-a', 'api-egress-b']);
  });

  test('does not flag explicit policyTypes, a policy with ingress rules, an ingress deny-all, or `egress: []`', () => {
    const cases = [
      dnsNoTypes('shop', { policyTypes: ['Egress'] }),
      dnsNoTypes('shop', { policyTypes: ['Ingress', 'Egress'] }),
      dnsNoTypes('shop', { ingress: [FROM_FRONTEND] }),
      np('shop', 'deny-ingress', { podSelector: {} }),
      // egress: [] has no egress rule, so Kubernetes defaults policyTypes to [Ingress] alone: an ingress deny, not an accident of egress rules
      np('shop', 'deny-ingress-2', { podSelector: {}, egress: [] }),
    ];
    for (const p of cases) expect(active(lintObjects([...openNamespace(), p], only('NP017')), 'NP017')).toEqual([]);
  });

  test('is suppressible on the policy', () => {
    const result = lintObjects([...openNamespace(), dnsNoTypes('shop', {}, suppress('NP017', 'ingress isolation intended, allows follow'))], only('NP017'));
    expect(active(result, 'NP017')).toEqual([]);
    expect(suppressed(result, 'NP017')).toHaveLength(1);
  });
});

describe('NP018 allow-all-beside-rules', () => {
  const apiIngress = (rules: Obj[], extra: Obj = {}, annotations?: { [k: string]: string }) => np('shop', 'api-ingress', { podSelector: app('api'), ingress: rules, ...extra }, annotations);

  test('flags an empty ingress rule next to a narrower one, naming the rule it makes dead', () => {
    const result = lintObjects([...openNamespace(), apiIngress([FROM_FRONTEND, {}])], only('NP018'));
    const [f] = active(result, 'NP018');
    expect(f.message).toBe('shop/api-ingress ingress[1] is empty, allowing all ingress from everywhere on every port for pods {app=api} of shop, '
      + 'next to narrower ingress rules of the same policy (ingress[0]), which it makes dead');
    expect(f).toMatchObject({ severity: 'warning', field: 'spec.ingress[1]' });
  });

  test('the narrower rule is indeed dead: the db reaches the api though only the frontend is named', () => {
    expect(allowed([...openNamespace(), apiIngress([FROM_FRONTEND, {}])], 'shop/db', 'shop/api', 9999)).toBe(true);
  });

  test('flags egress too, and a `null` item (`- ` with nothing after it) as the empty rule it is', () => {
    const p = np('shop', 'api-egress', { podSelector: app('api'), policyTypes: ['Egress'], egress: [{}, TO_DB] });
    expect(active(lintObjects([...openNamespace(), p], only('NP018')), 'NP018').map(f => f.field)).toEqual(['spec.egress[0]']);
    const nullItem = np('shop', 'api-egress', { podSelector: app('api'), policyTypes: ['Egress'], egress: [TO_DB, null] });
    expect(active(lintObjects([...openNamespace(), nullItem], only('NP018')), 'NP018').map(f => f.field)).toEqual(['spec.egress[1]']);
  });

  test('reports only the first empty rule of a policy and direction', () => {
    expect(active(lintObjects([...openNamespace(), apiIngress([FROM_FRONTEND, {}, {}])], only('NP018')), 'NP018').map(f => f.field)).toEqual(['spec.ingress[1]']);
  });

  test('flags with or without a default deny (NP008 adds its own finding where there is one)', () => {
    const inBaseline = np('production', 'api-ingress', { podSelector: app('api'), ingress: [FROM_FRONTEND, {}] });
    const result = lintObjects([...baseline(), inBaseline], { only: ['NP008', 'NP018'] });
    expect(active(result, 'NP018')).toHaveLength(1);
    expect(active(result, 'NP008')).toHaveLength(1);
  });

  test('does not flag an explicit allow-all: every rule of the direction empty, whatever the name or podSelector', () => {
    expect(active(lintObjects([...openNamespace(), apiIngress([{}])], only('NP018')), 'NP018')).toEqual([]);
    expect(active(lintObjects([...openNamespace(), apiIngress([{}, {}])], only('NP018')), 'NP018')).toEqual([]);
  });

  test('does not flag rules that are wide but not empty: no `from` but ports, or peers but no ports', () => {
    const anySourceOnPort = { ports: [{ protocol: 'TCP', port: 8080 }] };
    const allPortsFromFrontend = { from: [{ podSelector: app('frontend') }] };
    expect(active(lintObjects([...openNamespace(), apiIngress([FROM_FRONTEND, anySourceOnPort])], only('NP018')), 'NP018')).toEqual([]);
    expect(active(lintObjects([...openNamespace(), apiIngress([FROM_FRONTEND, allPortsFromFrontend])], only('NP018')), 'NP018')).toEqual([]);
  });

  test('does not flag an empty rule of one direction next to rules of the other', () => {
    const p = np('shop', 'api', { podSelector: app('api'), policyTypes: ['Ingress', 'Egress'], ingress: [FROM_FRONTEND], egress: [{}] });
    expect(active(lintObjects([...openNamespace(), p], only('NP018')), 'NP018')).toEqual([]);
  });

  test('does not flag rules Kubernetes ignores because policyTypes omits their direction (NP016 does)', () => {
    const ignored = apiIngress([FROM_FRONTEND, {}], { policyTypes: ['Egress'], egress: [TO_DB] });
    expect(active(lintObjects([...openNamespace(), ignored], only('NP018')), 'NP018')).toEqual([]);
  });

  test('is suppressible on the policy', () => {
    const result = lintObjects([...openNamespace(), apiIngress([FROM_FRONTEND, {}], {}, suppress('NP018', 'open during the load test, OPS-9'))], only('NP018'));
    expect(active(result, 'NP018')).toEqual([]);
    expect(suppressed(result, 'NP018')).toHaveLength(1);
  });
});

describe('NP019 voided-policy', () => {
  const denyIngress = (annotations?: { [k: string]: string }) => np('shop', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }, annotations);
  const allowAllIngress = (podSelector: Obj = {}, extra: Obj = {}) => np('shop', 'allow-all-ingress', { podSelector, policyTypes: ['Ingress'], ingress: [{}], ...extra });

  test('flags a default deny next to an allow-all for the same pods, naming the allow-all; the allow-all is not flagged', () => {
    const result = lintObjects([...openNamespace(), denyIngress(), allowAllIngress()], only('NP019'));
    expect(active(result, 'NP019').map(f => f.message)).toEqual([
      'shop/default-deny-ingress has no effect on ingress: shop/allow-all-ingress also selects all its pods {} of shop (shop/api, shop/frontend, shop/db) '
      + 'and allows all ingress (an empty rule); policies are additive, so its ingress isolation denies nothing',
    ]);
    expect(active(result, 'NP019')[0]).toMatchObject({ severity: 'warning', field: 'spec.policyTypes', object: { name: 'default-deny-ingress' } });
  });

  test('the deny is void indeed: traffic it was meant to deny is allowed', () => {
    expect(allowed([...openNamespace(), denyIngress(), allowAllIngress()], 'shop/db', 'shop/api', 8080)).toBe(true);
    expect(allowed([...openNamespace(), denyIngress()], 'shop/db', 'shop/api', 8080)).toBe(false);
  });

  test('flags a policy-only namespace too (no workloads in the input)', () => {
    expect(active(lintObjects([denyIngress(), allowAllIngress()], only('NP019')), 'NP019').map(f => f.object.name)).toEqual(['default-deny-ingress']);
  });

  test('judges each direction: a deny of both directions voided for ingress only still applies to egress', () => {
    const denyAll = np('shop', 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const found = active(lintObjects([...openNamespace(), denyAll, allowAllIngress()], only('NP019')), 'NP019');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('has no effect on ingress');
    expect(found[0].message).toContain('(it still applies to egress)');
  });

  test('flags narrower allows voided by an allow-all for the same pods, naming their rules', () => {
    const fromFrontend = np('shop', 'api-allow-from-frontend', { podSelector: app('api'), policyTypes: ['Ingress'], ingress: [FROM_FRONTEND] });
    const [f] = active(lintObjects([...openNamespace(), fromFrontend, allowAllIngress(app('api'))], only('NP019')), 'NP019');
    expect(f.message).toContain('shop/api-allow-from-frontend has no effect on ingress: shop/allow-all-ingress also selects all its pods {app=api} of shop (shop/api)');
    expect(f.message).toContain('so its ingress isolation and rules (ingress[0]) change nothing');
    expect(f.field).toBe('spec.ingress');
  });

  test('flags pods covered by several allow-alls together, naming each', () => {
    const objects = [ns('shop'), deploy('shop', 'a', { app: 'a' }), deploy('shop', 'b', { app: 'b' })];
    const deny = np('shop', 'deny-a-b', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }, policyTypes: ['Ingress'] });
    const openA = np('shop', 'open-a', { podSelector: app('a'), ingress: [{}] });
    const openB = np('shop', 'open-b', { podSelector: app('b'), ingress: [{}] });
    const [f] = active(lintObjects([...objects, deny, openA, openB], only('NP019')), 'NP019');
    expect(f.message).toContain('shop/open-a, shop/open-b also select all its pods');
  });

  test('does not flag a default deny when the allow-all selects only some of its pods', () => {
    expect(active(lintObjects([...openNamespace(), denyIngress(), allowAllIngress(app('api'))], only('NP019')), 'NP019')).toEqual([]);
    expect(active(lintObjects([denyIngress(), allowAllIngress(app('api'))], only('NP019')), 'NP019')).toEqual([]);
  });

  test('does not call a default deny void because today\'s only workload is open: it still denies pods added later', () => {
    const objects = [ns('shop'), deploy('shop', 'web', { app: 'web' })];
    expect(active(lintObjects([...objects, denyIngress(), allowAllIngress(app('web'))], only('NP019')), 'NP019')).toEqual([]);
  });

  test('does not flag an allow-all of the other direction, nor one whose policyTypes omit the direction', () => {
    const allowAllEgress = np('shop', 'allow-all-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    expect(active(lintObjects([...openNamespace(), denyIngress(), allowAllEgress], only('NP019')), 'NP019')).toEqual([]);
    const ignored = allowAllIngress({}, { policyTypes: ['Egress'], egress: [TO_DB] });
    expect(active(lintObjects([...openNamespace(), denyIngress(), ignored], only('NP019')), 'NP019')).toEqual([]);
  });

  test('does not flag rules that are wide but not empty (any source on one port), nor an allow-all in another namespace', () => {
    const onePort = allowAllIngress({}, { ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }] });
    expect(active(lintObjects([...openNamespace(), denyIngress(), onePort], only('NP019')), 'NP019')).toEqual([]);
    const elsewhere = np('other', 'allow-all-ingress', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
    expect(active(lintObjects([...openNamespace(), denyIngress(), elsewhere], only('NP019')), 'NP019')).toEqual([]);
  });

  test('two allow-alls on the same pods void nothing: neither is a restriction', () => {
    const second = np('shop', 'allow-all-ingress-2', { podSelector: {}, ingress: [{}] });
    expect(active(lintObjects([...openNamespace(), allowAllIngress(), second], only('NP019')), 'NP019')).toEqual([]);
  });

  test('the compliant baseline has no finding of NP016–NP019', () => {
    const result = lintObjects([...baseline(), allowDns('other')], { only: ['NP016', 'NP017', 'NP018', 'NP019'] });
    expect(result.findings).toEqual([]);
  });

  test('is suppressible on the voided policy', () => {
    const result = lintObjects([...openNamespace(), denyIngress(suppress('NP019', 'allow-all is temporary, OPS-11')), allowAllIngress()], only('NP019'));
    expect(active(result, 'NP019')).toEqual([]);
    expect(suppressed(result, 'NP019')).toHaveLength(1);
  });
});
