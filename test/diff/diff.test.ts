/**
 * The connectivity diff as a library (`diffConnectivity`): our own small clusters, each expected entry derived from
 * NetworkPolicy semantics in the comments next to it.
 */
import {
  Analysis, Connection, ConnectionSet, ConnectivitySnapshot, diffConnectivity, endpointName, ExternalEndpoint, formatConnlist,
  WorkloadEndpoint, workloadsDiffInfo,
} from '../../lib/analysis';
import { loadText } from '../../lib/model/load';
import { Protocol } from '../../lib/model/types';
import { analyze, namespace, pod } from '../support/clusters';

/** The lines `type src -> dst : old => new [info]` of a diff, for compact assertions. */
function lines(before: Analysis | ConnectivitySnapshot, after: Analysis | ConnectivitySnapshot): string[] {
  return diffConnectivity(before, after).entries.map(e => {
    const info = workloadsDiffInfo(e);
    return `${e.type} ${endpointName(e.src)} -> ${endpointName(e.dst)} : ${e.oldConns} => ${e.newConns}${info ? ` [${info}]` : ''}`;
  });
}

/** A closed namespace `shop` with pods web and api, and an egress policy on api with the given rules. */
function shopYaml(egress: string): string {
  return (namespace('shop') + pod('shop', 'web', { app: 'web' }, ['8080/TCP']) + pod('shop', 'api', { app: 'api' }, ['8080/TCP']) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress: ${egress}
`);
}

/** `shopYaml`, analysed. */
function shopWithApiEgress(egress: string): Analysis {
  return analyze(shopYaml(egress));
}

const workload = (ns: string, name: string, kind = 'Deployment'): WorkloadEndpoint => ({ type: 'workload', namespace: ns, name, kind });
const range = (first: string, last: string): ExternalEndpoint => ({ type: 'external', first, last });
const tcp = (port: number) => ConnectionSet.port(Protocol.TCP, port);

describe('diffConnectivity on clusters', () => {
  test('compares external ranges over both sides\' cuts: narrowing 10.0.0.0/8 to 10.0.0.0/16 removes only the rest of 10/8', () => {
    // GIVEN api may reach 10.0.0.0/8 on TCP 443 before, only 10.0.0.0/16 after (everything else is denied by default-deny-all)
    const before = shopWithApiEgress('[{to: [{ipBlock: {cidr: 10.0.0.0/8}}], ports: [{port: 443}]}]');
    const after = shopWithApiEgress('[{to: [{ipBlock: {cidr: 10.0.0.0/16}}], ports: [{port: 443}]}]');
    // WHEN diffed
    // THEN 10.0.0.0-10.0.255.255 keeps TCP 443 (no entry) and 10.1.0.0-10.255.255.255 loses it
    expect(lines(before, after)).toEqual(['removed shop/api[Pod] -> 10.1.0.0-10.255.255.255[External] : TCP 443 => No Connections']);
  });

  test('finds no difference where the two sides only cut the address space differently', () => {
    // GIVEN api may reach every address on TCP 443, written as two halves before and as 0.0.0.0/0 after
    const before = shopWithApiEgress('[{to: [{ipBlock: {cidr: 0.0.0.0/1}}, {ipBlock: {cidr: 128.0.0.0/1}}], ports: [{port: 443}]}]');
    const after = shopWithApiEgress('[{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]');
    // WHEN diffed
    // THEN the connection lists differ in their ranges, but the connectivity is the same: no entry
    expect(formatConnlist(before.connections())).not.toBe(formatConnlist(after.connections()));
    expect(lines(before, after)).toEqual([]);
  });

  test('merges neighbouring ranges with the same change into one entry', () => {
    // GIVEN api may reach nothing outside before; after, 0.0.0.0/1 and 128.0.0.0/1 on TCP 443 (two ranges in its list)
    const before = shopWithApiEgress('[]');
    const after = shopWithApiEgress('[{to: [{ipBlock: {cidr: 0.0.0.0/1}}, {ipBlock: {cidr: 128.0.0.0/1}}], ports: [{port: 443}]}]');
    // WHEN diffed
    // THEN one added entry covers the whole space
    expect(after.connections().filter(c => c.dst.type === 'external')).toHaveLength(2);
    expect(lines(before, after)).toEqual(['added shop/api[Pod] -> 0.0.0.0-255.255.255.255[External] : No Connections => TCP 443']);
  });

  test('a changed pair carries what it gained and what it lost', () => {
    // GIVEN web -> api on TCP 8080 before and TCP 9090 after (ingress on api; web's egress open: no policy in ns other)
    const cluster = (port: number) => analyze(namespace('other') + pod('other', 'web', { app: 'web' }) + pod('other', 'api', { app: 'api' }) + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: other}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: ${port}}]}]
`);
    // WHEN diffed
    const result = diffConnectivity(cluster(8080), cluster(9090));
    // THEN one changed entry, with TCP 9090 gained and TCP 8080 lost, and no workload info
    expect(result.counts).toEqual({ changed: 1, added: 0, removed: 0 });
    const [entry] = result.entries;
    expect([entry.type, endpointName(entry.src), endpointName(entry.dst)]).toEqual(['changed', 'other/web[Pod]', 'other/api[Pod]']);
    expect([entry.gained.toString(), entry.lost.toString()]).toEqual(['TCP 9090', 'TCP 8080']);
    expect(entry.addedOrRemovedWorkloads).toEqual([]);
  });

  test('names the workloads that exist on one side only, both ends with "and"', () => {
    // GIVEN namespace open (no policies) with pod a before, pods a, b and c after
    const before = analyze(namespace('open') + pod('open', 'a', { app: 'a' }));
    const after = analyze(namespace('open') + pod('open', 'a', { app: 'a' }) + pod('open', 'b', { app: 'b' }) + pod('open', 'c', { app: 'c' }));
    // WHEN diffed
    const info = diffConnectivity(before, after).entries.map(e => `${endpointName(e.src)} -> ${endpointName(e.dst)}: ${workloadsDiffInfo(e)}`);
    // THEN every pod reaches every other pod and the outside: b and c are new, a is not
    expect(info).toEqual([
      '0.0.0.0-255.255.255.255[External] -> open/b[Pod]: workload open/b[Pod] added',
      '0.0.0.0-255.255.255.255[External] -> open/c[Pod]: workload open/c[Pod] added',
      'open/a[Pod] -> open/b[Pod]: workload open/b[Pod] added',
      'open/a[Pod] -> open/c[Pod]: workload open/c[Pod] added',
      'open/b[Pod] -> 0.0.0.0-255.255.255.255[External]: workload open/b[Pod] added',
      'open/b[Pod] -> open/a[Pod]: workload open/b[Pod] added',
      'open/b[Pod] -> open/c[Pod]: workload open/b[Pod] and open/c[Pod] added',
      'open/c[Pod] -> 0.0.0.0-255.255.255.255[External]: workload open/c[Pod] added',
      'open/c[Pod] -> open/a[Pod]: workload open/c[Pod] added',
      'open/c[Pod] -> open/b[Pod]: workload open/c[Pod] and open/b[Pod] added',
    ]);
    // AND the reverse diff removes them, with the same info
    expect(lines(after, before).every(l => l.startsWith('removed '))).toBe(true);
    expect(lines(after, before)).toContain('removed open/b[Pod] -> open/c[Pod] : All Connections => No Connections [workload open/b[Pod] and open/c[Pod] removed]');
  });

  test('a workload removed while it had no connection leaves no entry', () => {
    // GIVEN a closed namespace (default deny, no rules) with pods a and b before, only a after
    const deny = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: closed}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;
    const before = analyze(namespace('closed') + pod('closed', 'a', { app: 'a' }) + pod('closed', 'b', { app: 'b' }) + deny);
    const after = analyze(namespace('closed') + pod('closed', 'a', { app: 'a' }) + deny);
    // WHEN diffed
    // THEN b had no connection, so nothing changed for any pair
    expect(before.workloads()).toHaveLength(2);
    expect(diffConnectivity(before, after).entries).toEqual([]);
  });

  test('accepts cluster models as well as analyses', () => {
    // GIVEN the same two clusters as models and as analyses: api may reach web on TCP 8080 after, and web's ingress
    // is opened to api on TCP 8080 too (web is closed by default-deny-all otherwise)
    const openWeb = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 8080}]}]
`;
    const before = loadText(shopYaml('[]') + openWeb).cluster;
    const after = loadText(shopYaml('[{to: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]') + openWeb).cluster;
    // WHEN diffed as models and as analyses
    const fromModels = diffConnectivity(before, after);
    // THEN the entries are the same: api -> web on TCP 8080 is added
    expect(fromModels).toEqual(diffConnectivity(Analysis.of(before), Analysis.of(after)));
    expect(lines(Analysis.of(before), Analysis.of(after))).toEqual(['added shop/api[Pod] -> shop/web[Pod] : No Connections => TCP 8080']);
  });
});

describe('diffConnectivity on snapshots (plain data)', () => {
  const a = workload('ns', 'a');
  const b = workload('ns', 'b');
  const c = workload('ns', 'c');
  const conn = (src: Connection['src'], dst: Connection['dst'], conns: ConnectionSet): Connection => ({ src, dst, conns });

  test('lists changed, then added, then removed, each by source then destination', () => {
    // GIVEN b -> a changes, c -> a and a -> c appear, a -> b disappears
    const before = { workloads: [a, b, c], connections: [conn(a, b, tcp(1)), conn(b, a, tcp(2))] };
    const after = { workloads: [a, b, c], connections: [conn(c, a, tcp(3)), conn(a, c, tcp(3)), conn(b, a, tcp(4))] };
    // WHEN diffed
    // THEN the order is netpol-analyzer's
    expect(lines(before, after)).toEqual([
      'changed ns/b[Deployment] -> ns/a[Deployment] : TCP 2 => TCP 4',
      'added ns/a[Deployment] -> ns/c[Deployment] : No Connections => TCP 3',
      'added ns/c[Deployment] -> ns/a[Deployment] : No Connections => TCP 3',
      'removed ns/a[Deployment] -> ns/b[Deployment] : TCP 1 => No Connections',
    ]);
    // AND an added entry gained its new side, a removed one lost its old side
    const entries = diffConnectivity(before, after).entries;
    expect(entries.map(e => `${e.gained} / ${e.lost}`)).toEqual(['TCP 4 / TCP 2', 'TCP 3 / No Connections', 'TCP 3 / No Connections', 'No Connections / TCP 1']);
  });

  test('a pair listed twice on one side counts as the union of its entries', () => {
    // GIVEN a -> b as TCP 1 and TCP 2 in two entries before, TCP 1-2 in one after
    const before = { workloads: [a, b], connections: [conn(a, b, tcp(1)), conn(a, b, tcp(2))] };
    const after = { workloads: [a, b], connections: [conn(a, b, ConnectionSet.ports(Protocol.TCP, 1, 2))] };
    // WHEN diffed
    // THEN there is no difference
    expect(lines(before, after)).toEqual([]);
  });

  test('overlapping external ranges of one workload are refused, naming them', () => {
    // GIVEN a snapshot listing a -> 10.0.0.0-10.0.0.255 and a -> 10.0.0.128-10.0.1.0
    const bad = { workloads: [a], connections: [conn(a, range('10.0.0.0', '10.0.0.255'), tcp(1)), conn(a, range('10.0.0.128', '10.0.1.0'), tcp(1))] };
    // WHEN diffed
    // THEN it throws with the workload and both ranges
    expect(() => diffConnectivity(bad, { workloads: [a], connections: [] })).toThrow('the old connections of ns/a[Deployment] list overlapping external ranges 10.0.0.0-10.0.0.255 and 10.0.0.128-10.0.1.0');
  });

  test('IPv6 external endpoints are compared by name', () => {
    // GIVEN a -> 2001:db8::-2001:db8::ffff on TCP 1 before and TCP 2 after
    const v6 = range('2001:db8::', '2001:db8::ffff');
    // WHEN diffed
    // THEN one changed entry for that exact endpoint
    const diffed = lines({ workloads: [a], connections: [conn(a, v6, tcp(1))] }, { workloads: [a], connections: [conn(a, v6, tcp(2))] });
    expect(diffed).toEqual(['changed ns/a[Deployment] -> 2001:db8::-2001:db8::ffff[External] : TCP 1 => TCP 2']);
  });

  test('is linear: diffing 2 x 60,600 connections calls ConnectionSet.equals a bounded number of times per connection', () => {
    // GIVEN 300 workloads, each connecting to 200 others (60,000 pairs), a third of them changed on the new side,
    // and 300 x 2 external ranges per side
    const workloads = Array.from({ length: 300 }, (_, i) => workload('big', `w${i}`));
    const build = (shift: number) => {
      const connections: Connection[] = [];
      workloads.forEach((w, i) => {
        for (let k = 1; k <= 200; k++) connections.push(conn(w, workloads[(i + k) % 300], tcp(k % 3 === 0 ? k + shift : k)));
        connections.push(conn(w, range('0.0.0.0', '9.255.255.255'), tcp(1 + shift)), conn(w, range('11.0.0.0', '255.255.255.255'), tcp(1)));
      });
      return { workloads, connections };
    };
    const before = build(0);
    const after = build(1);
    const equals = jest.spyOn(ConnectionSet.prototype, 'equals');
    try {
      // WHEN diffed
      const started = Date.now();
      const result = diffConnectivity(before, after);
      const elapsed = Date.now() - started;
      // THEN 66 of every 200 pairs changed, and each workload's first range
      expect(result.counts).toEqual({ changed: 300 * 66 + 300, added: 0, removed: 0 });
      // AND ConnectionSet.equals ran a bounded number of times per connection (a pairwise join would need 3.6e9)
      expect(equals.mock.calls.length).toBeLessThan(10 * (before.connections.length + after.connections.length));
      expect(elapsed).toBeLessThan(30000);
    } finally {
      equals.mockRestore();
    }
  });
});
