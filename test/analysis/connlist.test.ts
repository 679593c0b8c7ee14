/** The connection list and its connlist text, on our own fixtures, against the format rules of the conformance README. */
import { formatConnlist } from '../../lib/analysis';
import { analyze, namespace, pod } from '../support/clusters';

function deployment(ns: string, name: string, labels: { [k: string]: string }, ports: string[] = []): string {
  const portLines = ports.map(p => {
    const [, pname, num, proto] = /^(?:([a-z0-9-]+):)?(\d+)\/(\w+)$/.exec(p)!;
    return `        - containerPort: ${num}\n          protocol: ${proto}${pname ? `\n          name: ${pname}` : ''}`;
  });
  return `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: 3
  selector: {matchLabels: ${JSON.stringify(labels)}}
  template:
    metadata: {labels: ${JSON.stringify(labels)}}
    spec:
      containers:
      - name: main
        image: app
${portLines.length ? `        ports:\n${portLines.join('\n')}\n` : ''}`;
}

function lines(yaml: string): string[] {
  return formatConnlist(analyze(yaml).connections()).split('\n').filter(l => l);
}

describe('the connlist', () => {
  test('without policies lists every ordered pair and the whole external space, never a workload to itself', () => {
    // GIVEN two deployments with three replicas each and no policy
    const out = lines(namespace('shop') + deployment('shop', 'web', { app: 'web' }) + deployment('shop', 'api', { app: 'api' }));
    // THEN there are exactly the six expected lines, sorted by source then destination
    expect(out).toEqual([
      '0.0.0.0-255.255.255.255[External] => shop/api[Deployment] : All Connections',
      '0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections',
      'shop/api[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/api[Deployment] => shop/web[Deployment] : All Connections',
      'shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/web[Deployment] => shop/api[Deployment] : All Connections',
    ]);
  });

  test('two workloads with identical labels still connect to each other', () => {
    // GIVEN two deployments with the same labels (one equivalence class)
    const out = lines(namespace('shop') + deployment('shop', 'one', { app: 'same' }) + deployment('shop', 'two', { app: 'same' }));
    // THEN both directions are listed
    expect(out).toContain('shop/one[Deployment] => shop/two[Deployment] : All Connections');
    expect(out).toContain('shop/two[Deployment] => shop/one[Deployment] : All Connections');
  });

  test('splits external sources at every ingress ipBlock boundary, for protected and unprotected pods alike', () => {
    // GIVEN a policy on api allowing UDP 53 from 0.0.0.0/0 except 10.0.0.0/8, and an unprotected web
    const out = lines(namespace('shop') + deployment('shop', 'web', { app: 'web' }) + deployment('shop', 'api', { app: 'api' }) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
    ports: [{port: 53, protocol: UDP}]
`);
    // THEN web gets three source lines with All Connections, api two with UDP 53 (the except range gets nothing)
    expect(out.filter(l => l.endsWith('=> shop/web[Deployment] : All Connections') && l.includes('[External]'))).toEqual([
      '0.0.0.0-9.255.255.255[External] => shop/web[Deployment] : All Connections',
      '10.0.0.0-10.255.255.255[External] => shop/web[Deployment] : All Connections',
      '11.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections',
    ]);
    expect(out.filter(l => l.includes('=> shop/api'))).toEqual([
      '0.0.0.0-9.255.255.255[External] => shop/api[Deployment] : UDP 53',
      '11.0.0.0-255.255.255.255[External] => shop/api[Deployment] : UDP 53',
    ]);
    // AND the destination side is not split (no egress ipBlock)
    expect(out).toContain('shop/api[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections');
  });

  test('prints three full endPort rules as All Connections', () => {
    // GIVEN ingress rules covering 1-65535 for TCP, UDP and SCTP separately
    // WHEN listed
    // THEN the line says All Connections
    const out = lines(namespace('shop') + deployment('shop', 'web', { app: 'web' }) + deployment('shop', 'api', { app: 'api' }) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all-ports, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - ports:
    - {protocol: TCP, port: 1, endPort: 65535}
    - {protocol: UDP, port: 1, endPort: 65535}
    - {protocol: SCTP, port: 1, endPort: 65535}
`);
    expect(out).toContain('shop/web[Deployment] => shop/api[Deployment] : All Connections');
  });

  test('a pod whose only allowing rule names an unresolvable port gets no connections at all', () => {
    // GIVEN api isolated both ways, ingress only on named port "web" UDP, which api declares as TCP
    const out = lines(namespace('shop') + deployment('shop', 'web', { app: 'web' }) + deployment('shop', 'api', { app: 'api' }, ['web:8080/TCP']) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{namespaceSelector: {}}]
    ports: [{port: web, protocol: UDP}]
`);
    // THEN no line mentions api
    expect(out.filter(l => l.includes('shop/api'))).toEqual([]);
    expect(out).toHaveLength(2);
  });

  test('a rule with namespaceSelector {} allows every pod but no external address', () => {
    // GIVEN api admitting namespaceSelector {} only
    // WHEN listed
    // THEN every pod reaches api and no external range does
    const out = lines(namespace('shop') + namespace('other') + deployment('shop', 'api', { app: 'api' }) + deployment('other', 'job', { app: 'job' }) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{namespaceSelector: {}}]}]
`);
    expect(out).toContain('other/job[Deployment] => shop/api[Deployment] : All Connections');
    expect(out.filter(l => l.startsWith('0.0.0.0') && l.includes('shop/api'))).toEqual([]);
  });

  test('names pods by their controller owner, and merges the pods of one owner', () => {
    // GIVEN two pods of one ReplicaSet, a static pod owned by a Node, and a bare pod
    const owned = (name: string) => pod('kube', name, { app: 'dns' }).replace('  namespace: "kube"\n', '  namespace: "kube"\n  ownerReferences:\n  - {apiVersion: apps/v1, kind: ReplicaSet, name: dns-5d8f, controller: true}\n');
    const yaml = namespace('kube') + owned('dns-5d8f-a') + owned('dns-5d8f-b')
      + pod('kube', 'etcd-node1', { component: 'etcd' }).replace('  namespace: "kube"\n', '  namespace: "kube"\n  ownerReferences:\n  - {apiVersion: v1, kind: Node, name: node1, controller: true}\n')
      + pod('kube', 'debug', { run: 'debug' });
    // WHEN listed
    const out = lines(yaml);
    // THEN the names are owner-based, and the ReplicaSet appears once per peer
    const names = [...new Set(out.flatMap(l => l.split(' : ')[0].split(' => ')).filter(n => !n.includes('External')))].sort();
    expect(names).toEqual(['kube/debug[Pod]', 'kube/dns-5d8f[ReplicaSet]', 'kube/etcd-node1[Pod]']);
    expect(out).toHaveLength(3 * 2 + 3 * 2);
  });
});
