import * as kplus from 'cdk8s-plus-28';
import { AllowEgressCidr, AllowFrom, AllowTo, Peer, Port, Selector } from '../lib';
import { chartIn, policySpec } from './util';

const api = Selector.labels({ app: 'api' });
const frontend = Selector.labels({ app: 'frontend' });

describe('AllowFrom', () => {
  test('allows ingress to the pods from the peers on the ports, named <pods>-allow-from-<peers>', () => {
    // GIVEN
    const chart = chartIn('production');

    // WHEN
    new AllowFrom(chart, 'api-ingress', { pods: api, peers: [Peer.pods(frontend)], ports: [Port.tcp(8080)] });

    // THEN
    expect(policySpec(chart, 'api-allow-from-frontend')).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  test('renders a list of peers as OR: one from entry per peer', () => {
    const chart = chartIn('production');
    new AllowFrom(chart, 'p', {
      pods: api,
      peers: [Peer.namespaces(Selector.labels({ purpose: 'monitoring' })), Peer.pods(Selector.labels({ app: 'prometheus' }))],
      ports: [Port.tcp(9090)],
    });
    expect(policySpec(chart, 'api-allow-from-monitoring-prometheus').ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { purpose: 'monitoring' } } },
      { podSelector: { matchLabels: { app: 'prometheus' } } },
    ]);
  });

  test('renders a namespace-and-pods peer as AND: one from entry with both selectors', () => {
    const chart = chartIn('production');
    new AllowFrom(chart, 'p', {
      pods: api,
      peers: [Peer.podsInNamespaces(Selector.labels({ purpose: 'monitoring' }), Selector.labels({ app: 'prometheus' }))],
      ports: [Port.tcp(9090)],
    });
    expect(policySpec(chart, 'api-allow-from-monitoring-prometheus').ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { purpose: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } },
    ]);
  });

  test('allows everyone with Peer.anyone() and Port.allTraffic() as ingress: [{}]', () => {
    const chart = chartIn('production');
    new AllowFrom(chart, 'p', { pods: Selector.all(), peers: [Peer.anyone()], ports: [Port.allTraffic()] });
    expect(policySpec(chart, 'allow-from-anyone')).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
  });

  test('accepts cdk8s-plus workloads as target and peer, across namespaces', () => {
    const chart = chartIn('production');
    const apiDeployment = new kplus.Deployment(chart, 'api', { podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'api' }] });
    const prometheus = new kplus.StatefulSet(chart, 'prometheus', {
      metadata: { namespace: 'monitoring' },
      podMetadata: { labels: { app: 'prometheus' } },
      containers: [{ image: 'prom' }],
      service: new kplus.Service(chart, 'svc', { metadata: { namespace: 'monitoring' }, ports: [{ port: 9090 }] }),
    });
    new AllowFrom(chart, 'p', { pods: Selector.podsOf(apiDeployment), peers: [Peer.workload(prometheus)], ports: [Port.tcp(9090)] });
    expect(policySpec(chart, 'api-allow-from-prometheus')).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }],
        ports: [{ protocol: 'TCP', port: 9090 }],
      }],
    });
  });

  test('throws if peers is empty', () => {
    expect(() => new AllowFrom(chartIn('production'), 'p', { pods: api, peers: [], ports: [Port.tcp(80)] })).toThrow(/new AllowFrom\("p"\): peers is empty\. .*say \[Peer\.anyone\(\)\]/);
  });
});

describe('AllowTo', () => {
  test('allows egress from the pods to the peers, named <pods>-allow-to-<peers>', () => {
    const chart = chartIn('production');
    new AllowTo(chart, 'p', { pods: api, peers: [Peer.pods(Selector.labels({ app: 'postgres' }))], ports: [Port.POSTGRES] });
    expect(policySpec(chart, 'api-allow-to-postgres')).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'postgres' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
  });

  test('takes further egress rules as further entries', () => {
    const chart = chartIn('production');
    const policy = new AllowTo(chart, 'p', { name: 'api-egress', pods: api, peers: [Peer.pods(Selector.labels({ app: 'postgres' }))], ports: [Port.POSTGRES] });
    policy.addEgressRule([Peer.namespaceNamed('kube-system')], [Port.DNS_UDP]);
    expect(policySpec(chart, 'api-egress').egress).toHaveLength(2);
    expect(policySpec(chart, 'api-egress').policyTypes).toEqual(['Egress']);
  });

  test('throws if ports is empty', () => {
    expect(() => new AllowTo(chartIn('production'), 'p', { pods: api, peers: [Peer.allPods()], ports: [] })).toThrow(/new AllowTo\("p"\): ports is empty\. .*say \[Port\.allTraffic\(\)\]/);
  });
});

describe('AllowEgressCidr', () => {
  test('allows egress to explicit ranges on explicit ports, named after the first range', () => {
    const chart = chartIn('production');
    new AllowEgressCidr(chart, 'aws', { pods: api, cidrs: ['52.94.0.0/16', '2600:1f00::/24'], ports: [Port.HTTPS] });
    expect(policySpec(chart, 'api-allow-egress-52-94-0-0-16-2600-1f00-24')).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '52.94.0.0/16' } }, { ipBlock: { cidr: '2600:1f00::/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
  });

  test('throws if a range is listed twice, in any spelling (it used to be written twice)', () => {
    expect(() => new AllowEgressCidr(chartIn('production'), 'aws', { pods: api, cidrs: ['52.94.0.0/16', '10.0.0.0/8', '52.94.0.0/16'], ports: [Port.HTTPS] })).toThrow('new AllowEgressCidr("aws"): cidrs lists 52.94.0.0/16 more than once (["52.94.0.0/16","10.0.0.0/8","52.94.0.0/16"]); list each range once.');
    expect(() => new AllowEgressCidr(chartIn('production'), 'v6', { pods: api, cidrs: ['2001:db8::/32', '2001:0DB8::/32'], ports: [Port.HTTPS] })).toThrow(/cidrs lists 2001:db8::\/32 more than once/);
  });

  test('throws if cidrs is empty', () => {
    expect(() => new AllowEgressCidr(chartIn('production'), 'aws', { pods: api, cidrs: [], ports: [Port.HTTPS] })).toThrow('new AllowEgressCidr("aws"): cidrs is empty. List the address ranges the pods may reach, e.g. ["52.94.0.0/16"].');
  });

  test('throws if a range has host bits set, suggesting the network', () => {
    expect(() => new AllowEgressCidr(chartIn('production'), 'aws', { pods: api, cidrs: ['52.94.1.0/16'], ports: [Port.HTTPS] })).toThrow('new AllowEgressCidr("aws"): Invalid CIDR "52.94.1.0/16": host bits are set. Did you mean "52.94.0.0/16"?');
  });

  test('throws for the whole address space', () => {
    expect(() => new AllowEgressCidr(chartIn('production'), 'aws', { pods: api, cidrs: ['0.0.0.0/0'], ports: [Port.HTTPS] })).toThrow('new AllowEgressCidr("aws"): CIDR "0.0.0.0/0" is every IPv4 address. If that is really meant, say Peer.anyIpv4(); otherwise list the ranges you depend on.');
  });

  test('throws for all traffic instead of explicit ports', () => {
    expect(() => new AllowEgressCidr(chartIn('production'), 'aws', { pods: api, cidrs: ['52.94.0.0/16'], ports: [Port.allTraffic()] })).toThrow('new AllowEgressCidr("aws"): ports may not be Port.allTraffic(): name the ports the external service listens on (e.g. [Port.HTTPS]).');
  });
});

