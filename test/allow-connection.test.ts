import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowConnection, IsolatedNamespace, Peer, Port, Selector } from '../lib';
import { chartIn, policySpec } from './util';

const frontend = Selector.labels({ app: 'frontend' });
const api = Selector.labels({ app: 'api' });

describe('AllowConnection', () => {
  test('writes the egress half on the source and the ingress half on the destination', () => {
    // GIVEN
    const chart = chartIn('production');

    // WHEN
    const connection = new AllowConnection(chart, 'frontend-to-api', { source: Peer.pods(frontend), destination: Peer.pods(api), ports: [Port.tcp(8080)] });

    // THEN
    expect(connection.egressPolicy?.name).toBe('frontend-allow-to-api');
    expect(connection.ingressPolicy?.name).toBe('api-allow-from-frontend');
    expect(policySpec(chart, 'frontend-allow-to-api')).toEqual({
      podSelector: { matchLabels: { app: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    expect(policySpec(chart, 'api-allow-from-frontend')).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  test('across namespaces, each half lives in its own namespace and names the other end with one AND peer', () => {
    const chart = chartIn();
    new IsolatedNamespace(chart, 'web', { namespaceName: 'web' });
    new IsolatedNamespace(chart, 'data', { namespaceName: 'data' });
    const c = new AllowConnection(chart, 'c', {
      source: Peer.podsInNamespace('web', api),
      destination: Peer.podsInNamespace('data', Selector.labels({ app: 'db' })),
      ports: [Port.POSTGRES],
    });
    expect(c.egressPolicy?.namespaceName).toBe('web');
    expect(c.ingressPolicy?.namespaceName).toBe('data');
    const manifests = Testing.synth(chart);
    const egress = manifests.find((m: any) => m.metadata.name === c.egressPolicy?.name);
    const ingress = manifests.find((m: any) => m.metadata.name === c.ingressPolicy?.name);
    expect(egress.spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'db' } } }]);
    expect(ingress.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } }, podSelector: { matchLabels: { app: 'api' } } }]);
  });

  test('pins relative pods to the chart namespace when the other end is elsewhere', () => {
    const chart = chartIn('web');
    new IsolatedNamespace(chart, 'data', { namespaceName: 'data' });
    const c = new AllowConnection(chart, 'c', { source: Peer.pods(api), destination: Peer.podsInNamespace('data', Selector.labels({ app: 'db' })), ports: [Port.POSTGRES] });
    expect(c.egressPolicy?.namespaceName).toBe('web');
    expect(c.ingressPolicy?.toModel().ingress?.[0].peers).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } },
      podSelector: { matchLabels: { app: 'api' } },
    }]);
  });

  test('takes cdk8s-plus workloads as both ends', () => {
    const chart = chartIn('shop');
    const web = new kplus.Deployment(chart, 'web', { podMetadata: { labels: { app: 'web' } }, containers: [{ image: 'web' }] });
    const db = new kplus.Deployment(chart, 'db', { podMetadata: { labels: { app: 'db' } }, containers: [{ image: 'db' }] });
    const c = new AllowConnection(chart, 'c', { source: Peer.workload(web), destination: Peer.workload(db), ports: [Port.POSTGRES] });
    expect(policySpec(chart, c.egressPolicy!.name).egress[0].to).toEqual([{ podSelector: { matchLabels: { app: 'db' } } }]);
    expect(policySpec(chart, c.ingressPolicy!.name).podSelector).toEqual({ matchLabels: { app: 'db' } });
  });

  test('writes only the egress half when the destination is an address range', () => {
    const chart = chartIn('production');
    const c = new AllowConnection(chart, 'c', { source: Peer.pods(api), destination: Peer.ipv4('52.94.0.0/16'), ports: [Port.HTTPS] });
    expect(c.ingressPolicy).toBeUndefined();
    expect(Testing.synth(chart).map((m: any) => m.metadata.name)).toEqual(['api-allow-to-52-94-0-0-16']);
  });

  test('writes only the ingress half when the source is an address range', () => {
    const chart = chartIn('production');
    const c = new AllowConnection(chart, 'c', { source: Peer.ipv4('10.0.0.0/8'), destination: Peer.pods(api), ports: [Port.HTTPS] });
    expect(c.egressPolicy).toBeUndefined();
    expect(policySpec(chart, 'api-allow-from-10-0-0-0-8').ingress[0].from).toEqual([{ ipBlock: { cidr: '10.0.0.0/8' } }]);
  });

  test('fails synthesis rather than write a policy into a namespace the app does not declare', () => {
    const chart = chartIn('production');
    new AllowConnection(chart, 'dns', {
      source: Peer.pods(api),
      destination: Peer.podsInNamespace('kube-system', Selector.labels({ 'k8s-app': 'kube-dns' })),
      ports: [Port.DNS_UDP],
    });
    expect(() => Testing.synth(chart)).toThrow('[test/dns] AllowConnection would write a NetworkPolicy into namespace "kube-system", which this app does not declare (no chart has that namespace and no Namespace object has that name). Declare it (e.g. new IsolatedNamespace(...)), or write only the half you own with AllowFrom or AllowTo.');
  });

  test('each synthesis sees the namespaces declared at that time, also twice in one tick', () => {
    // GIVEN a connection into namespace data, which the app does not declare yet
    const chart = chartIn('production');
    new AllowConnection(chart, 'c', { source: Peer.pods(api), destination: Peer.podsInNamespace('data', Selector.labels({ app: 'db' })), ports: [Port.POSTGRES] });
    expect(() => Testing.synth(chart)).toThrow('namespace "data", which this app does not declare');
    // WHEN it is declared, and synthesized again at once
    new kplus.Namespace(chart, 'ns', { metadata: { name: 'data' } });
    // THEN that synthesis passes
    expect(() => Testing.synth(chart)).not.toThrow();
    // AND a connection into another undeclared namespace added after it fails the next one, still in the same tick
    new AllowConnection(chart, 'd', { source: Peer.pods(api), destination: Peer.podsInNamespace('cache', Selector.labels({ app: 'redis' })), ports: [Port.tcp(6379)] });
    expect(() => Testing.synth(chart)).toThrow('[test/d] AllowConnection would write a NetworkPolicy into namespace "cache"');
  });

  test('the app\'s declared namespaces are found once per synthesis, not once per connection', () => {
    // GIVEN 300 connections, between namespaces of 3 charts
    const app = Testing.app();
    const charts = ['a', 'b', 'c'].map(ns => new Chart(app, ns, { namespace: ns }));
    for (let i = 0; i < 300; i++) {
      new AllowConnection(charts[i % 3], `c${i}`, { source: Peer.pods(Selector.labels({ app: `s${i}` })), destination: Peer.podsInNamespace(['a', 'b', 'c'][(i + 1) % 3], Selector.labels({ app: `d${i}` })), ports: [Port.HTTP] });
    }
    const constructs = app.node.findAll().length;
    const isChart = jest.spyOn(Chart, 'isChart');
    try {
      // WHEN synthesized
      app.synth();
      // THEN the tree was walked for them a few times, not once per connection (300 walks would ask 300 times each)
      expect(isChart.mock.calls.length).toBeLessThan(40 * constructs);
    } finally {
      isChart.mockRestore();
    }
  });

  test('accepts a namespace declared by a plain Namespace object', () => {
    const chart = chartIn('production');
    new kplus.Namespace(chart, 'ns', { metadata: { name: 'data' } });
    new AllowConnection(chart, 'c', { source: Peer.pods(api), destination: Peer.podsInNamespace('data', Selector.labels({ app: 'db' })), ports: [Port.POSTGRES] });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('throws if an end is several namespaces, which no policy can select', () => {
    expect(() => new AllowConnection(chartIn('production'), 'c', { source: Peer.namespaces(Selector.labels({ team: 'a' })), destination: Peer.pods(api), ports: [Port.tcp(80)] })).toThrow('new AllowConnection("c"): source is all pods in namespaces team=a, which is neither pods of one namespace nor an address range, so no policy can be written for it. Use AllowFrom or AllowTo for a one-sided rule.');
  });

  test('throws if neither end is pods', () => {
    expect(() => new AllowConnection(chartIn('production'), 'c', { source: Peer.ipv4('10.0.0.0/8'), destination: Peer.ipv4('52.94.0.0/16'), ports: [Port.tcp(80)] })).toThrow('new AllowConnection("c"): neither end is pods (source: 10.0.0.0/8; destination: 52.94.0.0/16); there is no policy to write.');
  });

  test('throws if one end is in a named namespace and the other in the chart\'s unnamed one', () => {
    expect(() => new AllowConnection(chartIn(), 'c', { source: Peer.pods(api), destination: Peer.podsInNamespace('data', api), ports: [Port.tcp(80)] })).toThrow(/new AllowConnection\("c"\): one end is in a named namespace and the other in the chart's unnamed namespace/);
  });
});
