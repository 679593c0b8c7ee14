import { DnsAccess, Selector } from '../lib';
import { chartIn, policySpec } from './util';

const DNS_PORTS = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];
const KUBE_SYSTEM = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } };

describe('DnsAccess', () => {
  test('allows every pod egress to kube-system on UDP and TCP 53, named allow-dns', () => {
    // GIVEN
    const chart = chartIn('production');

    // WHEN
    new DnsAccess(chart, 'dns');

    // THEN
    expect(policySpec(chart, 'allow-dns')).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [KUBE_SYSTEM], ports: DNS_PORTS }],
    });
  });

  test('narrows the destination to the DNS pods with one AND peer', () => {
    const chart = chartIn('production');
    new DnsAccess(chart, 'dns', { dnsPods: DnsAccess.KUBE_DNS_PODS });
    expect(policySpec(chart, 'allow-dns').egress).toEqual([{
      to: [{ ...KUBE_SYSTEM, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: DNS_PORTS,
    }]);
  });

  test('adds a NodeLocal DNSCache address as a /32 (or /128) peer', () => {
    const chart = chartIn('production');
    new DnsAccess(chart, 'dns', { nodeLocalDnsAddress: '169.254.20.10' });
    new DnsAccess(chart, 'dns6', { name: 'allow-dns-v6', nodeLocalDnsAddress: 'fd00::a' });
    expect(policySpec(chart, 'allow-dns').egress[0].to).toEqual([KUBE_SYSTEM, { ipBlock: { cidr: '169.254.20.10/32' } }]);
    expect(policySpec(chart, 'allow-dns-v6').egress[0].to).toEqual([KUBE_SYSTEM, { ipBlock: { cidr: 'fd00::a/128' } }]);
  });

  test('applies to selected pods only, named after them', () => {
    const chart = chartIn('production');
    new DnsAccess(chart, 'dns', { pods: Selector.labels({ app: 'api' }) });
    expect(policySpec(chart, 'api-allow-dns').podSelector).toEqual({ matchLabels: { app: 'api' } });
  });

  test('uses another DNS namespace when told', () => {
    const chart = chartIn('production');
    new DnsAccess(chart, 'dns', { dnsNamespace: 'dns-system' });
    expect(policySpec(chart, 'allow-dns').egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' } } }]);
  });

  test('throws if the NodeLocal address is not an address', () => {
    expect(() => new DnsAccess(chartIn('production'), 'dns', { nodeLocalDnsAddress: '169.254.20.300' })).toThrow('new DnsAccess("dns") nodeLocalDnsAddress: Invalid CIDR "169.254.20.300/32": "169.254.20.300" has octet 300; IPv4 octets are 0 to 255');
  });

  test('throws if the DNS namespace is not a valid name', () => {
    expect(() => new DnsAccess(chartIn('production'), 'dns', { dnsNamespace: 'Kube_System' })).toThrow(/Peer.namespaceNamed\(\): namespace name "Kube_System" is not a DNS-1123 label/);
  });
});
