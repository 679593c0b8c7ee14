/**
 * Loading cluster-scoped policies (v1alpha1 AdminNetworkPolicy / BaselineAdminNetworkPolicy, v1alpha2
 * ClusterNetworkPolicy) into the one ClusterPolicyModel, and what the CRDs' schemas and CEL rules reject.
 */
import {
  checkClusterPolicy, ClusterPolicyAction, ClusterPolicyKind, ClusterPolicyModel, ClusterPolicyTier, CLUSTER_POLICY_V1ALPHA2,
} from '../../lib/model/cluster-policy';
import { Diagnostic, DiagnosticCode, DiagnosticSeverity, formatDiagnostic, loadText } from '../../lib/model/load';
import { isAnalysedField, isUnmodelledPolicy } from '../../lib/model/load/kinds';
import { Protocol } from '../../lib/model/types';

type Json = { [key: string]: unknown };

const ANP = (spec: Json, name = 'anp') => JSON.stringify({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec });
const BANP = (spec: Json, name = 'default') => JSON.stringify({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name }, spec });
const CNP = (spec: Json, name = 'cnp') => JSON.stringify({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec });

const SUBJECT = { namespaces: { matchLabels: { team: 'a' } } };
const FROM_ALL = [{ namespaces: {} }];

/** The errors (as formatted lines) of loading one document. */
function errors(text: string): string[] {
  return loadText(text, 'p.yaml').diagnostics.filter(d => d.severity === DiagnosticSeverity.ERROR).map(formatDiagnostic);
}

/** The warnings of loading one document. */
function warnings(text: string): Diagnostic[] {
  return loadText(text, 'p.yaml').diagnostics.filter(d => d.severity === DiagnosticSeverity.WARNING);
}

describe('loading cluster-scoped policies', () => {
  test('a v1alpha1 AdminNetworkPolicy becomes the model, with every port form', () => {
    const { cluster, diagnostics } = loadText(ANP({
      priority: 10,
      subject: { pods: { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'db' } } } },
      ingress: [{ name: 'pass-monitoring', action: 'Pass', from: [{ namespaces: { matchLabels: { purpose: 'monitoring' } } }], ports: [{ portNumber: { port: 9090 } }, { portRange: { protocol: 'UDP', start: 5000, end: 6000 } }, { namedPort: 'metrics' }] }],
      egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }] }],
    }), 'anp.yaml');
    expect(diagnostics.filter(d => d.severity !== DiagnosticSeverity.INFO)).toEqual([]);
    expect(cluster.clusterPolicies).toEqual([{
      kind: ClusterPolicyKind.ADMIN_NETWORK_POLICY, apiVersion: 'policy.networking.k8s.io/v1alpha1', name: 'anp', tier: ClusterPolicyTier.ADMIN, priority: 10,
      subject: { pods: { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'db' } } } },
      ingress: [{
        name: 'pass-monitoring', action: ClusterPolicyAction.PASS, peers: [{ namespaces: { matchLabels: { purpose: 'monitoring' } } }],
        ports: [{ protocol: Protocol.TCP, port: 9090 }, { protocol: Protocol.UDP, port: 5000, endPort: 6000 }, { portName: 'metrics' }],
      }],
      egress: [{ action: ClusterPolicyAction.DENY, peers: [{ networks: ['10.0.0.0/8'] }] }],
      source: { file: 'anp.yaml', documentIndex: 0 },
    }]);
  });

  test('a v1alpha2 ClusterNetworkPolicy becomes the same model, its protocols read as ports', () => {
    const { cluster, diagnostics } = loadText(CNP({
      tier: 'Baseline', priority: 3, subject: SUBJECT,
      ingress: [{ action: 'Accept', from: [{ pods: { podSelector: { matchLabels: { app: 'web' } } } }], protocols: [{ tcp: { destinationPort: { number: 80 } } }, { sctp: { destinationPort: { range: { start: 1, end: 9 } } } }, { destinationNamedPort: 'http' }] }],
    }), 'cnp.yaml');
    expect(diagnostics.filter(d => d.severity !== DiagnosticSeverity.INFO)).toEqual([]);
    expect(cluster.clusterPolicies).toEqual([{
      kind: ClusterPolicyKind.CLUSTER_NETWORK_POLICY, apiVersion: CLUSTER_POLICY_V1ALPHA2, name: 'cnp', tier: ClusterPolicyTier.BASELINE, priority: 3, subject: SUBJECT,
      ingress: [{
        action: ClusterPolicyAction.ACCEPT, peers: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } } }],
        ports: [{ protocol: Protocol.TCP, port: 80 }, { protocol: Protocol.SCTP, port: 1, endPort: 9 }, { portName: 'http' }],
      }],
      source: { file: 'cnp.yaml', documentIndex: 0 },
    }]);
  });

  test('a BaselineAdminNetworkPolicy is the Baseline tier, without priority', () => {
    const { cluster } = loadText(BANP({ subject: SUBJECT, egress: [{ action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] }] }));
    expect(cluster.clusterPolicies?.map(p => [p.kind, p.tier, p.priority])).toEqual([[ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY, ClusterPolicyTier.BASELINE, undefined]]);
  });

  test('the three kinds are modelled, other versions of the group are not', () => {
    expect(isUnmodelledPolicy('AdminNetworkPolicy', 'policy.networking.k8s.io/v1alpha1')).toBe(false);
    expect(isUnmodelledPolicy('ClusterNetworkPolicy', 'policy.networking.k8s.io/v1alpha2')).toBe(false);
    expect(isUnmodelledPolicy('ClusterNetworkPolicy', 'policy.networking.k8s.io/v1beta1')).toBe(true);
    expect(isAnalysedField({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy' }, 'spec.priority')).toBe(true);
    expect(isAnalysedField({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy' }, 'status.conditions')).toBe(false);
  });

  test('a policy defined twice keeps the last definition, with a warning', () => {
    const { cluster, diagnostics } = loadText(`${ANP({ priority: 1, subject: SUBJECT })}\n${ANP({ priority: 2, subject: SUBJECT })}\n`);
    expect(cluster.clusterPolicies?.map(p => p.priority)).toEqual([2]);
    expect(diagnostics.map(d => d.code)).toContain(DiagnosticCode.DUPLICATE);
  });
});

describe('what the CRDs reject is an error naming file, object and field, and leaves the policy out', () => {
  test.each([
    ['a v1alpha1 priority above 1000', ANP({ priority: 1001, subject: SUBJECT }),
      'p.yaml#0 spec.priority: error: AdminNetworkPolicy anp: priority 1001 is not an integer from 0 to 1000 [invalid-policy]'],
    ['a negative v1alpha2 priority', CNP({ tier: 'Admin', priority: -1, subject: SUBJECT }),
      'p.yaml#0 spec.priority: error: ClusterNetworkPolicy cnp: priority -1 is not an integer from 0 to 1000 [invalid-policy]'],
    ['a missing priority', ANP({ subject: SUBJECT }),
      'p.yaml#0 spec.priority: error: AdminNetworkPolicy anp: priority (0 to 1000, lower first) is required [invalid-policy]'],
    ['a priority on a BaselineAdminNetworkPolicy', BANP({ priority: 5, subject: SUBJECT }),
      expect.stringContaining('p.yaml#0 spec.priority: error: BaselineAdminNetworkPolicy default: unknown field "priority": a BaselineAdminNetworkPolicy has no priority')],
    ['a BaselineAdminNetworkPolicy not named default', BANP({ subject: SUBJECT }, 'guardrails'),
      'p.yaml#0 metadata.name: error: BaselineAdminNetworkPolicy guardrails: a BaselineAdminNetworkPolicy must be named "default" (there is one per cluster), got "guardrails" [invalid-policy]'],
    ['a missing tier', CNP({ priority: 1, subject: SUBJECT }),
      'p.yaml#0 spec.tier: error: ClusterNetworkPolicy cnp: tier is required: Admin or Baseline [invalid-policy]'],
    ['an unknown tier', CNP({ tier: 'Override', priority: 1, subject: SUBJECT }),
      'p.yaml#0 spec.tier: error: ClusterNetworkPolicy cnp: tier "Override" is not one of Admin, Baseline [invalid-policy]'],
    ['v1alpha2\'s Accept in a v1alpha1 policy', ANP({ priority: 1, subject: SUBJECT, ingress: [{ action: 'Accept', from: FROM_ALL }] }),
      'p.yaml#0 spec.ingress[0].action: error: AdminNetworkPolicy anp: action "Accept" is not one of Allow, Deny, Pass (v1alpha1 says Allow) [invalid-policy]'],
    ['v1alpha1\'s Allow in a v1alpha2 policy', CNP({ tier: 'Admin', priority: 1, subject: SUBJECT, ingress: [{ action: 'Allow', from: FROM_ALL }] }),
      'p.yaml#0 spec.ingress[0].action: error: ClusterNetworkPolicy cnp: action "Allow" is not one of Accept, Deny, Pass (v1alpha2 says Accept) [invalid-policy]'],
    ['Pass in a BaselineAdminNetworkPolicy', BANP({ subject: SUBJECT, ingress: [{ action: 'Pass', from: FROM_ALL }] }),
      'p.yaml#0 spec.ingress[0].action: error: BaselineAdminNetworkPolicy default: action "Pass" is not one of Allow, Deny (a BaselineAdminNetworkPolicy cannot pass) [invalid-policy]'],
    ['two peer kinds in one entry', CNP({ tier: 'Admin', priority: 1, subject: SUBJECT, egress: [{ action: 'Deny', to: [{ namespaces: {}, networks: ['10.0.0.0/8'] }] }] }),
      'p.yaml#0 spec.egress[0].to[0]: error: ClusterNetworkPolicy cnp: a peer must set exactly one of namespaces, pods, networks, nodes, domainNames, got namespaces and networks [invalid-policy]'],
    ['two subject forms', ANP({ priority: 1, subject: { namespaces: {}, pods: { namespaceSelector: {}, podSelector: {} } } }),
      'p.yaml#0 spec.subject: error: AdminNetworkPolicy anp: the subject must set exactly one of namespaces and pods, got namespaces and pods [invalid-policy]'],
    ['networks in an ingress rule', CNP({ tier: 'Admin', priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: [{ networks: ['10.0.0.0/8'] }] }] }),
      'p.yaml#0 spec.ingress[0].from[0].networks: error: ClusterNetworkPolicy cnp: networks is not an ingress peer of a ClusterNetworkPolicy; use one of namespaces, pods [invalid-policy]'],
    ['an empty from list', CNP({ tier: 'Admin', priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: [] }] }),
      'p.yaml#0 spec.ingress[0].from: error: ClusterNetworkPolicy cnp: from must list 1 to 25 peers, got 0 [invalid-policy]'],
    ['a network that is not a CIDR', ANP({ priority: 1, subject: SUBJECT, egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0'] }] }] }),
      'p.yaml#0 spec.egress[0].to[0].networks[0]: error: AdminNetworkPolicy anp: CIDR "10.0.0.0" has no prefix length. Did you mean "10.0.0.0/32"? [invalid-policy]'],
    ['a network listed twice', ANP({ priority: 1, subject: SUBJECT, egress: [{ action: 'Deny', to: [{ networks: ['10.0.0.0/8', '10.0.0.0/8'] }] }] }),
      'p.yaml#0 spec.egress[0].to[0].networks[1]: error: AdminNetworkPolicy anp: "10.0.0.0/8" is listed twice; networks is a set [invalid-policy]'],
    ['a v1alpha2 range that does not grow', CNP({ tier: 'Admin', priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: FROM_ALL, protocols: [{ udp: { destinationPort: { range: { start: 53, end: 53 } } } }] }] }),
      'p.yaml#0 spec.ingress[0].protocols[0].udp.destinationPort.range.end: error: ClusterNetworkPolicy cnp: range end 53 is not greater than start 53; the CRD requires start < end (for one port, write number: 53) [invalid-policy]'],
    ['a port outside 1-65535', ANP({ priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: FROM_ALL, ports: [{ portNumber: { port: 70000 } }] }] }),
      'p.yaml#0 spec.ingress[0].ports[0].portNumber.port: error: AdminNetworkPolicy anp: port 70000 is not an integer from 1 to 65535 [invalid-policy]'],
    ['two port forms in one entry', ANP({ priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: FROM_ALL, ports: [{ portNumber: { port: 80 }, namedPort: 'http' }] }] }),
      'p.yaml#0 spec.ingress[0].ports[0]: error: AdminNetworkPolicy anp: a port entry must set exactly one of portNumber, portRange, namedPort, got portNumber and namedPort [invalid-policy]'],
    ['an empty tcp entry', CNP({ tier: 'Admin', priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: FROM_ALL, protocols: [{ tcp: {} }] }] }),
      expect.stringContaining('p.yaml#0 spec.ingress[0].protocols[0].tcp: error: ClusterNetworkPolicy cnp: tcp needs destinationPort')],
    ['v1alpha1 ports in a v1alpha2 rule', CNP({ tier: 'Admin', priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: FROM_ALL, ports: [{ portNumber: { port: 80 } }] }] }),
      expect.stringContaining('p.yaml#0 spec.ingress[0].ports: error: ClusterNetworkPolicy cnp: unknown field "ports": v1alpha2 names this protocols')],
    ['a NetworkPolicy-style peer', ANP({ priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: [{ namespaceSelector: {} }] }] }),
      expect.stringContaining('p.yaml#0 spec.ingress[0].from[0].namespaceSelector: error: AdminNetworkPolicy anp: unknown field "namespaceSelector"')],
    ['a rule name over 100 characters', CNP({ tier: 'Admin', priority: 1, subject: SUBJECT, ingress: [{ name: 'n'.repeat(101), action: 'Deny', from: FROM_ALL }] }),
      'p.yaml#0 spec.ingress[0].name: error: ClusterNetworkPolicy cnp: a rule name must be a string of at most 100 characters, got 101 characters [invalid-policy]'],
    ['a bad label selector', ANP({ priority: 1, subject: { namespaces: { matchExpressions: [{ key: 'team', operator: 'Equals', values: ['a'] }] } } }),
      'p.yaml#0 spec.subject.namespaces.matchExpressions[0].operator: error: AdminNetworkPolicy anp: operator "Equals" is not one of In, NotIn, Exists, DoesNotExist [invalid-policy]'],
  ])('%s', (_what, text, message) => {
    const found = errors(text);
    expect(found).toContainEqual(message);
    expect(loadText(text).cluster.clusterPolicies).toBeUndefined();
  });

  test('more rules than the CRD allows: 100 per direction in v1alpha1, 25 in v1alpha2', () => {
    const rules = (n: number, action: string) => Array.from({ length: n }, () => ({ action, from: FROM_ALL }));
    expect(errors(ANP({ priority: 1, subject: SUBJECT, ingress: rules(100, 'Deny') }))).toEqual([]);
    expect(errors(ANP({ priority: 1, subject: SUBJECT, ingress: rules(101, 'Deny') }))).toEqual(['p.yaml#0 spec.ingress: error: AdminNetworkPolicy anp: An AdminNetworkPolicy may hold at most 100 ingress rules, got 101 [invalid-policy]']);
    expect(errors(CNP({ tier: 'Baseline', priority: 1, subject: SUBJECT, egress: Array.from({ length: 26 }, () => ({ action: 'Deny', to: FROM_ALL })) }))).toEqual(['p.yaml#0 spec.egress: error: ClusterNetworkPolicy cnp: A ClusterNetworkPolicy may hold at most 25 egress rules, got 26 [invalid-policy]']);
  });

  test('the field path of a policy inside a List starts at its item', () => {
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(ANP({ priority: 2000, subject: SUBJECT }))] });
    expect(errors(list)).toEqual(['p.yaml#0 items[0].spec.priority: error: AdminNetworkPolicy anp: priority 2000 is not an integer from 0 to 1000 [invalid-policy]']);
  });

  test('checkClusterPolicy holds constructs to the same rules as manifests', () => {
    const valid: ClusterPolicyModel = { kind: ClusterPolicyKind.CLUSTER_NETWORK_POLICY, apiVersion: CLUSTER_POLICY_V1ALPHA2, name: 'ok', tier: ClusterPolicyTier.ADMIN, priority: 0, subject: { namespaces: {} } };
    expect(checkClusterPolicy(valid)).toEqual([]);
    expect(checkClusterPolicy({ ...valid, kind: ClusterPolicyKind.ADMIN_NETWORK_POLICY })).toEqual([{ field: 'apiVersion', message: 'An AdminNetworkPolicy is modelled at apiVersion policy.networking.k8s.io/v1alpha1, got "policy.networking.k8s.io/v1alpha2"' }]);
    const both: ClusterPolicyModel = { ...valid, egress: [{ action: ClusterPolicyAction.ACCEPT, peers: [{ namespaces: {} }], ports: [{ port: 80, portName: 'http' }] }] };
    expect(checkClusterPolicy(both)).toEqual([{ field: 'spec.egress[0].protocols[0]', message: 'a port entry must give exactly one of a port number (or range) and a named port, got both' }]);
  });
});

describe('what the analysis reads with an assumption is a warning, and the policy is analysed', () => {
  test('a pods peer without podSelector is read as every pod: Go clients send {}, kubectl apply is refused', () => {
    const text = ANP({ priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: [{ pods: { namespaceSelector: {} } }] }] });
    expect(warnings(text).map(formatDiagnostic)).toEqual(['p.yaml#0 spec.ingress[0].from[0].pods.podSelector: warning: AdminNetworkPolicy anp: podSelector is missing: read as {} (every pod), as Go clients send it; the CRD requires it, so kubectl apply rejects this manifest. Write podSelector: {} [policy-warning]']);
    expect(loadText(text).cluster.clusterPolicies?.[0].ingress?.[0].peers).toEqual([{ pods: { namespaceSelector: {}, podSelector: {} } }]);
  });

  test('a named port next to a networks peer matches nothing there', () => {
    const text = ANP({ priority: 1, subject: SUBJECT, egress: [{ action: 'Allow', to: [{ networks: ['1.2.3.4/32'] }, { namespaces: {} }], ports: [{ namedPort: 'dns' }] }] });
    expect(warnings(text).map(d => [d.field, d.code])).toEqual([['spec.egress[0].ports[0].namedPort', DiagnosticCode.POLICY_WARNING]]);
    expect(loadText(text).cluster.clusterPolicies).toHaveLength(1);
  });

  test('nodes and domainNames peers are not modelled', () => {
    const text = CNP({ tier: 'Admin', priority: 1, subject: SUBJECT, egress: [{ action: 'Accept', to: [{ nodes: {} }, { domainNames: ['*.example.com'] }] }] });
    expect(warnings(text).map(d => d.field)).toEqual(['spec.egress[0].to[0].nodes', 'spec.egress[0].to[1].domainNames']);
  });

  test('a v1alpha1 range that ends before it starts matches no port (the v1alpha1 CRD accepts it)', () => {
    const text = ANP({ priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: FROM_ALL, ports: [{ portRange: { start: 90, end: 80 } }] }] });
    expect(warnings(text).map(d => d.message)).toEqual(['port range 90-80 ends before it starts: it matches no port']);
  });

  test('two policies of one tier with one priority: the implementation may apply either', () => {
    const text = `${CNP({ tier: 'Admin', priority: 5, subject: SUBJECT }, 'b')}\n${ANP({ priority: 5, subject: SUBJECT }, 'a')}\n${CNP({ tier: 'Baseline', priority: 5, subject: SUBJECT }, 'c')}\n`;
    const found = warnings(text);
    expect(found.map(d => d.message)).toEqual(['AdminNetworkPolicy a, ClusterNetworkPolicy b share priority 5 in the Admin tier: where both match a connection, the implementation may apply either. The analysis applies them in name order; give them distinct priorities']);
    expect(found[0].documentIndex).toBe(0);
  });
});

describe('one problem, one error', () => {
  test('a port entry that does not read is reported once, not again by the count and form checks', () => {
    const text = ANP({ priority: 1, subject: SUBJECT, ingress: [{ action: 'Deny', from: FROM_ALL, ports: [{ portNumber: { port: 80 }, namedPort: 'http' }] }] });
    expect(errors(text)).toEqual(['p.yaml#0 spec.ingress[0].ports[0]: error: AdminNetworkPolicy anp: a port entry must set exactly one of portNumber, portRange, namedPort, got portNumber and namedPort [invalid-policy]']);
  });

  test('a missing priority is reported once', () => {
    expect(errors(CNP({ tier: 'Admin', subject: SUBJECT }))).toEqual(['p.yaml#0 spec.priority: error: ClusterNetworkPolicy cnp: priority (0 to 1000, lower first) is required [invalid-policy]']);
  });
});
