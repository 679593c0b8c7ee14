import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import {
  AllowConnection, AllowEgressCidr, ClusterBaseline, ClusterDns, ClusterGuardrails, ClusterNetworkPolicy, ClusterPeer,
  ClusterPolicyAction, ClusterPolicyApi, ClusterPolicyTier, ClusterSubject, DefaultDeny, ErrorCode, IsolatedNamespace,
  LabelExpression, Peer, Port, Protocol, Selector, TenantIsolation,
} from '../lib';
import { Analysis } from '../lib/analysis';
import { loadObjects } from '../lib/model/load';
import { clusterOf, netpolMatchers } from '../lib/testing';
import { chartIn, manifest } from './util';

expect.extend(netpolMatchers);

const ADMIN = ClusterPolicyTier.ADMIN;
const BASELINE = ClusterPolicyTier.BASELINE;
const ACCEPT = ClusterPolicyAction.ACCEPT;
const DENY = ClusterPolicyAction.DENY;
const PASS = ClusterPolicyAction.PASS;
const EVERY_NAMESPACE = ClusterSubject.namespaces(Selector.all());
const MONITORING = Selector.labels({ purpose: 'monitoring' });
const PROMETHEUS = Selector.labels({ app: 'prometheus' });
const BY_NAME = 'kubernetes.io/metadata.name';

/** Expects `call` (called once) to throw a NetpolError with `code` whose message holds `message`. */
function expectError(call: () => unknown, code: ErrorCode, message: string | RegExp): void {
  const text = typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message);
  expect(call).toThrow(expect.objectContaining({ name: 'NetpolError', code, message: text }));
}

/**
 * The analysis of `app` with pods it does not declare (`namespace/name` → labels), their undeclared namespaces
 * labelled as `namespaceLabels` says (else only by name), and the cluster DNS in kube-system.
 */
function analysisWith(app: App, pods: { [ref: string]: { [key: string]: string } }, namespaceLabels: { [name: string]: { [key: string]: string } } = {}): Analysis {
  const { cluster } = clusterOf(app);
  const all: { [ref: string]: { [key: string]: string } } = { 'kube-system/coredns': { 'k8s-app': 'kube-dns' }, ...pods };
  const workloads = Object.entries(all).map(([ref, podLabels]) => ({ kind: 'Pod', name: ref.split('/')[1], namespaceName: ref.split('/')[0], podLabels }));
  const declared = new Set(cluster.namespaces.map(n => n.name));
  const namespaces = Object.entries(namespaceLabels).filter(([name]) => !declared.has(name)).map(([name, labels]) => ({ name, labels }));
  return Analysis.of({ ...cluster, namespaces: [...cluster.namespaces, ...namespaces], workloads: [...cluster.workloads, ...workloads] });
}

/** Every manifest of `chart` of a cluster-wide kind. */
function clusterManifests(chart: Chart): any[] {
  return Testing.synth(chart).filter((m: any) => m.apiVersion?.startsWith('policy.networking.k8s.io/'));
}

/** One rule that denies everything to every pod. */
const DENY_ALL_PODS = { action: DENY, peers: [ClusterPeer.namespaces(Selector.all())], ports: [Port.allTraffic()] };

describe('ClusterNetworkPolicy rendered as v1alpha2 ClusterNetworkPolicy (the default)', () => {
  test('writes apiVersion, kind, name, tier, priority and subject, and no namespace although the chart has one', () => {
    // GIVEN
    const chart = chartIn('production');

    // WHEN
    new ClusterNetworkPolicy(chart, 'DenyEverything', { tier: ADMIN, priority: 7, subject: ClusterSubject.namespaces(Selector.labels({ env: 'prod' })), ingress: [DENY_ALL_PODS] });

    // THEN
    const m = manifest(chart, 'ClusterNetworkPolicy', 'deny-everything');
    expect(m.apiVersion).toBe('policy.networking.k8s.io/v1alpha2');
    expect(m.metadata).toEqual({ name: 'deny-everything' });
    expect(m.spec.tier).toBe('Admin');
    expect(m.spec.priority).toBe(7);
    expect(m.spec.subject).toEqual({ namespaces: { matchLabels: { env: 'prod' } } });
    expect(m.spec.ingress).toEqual([{ action: 'Deny', from: [{ namespaces: {} }] }]);
    expect(m.spec.egress).toBeUndefined();
  });

  test('writes a pods subject and a pods peer with both selectors in one entry (AND)', () => {
    const chart = chartIn();
    new ClusterNetworkPolicy(chart, 'scrape', {
      tier: BASELINE,
      priority: 3,
      subject: ClusterSubject.pods(Selector.all(), Selector.labels({ app: 'api' })),
      ingress: [{ name: 'allow-prometheus', action: ACCEPT, peers: [ClusterPeer.pods(MONITORING, PROMETHEUS)], ports: [Port.tcp(9090)] }],
    });
    const spec = manifest(chart, 'ClusterNetworkPolicy', 'scrape').spec;
    expect(spec.tier).toBe('Baseline');
    expect(spec.subject).toEqual({ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } } });
    expect(spec.ingress[0].from).toEqual([{ pods: { namespaceSelector: { matchLabels: { purpose: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } } }]);
    expect(spec.ingress[0].name).toBe('allow-prometheus');
    expect(spec.ingress[0].action).toBe('Accept');
  });

  test('writes ports as protocols: numbers, ranges, every port of a protocol as 1-65535, and named ports', () => {
    const chart = chartIn();
    new ClusterNetworkPolicy(chart, 'ports', {
      tier: ADMIN,
      priority: 1,
      subject: EVERY_NAMESPACE,
      egress: [{
        action: ACCEPT,
        peers: [ClusterPeer.namespaceNamed('shop')],
        ports: [Port.tcp(443), Port.udpRange(5000, 5010), Port.sctp(9), Port.allTcp(), Port.named('metrics'), Port.tcpRange(80, 80)],
      }],
    });
    expect(manifest(chart, 'ClusterNetworkPolicy', 'ports').spec.egress[0].protocols).toEqual([
      { tcp: { destinationPort: { number: 443 } } },
      { udp: { destinationPort: { range: { start: 5000, end: 5010 } } } },
      { sctp: { destinationPort: { number: 9 } } },
      { tcp: { destinationPort: { range: { start: 1, end: 65535 } } } },
      { destinationNamedPort: 'metrics' },
      { tcp: { destinationPort: { number: 80 } } },
    ]);
  });

  test('writes no protocols for Port.allTraffic(), and egress peers by namespace name, networks and nodes', () => {
    const chart = chartIn();
    new ClusterNetworkPolicy(chart, 'egress', {
      tier: ADMIN,
      priority: 1,
      subject: EVERY_NAMESPACE,
      egress: [{
        action: DENY,
        peers: [ClusterPeer.namespaceNamed('kube-system'), ClusterPeer.networks(['10.0.0.0/8', 'FD00::/8']), ClusterPeer.nodes(Selector.labels({ 'node-role.kubernetes.io/control-plane': '' }))],
        ports: [Port.allTraffic()],
      }],
    });
    const rule = manifest(chart, 'ClusterNetworkPolicy', 'egress').spec.egress[0];
    expect(rule.protocols).toBeUndefined();
    expect(rule.to).toEqual([
      { namespaces: { matchLabels: { [BY_NAME]: 'kube-system' } } },
      { networks: ['10.0.0.0/8', 'fd00::/8'] },
      { nodes: { matchLabels: { 'node-role.kubernetes.io/control-plane': '' } } },
    ]);
  });

  test('keeps rule order, rules added later last, and writes Allow as Accept', () => {
    const chart = chartIn();
    const policy = new ClusterNetworkPolicy(chart, 'ordered', {
      tier: ADMIN,
      priority: 5,
      subject: EVERY_NAMESPACE,
      egress: [{ name: 'first', action: ClusterPolicyAction.ALLOW, peers: [ClusterPeer.namespaceNamed('a')], ports: [Port.tcp(1)] }],
    });
    policy.addEgressRule({ name: 'second', action: PASS, peers: [ClusterPeer.namespaceNamed('b')], ports: [Port.tcp(2)] });
    policy.addEgressRule({ name: 'third', action: DENY, peers: [ClusterPeer.allNetworks()], ports: [Port.allTraffic()] });
    const egress = manifest(chart, 'ClusterNetworkPolicy', 'ordered').spec.egress;
    expect(egress.map((r: any) => `${r.name}:${r.action}`)).toEqual(['first:Accept', 'second:Pass', 'third:Deny']);
    expect(egress[2].to).toEqual([{ networks: ['0.0.0.0/0', '::/0'] }]);
  });

  test('renders the same manifest on every synthesis, keys sorted', () => {
    const build = () => {
      const chart = chartIn();
      new ClusterGuardrails(chart, 'g', { monitoring: { namespaceName: 'monitoring', ports: [Port.tcp(9090)] } });
      return JSON.stringify(Testing.synth(chart));
    };
    const first = build();
    expect(build()).toBe(first);
    expect(Object.keys(JSON.parse(first)[0].spec)).toEqual(['egress', 'ingress', 'priority', 'subject', 'tier']);
  });
});

describe('ClusterNetworkPolicy rendered as v1alpha1 (apiVersion: ClusterPolicyApi.V1ALPHA1)', () => {
  test('writes the Admin tier as an AdminNetworkPolicy: no tier, Allow for Accept, ports as portNumber, portRange, namedPort', () => {
    const chart = chartIn('x');
    new ClusterNetworkPolicy(chart, 'anp', {
      apiVersion: ClusterPolicyApi.V1ALPHA1,
      tier: ADMIN,
      priority: 30,
      subject: ClusterSubject.pods(MONITORING, PROMETHEUS),
      egress: [{ name: 'scrape', action: ACCEPT, peers: [ClusterPeer.namespaces(Selector.all())], ports: [Port.tcp(9090), Port.udpRange(7000, 7100), Port.named('metrics'), Port.allSctp()] }],
      ingress: [{ action: PASS, peers: [ClusterPeer.namespaceNamed('kube-system')], ports: [Port.allTraffic()] }],
    });
    const m = manifest(chart, 'AdminNetworkPolicy', 'anp');
    expect(m.apiVersion).toBe('policy.networking.k8s.io/v1alpha1');
    expect(m.metadata).toEqual({ name: 'anp' });
    expect(Object.keys(m.spec)).toEqual(['egress', 'ingress', 'priority', 'subject']);
    expect(m.spec.priority).toBe(30);
    expect(m.spec.subject).toEqual({ pods: { namespaceSelector: { matchLabels: { purpose: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } } });
    expect(m.spec.egress).toEqual([{
      name: 'scrape',
      action: 'Allow',
      to: [{ namespaces: {} }],
      ports: [
        { portNumber: { protocol: 'TCP', port: 9090 } },
        { portRange: { protocol: 'UDP', start: 7000, end: 7100 } },
        { namedPort: 'metrics' },
        { portRange: { protocol: 'SCTP', start: 1, end: 65535 } },
      ],
    }]);
    expect(m.spec.ingress).toEqual([{ action: 'Pass', from: [{ namespaces: { matchLabels: { [BY_NAME]: 'kube-system' } } }] }]);
  });

  test('writes the Baseline tier as the BaselineAdminNetworkPolicy named default, without priority', () => {
    const chart = chartIn();
    const banp = new ClusterNetworkPolicy(chart, 'baseline', { apiVersion: ClusterPolicyApi.V1ALPHA1, tier: BASELINE, priority: 1000, subject: EVERY_NAMESPACE, ingress: [DENY_ALL_PODS] });
    const m = manifest(chart, 'BaselineAdminNetworkPolicy', 'default');
    expect(m.apiVersion).toBe('policy.networking.k8s.io/v1alpha1');
    expect(m.spec).toEqual({ subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] });
    expect(banp.priority).toBeUndefined();
    expect(banp.toModel().priority).toBeUndefined();
  });
});

describe('toModel()', () => {
  test('is what the manifest loader reads from the rendered manifest, for each kind', () => {
    // GIVEN a policy of each kind with every peer and port form
    const chart = chartIn();
    const rules = {
      ingress: [{ name: 'in', action: DENY, peers: [ClusterPeer.pods(MONITORING, PROMETHEUS), ClusterPeer.namespaces(Selector.expressions([LabelExpression.exists('team')]))], ports: [Port.tcp(80), Port.named('http')] }],
      egress: [{ action: ACCEPT, peers: [ClusterPeer.networks(['192.0.2.0/24']), ClusterPeer.namespaceNamed('a')], ports: [Port.udpRange(1000, 2000)] }],
    };
    const policies = [
      new ClusterNetworkPolicy(chart, 'v2', { tier: ADMIN, priority: 1, subject: EVERY_NAMESPACE, ...rules }),
      new ClusterNetworkPolicy(chart, 'anp', { apiVersion: ClusterPolicyApi.V1ALPHA1, tier: ADMIN, priority: 2, subject: EVERY_NAMESPACE, ...rules }),
      new ClusterNetworkPolicy(chart, 'banp', { apiVersion: ClusterPolicyApi.V1ALPHA1, tier: BASELINE, priority: 3, subject: EVERY_NAMESPACE, ...rules }),
    ];

    // WHEN the synthesized manifests are loaded as YAML would be
    const loaded = loadObjects(clusterManifests(chart));

    // THEN
    expect(loaded.diagnostics.filter(d => d.severity !== 'info')).toEqual([]);
    const strip = (m: any) => ({ ...m, source: undefined });
    expect(loaded.cluster.clusterPolicies!.map(strip)).toEqual(policies.map(p => strip(p.toModel())));
  });

  test('names the construct path as the source and says Accept in v1alpha2, Allow in v1alpha1', () => {
    const chart = chartIn();
    const v2 = new ClusterNetworkPolicy(chart, 'v2', { tier: ADMIN, priority: 1, subject: EVERY_NAMESPACE, ingress: [{ action: ACCEPT, peers: [ClusterPeer.namespaceNamed('a')], ports: [Port.allTraffic()] }] });
    const v1 = new ClusterNetworkPolicy(chart, 'v1', { apiVersion: ClusterPolicyApi.V1ALPHA1, tier: ADMIN, priority: 2, subject: EVERY_NAMESPACE, ingress: [{ action: ACCEPT, peers: [ClusterPeer.namespaceNamed('a')], ports: [Port.allTraffic()] }] });
    expect(v2.toModel().source).toEqual({ constructPath: 'test/v2' });
    expect(v2.toModel().ingress![0].action).toBe('Accept');
    expect(v1.toModel().ingress![0].action).toBe('Allow');
    expect(v1.toModel().kind).toBe('AdminNetworkPolicy');
  });
});

describe('clusterOf()', () => {
  test('holds the models of the cluster-wide policies, and those of raw manifests, with their construct paths', () => {
    // GIVEN
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    const guardrails = new ClusterGuardrails(chart, 'guardrails');
    const baseline = new ClusterBaseline(chart, 'baseline');
    new ApiObject(chart, 'raw', {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: 'raw' },
      spec: { priority: 50, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { a: 'b' } } }] }] },
    });

    // WHEN
    const { cluster, diagnostics } = clusterOf(app);

    // THEN
    expect(cluster.clusterPolicies).toEqual([guardrails.policy.toModel(), baseline.toModel(), expect.objectContaining({ name: 'raw', priority: 50 })]);
    expect(cluster.clusterPolicies![2].source).toEqual({ constructPath: 'platform/raw' });
    expect(diagnostics.filter(d => d.code === 'unmodelled-policy')).toEqual([]);
  });

  test('leaves clusterPolicies out when there are none', () => {
    const chart = chartIn('a');
    new DefaultDeny(chart, 'deny');
    expect('clusterPolicies' in clusterOf(chart).cluster).toBe(false);
  });

  test('reads a patched policy as its patched manifest', () => {
    const chart = chartIn();
    const policy = new ClusterNetworkPolicy(chart, 'p', { tier: ADMIN, priority: 1, subject: EVERY_NAMESPACE, ingress: [DENY_ALL_PODS] });
    policy.addJsonPatch(JsonPatch.replace('/spec/priority', 99));
    expect(clusterOf(chart).cluster.clusterPolicies).toEqual([expect.objectContaining({ name: 'p', priority: 99, source: { constructPath: 'test/p' } })]);
  });

  test('the app synthesizes with cluster-wide policies alone: the checker does not call them unmodelled', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    new ClusterGuardrails(chart, 'guardrails');
    expect(() => app.synth()).not.toThrow();
    expect(Testing.synth(chart).map((m: any) => m.kind)).toEqual(['ClusterNetworkPolicy']);
  });
});

describe('validation, as the CRDs validate', () => {
  const make = (props: any, chart?: Chart) => () => new ClusterNetworkPolicy(chart ?? chartIn(), 'p', { tier: ADMIN, priority: 10, subject: EVERY_NAMESPACE, ingress: [DENY_ALL_PODS], ...props });
  const many = (n: number) => Array.from({ length: n }, () => DENY_ALL_PODS);

  test('throws if the priority is outside 0-1000 or not an integer', () => {
    expectError(make({ priority: 1001 }), ErrorCode.INVALID_VALUE, 'new ClusterNetworkPolicy("p"): spec.priority: priority 1001 is not an integer from 0 to 1000.');
    expectError(make({ priority: -1 }), ErrorCode.INVALID_VALUE, 'spec.priority: priority -1 is not an integer from 0 to 1000');
    expectError(make({ priority: 2.5 }), ErrorCode.INVALID_VALUE, 'spec.priority: priority 2.5 is not an integer from 0 to 1000');
    expect(make({ priority: 0 })().priority).toBe(0);
  });

  test('throws if there are more rules than the version allows: 25 in v1alpha2, 100 in v1alpha1', () => {
    expectError(make({ ingress: many(26) }), ErrorCode.INVALID_POLICY, /spec\.ingress: A ClusterNetworkPolicy may hold at most 25 ingress rules, got 26/i);
    expect(make({ ingress: many(26), apiVersion: ClusterPolicyApi.V1ALPHA1 })().toModel().ingress).toHaveLength(26);
    expectError(make({ ingress: many(101), apiVersion: ClusterPolicyApi.V1ALPHA1 }), ErrorCode.INVALID_POLICY, /spec\.ingress: An AdminNetworkPolicy may hold at most 100 ingress rules, got 101/i);
  });

  test('throws if a rule added later is one too many, and keeps the policy as it was', () => {
    const policy = make({ egress: many(25) })();
    expectError(() => policy.addEgressRule(DENY_ALL_PODS), ErrorCode.INVALID_POLICY, /ClusterNetworkPolicy\("p"\)\.addEgressRule\(\): spec\.egress: A ClusterNetworkPolicy may hold at most 25 egress rules, got 26/i);
    expect(policy.toModel().egress).toHaveLength(25);
  });

  test('throws if a rule has no peers, or more than 25 in v1alpha2', () => {
    expectError(make({ ingress: [{ action: DENY, peers: [], ports: [Port.allTraffic()] }] }), ErrorCode.INVALID_PEERS, 'spec.ingress[0].from: from must list 1 to 25 peers, got 0');
    const peers = Array.from({ length: 26 }, (_, i) => ClusterPeer.namespaceNamed(`ns-${i}`));
    expectError(make({ egress: [{ action: DENY, peers, ports: [Port.allTraffic()] }] }), ErrorCode.INVALID_PEERS, 'spec.egress[0].to: to must list 1 to 25 peers, got 26');
  });

  test('throws for Pass in a v1alpha1 BaselineAdminNetworkPolicy, and accepts it in a v1alpha2 Baseline policy', () => {
    const pass = { ingress: [{ action: PASS, peers: [ClusterPeer.namespaceNamed('a')], ports: [Port.allTraffic()] }], tier: BASELINE };
    expectError(make({ ...pass, apiVersion: ClusterPolicyApi.V1ALPHA1 }), ErrorCode.INVALID_VALUE, 'new ClusterNetworkPolicy("p"): spec.ingress[0].action: action "Pass" is not one of Allow, Deny (a BaselineAdminNetworkPolicy cannot pass).');
    expect(make(pass)().toModel().ingress![0].action).toBe('Pass');
  });

  test('throws for an action that is not one of the API\'s, from an untyped caller', () => {
    expectError(make({ ingress: [{ action: 'Drop', peers: [ClusterPeer.namespaceNamed('a')], ports: [Port.allTraffic()] }] }), ErrorCode.INVALID_VALUE, 'spec.ingress[0].action: action "Drop" is not one of Accept, Deny, Pass');
  });

  test('a port range whose end is not after its start never reaches the CRD (which requires start < end in v1alpha2)', () => {
    expectError(() => Port.tcpRange(90, 80), ErrorCode.INVALID_PORT_RANGE, 'Port.tcpRange(): range 90-80 ends before it starts; did you mean 80-90?');
    const rule = { action: ACCEPT, peers: [ClusterPeer.namespaceNamed('a')], ports: [Port.tcpRange(80, 80)] };
    expect(make({ ingress: [rule] })().toModel().ingress![0].ports).toEqual([{ protocol: Protocol.TCP, port: 80 }]);
  });

  test('throws if a rule lists more than 25 ports in v1alpha2', () => {
    const ports = Array.from({ length: 26 }, (_, i) => Port.tcp(1000 + i));
    expectError(make({ ingress: [{ action: DENY, peers: [ClusterPeer.namespaceNamed('a')], ports }] }), ErrorCode.INVALID_PORTS, 'spec.ingress[0].protocols: protocols must list 1 to 25 entries when present (leave it out for every port), got 26');
  });

  test('throws if the ports are empty or mix every port with others', () => {
    expectError(make({ ingress: [{ action: DENY, peers: [ClusterPeer.namespaceNamed('a')], ports: [] }] }), ErrorCode.INVALID_PORTS, 'new ClusterNetworkPolicy("p"): ingress[0].ports: ports is empty.');
    expectError(make({ ingress: [{ action: DENY, peers: [ClusterPeer.namespaceNamed('a')], ports: [Port.allTraffic(), Port.tcp(1)] }] }), ErrorCode.INVALID_PORTS, 'Port.allTraffic() already allows every port');
  });

  test('throws for a named port of UDP or SCTP: a cluster policy\'s named port has no protocol', () => {
    expectError(make({ ingress: [{ action: DENY, peers: [ClusterPeer.namespaceNamed('a')], ports: [Port.named('dns', Protocol.UDP)] }] }), ErrorCode.INVALID_PORT, 'named port UDP dns: a cluster policy\'s named port has no protocol (it matches the container port of that name, whatever its protocol). Write Port.named("dns").');
  });

  test('throws for a named port in a rule with a networks or nodes peer, which the CRD rejects', () => {
    const rule = { action: ACCEPT, peers: [ClusterPeer.networks(['192.0.2.0/24'])], ports: [Port.named('https')] };
    expectError(make({ egress: [rule] }), ErrorCode.INVALID_PORTS, 'spec.egress[0].protocols[0].destinationNamedPort: named port "https" in a rule with a networks, nodes or domainNames peer');
    expectError(make({ egress: [rule], apiVersion: ClusterPolicyApi.V1ALPHA1 }), ErrorCode.INVALID_PORTS, 'spec.egress[0].ports[0].namedPort: named port "https"');
  });

  test('throws for a networks or nodes peer in an ingress rule: the API has them for egress only', () => {
    expectError(make({ ingress: [{ action: DENY, peers: [ClusterPeer.networks(['10.0.0.0/8'])], ports: [Port.allTraffic()] }] }), ErrorCode.INVALID_PEER, 'spec.ingress[0].from[0].networks: networks is not an ingress peer of a ClusterNetworkPolicy; use one of namespaces, pods');
    expectError(make({ ingress: [{ action: DENY, peers: [ClusterPeer.nodes(Selector.all())], ports: [Port.allTraffic()] }] }), ErrorCode.INVALID_PEER, 'spec.ingress[0].from[0].nodes: nodes is not an ingress peer');
  });

  test('throws if a rule name is longer than 100 characters', () => {
    const name = 'r'.repeat(101);
    expectError(make({ ingress: [{ ...DENY_ALL_PODS, name }] }), ErrorCode.INVALID_POLICY, 'spec.ingress[0].name: a rule name must be a string of at most 100 characters, got 101 characters');
  });

  test('throws for a name that is not a DNS-1123 subdomain', () => {
    expectError(make({ name: 'Platform_Rules' }), ErrorCode.INVALID_NAME, 'metadata.name: name "Platform_Rules" is not a DNS-1123 subdomain');
  });

  test('throws for a v1alpha1 Baseline policy named other than default', () => {
    expectError(make({ name: 'baseline', tier: BASELINE, apiVersion: ClusterPolicyApi.V1ALPHA1 }), ErrorCode.INVALID_NAME, 'new ClusterNetworkPolicy("p"): name "baseline": a v1alpha1 BaselineAdminNetworkPolicy must be named "default" (there is one per cluster).');
  });

  test('throws for a second policy of one kind and name in the app, and for a second BaselineAdminNetworkPolicy', () => {
    const chart = chartIn();
    make({ name: 'same' }, chart)();
    expectError(() => new ClusterNetworkPolicy(chart, 'other', { name: 'same', tier: ADMIN, priority: 2, subject: EVERY_NAMESPACE, ingress: [DENY_ALL_PODS] }), ErrorCode.DUPLICATE_NAME, 'a ClusterNetworkPolicy named "same" already exists, defined at test/p; this one is at test/other.');
    new ClusterBaseline(chart, 'b1', { apiVersion: ClusterPolicyApi.V1ALPHA1 });
    expectError(() => new ClusterBaseline(chart, 'b2', { apiVersion: ClusterPolicyApi.V1ALPHA1 }), ErrorCode.DUPLICATE_NAME, 'A cluster has one BaselineAdminNetworkPolicy');
  });

  test('fails synthesis for a policy without rules, which would do nothing', () => {
    const chart = chartIn();
    new ClusterNetworkPolicy(chart, 'empty', { tier: ADMIN, priority: 1, subject: EVERY_NAMESPACE });
    // cdk8s wraps what a Lazy value throws in its own Error.
    expect(() => Testing.synth(chart)).toThrow('NetpolError: ClusterNetworkPolicy "empty" (test/empty): it has no rules, so it does nothing.');
  });

  test('fails synthesis at the construct when a JSON patch leaves the manifest invalid', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const policy = new ClusterNetworkPolicy(chart, 'p', { tier: ADMIN, priority: 1, subject: EVERY_NAMESPACE, ingress: [DENY_ALL_PODS] });
    policy.addJsonPatch(JsonPatch.replace('/spec/priority', 5000));
    expect(() => app.synth()).toThrow(/\[test\/p\] \[INVALID_PATCH\] after its JSON patches, the ClusterNetworkPolicy is one the API server would reject: spec.priority: priority 5000 is not an integer from 0 to 1000/);
  });

  test('throws for values of the wrong kind from untyped callers', () => {
    expectError(make({ subject: Selector.all() }), ErrorCode.INVALID_ARGUMENT, 'new ClusterNetworkPolicy("p"): subject is an object of class Selector; give a ClusterSubject');
    expectError(make({ tier: 'Tenant' }), ErrorCode.INVALID_ARGUMENT, 'tier is the string "Tenant"; give ClusterPolicyTier.ADMIN or ClusterPolicyTier.BASELINE');
    expectError(make({ apiVersion: 'v1' }), ErrorCode.INVALID_ARGUMENT, 'apiVersion is the string "v1"; give ClusterPolicyApi.V1ALPHA2 or ClusterPolicyApi.V1ALPHA1');
    expectError(make({ ingress: [{ action: DENY, peers: [Peer.namespaceNamed('a')], ports: [Port.allTraffic()] }] }), ErrorCode.INVALID_ARGUMENT, 'ingress[0].peers[0] is an object of class NamespacePeer; each element must be like ClusterPeer.namespaces(');
    expectError(() => ClusterPeer.pods(undefined as any, PROMETHEUS), ErrorCode.INVALID_ARGUMENT, 'ClusterPeer.pods(): namespaces is undefined; give a Selector');
  });
});

describe('ClusterPeer and ClusterSubject', () => {
  test('select the pods of a cdk8s-plus workload by its labels, read at synth', () => {
    // GIVEN a workload whose pods get their label after the policy is written
    const chart = chartIn('shop');
    const api = new kplus.Deployment(chart, 'api', { containers: [{ image: 'example/api:1.0' }] });
    new ClusterNetworkPolicy(chart, 'p', { tier: ADMIN, priority: 1, subject: ClusterSubject.pods(Selector.all(), Selector.podsOf(api)), ingress: [{ action: ACCEPT, peers: [ClusterPeer.podsInNamespace('shop', Selector.podsOf(api))], ports: [Port.tcp(8080)] }] });

    // WHEN
    api.podMetadata.addLabel('app', 'api');

    // THEN
    const spec = manifest(chart, 'ClusterNetworkPolicy', 'p').spec;
    expect(spec.subject).toEqual({ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } } });
    expect(spec.ingress[0].from).toEqual([{ pods: { namespaceSelector: { matchLabels: { [BY_NAME]: 'shop' } }, podSelector: { matchLabels: { app: 'api' } } } }]);
  });

  test('networks() throws for a CIDR that does not parse, has host bits, is every address, or is listed twice', () => {
    expectError(() => ClusterPeer.networks(['10.0.0.0/33']), ErrorCode.INVALID_CIDR, 'ClusterPeer.networks(): Invalid CIDR "10.0.0.0/33" has prefix length "33"; an IPv4 prefix is an integer from 0 to 32');
    expectError(() => ClusterPeer.networks(['10.0.0.1/8']), ErrorCode.INVALID_CIDR, 'Invalid CIDR "10.0.0.1/8": host bits are set. Did you mean "10.0.0.0/8"?');
    expectError(() => ClusterPeer.networks(['169.254.169.254']), ErrorCode.INVALID_CIDR, 'Did you mean "169.254.169.254/32"?');
    expectError(() => ClusterPeer.networks(['0.0.0.0/0']), ErrorCode.INVALID_CIDR, 'CIDR "0.0.0.0/0" is every IPv4 address. If every address is meant, say ClusterPeer.allNetworks()');
    expectError(() => ClusterPeer.networks(['fd00::/8', 'FD00::/8']), ErrorCode.INVALID_CIDR, '"FD00::/8" is listed twice (as fd00::/8); networks is a set.');
  });

  test('networks() throws for no ranges or more than 25', () => {
    expectError(() => ClusterPeer.networks([]), ErrorCode.INVALID_PEER, 'ClusterPeer.networks(): cidrs lists 0 ranges; a networks peer holds 1 to 25.');
    const cidrs = Array.from({ length: 26 }, (_, i) => `10.${i}.0.0/16`);
    expectError(() => ClusterPeer.networks(cidrs), ErrorCode.INVALID_PEER, 'cidrs lists 26 ranges; a networks peer holds 1 to 25. Split them over several peers.');
  });

  test('namespaceNamed() and podsInNamespace() throw for a namespace name that is not a DNS-1123 label', () => {
    expectError(() => ClusterPeer.namespaceNamed('Kube_System'), ErrorCode.INVALID_NAME, 'ClusterPeer.namespaceNamed(): namespace name "Kube_System" is not a DNS-1123 label');
    expectError(() => ClusterSubject.namespaceNamed(''), ErrorCode.INVALID_NAME, 'ClusterSubject.namespaceNamed(): namespace name "" is empty');
  });

  test('describe themselves, and tell egress-only peers apart', () => {
    expect(ClusterPeer.pods(MONITORING, PROMETHEUS).toString()).toBe('pods app=prometheus in namespaces purpose=monitoring');
    expect(ClusterPeer.namespaces(Selector.all()).toString()).toBe('every pod');
    expect(ClusterPeer.networks(['169.254.169.254/32']).toString()).toBe('networks 169.254.169.254/32');
    expect(ClusterSubject.pods(Selector.all(), PROMETHEUS).toString()).toBe('pods app=prometheus in namespaces all');
    expect([ClusterPeer.networks(['10.0.0.0/8']), ClusterPeer.nodes(Selector.all()), ClusterPeer.namespaceNamed('a')].map(p => p.egressOnly)).toEqual([true, true, false]);
  });
});

describe('ClusterBaseline', () => {
  test('denies by default in the Baseline tier but keeps DNS: allow-dns, then default-deny, for every namespace but the system\'s', () => {
    const chart = chartIn('platform');
    new ClusterBaseline(chart, 'baseline', { exemptNamespaces: ['ingress-nginx'] });
    const m = manifest(chart, 'ClusterNetworkPolicy', 'cluster-baseline');
    expect(m.spec.tier).toBe('Baseline');
    expect(m.spec.priority).toBe(1000);
    expect(m.spec.subject).toEqual({ namespaces: { matchExpressions: [{ key: BY_NAME, operator: 'NotIn', values: ['ingress-nginx', 'kube-node-lease', 'kube-public', 'kube-system'] }] } });
    expect(m.spec.egress).toEqual([
      {
        name: 'allow-dns',
        action: 'Accept',
        to: [{ pods: { namespaceSelector: { matchLabels: { [BY_NAME]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } } }],
        protocols: [{ udp: { destinationPort: { number: 53 } } }, { tcp: { destinationPort: { number: 53 } } }],
      },
      { name: 'default-deny', action: 'Deny', to: [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }] },
    ]);
    expect(m.spec.ingress).toEqual([{ name: 'default-deny', action: 'Deny', from: [{ namespaces: {} }] }]);
  });

  test('finds DNS where ClusterDns says, and leaves the DNS namespace out', () => {
    const chart = chartIn();
    new ClusterBaseline(chart, 'baseline', { dns: ClusterDns.OPENSHIFT });
    const spec = manifest(chart, 'ClusterNetworkPolicy', 'cluster-baseline').spec;
    expect(spec.egress[0].to[0].pods.namespaceSelector).toEqual({ matchLabels: { [BY_NAME]: 'openshift-dns' } });
    expect(spec.egress[0].protocols).toEqual([{ udp: { destinationPort: { number: 5353 } } }, { tcp: { destinationPort: { number: 5353 } } }]);
    expect(spec.subject.namespaces.matchExpressions[0].values).toContain('openshift-dns');
  });

  test('is the BaselineAdminNetworkPolicy default in v1alpha1, with Allow', () => {
    const chart = chartIn();
    new ClusterBaseline(chart, 'baseline', { apiVersion: ClusterPolicyApi.V1ALPHA1 });
    const spec = manifest(chart, 'BaselineAdminNetworkPolicy', 'default').spec;
    expect(spec.priority).toBeUndefined();
    expect(spec.egress.map((r: any) => r.action)).toEqual(['Allow', 'Deny']);
    expect(spec.egress[0].ports).toEqual([{ portNumber: { protocol: 'UDP', port: 53 } }, { portNumber: { protocol: 'TCP', port: 53 } }]);
  });

  test('applies to the namespaces given, and throws if exemptions are given beside them', () => {
    const chart = chartIn();
    new ClusterBaseline(chart, 'baseline', { namespaces: Selector.labels({ baseline: 'on' }) });
    expect(manifest(chart, 'ClusterNetworkPolicy', 'cluster-baseline').spec.subject).toEqual({ namespaces: { matchLabels: { baseline: 'on' } } });
    expectError(() => new ClusterBaseline(chartIn(), 'b', { namespaces: Selector.all(), exemptNamespaces: ['x'] }), ErrorCode.INVALID_VALUE, 'new ClusterBaseline("b"): namespaces and exemptNamespaces were both given');
    expectError(() => new ClusterBaseline(chartIn(), 'b', { exemptNamespaces: ['Ingress'] }), ErrorCode.INVALID_NAME, 'new ClusterBaseline("b"): exemptNamespaces[0]: namespace name "Ingress" is not a DNS-1123 label');
  });

  test('closes pods no NetworkPolicy isolates, except for DNS; NetworkPolicies replace it direction by direction', () => {
    // GIVEN a baseline, and a connection b → c written as NetworkPolicies
    const app = Testing.app();
    const chart = new Chart(app, 'apps');
    new ClusterBaseline(chart, 'baseline');
    new AllowConnection(chart, 'b-to-c', { source: Peer.podsInNamespace('b', Selector.labels({ app: 'client' })), destination: Peer.podsInNamespace('c', Selector.labels({ app: 'server' })), ports: [Port.tcp(80)] });

    // WHEN
    const analysis = analysisWith(app, { 'a/web': { app: 'web' }, 'x/y': { app: 'y' }, 'b/client': { app: 'client' }, 'c/server': { app: 'server' } });

    // THEN
    expect(analysis.allowed('a/web', 'x/y', 80)).toBe(false);
    expect(analysis.explain('a/web', 'x/y', 80).text).toContain('Baseline');
    expect(analysis.allowed('a/web', '8.8.8.8', 443)).toBe(false);
    expect(analysis.allowed('a/web', 'kube-system/coredns', 53, Protocol.UDP)).toBe(true);
    expect(analysis.allowed('a/web', 'kube-system/coredns', 53, Protocol.TCP)).toBe(true);
    expect(analysis.allowed('a/web', 'kube-system/coredns', 80)).toBe(false);
    expect(analysis.allowed('b/client', 'c/server', 80)).toBe(true);
    expect(analysis.allowed('a/web', 'c/server', 80)).toBe(false);
    expect(Analysis.of({ ...clusterOf(app).cluster, clusterPolicies: undefined, workloads: [{ kind: 'Pod', name: 'web', namespaceName: 'a' }, { kind: 'Pod', name: 'y', namespaceName: 'x' }] }).allowed('a/web', 'x/y', 80)).toBe(true);
  });
});

describe('ClusterGuardrails', () => {
  test('denies the cloud metadata address, then accepts DNS, and accepts scrapes in both directions, in the Admin tier', () => {
    const chart = chartIn();
    const guardrails = new ClusterGuardrails(chart, 'guardrails', { monitoring: { namespaceName: 'monitoring', pods: PROMETHEUS, ports: [Port.tcp(9090)] } });
    const spec = manifest(chart, 'ClusterNetworkPolicy', 'cluster-guardrails').spec;
    expect(spec.tier).toBe('Admin');
    expect(spec.priority).toBe(10);
    expect(spec.egress.map((r: any) => `${r.name}:${r.action}`)).toEqual(['deny-addresses:Deny', 'allow-dns:Accept']);
    expect(spec.egress[0]).toEqual({ name: 'deny-addresses', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] });
    const prometheus = { pods: { namespaceSelector: { matchLabels: { [BY_NAME]: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } } };
    expect(spec.ingress).toEqual([{ name: 'allow-monitoring', action: 'Accept', from: [prometheus], protocols: [{ tcp: { destinationPort: { number: 9090 } } }] }]);
    const scrapers = manifest(chart, 'ClusterNetworkPolicy', 'cluster-guardrails-monitoring').spec;
    expect(scrapers.priority).toBe(11);
    expect(scrapers.subject).toEqual(prometheus);
    expect(scrapers.egress).toEqual([{ name: 'allow-monitoring', action: 'Accept', to: [{ namespaces: spec.subject.namespaces }], protocols: [{ tcp: { destinationPort: { number: 9090 } } }] }]);
    expect(guardrails.monitoringPolicy).toBeDefined();
  });

  test('takes other addresses, no DNS, and no monitoring', () => {
    const chart = chartIn();
    const guardrails = new ClusterGuardrails(chart, 'guardrails', { allowDns: false, denyEgressCidrs: ['169.254.169.254/32', 'fd00:ec2::254/128'], priority: 3, name: 'never' });
    const spec = manifest(chart, 'ClusterNetworkPolicy', 'never').spec;
    expect(spec.priority).toBe(3);
    expect(spec.egress).toEqual([{ name: 'deny-addresses', action: 'Deny', to: [{ networks: ['169.254.169.254/32', 'fd00:ec2::254/128'] }] }]);
    expect(spec.ingress).toBeUndefined();
    expect(guardrails.monitoringPolicy).toBeUndefined();
  });

  test('throws if there is nothing to guard, or the monitoring namespace is not a name', () => {
    expectError(() => new ClusterGuardrails(chartIn(), 'g', { allowDns: false, denyEgressCidrs: [] }), ErrorCode.INVALID_VALUE, 'new ClusterGuardrails("g"): allowDns is false, denyEgressCidrs is empty and monitoring is not given, so there is nothing to guard.');
    expectError(() => new ClusterGuardrails(chartIn(), 'g', { monitoring: { namespaceName: 'Monitoring', ports: [Port.tcp(9090)] } }), ErrorCode.INVALID_NAME, 'new ClusterGuardrails("g"): monitoring.namespaceName: namespace name "Monitoring" is not a DNS-1123 label');
    expectError(() => new ClusterGuardrails(chartIn(), 'g', { denyEgressCidrs: ['169.254.169.254'] }), ErrorCode.INVALID_CIDR, 'ClusterPeer.networks(): Invalid CIDR "169.254.169.254" has no prefix length.');
    expectError(() => new ClusterGuardrails(chartIn(), 'g', { priority: 1000, monitoring: { namespaceName: 'monitoring', ports: [Port.tcp(9090)] } }), ErrorCode.INVALID_VALUE, 'new ClusterGuardrails("g"): priority 1000 gives 2 policies (the guarded namespaces\' and the scrapers\') the priorities 1000 to 1001');
    expectError(() => new ClusterBaseline(chartIn(), 'b', { priority: 1001 }), ErrorCode.INVALID_VALUE, 'new ClusterBaseline("b"): spec.priority: priority 1001 is not an integer from 0 to 1000.');
  });

  test('NetworkPolicies cannot open the metadata address or close DNS and scrapes', () => {
    // GIVEN a namespace whose own policies deny everything but the metadata address
    const app = Testing.app();
    const chart = new Chart(app, 'apps', { namespace: 'shop' });
    new ClusterGuardrails(chart, 'guardrails', { monitoring: { namespaceName: 'monitoring', pods: PROMETHEUS, ports: [Port.tcp(9090)] } });
    new IsolatedNamespace(chart, 'shop', { namespaceName: 'shop', allowDns: false });
    new AllowEgressCidr(chart, 'metadata', { pods: Selector.all(), cidrs: ['169.254.169.254/32'], ports: [Port.HTTP] });

    // WHEN
    const analysis = analysisWith(app, { 'shop/web': { app: 'web' }, 'monitoring/prometheus': { app: 'prometheus' }, 'monitoring/grafana': { app: 'grafana' } });

    // THEN
    expect(analysis.allowed('shop/web', '169.254.169.254', 80)).toBe(false);
    expect(analysis.explain('shop/web', '169.254.169.254', 80).text).toContain('cluster-guardrails egress rule 0 "deny-addresses"');
    expect(analysis.allowed('shop/web', 'kube-system/coredns', 53, Protocol.UDP)).toBe(true);
    expect(analysis.allowed('monitoring/prometheus', 'shop/web', 9090)).toBe(true);
    expect(analysis.allowed('monitoring/grafana', 'shop/web', 9090)).toBe(false);
    expect(analysis.allowed('monitoring/prometheus', 'shop/web', 8080)).toBe(false);
  });
});

describe('TenantIsolation', () => {
  test('writes one Admin policy per tenant, each with its own priority, denying other tenants both ways', () => {
    const chart = chartIn();
    const tenants = new TenantIsolation(chart, 'tenants', { tenantLabel: 'tenant', tenants: ['shop', 'Billing_EU'] });
    const others = (tenant: string) => [{ namespaces: { matchExpressions: [{ key: 'tenant', operator: 'Exists' }, { key: 'tenant', operator: 'NotIn', values: [tenant] }] } }];
    const shop = manifest(chart, 'ClusterNetworkPolicy', 'tenant-isolation-shop').spec;
    expect(shop).toEqual({
      tier: 'Admin',
      priority: 20,
      subject: { namespaces: { matchLabels: { tenant: 'shop' } } },
      ingress: [{ name: 'deny-other-tenants', action: 'Deny', from: others('shop') }],
      egress: [{ name: 'deny-other-tenants', action: 'Deny', to: others('shop') }],
    });
    const billing = manifest(chart, 'ClusterNetworkPolicy', 'tenant-isolation-billing-eu').spec;
    expect(billing.priority).toBe(21);
    expect(billing.subject).toEqual({ namespaces: { matchLabels: { tenant: 'Billing_EU' } } });
    expect(tenants.policies.map(p => p.name)).toEqual(['tenant-isolation-shop', 'tenant-isolation-billing-eu']);
  });

  test('writes AdminNetworkPolicies in v1alpha1, with a name prefix and a priority', () => {
    const chart = chartIn();
    new TenantIsolation(chart, 'tenants', { tenantLabel: 'team', tenants: ['a'], apiVersion: ClusterPolicyApi.V1ALPHA1, namePrefix: 'team', priority: 500 });
    const m = manifest(chart, 'AdminNetworkPolicy', 'team-a');
    expect(m.spec.priority).toBe(500);
    expect(m.spec.tier).toBeUndefined();
  });

  test('throws for no tenants, a tenant listed twice, tenants whose names clash, and bad label values', () => {
    expectError(() => new TenantIsolation(chartIn(), 't', { tenantLabel: 'tenant', tenants: [] }), ErrorCode.INVALID_VALUE, 'new TenantIsolation("t"): tenants is empty');
    expectError(() => new TenantIsolation(chartIn(), 't', { tenantLabel: 'tenant', tenants: ['a', 'a'] }), ErrorCode.DUPLICATE_NAME, 'tenants[1] "a" is listed twice.');
    expectError(() => new TenantIsolation(chartIn(), 't', { tenantLabel: 'tenant', tenants: ['shop', 'Shop'] }), ErrorCode.DUPLICATE_NAME, 'tenants[1] "Shop" gives the policy name "tenant-isolation-shop", as "shop" does.');
    expectError(() => new TenantIsolation(chartIn(), 't', { tenantLabel: 'tenant', tenants: ['-shop'] }), ErrorCode.INVALID_LABEL_VALUE, 'tenants[0] "-shop": label value "-shop"');
    expectError(() => new TenantIsolation(chartIn(), 't', { tenantLabel: 'tenant', tenants: [''] }), ErrorCode.INVALID_LABEL_VALUE, 'tenants[0] "": the value is empty');
    expectError(() => new TenantIsolation(chartIn(), 't', { tenantLabel: 'bad key!', tenants: ['a'] }), ErrorCode.INVALID_LABEL_KEY, 'LabelExpression.exists()');
    expectError(() => new TenantIsolation(chartIn(), 't', { tenantLabel: 'tenant', tenants: ['a', 'b'], priority: 1000 }), ErrorCode.INVALID_VALUE, 'new TenantIsolation("t"): priority 1000 gives 2 policies (one per tenant) the priorities 1000 to 1001; priorities are integers from 0 to 1000.');
  });

  test('keeps tenants apart whatever their NetworkPolicies allow, and leaves same-tenant and platform traffic alone', () => {
    // GIVEN two tenants, and NetworkPolicies that connect them
    const app = Testing.app();
    const chart = new Chart(app, 'apps');
    new TenantIsolation(chart, 'tenants', { tenantLabel: 'tenant', tenants: ['a', 'b'] });
    new AllowConnection(chart, 'b-to-a', { source: Peer.namespaceNamed('b-web'), destination: Peer.namespaceNamed('a-db'), ports: [Port.tcp(5432)] });

    // WHEN
    const pods = { 'a-web/x': {}, 'a-db/x': {}, 'b-web/x': {}, 'platform/x': {}, 'c-web/x': {} };
    const analysis = analysisWith(app, pods, { 'a-web': { tenant: 'a' }, 'a-db': { tenant: 'a' }, 'b-web': { tenant: 'b' }, 'c-web': { tenant: 'c' } });

    // THEN
    expect(analysis.allowed('b-web/x', 'a-db/x', 5432)).toBe(false);
    expect(analysis.explain('b-web/x', 'a-db/x', 5432).text).toContain('tenant-isolation-b egress rule 0 "deny-other-tenants"');
    expect(analysis.allowed('a-web/x', 'b-web/x', 80)).toBe(false);
    expect(analysis.allowed('c-web/x', 'a-web/x', 80)).toBe(false);
    expect(analysis.allowed('a-db/x', 'a-web/x', 80)).toBe(true);
    expect(analysis.allowed('a-web/x', 'platform/x', 80)).toBe(true);
    expect(analysis.allowed('platform/x', 'b-web/x', 80)).toBe(true);
  });
});

describe('the jest matchers with cluster-wide policies', () => {
  test('would-be pods are judged with the tiers too', () => {
    // GIVEN tenants kept apart, and a NetworkPolicy-free cluster otherwise (everything else allowed)
    const app = Testing.app();
    new TenantIsolation(new Chart(app, 'platform'), 'tenants', { tenantLabel: 'tenant', tenants: ['a', 'b'] });
    const inA = { namespace: 'a-web', labels: { app: 'web' }, namespaceLabels: { tenant: 'a' } };
    // THEN the admin tier denies across tenants and leaves the rest allowed
    expect(app).toDenyConnection({ from: inA, to: { namespace: 'b-db', labels: { app: 'db' }, namespaceLabels: { tenant: 'b' } }, port: 5432 });
    expect(app).toAllowConnection({ from: inA, to: { namespace: 'a-db', labels: { app: 'db' }, namespaceLabels: { tenant: 'a' } }, port: 5432 });
  });
});

describe('the app-wide view', () => {
  test('every building block fits in one app, each policy with its own priority', () => {
    const app = new App();
    const chart = new Chart(app, 'platform');
    new ClusterGuardrails(chart, 'guardrails', { monitoring: { namespaceName: 'monitoring', ports: [Port.tcp(9090)] } });
    new TenantIsolation(chart, 'tenants', { tenantLabel: 'tenant', tenants: ['a', 'b'] });
    new ClusterBaseline(chart, 'baseline');
    const models = clusterOf(app).cluster.clusterPolicies!;
    expect(models.map(m => `${m.tier} ${m.priority} ${m.name}`)).toEqual([
      'Admin 10 cluster-guardrails', 'Admin 11 cluster-guardrails-monitoring', 'Admin 20 tenant-isolation-a', 'Admin 21 tenant-isolation-b', 'Baseline 1000 cluster-baseline',
    ]);
    expect(loadObjects(clusterManifests(chart)).diagnostics.filter(d => d.severity !== 'info')).toEqual([]);
  });
});
