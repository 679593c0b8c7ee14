/**
 * Where the cluster DNS runs is configurable (ClusterDns, LintOptions.dns): NP004, NP005 and NP006 judge egress
 * against the configured server, and any egress rule that reaches its pods on its port counts, whatever the peer.
 */
import { App, Chart, Testing } from 'cdk8s';
import { Checker, CheckLevel, ClusterDns, ClusterGuardrails, ClusterNetworkPolicy, ClusterPeer, ClusterPolicyAction, ClusterPolicyTier, ClusterSubject, DnsAccess, ErrorCode, Errors, IsolatedNamespace, Port, Selector } from '../../lib';
import { failingChecks } from '../../lib/testing';
import { clusterOf } from '../../lib/cluster-of';
import { lint } from '../../lib/rules';
import { deploy, lintObjects, np, ns } from './helpers';

const OPENSHIFT = ClusterDns.OPENSHIFT;

/** An egress-isolated namespace whose only egress rule is `egress`. */
function isolatedWith(egress: object[]): object[] {
  return [
    ns('shop'),
    deploy('shop', 'api', { app: 'api' }),
    np('shop', 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    np('shop', 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress }),
  ];
}

const openshiftDns = [{
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } }, podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } }],
  ports: [{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }],
}];

function ids(objects: object[], dns?: ClusterDns): string[] {
  return lintObjects(objects as never, dns ? { dns: dns._toServer() } : {}).findings.filter(f => !f.suppressed).map(f => f.ruleId);
}

describe('the cluster DNS server the checker looks for', () => {
  test('OpenShift\'s DNS allow (openshift-dns, 5353) is NP004 for upstream Kubernetes and clean for ClusterDns.OPENSHIFT', () => {
    expect(ids(isolatedWith(openshiftDns))).toContain('NP004');
    expect(ids(isolatedWith(openshiftDns), OPENSHIFT)).not.toContain('NP004');
    expect(ids(isolatedWith(openshiftDns), OPENSHIFT)).not.toContain('NP006');
  });

  test('port 53 to openshift-dns does not reach OpenShift\'s DNS pods, which listen on 5353', () => {
    const on53 = [{ ...openshiftDns[0], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }];
    const finding = lintObjects(isolatedWith(on53) as never, { dns: OPENSHIFT._toServer() }).findings.find(f => f.ruleId === 'NP004');
    expect(finding?.message).toContain('no egress rule allows DNS (UDP/TCP 5353) to openshift-dns: these pods cannot resolve names');
  });

  test('any egress that reaches the DNS pods counts: namespaceSelector {} with their labels, or their namespace alone', () => {
    const anyNamespace = [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } }], ports: openshiftDns[0].ports }];
    expect(ids(isolatedWith(anyNamespace), OPENSHIFT)).not.toContain('NP004');
    const namespaceOnly = [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } } }], ports: openshiftDns[0].ports }];
    expect(ids(isolatedWith(namespaceOnly), OPENSHIFT)).not.toContain('NP004');
    // The same selector without the DNS pods' labels in a namespace that is not the DNS namespace reaches nothing.
    const wrongNamespace = [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: openshiftDns[0].ports }];
    expect(ids(isolatedWith(wrongNamespace), OPENSHIFT)).toContain('NP004');
  });

  test('NP005 and NP006 speak of the configured namespace and port', () => {
    const udpOnlyEverywhere = [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 5353 }] }];
    const findings = lintObjects(isolatedWith(udpOnlyEverywhere) as never, { dns: OPENSHIFT._toServer() }).findings;
    expect(findings.find(f => f.ruleId === 'NP006')?.message).toContain('allows DNS over UDP 5353 only, and no other egress rule allows TCP 5353');
    expect(findings.find(f => f.ruleId === 'NP005')?.message).toContain('instead of openshift-dns');
    expect(ids(isolatedWith(udpOnlyEverywhere))).not.toContain('NP006');
  });

  test('a DNS server in a namespace of its own (ClusterDns.of)', () => {
    const coredns = ClusterDns.of({ namespaceName: 'coredns', podLabels: { app: 'coredns' } });
    const egress = [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'coredns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }];
    expect(ids(isolatedWith(egress), coredns)).not.toContain('NP004');
    expect(ids(isolatedWith(egress))).toContain('NP004');
  });

  test('a DNS namespace with other workloads but not the DNS pods: the server is still assumed there', () => {
    // Before, kube-system's real workloads stopped the DNS server from being imagined, and every isolated pod was NP004.
    const objects = [...isolatedWith([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }]), deploy('kube-system', 'metrics-server', { 'k8s-app': 'metrics-server' })];
    expect(ids(objects)).not.toContain('NP004');
  });

  test('real DNS pods in the input are the server: an allow that misses their labels is NP004', () => {
    const objects = [...isolatedWith([{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'coredns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }]), deploy('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, ['dns:53/UDP', 'dns-tcp:53/TCP'])];
    expect(ids(objects)).toContain('NP004');
  });
});

describe('ClusterDns and DnsAccess for other DNS servers', () => {
  test('presets by name, and a clear error for an unknown one', () => {
    expect(ClusterDns.preset('openshift')).toBe(ClusterDns.OPENSHIFT);
    expect(ClusterDns.presetNames).toEqual(['kubernetes', 'openshift']);
    expect(() => ClusterDns.preset('rke2')).toThrow('ClusterDns.preset(): "rke2" is not a preset; use one of kubernetes, openshift, or ClusterDns.of({ namespaceName, podLabels, port }) for another DNS server.');
  });

  test.each([
    [{ namespaceName: 'Bad_NS' }, ErrorCode.INVALID_NAME, 'namespaceName "Bad_NS"'],
    [{ namespaceName: 'dns', podLabels: {} }, ErrorCode.INVALID_VALUE, 'podLabels is empty'],
    [{ namespaceName: 'dns', podLabels: { 'bad key!': 'x' } }, ErrorCode.INVALID_LABEL_KEY, 'podLabels key "bad key!"'],
    [{ namespaceName: 'dns', port: 0 }, ErrorCode.INVALID_PORT, 'port 0'],
    [{ namespaceName: 'dns', port: 70000 }, ErrorCode.INVALID_PORT, 'port 70000'],
  ])('ClusterDns.of(%j) is rejected', (props, code, text) => {
    let error: unknown;
    try {
      ClusterDns.of(props as never);
    } catch (e) {
      error = e;
    }
    expect(Errors.codeOf(error)).toBe(code);
    expect((error as Error).message).toContain(`ClusterDns.of(): ${text}`);
  });

  test('DnsAccess with ClusterDns.OPENSHIFT.accessOptions() writes openshift-dns on 5353, which lints clean for OpenShift', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    new IsolatedNamespace(chart, 'shop', { namespaceName: 'shop', dns: OPENSHIFT.accessOptions() });
    const dns = Testing.synth(chart).find(o => o.metadata.name === 'allow-dns');
    expect(dns.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } }, podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } }],
      ports: [{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }],
    }]);
    const { cluster } = clusterOf(app);
    expect(lint(cluster, { dns: OPENSHIFT._toServer() }).findings.filter(f => f.ruleId === 'NP004')).toEqual([]);
    expect(lint(cluster).findings.filter(f => f.ruleId === 'NP004').length).toBe(1);
  });

  test('a bad dnsPort is an error at the DnsAccess call', () => {
    const chart = new Chart(new App(), 'c');
    expect(() => new DnsAccess(chart, 'dns', { dnsPort: 0 })).toThrow('new DnsAccess("dns"): dnsPort 0:');
  });
});

describe('the checker at synth and the testing helpers take the DNS server from Checker.configure', () => {
  function openshiftApp(dns?: ClusterDns): App {
    const app = Testing.app();
    Checker.configure(app, { failOn: CheckLevel.ERROR, reportOn: CheckLevel.OFF, ...(dns ? { dns } : {}) });
    new IsolatedNamespace(new Chart(app, 'shop'), 'shop', { namespaceName: 'shop', dns: OPENSHIFT.accessOptions() });
    return app;
  }

  test('OpenShift\'s DNS allow fails synth against upstream Kubernetes\' DNS, and passes with dns: ClusterDns.OPENSHIFT', () => {
    expect(() => openshiftApp().synth()).toThrow('[NP004]');
    expect(() => openshiftApp(OPENSHIFT).synth()).not.toThrow();
  });

  test('the README\'s OpenShift lines give a namespace that passes every check', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    Checker.configure(app, { dns: ClusterDns.OPENSHIFT });
    new IsolatedNamespace(chart, 'shop', { namespaceName: 'shop', dns: ClusterDns.OPENSHIFT.accessOptions() });
    expect(failingChecks(app, 'info')).toEqual([]);
  });

  test('failingChecks follows the app\'s configuration, or its own dns option', () => {
    expect(failingChecks(openshiftApp(OPENSHIFT), 'error')).toEqual([]);
    expect(failingChecks(openshiftApp(), 'error').map(f => f.ruleId)).toEqual(['NP004']);
    expect(failingChecks(openshiftApp(), 'error', { dns: OPENSHIFT })).toEqual([]);
  });
});

describe('DNS decided by cluster-wide policies', () => {
  function isolatedWithoutDnsPolicy(app: App): void {
    new IsolatedNamespace(new Chart(app, 'shop'), 'shop', { namespaceName: 'shop', allowDns: false });
  }

  test('an Admin-tier Accept of DNS reaches the DNS pods although no NetworkPolicy allows it: no NP004', () => {
    const app = Testing.app();
    isolatedWithoutDnsPolicy(app);
    expect(failingChecks(app, 'error').map(f => f.ruleId)).toEqual(['NP004']);
    new ClusterGuardrails(new Chart(app, 'platform'), 'guardrails');
    expect(failingChecks(app, 'error')).toEqual([]);
  });

  test('an Admin-tier Deny of DNS cuts it although a NetworkPolicy allows it: NP004', () => {
    const app = Testing.app();
    new IsolatedNamespace(new Chart(app, 'shop'), 'shop', { namespaceName: 'shop' });
    expect(failingChecks(app, 'error')).toEqual([]);
    new ClusterNetworkPolicy(new Chart(app, 'platform'), 'no-dns', {
      tier: ClusterPolicyTier.ADMIN, priority: 5, subject: ClusterSubject.namespaces(Selector.all()),
      egress: [{ action: ClusterPolicyAction.DENY, peers: [ClusterPeer.namespaceNamed('kube-system')], ports: [Port.udp(53), Port.tcp(53)] }],
    });
    expect(failingChecks(app, 'error').map(f => f.ruleId)).toEqual(['NP004']);
  });
});
