import { Testing } from 'cdk8s';
import { DefaultDeny, DnsAccess, Errors, ErrorCode, PolicyType, Selector } from '../../lib';
import { KyvernoNamespaceDefaults } from '../../lib/governance/kyverno';
import { chartIn, manifest, policySpec } from '../util';

const SYSTEM = ['kube-system', 'kube-public', 'kube-node-lease'];
const NEW_NAMESPACE = '{{request.object.metadata.name}}';

/** The ClusterPolicy `netpol-namespace-defaults` (or `name`) synthesized by `chart`. */
function clusterPolicy(chart: ReturnType<typeof chartIn>, name = 'netpol-namespace-defaults'): any {
  return manifest(chart, 'ClusterPolicy', name);
}

/** The generate rule that writes the NetworkPolicy `policyName`. */
function generateRule(policy: any, policyName: string): any {
  const rules = policy.spec.rules.filter((r: any) => r.generate?.name === policyName);
  expect(rules).toHaveLength(1);
  return rules[0];
}

describe('KyvernoNamespaceDefaults', () => {
  test('writes a cluster-scoped kyverno.io/v1 ClusterPolicy with one generate rule per policy', () => {
    // GIVEN
    const chart = chartIn('production');

    // WHEN
    new KyvernoNamespaceDefaults(chart, 'defaults');

    // THEN
    const policy = clusterPolicy(chart);
    expect(policy.apiVersion).toBe('kyverno.io/v1');
    expect(policy.kind).toBe('ClusterPolicy');
    expect(policy.metadata.name).toBe('netpol-namespace-defaults');
    expect(policy.metadata.namespace).toBeUndefined();
    expect(policy.metadata.annotations['policies.kyverno.io/description']).toBe('Generates default-deny-all and allow-dns in every new namespace except kube-system, kube-public, kube-node-lease. Written by cdk8s-netpol.');
    expect(policy.spec.background).toBe(true);
    expect(policy.spec.rules.map((r: any) => r.name)).toEqual(['generate-default-deny-all', 'generate-allow-dns']);
  });

  test('matches every Namespace and excludes the system namespaces by their own names', () => {
    const chart = chartIn();
    new KyvernoNamespaceDefaults(chart, 'defaults');
    for (const rule of clusterPolicy(chart).spec.rules) {
      expect(rule.match).toEqual({ any: [{ resources: { kinds: ['Namespace'] } }] });
      expect(rule.exclude).toEqual({ any: [{ resources: { kinds: ['Namespace'], names: SYSTEM } }] });
    }
  });

  test('generates default-deny-all into the new namespace, kept in sync, equal to what DefaultDeny synthesizes', () => {
    // GIVEN
    const chart = chartIn();
    const reference = chartIn('any-namespace');
    new DefaultDeny(reference, 'deny');

    // WHEN
    new KyvernoNamespaceDefaults(chart, 'defaults');

    // THEN
    const rule = generateRule(clusterPolicy(chart), 'default-deny-all');
    expect(rule.generate).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      name: 'default-deny-all',
      namespace: NEW_NAMESPACE,
      synchronize: true,
      data: { spec: policySpec(reference, 'default-deny-all') },
    });
    expect(rule.generate.data.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('generates allow-dns into the new namespace, equal to what DnsAccess synthesizes', () => {
    const chart = chartIn();
    const reference = chartIn('any-namespace');
    new DnsAccess(reference, 'dns');
    new KyvernoNamespaceDefaults(chart, 'defaults');
    const rule = generateRule(clusterPolicy(chart), 'allow-dns');
    expect(rule.generate.apiVersion).toBe('networking.k8s.io/v1');
    expect(rule.generate.kind).toBe('NetworkPolicy');
    expect(rule.generate.namespace).toBe(NEW_NAMESPACE);
    expect(rule.generate.synchronize).toBe(true);
    expect(rule.generate.data).toEqual({ spec: policySpec(reference, 'allow-dns') });
  });

  test('allows DNS over UDP and TCP 53 to kube-system selected by kubernetes.io/metadata.name (not the upstream sample\'s `name` label, not UDP only)', () => {
    const chart = chartIn();
    new KyvernoNamespaceDefaults(chart, 'defaults');
    const spec = generateRule(clusterPolicy(chart), 'allow-dns').generate.data.spec;
    expect(spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
    expect(JSON.stringify(clusterPolicy(chart))).not.toMatch(/"name":"kube-system"/);
  });

  test('passes the DNS options through to DnsAccess, and leaves the DNS namespace alone', () => {
    // GIVEN
    const dns = { dnsNamespace: 'dns-system', dnsPods: DnsAccess.KUBE_DNS_PODS, nodeLocalDnsAddress: '169.254.20.10' };
    const chart = chartIn();
    const reference = chartIn('any-namespace');
    new DnsAccess(reference, 'dns', dns);

    // WHEN
    new KyvernoNamespaceDefaults(chart, 'defaults', { dns, excludedNamespaces: ['kyverno'] });

    // THEN
    const policy = clusterPolicy(chart);
    expect(generateRule(policy, 'allow-dns').generate.data.spec).toEqual(policySpec(reference, 'allow-dns'));
    expect(generateRule(policy, 'allow-dns').generate.data.spec.egress[0].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
      { ipBlock: { cidr: '169.254.20.10/32' } },
    ]);
    expect(policy.spec.rules[0].exclude.any[0].resources.names).toEqual([...SYSTEM, 'dns-system', 'kyverno']);
  });

  test('excludes the given namespaces after the system ones, each once, in order', () => {
    const chart = chartIn();
    const defaults = new KyvernoNamespaceDefaults(chart, 'defaults', { excludedNamespaces: ['kyverno', 'kube-system', 'ingress-nginx', 'kyverno'] });
    expect(defaults.excludedNamespaces).toEqual([...SYSTEM, 'kyverno', 'ingress-nginx']);
    expect(clusterPolicy(chart).spec.rules[1].exclude.any[0].resources.names).toEqual([...SYSTEM, 'kyverno', 'ingress-nginx']);
  });

  test('generates only the default deny when allowDns is false, and does not exempt the DNS namespace', () => {
    const chart = chartIn();
    new KyvernoNamespaceDefaults(chart, 'defaults', { allowDns: false, dns: { dnsNamespace: 'dns-system' } });
    const policy = clusterPolicy(chart);
    expect(policy.spec.rules.map((r: any) => r.generate.name)).toEqual(['default-deny-all']);
    expect(policy.spec.rules[0].exclude.any[0].resources.names).toEqual(SYSTEM);
  });

  test('turns synchronize off when told, and takes another name', () => {
    const chart = chartIn();
    new KyvernoNamespaceDefaults(chart, 'defaults', { name: 'tenant-defaults', synchronize: false });
    expect(clusterPolicy(chart, 'tenant-defaults').spec.rules.map((r: any) => r.generate.synchronize)).toEqual([false, false]);
  });

  test('does not collide with policies of the same names declared in the app', () => {
    // The generated policies are built in a private construct tree, so the app's own DefaultDeny keeps its name.
    const chart = chartIn('production');
    new DefaultDeny(chart, 'deny');
    new DnsAccess(chart, 'dns');
    new KyvernoNamespaceDefaults(chart, 'defaults');
    new KyvernoNamespaceDefaults(chart, 'defaults-2', { name: 'other-defaults' });
    expect(Testing.synth(chart).map((m: any) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'NetworkPolicy/default-deny-all',
      'NetworkPolicy/allow-dns',
      'ClusterPolicy/netpol-namespace-defaults',
      'ClusterPolicy/other-defaults',
    ]);
  });

  test('synthesizes the same manifest every time', () => {
    const synth = () => {
      const chart = chartIn('production');
      new KyvernoNamespaceDefaults(chart, 'defaults', { excludedNamespaces: ['b', 'a'], dns: { dnsPods: Selector.labels({ 'k8s-app': 'kube-dns' }) } });
      return JSON.stringify(Testing.synth(chart));
    };
    expect(synth()).toEqual(synth());
  });

  test('is an instance of its own class only', () => {
    const defaults = new KyvernoNamespaceDefaults(chartIn(), 'defaults');
    expect(defaults instanceof KyvernoNamespaceDefaults).toBe(true);
    expect((new DefaultDeny(chartIn(), 'deny', { policyTypes: [PolicyType.INGRESS] }) as any) instanceof KyvernoNamespaceDefaults).toBe(false);
  });

  describe('errors', () => {
    test('throws if an excluded namespace is not a namespace name', () => {
      expect(() => new KyvernoNamespaceDefaults(chartIn(), 'defaults', { excludedNamespaces: ['kyverno', 'Ingress_Nginx'] })).toThrow('new KyvernoNamespaceDefaults("defaults"): excludedNamespaces[1]: namespace name "Ingress_Nginx" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "ingress-nginx"). List namespaces by their exact names (Kyverno wildcards are not accepted here).');
    });

    test('throws if an excluded namespace is a wildcard', () => {
      expect(() => new KyvernoNamespaceDefaults(chartIn(), 'defaults', { excludedNamespaces: ['team-*'] })).toThrow('new KyvernoNamespaceDefaults("defaults"): excludedNamespaces[0]: namespace name "team-*" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "team"). List namespaces by their exact names (Kyverno wildcards are not accepted here).');
    });

    test('throws if an excluded namespace is empty, with the INVALID_NAME code', () => {
      let error: unknown;
      try {
        new KyvernoNamespaceDefaults(chartIn(), 'defaults', { excludedNamespaces: [''] });
      } catch (e) {
        error = e;
      }
      expect(Errors.codeOf(error)).toBe(ErrorCode.INVALID_NAME);
      expect((error as Error).message).toBe('new KyvernoNamespaceDefaults("defaults"): excludedNamespaces[0]: namespace name "" is empty; it must be a DNS-1123 label such as "production". List namespaces by their exact names (Kyverno wildcards are not accepted here).');
    });

    test('throws if the policy name is not a valid object name', () => {
      expect(() => new KyvernoNamespaceDefaults(chartIn(), 'defaults', { name: 'Namespace Defaults' })).toThrow('new KyvernoNamespaceDefaults("defaults"): name "Namespace Defaults" is not a DNS-1123 subdomain: use lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "namespace-defaults"). Pass a valid `name`.');
    });

    test('throws if the DNS namespace is not a valid name, explaining it as DnsAccess does', () => {
      expect(() => new KyvernoNamespaceDefaults(chartIn(), 'defaults', { dns: { dnsNamespace: 'Kube_System' } })).toThrow(/^new KyvernoNamespaceDefaults\("defaults"\): dns: Peer.namespaceNamed\(\): namespace name "Kube_System" is not a DNS-1123 label/);
    });

    test('throws if the NodeLocal DNS address is not an address, explaining it as DnsAccess does', () => {
      expect(() => new KyvernoNamespaceDefaults(chartIn(), 'defaults', { dns: { nodeLocalDnsAddress: '169.254.20.300' } })).toThrow('new KyvernoNamespaceDefaults("defaults"): dns: new DnsAccess("Dns") nodeLocalDnsAddress: Invalid CIDR "169.254.20.300/32": "169.254.20.300" has octet 300; IPv4 octets are 0 to 255');
    });
  });
});
