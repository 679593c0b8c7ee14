import { Testing } from 'cdk8s';
import { DnsAccess, IsolatedNamespace, Peer, Port, Selector } from '../lib';
import { chartIn, manifest, policySpec } from './util';

describe('IsolatedNamespace', () => {
  test('writes the Namespace, default deny both ways and DNS, in one line', () => {
    // GIVEN
    const chart = chartIn();

    // WHEN
    new IsolatedNamespace(chart, 'production', { namespaceName: 'production', labels: { team: 'core' } });

    // THEN
    const manifests = Testing.synth(chart);
    expect(manifests.map((m: any) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`)).toEqual([
      'Namespace//production',
      'NetworkPolicy/production/default-deny-all',
      'NetworkPolicy/production/allow-dns',
    ]);
    expect(manifest(chart, 'Namespace', 'production')).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'production', labels: { team: 'core' } } });
    expect(policySpec(chart, 'default-deny-all')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policySpec(chart, 'allow-dns').egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  test('writes a cluster-scoped Namespace even in a namespaced chart, and its policies into itself', () => {
    const chart = chartIn('elsewhere');
    new IsolatedNamespace(chart, 'ns', { namespaceName: 'production' });
    expect(manifest(chart, 'Namespace', 'production').metadata).toEqual({ name: 'production' });
    expect(manifest(chart, 'NetworkPolicy', 'default-deny-all').metadata.namespace).toBe('production');
  });

  test('exposes its name and labels, including the one Kubernetes sets', () => {
    const ns = new IsolatedNamespace(chartIn(), 'ns', { namespaceName: 'shop', labels: { team: 'core' } });
    expect(ns.namespaceName).toBe('shop');
    expect(ns.labels).toEqual({ 'team': 'core', 'kubernetes.io/metadata.name': 'shop' });
    expect(ns.allPods.toPeerModel('other')).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } });
    expect(ns.pods(Selector.labels({ app: 'web' })).toPeerModel('other')).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
      podSelector: { matchLabels: { app: 'web' } },
    });
  });

  test('passes DNS options through, or leaves DNS out', () => {
    const chart = chartIn();
    new IsolatedNamespace(chart, 'a', { namespaceName: 'a', dns: { dnsPods: DnsAccess.KUBE_DNS_PODS } });
    const b = new IsolatedNamespace(chart, 'b', { namespaceName: 'b', allowDns: false });
    const dns = Testing.synth(chart).filter((m: any) => m.metadata.name === 'allow-dns');
    expect(dns).toHaveLength(1);
    expect(dns[0].metadata.namespace).toBe('a');
    expect(dns[0].spec.egress[0].to[0].podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
    expect(b.dnsAccess).toBeUndefined();
  });

  test('adds allows inside the namespace with derived names', () => {
    const chart = chartIn();
    const ns = new IsolatedNamespace(chart, 'ns', { namespaceName: 'production' });
    const api = Selector.labels({ app: 'api' });
    const from = ns.allowFrom(api, [Peer.pods(Selector.labels({ app: 'frontend' }))], [Port.tcp(8080)]);
    const to = ns.allowTo(api, [Peer.pods(Selector.labels({ app: 'postgres' }))], [Port.POSTGRES]);
    const cidr = ns.allowEgressCidr(api, ['52.94.0.0/16'], [Port.HTTPS]);
    expect([from.name, to.name, cidr.name]).toEqual(['api-allow-from-frontend', 'api-allow-to-postgres', 'api-allow-egress-52-94-0-0-16']);
    expect([from.namespaceName, to.namespaceName, cidr.namespaceName]).toEqual(['production', 'production', 'production']);
    expect(policySpec(chart, 'api-allow-egress-52-94-0-0-16').egress[0].to).toEqual([{ ipBlock: { cidr: '52.94.0.0/16' } }]);
  });

  test('throws if the namespace name is not a DNS label', () => {
    expect(() => new IsolatedNamespace(chartIn(), 'ns', { namespaceName: 'Production' })).toThrow('new IsolatedNamespace("ns"): namespaceName: namespace name "Production" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "production").');
  });

  test('throws if a label is invalid', () => {
    expect(() => new IsolatedNamespace(chartIn(), 'ns', { namespaceName: 'p', labels: { team: 'a b' } })).toThrow(/new IsolatedNamespace\("ns"\): labels: label value "a b" is not valid/);
  });

  test('throws if two namespaces of the same name would both write default-deny-all', () => {
    const chart = chartIn();
    new IsolatedNamespace(chart, 'one', { namespaceName: 'p' });
    expect(() => new IsolatedNamespace(chart, 'two', { namespaceName: 'p' })).toThrow(/a NetworkPolicy named "default-deny-all" already exists in namespace "p", defined at test\/one\/DefaultDeny/);
  });
});

describe('IsolatedNamespace convenience methods', () => {
  test('throw with a clear message when the derived name is taken', () => {
    const ns = new IsolatedNamespace(chartIn(), 'ns', { namespaceName: 'production' });
    const api = Selector.labels({ app: 'api' });
    ns.allowFrom(api, [Peer.pods(Selector.labels({ app: 'frontend' }))], [Port.tcp(8080)]);
    expect(() => ns.allowFrom(api, [Peer.pods(Selector.labels({ app: 'frontend' }))], [Port.tcp(9090)])).toThrow('IsolatedNamespace("ns").allowFrom(): a policy named "api-allow-from-frontend" already exists in namespace "production" (test/ns/api-allow-from-frontend). Pass a different `name`, or add the rule to the existing policy with addIngressRule()/addEgressRule().');
  });
});

describe('IsolatedNamespace.suppress()', () => {
  test('annotates the Namespace, which suppresses findings about everything in it', () => {
    const chart = chartIn();
    const ns = new IsolatedNamespace(chart, 'ns', { namespaceName: 'edge' });
    ns.suppress('NP007', 'the edge namespace talks to the internet by design');
    expect(manifest(chart, 'Namespace', 'edge').metadata.annotations).toEqual({
      'cdk8s-netpol.io/suppress': '[{"id":"NP007","reason":"the edge namespace talks to the internet by design"}]',
    });
  });
});
