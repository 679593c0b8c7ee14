/**
 * Exposure analysis on our own small clusters: what a workload is open to beyond the workloads of the input, from
 * Kubernetes semantics (who could a selector admit that the manifests do not show?) and the reporting rules of
 * lib/analysis/exposure.ts. The conformance run at the end compares with np-guard's own expectations when
 * ../shared/conformance is present.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { Analysis, endpointName, ExposureConnections, exposureLine, exposureOf, formatConnlistWithExposure, formatExposureSection, hasClusterExposure, PodsPeer, selectorRequirements, WorkloadExposure } from '../../lib/analysis';
import { WorkloadClass } from '../../lib/analysis/classes';
import { CompiledRule, SelectorPeer } from '../../lib/analysis/compiled';
import { ConnectionSet } from '../../lib/analysis/connection-set';
import { podsPeerName } from '../../lib/analysis/exposure';
import { isEmptySelector, matchesSelector } from '../../lib/analysis/selectors';
import { loadPaths } from '../../lib/model/load';
import { LabelOperator, PolicyType, Protocol, RuleModel, SelectorModel } from '../../lib/model/types';
import { clusterArb } from '../support/arbitraries';
import { analyze, namespace, pod } from '../support/clusters';

/** A NetworkPolicy in namespace shop selecting app=api, with the given spec lines after podSelector. */
function apiPolicy(name: string, spec: string, ns = 'shop'): string {
  return `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {app: api}}
${spec}`;
}

const API = pod('shop', 'api', { app: 'api' }, ['http:8080/TCP', 'metrics:9090/TCP', 'dns:53/UDP']);

/** The exposure lines of one workload, without the padding np-guard adds for alignment. */
function linesOf(analysis: Analysis, workload: string): string[] {
  const e = analysis.exposure().find(x => `${x.workload.namespace}/${x.workload.name}` === workload);
  if (!e) throw new Error(`no workload ${workload}`);
  return [
    ...e.egress.exposures.map(x => `=> ${x.peer.name} : ${x.conns}`),
    ...e.ingress.exposures.map(x => `<= ${x.peer.name} : ${x.conns}`),
  ];
}

describe('exposure of unprotected workloads', () => {
  test('a workload no policy selects is open to the entire cluster and every address, both ways', () => {
    // GIVEN one pod and no policy
    const analysis = analyze(namespace('shop') + pod('shop', 'web', { app: 'web' }));
    // WHEN the exposure section is printed
    const text = formatExposureSection(analysis.exposure());
    // THEN each direction lists the whole address space and the entire cluster, and says it is unprotected
    expect(text).toBe([
      'Exposure Analysis Result:',
      'Egress Exposure:',
      'shop/web[Pod] \t=> \t0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/web[Pod] \t=> \tentire-cluster : All Connections',
      '',
      'Ingress Exposure:',
      'shop/web[Pod] \t<= \t0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/web[Pod] \t<= \tentire-cluster : All Connections',
      '',
      'Workloads not protected by network policies:',
      'shop/web[Pod] is not protected on Egress',
      'shop/web[Pod] is not protected on Ingress',
      '',
    ].join('\n'));
  });

  test('an ingress-only policy leaves egress unprotected, and its data says which side is protected', () => {
    // GIVEN a default deny for ingress on api
    const analysis = analyze(namespace('shop') + API + apiPolicy('deny', '  policyTypes: [Ingress]\n'));
    // WHEN
    const [api] = analysis.exposure();
    // THEN ingress is protected with nothing open, egress is open to everything
    expect(api.ingress).toEqual({ protected: true, exposures: [] });
    expect(api.egress.protected).toBe(false);
    expect(linesOf(analysis, 'shop/api')).toEqual(['=> 0.0.0.0-255.255.255.255[External] : All Connections', '=> entire-cluster : All Connections']);
  });
});

describe('exposure peers from selectors', () => {
  test('a namespaceSelector no input namespace matches: every pod of namespaces with those labels', () => {
    // GIVEN api admitting namespaces labelled team=ops on 8080, and no such namespace in the input
    const analysis = analyze(namespace('shop') + API + apiPolicy('ops', `  policyTypes: [Ingress, Egress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: ops, tier: back}}}], ports: [{port: 8080}]}]
`));
    // THEN api is open on 8080 to all pods of such namespaces (labels sorted), and to nothing else
    expect(linesOf(analysis, 'shop/api')).toEqual(['<= [namespace with {team=ops,tier=back}]/[all pods] : TCP 8080']);
  });

  test('a podSelector alone: those pods in the policy\'s namespace', () => {
    // GIVEN api admitting app=worker pods of its own namespace, which the input does not hold
    const analysis = analyze(namespace('shop') + API + apiPolicy('workers', `  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: worker}}}], ports: [{port: 9090}]}]
`));
    // THEN
    expect(linesOf(analysis, 'shop/api')).toContain('<= shop/[pod with {app=worker}] : TCP 9090');
  });

  test('the AND form is one peer; the OR form is two, the second in the policy\'s namespace', () => {
    // GIVEN the monitoring scrape written as one item (AND) and as two items (OR)
    const and = analyze(namespace('shop') + API + apiPolicy('scrape', `  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {purpose: monitoring}}, podSelector: {matchLabels: {app: prometheus}}}], ports: [{port: 9090}]}]
`));
    const or = analyze(namespace('shop') + API + apiPolicy('scrape', `  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {purpose: monitoring}}}, {podSelector: {matchLabels: {app: prometheus}}}], ports: [{port: 9090}]}]
`));
    // THEN the AND form admits prometheus pods of monitoring namespaces only
    expect(linesOf(and, 'shop/api').filter(l => l.startsWith('<='))).toEqual(['<= [namespace with {purpose=monitoring}]/[pod with {app=prometheus}] : TCP 9090']);
    // AND the OR form admits every pod of monitoring namespaces, and prometheus pods of shop
    expect(linesOf(or, 'shop/api').filter(l => l.startsWith('<='))).toEqual([
      '<= [namespace with {purpose=monitoring}]/[all pods] : TCP 9090',
      '<= shop/[pod with {app=prometheus}] : TCP 9090',
    ]);
  });

  test('namespaceSelector {} with a podSelector: those pods in any namespace', () => {
    // GIVEN egress from api to app=cache pods anywhere
    const analysis = analyze(namespace('shop') + API + apiPolicy('cache', `  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {}, podSelector: {matchLabels: {app: cache}}}], ports: [{port: 6379}]}]
`));
    // THEN
    expect(linesOf(analysis, 'shop/api')).toContain('=> [all namespaces]/[pod with {app=cache}] : TCP 6379');
  });

  test('a namespace named by kubernetes.io/metadata.name prints as its name', () => {
    // GIVEN DNS egress to kube-system by name, with no workload in kube-system
    const analysis = analyze(namespace('shop') + API + apiPolicy('dns', `  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}], ports: [{port: 53, protocol: UDP}, {port: 53}]}]
`));
    // THEN the peer is every pod of kube-system, on both DNS protocols
    expect(linesOf(analysis, 'shop/api').filter(l => l.startsWith('=>'))).toEqual(['=> kube-system/[all pods] : TCP 53,UDP 53']);
    const peer = analysis.exposure()[0].egress.exposures[0].peer as PodsPeer;
    expect(peer).toEqual({ type: 'pods', name: 'kube-system/[all pods]', namespaceName: 'kube-system', namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } });
  });

  test('expressions print in np-guard\'s form, sorted, values as written', () => {
    // GIVEN a pod selector with NotIn and Exists
    const analysis = analyze(namespace('shop') + API + apiPolicy('expr', `  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [web, db]}, {key: app, operator: Exists}]}}]}]
`));
    // THEN expressions are sorted by their text; values keep their order
    expect(linesOf(analysis, 'shop/api')).toContain('<= shop/[pod with {{Key:app,Operator:Exists,Values:[],},{Key:tier,Operator:NotIn,Values:[web db],}}] : All Connections');
  });
});

describe('the entire cluster', () => {
  test('namespaceSelector {} is the entire cluster, and narrower peers within its ports are not listed', () => {
    // GIVEN api open to every pod on 8080, and to team=ops namespaces on 8080 (within) and ops-tools pods on 9090
    const analysis = analyze(namespace('shop') + API + apiPolicy('wide', `  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {}}]
    ports: [{port: 8080}]
  - from: [{namespaceSelector: {matchLabels: {team: ops}}}]
    ports: [{port: 8080}]
  - from: [{podSelector: {matchLabels: {app: ops-tools}}}]
    ports: [{port: 9090}]
`));
    // THEN team=ops adds nothing beyond the entire cluster and is left out; ops-tools pods get 9090 and (as every
    // pod) 8080
    expect(linesOf(analysis, 'shop/api')).toEqual([
      '=> 0.0.0.0-255.255.255.255[External] : All Connections',
      '=> entire-cluster : All Connections',
      '<= entire-cluster : TCP 8080',
      '<= shop/[pod with {app=ops-tools}] : TCP 8080,9090',
    ]);
  });

  test('a rule without peers opens the entire cluster and every address', () => {
    // GIVEN api open to anyone on 443
    const analysis = analyze(namespace('shop') + API + apiPolicy('public', `  policyTypes: [Ingress]
  ingress: [{ports: [{port: 443}]}]
`));
    // THEN
    expect(linesOf(analysis, 'shop/api').filter(l => l.startsWith('<='))).toEqual([
      '<= 0.0.0.0-255.255.255.255[External] : TCP 443',
      '<= entire-cluster : TCP 443',
    ]);
  });

  test('a rule with an entire-cluster peer adds no narrower peer of its own', () => {
    // GIVEN one rule listing namespaceSelector {} and app=x (the second adds nothing in Kubernetes), and a rule
    // admitting every pod of shop on 9000
    const analysis = analyze(namespace('shop') + API + apiPolicy('both', `  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {}}, {podSelector: {matchLabels: {app: x}}}]
    ports: [{port: 80}]
  - from: [{podSelector: {}}]
    ports: [{port: 9000}]
`));
    // THEN app=x is no peer of its own (it would get 80 and 9000 as a pod of shop); all pods of shop are
    expect(linesOf(analysis, 'shop/api').filter(l => l.startsWith('<='))).toEqual(['<= entire-cluster : TCP 80', '<= shop/[all pods] : TCP 80,9000']);
  });
});

describe('workloads of the input answer instead', () => {
  const policy = apiPolicy('workers', `  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: worker}}}], ports: [{port: 9090}]}]
`);

  test('a peer of plain labels matched by a workload is in the connection list, not the exposure', () => {
    // GIVEN the worker pods api admits are in the input
    const analysis = analyze(namespace('shop') + API + pod('shop', 'worker', { app: 'worker', tier: 'batch' }) + policy);
    // THEN the connection is listed and the exposure peer is gone
    expect(formatConnlistWithExposure(analysis.connections(), analysis.exposure())).toContain('shop/worker[Pod] => shop/api[Pod] : TCP 9090');
    expect(linesOf(analysis, 'shop/api')).toEqual(['=> 0.0.0.0-255.255.255.255[External] : All Connections', '=> entire-cluster : All Connections']);
  });

  test('a workload in another namespace does not answer for the policy\'s namespace', () => {
    // GIVEN a worker pod in namespace jobs (the peer means app=worker in shop)
    const analysis = analyze(namespace('shop') + namespace('jobs') + API + pod('jobs', 'worker', { app: 'worker' }) + policy);
    // THEN the exposure peer stays
    expect(linesOf(analysis, 'shop/api')).toContain('<= shop/[pod with {app=worker}] : TCP 9090');
  });

  test('a peer with expressions stays although a workload matches it, as more pods may', () => {
    // GIVEN api admitting app In [worker] pods, and a worker pod
    const analysis = analyze(namespace('shop') + API + pod('shop', 'worker', { app: 'worker' }) + apiPolicy('workers', `  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [worker, cron]}]}}], ports: [{port: 9090}]}]
`));
    // THEN both the connection and the exposure are listed
    expect(analysis.connections().map(c => `${c.src.type === 'workload' ? c.src.name : 'ext'}>${c.dst.type === 'workload' ? c.dst.name : 'ext'}`)).toContain('worker>api');
    expect(linesOf(analysis, 'shop/api')).toContain('<= shop/[pod with {{Key:app,Operator:In,Values:[worker cron],}}] : TCP 9090');
  });

  test('every pod of a namespace stays although a workload runs there', () => {
    // GIVEN egress to all of kube-system, where coredns runs
    const analysis = analyze(namespace('shop') + namespace('kube-system') + API + pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }) + apiPolicy('dns', `  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}], ports: [{port: 53, protocol: UDP}]}]
`));
    // THEN
    expect(linesOf(analysis, 'shop/api')).toContain('=> kube-system/[all pods] : UDP 53');
  });
});

describe('equal selectors, ports and named ports', () => {
  test('selectors equal as Kubernetes reads them are one peer with the union of the ports, printed as first written', () => {
    // GIVEN two policies admitting env In [a, b] + tier namespaces, written in different orders, on 80 and 443
    const analysis = analyze(namespace('shop') + API
      + apiPolicy('one', `  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: env, operator: In, values: [a, b]}, {key: tier, operator: Exists}]}}], ports: [{port: 80}]}]
`) + apiPolicy('two', `  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: tier, operator: Exists}, {key: env, operator: In, values: [b, a]}]}}], ports: [{port: 443}]}]
`));
    // THEN one line, with both ports
    expect(linesOf(analysis, 'shop/api').filter(l => l.startsWith('<='))).toEqual(['<= [namespace with {{Key:env,Operator:In,Values:[a b],},{Key:tier,Operator:Exists,Values:[],}}]/[all pods] : TCP 80,443']);
  });

  test('In with one value equals a matchLabels entry', () => {
    // GIVEN app=worker by matchLabels on 80 and by In [worker] on 81
    const analysis = analyze(namespace('shop') + API + apiPolicy('a', `  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: worker}}}]
    ports: [{port: 80}]
  - from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [worker]}]}}]
    ports: [{port: 81}]
`));
    // THEN one peer on 80-81
    expect(linesOf(analysis, 'shop/api').filter(l => l.startsWith('<='))).toEqual(['<= shop/[pod with {app=worker}] : TCP 80-81']);
  });

  test('a selector that differs is another peer, even when it selects a subset', () => {
    // GIVEN app=x on 80 and app=x,tier=web on 90: pods app=x,tier=web may use both in Kubernetes, but the report
    // matches written selectors (rule 5): each peer gets the ports of the rules written for it
    const analysis = analyze(namespace('shop') + API + apiPolicy('a', `  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: x}}}]
    ports: [{port: 80}]
  - from: [{podSelector: {matchLabels: {app: x, tier: web}}}]
    ports: [{port: 90}]
`));
    // THEN
    expect(linesOf(analysis, 'shop/api').filter(l => l.startsWith('<='))).toEqual([
      '<= shop/[pod with {app=x,tier=web}] : TCP 90',
      '<= shop/[pod with {app=x}] : TCP 80',
    ]);
  });

  test('a rule without namespaceSelector admits a peer naming the policy\'s namespace, however it is written', () => {
    // GIVEN one rule for app=w in shop by name (443), another without namespaceSelector (80)
    const analysis = analyze(namespace('shop') + API + apiPolicy('a', `  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}, podSelector: {matchLabels: {app: w}}}]
    ports: [{port: 443}]
  - from: [{podSelector: {matchLabels: {app: w}}}]
    ports: [{port: 80}]
`));
    // THEN one peer with both ports
    expect(linesOf(analysis, 'shop/api').filter(l => l.startsWith('<='))).toEqual(['<= shop/[pod with {app=w}] : TCP 80,443']);
  });

  test('ingress named ports resolve against the workload\'s own ports; egress named ports stay names', () => {
    // GIVEN api admitting ops namespaces on its named ports http (TCP) and dns (given as TCP: no match), and
    // reaching ops namespaces on the named port grpc
    const analysis = analyze(namespace('shop') + API + apiPolicy('named', `  policyTypes: [Ingress, Egress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: ops}}}], ports: [{port: http}, {port: dns, protocol: TCP}]}]
  egress: [{to: [{namespaceSelector: {matchLabels: {team: ops}}}], ports: [{port: grpc}, {port: 8443}]}]
`));
    // THEN ingress shows 8080 only; egress shows the number and the name
    expect(linesOf(analysis, 'shop/api')).toEqual([
      '=> [namespace with {team=ops}]/[all pods] : TCP 8443,grpc',
      '<= [namespace with {team=ops}]/[all pods] : TCP 8080',
    ]);
    const egress = analysis.exposure()[0].egress.exposures[0].conns;
    expect(egress.namedPorts).toEqual([{ name: 'grpc', protocol: Protocol.TCP }]);
  });

  test('a policy selecting no workload still brings its peers, which other policies may admit', () => {
    // GIVEN policy a (selecting nothing) with peer app=x in shop, and api admitting every pod of shop by name on 80
    const analysis = analyze(namespace('shop') + API + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: other, namespace: shop}
spec:
  podSelector: {matchLabels: {app: nothing-here}}
  ingress: [{from: [{podSelector: {matchLabels: {app: x}}}], ports: [{port: 9999}]}]
` + apiPolicy('shop-only', `  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}}], ports: [{port: 80}]}]
`));
    // THEN api is open on 80 to all of shop, and (as one of them) to app=x pods: np-guard lists both
    expect(linesOf(analysis, 'shop/api').filter(l => l.startsWith('<='))).toEqual([
      '<= shop/[all pods] : TCP 80',
      '<= shop/[pod with {app=x}] : TCP 80',
    ]);
  });
});

describe('the exposure text', () => {
  test('lists only workloads exposed to more than addresses, padded to the longest name', () => {
    // GIVEN api protected both ways with egress to 10.0.0.0/8 only, and an unprotected long-named pod
    const analysis = analyze(namespace('shop') + API + pod('shop', 'a-much-longer-name', { app: 'long' }) + apiPolicy('cidr', `  policyTypes: [Ingress, Egress]
  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}], ports: [{port: 443}]}]
`));
    // WHEN
    const text = formatExposureSection(analysis.exposure());
    // THEN api has no line (it is open to addresses only); the data still has its address exposure
    expect(text).not.toContain('shop/api[Pod]');
    expect(analysis.exposure().find(e => e.workload.name === 'api')!.egress.exposures.map(e => `${e.peer.name} : ${e.conns}`)).toEqual(['10.0.0.0-10.255.255.255[External] : TCP 443']);
    // AND the long name sets the width
    expect(text).toContain('shop/a-much-longer-name[Pod] \t=> \tentire-cluster : All Connections\n');
  });

  test('puts a blank line between the connection list and the section, and none before an empty list', () => {
    // GIVEN a protected workload with no connection at all
    const closed = analyze(namespace('shop') + API + apiPolicy('deny', '  policyTypes: [Ingress, Egress]\n'));
    const open = analyze(namespace('shop') + pod('shop', 'web', { app: 'web' }));
    // THEN
    expect(formatConnlistWithExposure(closed.connections(), closed.exposure())).toBe('Exposure Analysis Result:\n');
    expect(formatConnlistWithExposure(open.connections(), open.exposure())).toMatch(/: All Connections\n\nExposure Analysis Result:\n/);
  });

  test('each line of the section is exposureLine of a listed workload\'s exposure, egress first, padded alike', () => {
    // GIVEN random clusters
    fc.assert(fc.property(clusterArb, cluster => {
      const exposure = Analysis.of(cluster).exposure();
      const shown = exposure.filter(hasClusterExposure);
      const width = Math.max(0, ...shown.map(e => endpointName(e.workload).length));
      // WHEN the section is written
      const lines = formatExposureSection(exposure).split('\n');
      // THEN its direction lines are exactly these, in this order
      const expected = (direction: 'ingress' | 'egress') => shown.flatMap(e => e[direction].exposures.map(x => exposureLine(endpointName(e.workload), direction, x, width)));
      const between = (header: string) => {
        const at = lines.indexOf(header);
        if (at === -1) return [];
        const end = lines.indexOf('', at);
        return lines.slice(at + 1, end === -1 ? undefined : end);
      };
      expect(between('Egress Exposure:')).toEqual(expected('egress'));
      expect(between('Ingress Exposure:')).toEqual(expected('ingress'));
    }), { numRuns: 200 });
  });

  test('exposureOf and Analysis.exposure() agree, and every workload is listed once', () => {
    // GIVEN two pods named alike in two namespaces
    const analysis = analyze(namespace('a') + namespace('b') + pod('a', 'x', { app: 'x' }) + pod('b', 'x', { app: 'x' }));
    // THEN
    const viaFunction: WorkloadExposure[] = exposureOf(analysis);
    expect(viaFunction).toEqual(analysis.exposure());
    expect(viaFunction.map(e => `${e.workload.namespace}/${e.workload.name}`)).toEqual(['a/x', 'b/x']);
  });
});

describe('ExposureConnections and selector requirements', () => {
  test('print numbers then names per protocol, and compare names by protocol and name', () => {
    // GIVEN TCP 80, 8080-8081 and the TCP name http, and UDP 53
    const conns = ExposureConnections.of(ConnectionSet.port(Protocol.TCP, 80).union(ConnectionSet.ports(Protocol.TCP, 8080, 8081)).union(ConnectionSet.port(Protocol.UDP, 53)), [{ name: 'http', protocol: Protocol.TCP }]);
    // THEN
    expect(conns.toString()).toBe('TCP 80,8080-8081,http,UDP 53');
    expect(conns.containedIn(ExposureConnections.ALL)).toBe(true);
    expect(conns.containedIn(ExposureConnections.of(ConnectionSet.protocol(Protocol.TCP).union(ConnectionSet.port(Protocol.UDP, 53))))).toBe(false);
    expect(ExposureConnections.of(ConnectionSet.NONE, [{ name: 'http', protocol: Protocol.UDP }]).containedIn(conns)).toBe(false);
    expect(ExposureConnections.NONE.toString()).toBe('No Connections');
  });

  test('requirements are canonical: sorted, deduplicated values, In with one value as k=v', () => {
    // THEN
    expect(selectorRequirements({ matchLabels: { b: '1' }, matchExpressions: [{ key: 'a', op: LabelOperator.IN, values: ['y', 'x', 'x'] }, { key: 'c', op: LabelOperator.IN, values: ['z'] }] })).toEqual(['a in (x,y)', 'b=1', 'c=z']);
    expect(selectorRequirements({ matchExpressions: [{ key: 'd', op: LabelOperator.DOES_NOT_EXIST }, { key: 'e', op: LabelOperator.NOT_IN, values: ['q'] }, { key: 'f', op: LabelOperator.EXISTS }] })).toEqual(['!d', 'e notin (q)', 'f']);
    expect(selectorRequirements(undefined)).toEqual([]);
  });
});

/**
 * The exposure peers and connections of one protected direction of a class, worked out from the module's rules 2-6
 * the slow way: every rule of every selecting policy against every exposure peer, selectors compared as requirements.
 */
function naiveExposures(analysis: Analysis, direction: PolicyType, cls: WorkloadClass): string[] {
  const engine = analysis.engine;
  const requirements = (s: SelectorModel | undefined) => JSON.stringify(selectorRequirements(s));
  const isEntire = (peer: SelectorPeer) => peer.namespaceSelector !== undefined && isEmptySelector(peer.namespaceSelector)
    && (peer.podSelector === undefined || isEmptySelector(peer.podSelector));
  const admitsEntireCluster = (rule: CompiledRule) => rule.allPeers || rule.selectorPeers.some(isEntire);
  // Rule 3: every selector peer of every rule without an entire-cluster peer; rule 4: less those a workload answers for.
  const peers = new Map<string, { name: string; ns: SelectorModel; pods?: SelectorModel; namespace?: string }>();
  for (const policy of engine.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (admitsEntireCluster(rule)) continue;
      for (const peer of rule.selectorPeers) {
        const ns = peer.namespaceSelector ?? { matchLabels: { 'kubernetes.io/metadata.name': policy.namespace } };
        const key = `${requirements(ns)}/${requirements(peer.podSelector)}`;
        if (peers.has(key)) continue;
        const nsRequirements = selectorRequirements(ns);
        const namespace = nsRequirements.length === 1 && nsRequirements[0].startsWith('kubernetes.io/metadata.name=') ? nsRequirements[0].split('=')[1] : undefined;
        peers.set(key, { name: podsPeerName(ns, peer.podSelector), ns, pods: peer.podSelector, namespace });
      }
    }
  }
  const plain = (s: SelectorModel | undefined) => s !== undefined && (s.matchExpressions ?? []).length === 0 && Object.keys(s.matchLabels ?? {}).length > 0;
  for (const [key, p] of peers) {
    if (plain(p.pods) && plain(p.ns) && engine.classes.some(c => matchesSelector(p.pods!, c.podLabels) && matchesSelector(p.ns, c.namespace.labels))) peers.delete(key);
  }
  // Rule 5, peer by peer; rule 6: the union of the admitting rules' ports, unless within the entire cluster's.
  const side = engine.side(direction, cls);
  const portsOf = (rule: CompiledRule) => (direction === PolicyType.INGRESS ? ExposureConnections.of(engine.rulePorts(rule, cls)) : ExposureConnections.of(rule.ports.numeric, rule.ports.named));
  let entire = ExposureConnections.NONE;
  for (const rule of side.rules) if (admitsEntireCluster(rule)) entire = entire.union(portsOf(rule));
  const lines = entire.isEmpty() ? [] : [`entire-cluster : ${entire}`];
  for (const p of peers.values()) {
    const admits = (rule: CompiledRule, peer: SelectorPeer) => {
      const nsOk = peer.namespaceSelector === undefined ? p.namespace === rule.policy.namespace
        : isEmptySelector(peer.namespaceSelector) || requirements(peer.namespaceSelector) === requirements(p.ns);
      return nsOk && (peer.podSelector === undefined || isEmptySelector(peer.podSelector) || requirements(peer.podSelector) === requirements(p.pods));
    };
    let conns = ExposureConnections.NONE;
    for (const rule of side.rules) if (rule.allPeers || rule.selectorPeers.some(peer => admits(rule, peer))) conns = conns.union(portsOf(rule));
    if (!conns.isEmpty() && !conns.containedIn(entire)) lines.push(`${p.name} : ${conns}`);
  }
  return lines.sort();
}

/**
 * Selectors that random peers draw from, so that peers of different rules share requirements: equal as written, equal
 * as Kubernetes reads them (`In` with one value), narrower, pinning a namespace by name, and empty.
 */
const SELECTOR_POOL: (SelectorModel | undefined)[] = [
  undefined, {}, { matchLabels: { app: 'web' } }, { matchExpressions: [{ key: 'app', op: LabelOperator.IN, values: ['web'] }] },
  { matchLabels: { app: 'web', tier: 'x' } }, { matchLabels: { app: 'db' } }, { matchLabels: { team: 'red' } },
  { matchLabels: { 'kubernetes.io/metadata.name': 'alpha' } }, { matchExpressions: [{ key: 'tier', op: LabelOperator.EXISTS }] },
];

/** A random cluster whose selector peers take their selectors from SELECTOR_POOL (a peer keeps at least one). */
const pooledClusterArb = fc.tuple(clusterArb, fc.array(fc.nat(SELECTOR_POOL.length - 1), { minLength: 32, maxLength: 32 })).map(([cluster, picks]) => {
  let i = 0;
  const pick = () => SELECTOR_POOL[picks[i++ % picks.length]];
  const pooled = (rules: RuleModel[] | undefined) => rules?.map(rule => ({
    ...rule,
    ...(rule.peers ? {
      peers: rule.peers.map(peer => {
        if (peer.ipBlock) return peer;
        const namespaceSelector = pick();
        const podSelector = pick() ?? (namespaceSelector ? undefined : {});
        return { ...(namespaceSelector ? { namespaceSelector } : {}), ...(podSelector ? { podSelector } : {}) };
      }),
    } : {}),
  }));
  return { ...cluster, policies: cluster.policies.map(p => ({ ...p, ...(p.ingress ? { ingress: pooled(p.ingress) } : {}), ...(p.egress ? { egress: pooled(p.egress) } : {}) })) };
});

describe('exposure peers against the module\'s rules, the slow way', () => {
  test('on random clusters, every protected direction of every workload lists the peers and ports the rules give', () => {
    fc.assert(fc.property(fc.oneof(clusterArb, pooledClusterArb), cluster => {
      // GIVEN a random cluster
      const analysis = Analysis.of(cluster);
      const classOf = new Map<string, WorkloadClass>();
      for (const cls of analysis.engine.classes) for (const w of cls.workloads) if (!classOf.has(`${w.namespaceName}/${w.name}`)) classOf.set(`${w.namespaceName}/${w.name}`, cls);
      // WHEN its exposure is computed
      for (const e of analysis.exposure()) {
        const cls = classOf.get(`${e.workload.namespace}/${e.workload.name}`)!;
        for (const [direction, side] of [[PolicyType.INGRESS, e.ingress], [PolicyType.EGRESS, e.egress]] as const) {
          if (!side.protected) continue;
          // THEN the non-address exposures are the naive ones
          const got = side.exposures.filter(x => x.peer.type !== 'external').map(x => `${x.peer.name} : ${x.conns}`).sort();
          expect(got).toEqual(naiveExposures(analysis, direction, cls));
        }
      }
    }), { numRuns: 300 });
  });
});

/** The conformance scenarios (np-guard's test data, read in place; never copied into the project). */
const CONFORMANCE = path.join(__dirname, '..', '..', '..', 'shared', 'conformance');

function exposureScenarios(): [string, string][] {
  if (!fs.existsSync(CONFORMANCE)) return [];
  const roots = [CONFORMANCE, path.join(CONFORMANCE, 'exposure')].filter(r => fs.existsSync(r));
  const out: [string, string][] = [];
  for (const root of roots) {
    for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(root, entry.name);
      const expected = fs.readdirSync(dir).find(f => f.endsWith('_exposure_output.txt'));
      if (expected) out.push([entry.name, path.join(dir, expected)]);
    }
  }
  return out.sort();
}

function lineSet(text: string): string[] {
  return [...new Set(text.split('\n').map(l => l.replace(/\s+$/, '')).filter(l => l))].sort();
}

describe('conformance: np-guard\'s exposure scenarios, every line (when ../shared/conformance is present)', () => {
  const scenarios = exposureScenarios();

  test('are found when the folder is present', () => {
    // THEN the 15 exposure scenarios and the two connlist scenarios with exposure output are all there
    expect(scenarios.length === 0 || scenarios.length >= 17).toBe(true);
  });

  (scenarios.length > 0 ? test.each(scenarios) : test.skip.each([['(none)', '']]))('%s', (_name, expectedFile) => {
    // GIVEN the scenario's manifests
    const { cluster } = loadPaths([path.dirname(expectedFile)]);
    const analysis = Analysis.of(cluster);
    // WHEN printed as analyze --exposure prints it
    const text = formatConnlistWithExposure(analysis.connections(), analysis.exposure());
    // THEN the set of lines equals np-guard's, padding and tabs included
    expect(lineSet(text)).toEqual(lineSet(fs.readFileSync(expectedFile, 'utf8')));
  });
});
