/**
 * Per rule: a compliant case, a non-compliant case (the message names the objects) and a suppressed case.
 * Each case runs only the rule under test (`only`), on manifests loaded like user YAML.
 */
import {
  active, app, baseline, defaultDeny, deploy, DNS_PORTS, KUBE_SYSTEM, lintObjects, np, ns, replace, suppress, suppressed,
} from './helpers';

const only = (id: string) => ({ only: [id] });

describe('NP001 or-trap', () => {
  const orPolicy = (annotations?: { [k: string]: string }) => np('production', 'allow-monitoring', {
    podSelector: app('api'),
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }, { podSelector: app('prometheus') }], ports: [{ protocol: 'TCP', port: 9090 }] }],
  }, annotations);

  test('flags a namespaceSelector-only item next to a podSelector-only item', () => {
    const result = lintObjects([...baseline(), orPolicy()], only('NP001'));
    const [f] = active(result, 'NP001');
    expect(f.message).toBe('production/allow-monitoring ingress[0].from lists namespaceSelector {purpose=monitoring} (item 0) and podSelector {app=prometheus} (item 1) '
      + 'as separate items, which Kubernetes ORs: every pod of those namespaces, or those pods of production; one item with both selectors means AND');
    expect(f).toMatchObject({ severity: 'error', object: { kind: 'NetworkPolicy', namespace: 'production', name: 'allow-monitoring' }, field: 'spec.ingress[0].from', source: { file: 'test.yaml', documentIndex: 7 } });
  });

  test('does not flag one item with both selectors (AND)', () => {
    const and = np('production', 'allow-monitoring', { podSelector: app('api'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } }, podSelector: app('prometheus') }] }] });
    expect(active(lintObjects([...baseline(), and], only('NP001')), 'NP001')).toEqual([]);
  });

  test('flags egress lists too', () => {
    const egress = np('production', 'to-either', { podSelector: app('api'), policyTypes: ['Egress'], egress: [{ to: [{ podSelector: app('db') }, KUBE_SYSTEM] }] });
    expect(active(lintObjects([...baseline(), egress], only('NP001')), 'NP001')[0].field).toBe('spec.egress[0].to');
  });

  test('is suppressed by an annotation on the policy, and still reported', () => {
    const result = lintObjects([...baseline(), orPolicy(suppress('NP001', 'the OR is intended: see ADR-12'))], only('NP001'));
    expect(active(result, 'NP001')).toEqual([]);
    expect(suppressed(result, 'NP001')).toEqual([expect.objectContaining({ suppressed: true, suppressionReason: 'the OR is intended: see ADR-12', suppressedBy: 'NetworkPolicy production/allow-monitoring' })]);
  });
});

describe('NP002 no-default-deny-ingress / NP003 no-default-deny-egress', () => {
  test('flag a namespace with workloads and no policies, naming the open workloads', () => {
    const result = lintObjects([ns('staging'), deploy('staging', 'web', { app: 'web' })], { only: ['NP002', 'NP003'] });
    expect(active(result, 'NP002').map(f => f.message)).toEqual(['namespace staging has no default deny for ingress (a policy with podSelector: {} and policyTypes: [Ingress]): 1 of 1 workload is not isolated for ingress (staging/web)']);
    expect(active(result, 'NP003').map(f => f.message)).toEqual(['namespace staging has no default deny for egress (a policy with podSelector: {} and policyTypes: [Egress]): 1 of 1 workload is not isolated for egress (staging/web)']);
    expect(active(result, 'NP002')[0]).toMatchObject({ object: { kind: 'Namespace', name: 'staging' }, source: { file: 'test.yaml', documentIndex: 0 } });
  });

  test('say so when every workload is isolated by other policies, and why the namespace is still flagged', () => {
    const isolating = np('staging', 'web-in', { podSelector: app('web'), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: app('api') }] }] });
    const result = lintObjects([ns('staging'), deploy('staging', 'web', { app: 'web' }), isolating], only('NP002'));
    expect(active(result, 'NP002').map(f => f.message)).toEqual(['namespace staging has no default deny for ingress (a policy with podSelector: {} and policyTypes: [Ingress]): its 1 workload is isolated for ingress by other policies, but a workload added later would not be']);
  });

  test('flag a namespace that is only referenced, with the source of the first object using it', () => {
    const result = lintObjects([deploy('team-a', 'web', { app: 'web' })], only('NP002'));
    expect(active(result, 'NP002')[0].source).toEqual({ file: 'test.yaml', documentIndex: 0 });
  });

  test('distinguish the directions: ingress-only default deny is flagged for egress only', () => {
    const result = lintObjects([ns('staging'), np('staging', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] })], { only: ['NP002', 'NP003'] });
    expect(active(result, 'NP002')).toEqual([]);
    expect(active(result, 'NP003')).toHaveLength(1);
  });

  test('an empty-selector policy with an allow-all rule is not a default deny', () => {
    const allowAll = np('staging', 'allow-all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
    const [f] = active(lintObjects([ns('staging'), allowAll], only('NP002')), 'NP002');
    expect(f.message).toContain('staging/allow-all allows all ingress');
  });

  test('skip system namespaces and pass the baseline', () => {
    expect(active(lintObjects([deploy('kube-system', 'coredns', { 'k8s-app': 'kube-dns' })], { only: ['NP002', 'NP003'] }), 'NP002')).toEqual([]);
    const result = lintObjects(baseline(), { only: ['NP002', 'NP003'] });
    expect(result.findings).toEqual([]);
  });

  test('are suppressed per namespace by an annotation on the Namespace', () => {
    const result = lintObjects([ns('staging', undefined, { 'cdk8s-netpol.io/suppress': JSON.stringify([{ id: 'NP002', reason: 'public web tier, reviewed 2026-11' }]) }), deploy('staging', 'web', { app: 'web' })], { only: ['NP002', 'NP003'] });
    expect(suppressed(result, 'NP002')).toHaveLength(1);
    expect(suppressed(result, 'NP002')[0].suppressedBy).toBe('Namespace staging');
    expect(active(result, 'NP003')).toHaveLength(1);
  });
});

describe('NP004 dns-blocked', () => {
  test('flags default deny without a DNS allow, blaming the default deny', () => {
    const result = lintObjects(replace(baseline(), 'allow-dns', undefined), only('NP004'));
    expect(active(result, 'NP004').map(f => f.message)).toEqual([
      'production/default-deny-all isolates egress of production/api, production/frontend and no egress rule allows DNS (UDP/TCP 53) to kube-system: these pods cannot resolve names',
    ]);
    expect(active(result, 'NP004')[0].severity).toBe('error');
  });

  test('does not flag DNS to kube-system, nor DNS to a resolver address', () => {
    expect(active(lintObjects(baseline(), only('NP004')), 'NP004')).toEqual([]);
    const resolver = np('production', 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }], ports: DNS_PORTS }] });
    expect(active(lintObjects(replace(baseline(), 'allow-dns', resolver), only('NP004')), 'NP004')).toEqual([]);
  });

  test('flags a DNS allow on a label kube-system does not carry', () => {
    const wrong = np('production', 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { name: 'kube-system' } } }], ports: DNS_PORTS }] });
    expect(active(lintObjects(replace(baseline(), 'allow-dns', wrong), only('NP004')), 'NP004')).toHaveLength(1);
  });

  test('is suppressed by an annotation on the isolating policy', () => {
    const result = lintObjects(replace(replace(baseline(), 'allow-dns', undefined), 'default-deny-all', defaultDeny('production', suppress('NP004', 'these pods only use IP addresses'))), only('NP004'));
    expect(active(result, 'NP004')).toEqual([]);
    expect(suppressed(result, 'NP004')).toHaveLength(1);
  });
});

describe('NP005 dns-any-namespace', () => {
  const anyNs = (annotations?: { [k: string]: string }) => np('production', 'allow-dns', {
    podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: DNS_PORTS }],
  }, annotations);

  test('flags DNS to namespaceSelector: {}', () => {
    const [f] = active(lintObjects(replace(baseline(), 'allow-dns', anyNs()), only('NP005')), 'NP005');
    expect(f.message).toBe('production/allow-dns egress[0] allows DNS (TCP 53,UDP 53) to every namespace (to[0] has namespaceSelector: {}) instead of kube-system');
  });

  test('flags DNS with no `to`', () => {
    const noTo = np('production', 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: DNS_PORTS }] });
    expect(active(lintObjects(replace(baseline(), 'allow-dns', noTo), only('NP005')), 'NP005')[0].message).toContain('to every destination (the rule has no `to`)');
  });

  test('does not flag DNS to kube-system', () => {
    expect(active(lintObjects(baseline(), only('NP005')), 'NP005')).toEqual([]);
  });

  test('is suppressible', () => {
    const result = lintObjects(replace(baseline(), 'allow-dns', anyNs(suppress('NP005', 'DNS runs in the dns namespace too'))), only('NP005'));
    expect(suppressed(result, 'NP005')).toHaveLength(1);
  });
});

describe('NP006 dns-udp-only', () => {
  const udpOnly = (annotations?: { [k: string]: string }) => np('production', 'allow-dns', {
    podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [KUBE_SYSTEM], ports: [{ protocol: 'UDP', port: 53 }] }],
  }, annotations);

  test('flags DNS over UDP only', () => {
    const [f] = active(lintObjects(replace(baseline(), 'allow-dns', udpOnly()), only('NP006')), 'NP006');
    expect(f.message).toBe('production/allow-dns egress[0] allows DNS over UDP 53 only, and no other egress rule allows TCP 53, for production/api, production/frontend: lookups with large answers fail');
    expect(f.field).toBe('spec.egress[0].ports');
  });

  test('does not flag UDP and TCP', () => {
    expect(active(lintObjects(baseline(), only('NP006')), 'NP006')).toEqual([]);
  });

  test('is suppressible', () => {
    expect(suppressed(lintObjects(replace(baseline(), 'allow-dns', udpOnly(suppress('NP006', 'answers are small, checked in load tests'))), only('NP006')), 'NP006')).toHaveLength(1);
  });
});

describe('NP007 any-address', () => {
  const egress = (cidr: string, annotations?: { [k: string]: string }) => np('production', 'api-to-internet', {
    podSelector: app('api'), policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr } }], ports: [{ protocol: 'TCP', port: 443 }] }],
  }, annotations);

  test('flags egress to 0.0.0.0/0 and ::/0, naming the ports', () => {
    const result = lintObjects([...baseline(), egress('0.0.0.0/0')], only('NP007'));
    expect(active(result, 'NP007').map(f => f.message)).toEqual(['production/api-to-internet egress[0] allows egress to 0.0.0.0/0 on TCP 443']);
    expect(active(lintObjects([...baseline(), egress('::/0')], only('NP007')), 'NP007')[0].message).toContain('to ::/0 on TCP 443');
    expect(active(result, 'NP007')[0].field).toBe('spec.egress[0].to[0].ipBlock');
  });

  test('flags ingress from anywhere on a port (no `from`)', () => {
    const open = np('production', 'public', { podSelector: app('api'), ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }] });
    expect(active(lintObjects([...baseline(), open], only('NP007')), 'NP007')[0].message).toBe('production/public ingress[0] has no `from`, so it allows TCP 8080 from every address (0.0.0.0/0 and ::/0)');
  });

  test('does not flag a specific range', () => {
    expect(active(lintObjects([...baseline(), egress('52.94.0.0/16')], only('NP007')), 'NP007')).toEqual([]);
  });

  test('is suppressible', () => {
    expect(suppressed(lintObjects([...baseline(), egress('0.0.0.0/0', suppress('NP007', 'public API, reviewed by security 2026-11'))], only('NP007')), 'NP007')).toHaveLength(1);
  });
});

describe('NP008 allow-all-rule', () => {
  const allowAll = (annotations?: { [k: string]: string }) => np('production', 'allow-all-ingress', { podSelector: app('api'), ingress: [{}] }, annotations);

  test('flags `ingress: [{}]` in a namespace with default deny', () => {
    const [f] = active(lintObjects([...baseline(), allowAll()], only('NP008')), 'NP008');
    expect(f.message).toBe('production/allow-all-ingress ingress[0] is empty, allowing all ingress from everywhere on every port for pods {app=api} of production, which undoes the default deny of production/default-deny-all');
  });

  test('does not flag the baseline, nor a namespace without default deny', () => {
    expect(active(lintObjects(baseline(), only('NP008')), 'NP008')).toEqual([]);
    expect(active(lintObjects([np('open', 'allow-all-ingress', { podSelector: {}, ingress: [{}] })], only('NP008')), 'NP008')).toEqual([]);
  });

  test('is suppressible', () => {
    expect(suppressed(lintObjects([...baseline(), allowAll(suppress('NP008', 'debug access during the migration, ticket OPS-12'))], only('NP008')), 'NP008')).toHaveLength(1);
  });
});

describe('NP009 one-sided-connection', () => {
  test('flags ingress that allows a source whose egress is denied (the guide\'s frontend → api)', () => {
    const result = lintObjects(replace(baseline(), 'frontend-allow-to-api', undefined), only('NP009'));
    expect(active(result, 'NP009').map(f => f.message)).toEqual([
      'production/api-allow-from-frontend ingress[0] allows production/frontend → production/api on TCP 8080, but egress of production/frontend (isolated by production/default-deny-all, production/allow-dns) allows none of it, so the connection is blocked at the source',
    ]);
  });

  test('flags egress that allows a destination whose ingress is denied', () => {
    const result = lintObjects(replace(baseline(), 'api-allow-from-frontend', undefined), only('NP009'));
    expect(active(result, 'NP009').map(f => f.message)).toEqual([
      'production/frontend-allow-to-api egress[0] allows production/frontend → production/api on TCP 8080, but ingress of production/api (isolated by production/default-deny-all) allows none of it, so the connection is blocked at the destination',
    ]);
  });

  test('does not flag a connection with both halves', () => {
    expect(active(lintObjects(baseline(), only('NP009')), 'NP009')).toEqual([]);
  });

  test('is suppressible', () => {
    const objects = replace(baseline(), 'frontend-allow-to-api', undefined);
    const annotated = replace(objects, 'api-allow-from-frontend', np('production', 'api-allow-from-frontend', {
      podSelector: app('api'), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: app('frontend') }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    }, suppress('NP009', 'frontend egress is managed by the mesh team')));
    expect(suppressed(lintObjects(annotated, only('NP009')), 'NP009')).toHaveLength(1);
  });
});

describe('NP010 policy-selects-nothing', () => {
  const typo = (annotations?: { [k: string]: string }) => np('production', 'apii-ingress', { podSelector: app('apii'), ingress: [] }, annotations);

  test('flags a pod selector that matches no workload of the namespace', () => {
    expect(active(lintObjects([...baseline(), typo()], only('NP010')), 'NP010').map(f => f.message)).toEqual(['production/apii-ingress has podSelector {app=apii}, which matches none of the 2 workloads of production']);
  });

  test('does not judge namespaces whose workloads are not in the input', () => {
    expect(active(lintObjects([np('elsewhere', 'x', { podSelector: app('apii') })], only('NP010')), 'NP010')).toEqual([]);
    expect(active(lintObjects(baseline(), only('NP010')), 'NP010')).toEqual([]);
  });

  test('is suppressible', () => {
    expect(suppressed(lintObjects([...baseline(), typo(suppress('NP010', 'workload is deployed next sprint'))], only('NP010')), 'NP010')).toHaveLength(1);
  });
});

describe('NP011 peer-matches-nothing', () => {
  const typo = (annotations?: { [k: string]: string }) => np('production', 'api-from-typo', {
    podSelector: app('api'), ingress: [{ from: [{ podSelector: app('frontned') }] }],
  }, annotations);

  test('flags a peer that matches no workload', () => {
    expect(active(lintObjects([...baseline(), typo()], only('NP011')), 'NP011').map(f => f.message)).toEqual(['production/api-from-typo ingress[0] peer 0 (podSelector {app=frontned}) matches no workload in production']);
  });

  test('does not flag peers that match, nor peers in namespaces without workloads in the input', () => {
    expect(active(lintObjects(baseline(), only('NP011')), 'NP011')).toEqual([]);
    const elsewhere = np('production', 'from-monitoring', { podSelector: app('api'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: app('prom') }] }] });
    expect(active(lintObjects([...baseline(), elsewhere], only('NP011')), 'NP011')).toEqual([]);
  });

  test('is suppressible', () => {
    expect(suppressed(lintObjects([...baseline(), typo(suppress('NP011', 'frontned is a real app, yes'))], only('NP011')), 'NP011')).toHaveLength(1);
  });
});

describe('NP012 unset-namespace-label', () => {
  const byName = (annotations?: { [k: string]: string }) => np('production', 'allow-dns', {
    podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { name: 'kube-system' } } }], ports: DNS_PORTS }],
  }, annotations);

  test('flags `name: kube-system` and suggests kubernetes.io/metadata.name', () => {
    const [f] = active(lintObjects(replace(baseline(), 'allow-dns', byName()), only('NP012')), 'NP012');
    expect(f.message).toBe('production/allow-dns egress[0].to[0] selects namespaces by name=kube-system, a label Kubernetes does not set and no namespace in the input has, so it matches nothing; use kubernetes.io/metadata.name=kube-system');
    expect(f.field).toBe('spec.egress[0].to[0].namespaceSelector');
  });

  test('flags a custom label whose value is a known namespace that lacks it', () => {
    const p = np('production', 'from-monitoring', { podSelector: app('api'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }] }] });
    expect(active(lintObjects([...baseline(), ns('monitoring'), p], only('NP012')), 'NP012')).toHaveLength(1);
  });

  test('does not flag kubernetes.io/metadata.name, labels the namespaces carry, or unrelated custom labels', () => {
    expect(active(lintObjects(baseline(), only('NP012')), 'NP012')).toEqual([]);
    expect(active(lintObjects([...replace(baseline(), 'allow-dns', byName()), ns('kube-system', { name: 'kube-system' })], only('NP012')), 'NP012')).toEqual([]);
    const p = np('production', 'from-monitoring', { podSelector: app('api'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } } }] }] });
    expect(active(lintObjects([...baseline(), p], only('NP012')), 'NP012')).toEqual([]);
  });

  test('is suppressible', () => {
    expect(suppressed(lintObjects(replace(baseline(), 'allow-dns', byName(suppress('NP012', 'our clusters label namespaces with name'))), only('NP012')), 'NP012')).toHaveLength(1);
  });
});

describe('NP013 undefined-named-port', () => {
  const metrics = (port: string, annotations?: { [k: string]: string }) => np('production', 'api-metrics', {
    podSelector: app('api'), ingress: [{ from: [{ podSelector: app('frontend') }], ports: [{ protocol: 'TCP', port }] }],
  }, annotations);

  test('flags a named port no selected container declares', () => {
    const [f] = active(lintObjects([...baseline(), metrics('metrics')], only('NP013')), 'NP013');
    expect(f.message).toBe('production/api-metrics ingress[0] allows named port "metrics" (TCP), but none of its destination pods (production/api) declares a TCP container port with that name');
    expect(f.field).toBe('spec.ingress[0].ports[0]');
  });

  test('flags egress named ports against the destination pods', () => {
    const p = np('production', 'frontend-to-api-named', { podSelector: app('frontend'), policyTypes: ['Egress'], egress: [{ to: [{ podSelector: app('api') }], ports: [{ protocol: 'TCP', port: 'grpc' }] }] });
    expect(active(lintObjects([...baseline(), p], only('NP013')), 'NP013')[0].message).toContain('named port "grpc" (TCP)');
  });

  test('does not flag a declared named port', () => {
    expect(active(lintObjects([...baseline(), metrics('http')], only('NP013')), 'NP013')).toEqual([]);
  });

  test('is suppressible', () => {
    expect(suppressed(lintObjects([...baseline(), metrics('metrics', suppress('NP013', 'sidecar injects the metrics port'))], only('NP013')), 'NP013')).toHaveLength(1);
  });
});

describe('NP014 shadowed-rule', () => {
  const twoRules = (second: object, annotations?: { [k: string]: string }) => np('production', 'api-ingress', {
    podSelector: { matchLabels: { app: 'api', tier: 'backend' } }, ingress: [{ from: [{ podSelector: app('frontend') }], ports: [{ protocol: 'TCP', port: 8000, endPort: 9000 }] }, second],
  }, annotations);

  test('flags a rule whose peers and ports another rule already allows', () => {
    const result = lintObjects([...baseline(), twoRules({ from: [{ podSelector: { matchLabels: { app: 'frontend', tier: 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }] })], only('NP014'));
    expect(active(result, 'NP014').map(f => f.message)).toEqual(['production/api-ingress ingress[1] is fully shadowed by production/api-ingress ingress[0]: every peer and port it allows is already allowed']);
    expect(active(result, 'NP014')[0].severity).toBe('info');
  });

  test('flags only the later of two identical rules, across policies with the same pod selector', () => {
    const dup = np('production', 'api-allow-from-frontend-2', { podSelector: app('api'), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: app('frontend') }], ports: [{ protocol: 'TCP', port: 8080 }] }] });
    expect(active(lintObjects([...baseline(), dup], only('NP014')), 'NP014').map(f => f.message)).toEqual(['production/api-allow-from-frontend-2 ingress[0] is fully shadowed by production/api-allow-from-frontend ingress[0]: every peer and port it allows is already allowed']);
  });

  test('does not flag rules that add a peer or a port', () => {
    expect(active(lintObjects([...baseline(), twoRules({ from: [{ podSelector: app('frontend') }], ports: [{ protocol: 'TCP', port: 9090 }] })], only('NP014')), 'NP014')).toEqual([]);
    expect(active(lintObjects([...baseline(), twoRules({ from: [{ podSelector: app('admin') }], ports: [{ protocol: 'TCP', port: 8080 }] })], only('NP014')), 'NP014')).toEqual([]);
    expect(active(lintObjects(baseline(), only('NP014')), 'NP014')).toEqual([]);
  });

  test('is suppressible', () => {
    const result = lintObjects([...baseline(), twoRules({ from: [{ podSelector: app('frontend') }], ports: [{ protocol: 'TCP', port: 8080 }] }, suppress('NP014', 'kept explicit for the audit trail'))], only('NP014'));
    expect(suppressed(result, 'NP014')).toHaveLength(1);
  });
});

describe('NP015 host-network', () => {
  test('flags a hostNetwork workload, naming the policies that will not take effect', () => {
    const result = lintObjects([...baseline(), deploy('production', 'agent', { app: 'agent' }, [], true)], only('NP015'));
    expect(active(result, 'NP015').map(f => f.message)).toEqual(['Deployment production/agent uses hostNetwork: true, so NetworkPolicies do not apply to its pods (it is selected by production/default-deny-all, production/allow-dns, which will not take effect)']);
    expect(active(result, 'NP015')[0]).toMatchObject({ object: { kind: 'Deployment', namespace: 'production', name: 'agent' }, field: 'spec.template.spec.hostNetwork' });
  });

  test('does not flag pod-network workloads', () => {
    expect(active(lintObjects(baseline(), only('NP015')), 'NP015')).toEqual([]);
  });

  test('is suppressed per namespace', () => {
    const objects = [ns('monitoring', undefined, suppress('NP015', 'node-exporter needs the host network')), deploy('monitoring', 'node-exporter', { app: 'node-exporter' }, [], true)];
    expect(suppressed(lintObjects(objects, only('NP015')), 'NP015')).toHaveLength(1);
  });
});

describe('selection and ordering', () => {
  test('findings are sorted by rule id, then namespace and name, and stable across runs', () => {
    const objects = [ns('b'), ns('a'), deploy('b', 'web', { app: 'web' }), deploy('a', 'web', { app: 'web' }), np('a', 'x', { podSelector: app('nope') })];
    const first = lintObjects(objects);
    const keys = first.findings.map(f => `${f.ruleId} ${f.object.namespace ?? f.object.name}/${f.object.name}`);
    expect(keys).toEqual([...keys].sort());
    expect(lintObjects(objects).findings).toEqual(first.findings);
  });

  test('skip leaves rules out but never NP000', () => {
    const result = lintObjects(baseline(), { skip: ['NP002', 'NP000'] });
    expect(result.rules.map(r => r.id)).toContain('NP000');
    expect(result.rules.map(r => r.id)).not.toContain('NP002');
  });
});
