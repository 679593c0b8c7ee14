/**
 * Truth tables for v1alpha2 ClusterNetworkPolicy, written from the API's documentation
 * (https://network-policy-api.sigs.k8s.io/api-overview/ and the Go types of apis/v1alpha2): tiers (Admin, then
 * NetworkPolicy, then Baseline), priority order, rule order, first match per port, Pass, named ports, networks, and
 * both directions. The cluster is the upstream e2e model: namespaces x, y, z (labelled ns=<name>) with pods a, b, c
 * (labelled pod=<name>), each serving 80 and 81 on TCP, UDP and SCTP with named ports serve-80-tcp, ...
 */
import { DecidingTier } from '../../lib/analysis';
import { ClusterPolicyTier } from '../../lib/model/cluster-policy';
import { PolicyType, Protocol } from '../../lib/model/types';
import { analyze, e2eModel, namespace, pod } from '../support/clusters';

type Json = { [key: string]: unknown };

/** A v1alpha2 ClusterNetworkPolicy as one YAML (JSON) document. */
function cnp(name: string, tier: 'Admin' | 'Baseline', priority: number, spec: Json): string {
  return `---\n${JSON.stringify({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec: { tier, priority, ...spec } })}\n`;
}

/** A networking.k8s.io/v1 NetworkPolicy as one YAML (JSON) document. */
function netpol(ns: string, name: string, spec: Json): string {
  return `---\n${JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec })}\n`;
}

const ns = (name: string) => ({ namespaces: { matchLabels: { ns: name } } });
const pods = (namespaceName: string, podName: string) => ({ pods: { namespaceSelector: { matchLabels: { ns: namespaceName } }, podSelector: { matchLabels: { pod: podName } } } });
const tcp = (port: number) => ({ tcp: { destinationPort: { number: port } } });

/** Ingress rules at the pods of namespace x. */
const atX = (...ingress: Json[]) => ({ subject: ns('x'), ingress });
/** Egress rules at the pods of namespace x. */
const fromX = (...egress: Json[]) => ({ subject: ns('x'), egress });

/** A NetworkPolicy isolating x's ingress and allowing only y/b on TCP 81. */
const X_INGRESS_ONLY_Y_B_81 = netpol('x', 'allow-y-b-81', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }], ports: [{ port: 81 }] }] });

describe('ClusterNetworkPolicy tiers', () => {
  test('with no cluster policy, every connection is allowed (the Kubernetes default)', () => {
    const analysis = analyze(e2eModel());
    expect(analysis.allowed('y/a', 'x/a', 80)).toBe(true);
    expect(analysis.engine.tiers).toBeUndefined();
  });

  test('an Admin Deny denies, whatever a NetworkPolicy allows', () => {
    const analysis = analyze(e2eModel() + X_INGRESS_ONLY_Y_B_81 + cnp('deny-y', 'Admin', 10, atX({ action: 'Deny', from: [ns('y')] })));
    expect(analysis.allowed('y/b', 'x/a', 81)).toBe(false);
    expect(analysis.allowed('z/b', 'x/a', 81)).toBe(false);
    expect(analysis.connectionsBetween('y/b', 'x/a').toString()).toBe('No Connections');
  });

  test('an Admin Accept allows, whatever a NetworkPolicy denies', () => {
    const analysis = analyze(e2eModel() + X_INGRESS_ONLY_Y_B_81 + cnp('accept-z', 'Admin', 10, atX({ action: 'Accept', from: [ns('z')], protocols: [tcp(80)] })));
    expect(analysis.allowed('z/c', 'x/a', 80)).toBe(true);
    expect(analysis.allowed('z/c', 'x/a', 81)).toBe(false);
    expect(analysis.connectionsBetween('z/c', 'x/a').toString()).toBe('TCP 80');
  });

  test('priority order: the lower number decides, whatever the input order', () => {
    const deny10 = cnp('deny', 'Admin', 10, atX({ action: 'Deny', from: [ns('y')] }));
    const accept20 = cnp('accept', 'Admin', 20, atX({ action: 'Accept', from: [ns('y')] }));
    const deny30 = cnp('deny', 'Admin', 30, atX({ action: 'Deny', from: [ns('y')] }));
    expect(analyze(e2eModel() + accept20 + deny10).allowed('y/a', 'x/a', 80)).toBe(false);
    expect(analyze(e2eModel() + deny10 + accept20).allowed('y/a', 'x/a', 80)).toBe(false);
    expect(analyze(e2eModel() + X_INGRESS_ONLY_Y_B_81 + deny30 + accept20).allowed('y/a', 'x/a', 80)).toBe(true);
  });

  test('rule order within a policy: the first matching rule decides each port', () => {
    const policy = cnp('ordered', 'Admin', 10, atX(
      { action: 'Accept', from: [ns('y')], protocols: [tcp(80)] },
      { action: 'Deny', from: [ns('y')] },
      { action: 'Accept', from: [ns('y')] },
    ));
    const analysis = analyze(e2eModel() + policy);
    expect(analysis.allowed('y/a', 'x/a', 80)).toBe(true);
    expect(analysis.allowed('y/a', 'x/a', 81)).toBe(false);
    expect(analysis.allowed('y/a', 'x/a', 80, Protocol.UDP)).toBe(false);
    expect(analysis.connectionsBetween('y/a', 'x/a').toString()).toBe('TCP 80');
  });

  test('first match per port across policies: a later policy decides only the ports earlier ones leave', () => {
    const analysis = analyze(e2eModel()
      + cnp('deny-80', 'Admin', 10, atX({ action: 'Deny', from: [ns('y')], protocols: [tcp(80)] }))
      + cnp('accept-all', 'Admin', 20, atX({ action: 'Accept', from: [ns('y')] }))
      + X_INGRESS_ONLY_Y_B_81);
    expect(analysis.allowed('y/a', 'x/a', 80)).toBe(false);
    expect(analysis.allowed('y/a', 'x/a', 443)).toBe(true);
    expect(analysis.connectionsBetween('y/a', 'x/a').toString()).toBe('SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535');
  });

  test('a port range and a protocol: only those ports of that protocol', () => {
    const analysis = analyze(e2eModel() + cnp('deny-range', 'Admin', 10, atX({ action: 'Deny', from: [ns('y')], protocols: [{ udp: { destinationPort: { range: { start: 80, end: 90 } } } }] })));
    expect(analysis.allowed('y/a', 'x/a', 85, Protocol.UDP)).toBe(false);
    expect(analysis.allowed('y/a', 'x/a', 85, Protocol.TCP)).toBe(true);
    expect(analysis.connectionsBetween('y/a', 'x/a').toString()).toBe('SCTP 1-65535,TCP 1-65535,UDP 1-79,91-65535');
  });

  test('Pass skips the rest of the Admin tier, and the NetworkPolicies decide', () => {
    const pass = cnp('pass-y', 'Admin', 10, atX({ action: 'Pass', from: [ns('y')] }));
    const deny = cnp('deny-all', 'Admin', 20, atX({ action: 'Deny', from: [ns('y'), ns('z')] }));
    const analysis = analyze(e2eModel() + pass + deny + X_INGRESS_ONLY_Y_B_81);
    expect(analysis.allowed('y/b', 'x/a', 81)).toBe(true);
    expect(analysis.allowed('y/b', 'x/a', 80)).toBe(false);
    expect(analysis.allowed('y/a', 'x/a', 81)).toBe(false);
    expect(analysis.allowed('z/b', 'x/a', 81)).toBe(false);
  });

  test('Pass with no NetworkPolicy: the Baseline tier decides, and without a Baseline rule it is allowed', () => {
    const pass = cnp('pass-y', 'Admin', 10, atX({ action: 'Pass', from: [ns('y')] }));
    const baselineDeny = cnp('baseline-deny', 'Baseline', 10, atX({ action: 'Deny', from: [ns('y')], protocols: [tcp(80)] }));
    expect(analyze(e2eModel() + pass).allowed('y/a', 'x/a', 80)).toBe(true);
    expect(analyze(e2eModel() + pass + baselineDeny).allowed('y/a', 'x/a', 80)).toBe(false);
    expect(analyze(e2eModel() + pass + baselineDeny).allowed('y/a', 'x/a', 81)).toBe(true);
  });

  test('the Baseline tier applies only where no NetworkPolicy isolates the pod in that direction', () => {
    const baselineDeny = cnp('baseline-deny', 'Baseline', 10, { subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] });
    const analysis = analyze(e2eModel() + baselineDeny + X_INGRESS_ONLY_Y_B_81);
    // x is isolated for ingress by a NetworkPolicy: it decides, the Baseline tier is not consulted
    expect(analysis.allowed('y/b', 'x/a', 81)).toBe(true);
    expect(analysis.allowed('y/b', 'x/a', 80)).toBe(false);
    // y and z are not: the Baseline Deny applies
    expect(analysis.allowed('x/a', 'y/a', 80)).toBe(false);
    expect(analysis.allowed('x/a', 'z/c', 81, Protocol.SCTP)).toBe(false);
  });

  test('an egress-only NetworkPolicy does not stop the Baseline tier for ingress', () => {
    const egressOnly = netpol('x', 'egress-only', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    const baselineDeny = cnp('baseline-deny', 'Baseline', 10, atX({ action: 'Deny', from: [ns('y')] }));
    expect(analyze(e2eModel() + egressOnly + baselineDeny).allowed('y/a', 'x/a', 80)).toBe(false);
    expect(analyze(e2eModel() + egressOnly + baselineDeny).allowed('x/a', 'y/a', 80)).toBe(true);
  });

  test('Baseline priority and rule order: first match, and a Baseline Pass allows', () => {
    const first = cnp('b-first', 'Baseline', 5, atX({ action: 'Pass', from: [ns('y')], protocols: [tcp(80)] }, { action: 'Accept', from: [ns('y')], protocols: [tcp(81)] }));
    const second = cnp('b-second', 'Baseline', 6, atX({ action: 'Deny', from: [ns('y')] }));
    const analysis = analyze(e2eModel() + second + first);
    expect(analysis.allowed('y/a', 'x/a', 80)).toBe(true);
    expect(analysis.allowed('y/a', 'x/a', 81)).toBe(true);
    expect(analysis.allowed('y/a', 'x/a', 82)).toBe(false);
    expect(analysis.allowed('z/a', 'x/a', 82)).toBe(true);
  });

  test('the Admin tier comes before the Baseline tier whatever their priorities', () => {
    const analysis = analyze(e2eModel()
      + cnp('baseline-accept', 'Baseline', 0, atX({ action: 'Accept', from: [ns('y')] }))
      + cnp('admin-deny', 'Admin', 1000, atX({ action: 'Deny', from: [ns('y')] })));
    expect(analysis.allowed('y/a', 'x/a', 80)).toBe(false);
  });

  test('named ports resolve against the destination pod\'s container ports, with their protocol', () => {
    const cluster = namespace('x', { ns: 'x' }) + namespace('y', { ns: 'y' })
      + pod('x', 'web', { pod: 'web' }, ['http:8080/TCP', 'dns:53/UDP'])
      + pod('x', 'plain', { pod: 'plain' }, ['8080/TCP'])
      + pod('y', 'client', { pod: 'client' });
    const policy = cnp('named', 'Admin', 10, atX(
      { action: 'Accept', from: [ns('y')], protocols: [{ destinationNamedPort: 'http' }, { destinationNamedPort: 'dns' }] },
      { action: 'Deny', from: [ns('y')] },
    ));
    const analysis = analyze(cluster + policy);
    expect(analysis.connectionsBetween('y/client', 'x/web').toString()).toBe('TCP 8080,UDP 53');
    // plain has no port named http: the Accept rule matches nothing there, and the Deny takes every port
    expect(analysis.connectionsBetween('y/client', 'x/plain').toString()).toBe('No Connections');
  });

  test('networks: an egress rule matches addresses in its CIDRs, never pods, and cuts the external ranges', () => {
    const policy = cnp('no-private', 'Admin', 10, fromX(
      { action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }] },
      { action: 'Accept', to: [{ networks: ['10.1.0.0/16'] }] },
    ));
    const analysis = analyze(e2eModel() + policy);
    expect(analysis.allowed('x/a', '10.1.2.3', 443)).toBe(false);
    expect(analysis.allowed('x/a', '8.8.8.8', 443)).toBe(true);
    expect(analysis.allowed('x/a', 'y/a', 443)).toBe(true);
    expect(analysis.allowed('y/a', '10.1.2.3', 443)).toBe(true);
    const fromXa = analysis.connections().filter(c => c.src.type === 'workload' && c.src.namespace === 'x' && c.src.name === 'a' && c.dst.type === 'external');
    expect(fromXa.map(c => `${c.dst.type === 'external' ? `${c.dst.first}-${c.dst.last}` : ''} ${c.conns}`)).toEqual([
      '0.0.0.0-9.255.255.255 All Connections',
      '11.0.0.0-255.255.255.255 All Connections',
    ]);
  });

  test('networks: an Accept opens an address a NetworkPolicy closes, and a named port matches nothing there', () => {
    const isolate = netpol('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const policy = cnp('dns-out', 'Admin', 10, fromX({ action: 'Accept', to: [{ networks: ['8.8.8.8/32'] }], protocols: [{ udp: { destinationPort: { number: 53 } } }, { destinationNamedPort: 'serve-80-tcp' }] }));
    const analysis = analyze(e2eModel() + isolate + policy);
    expect(analysis.connectionsBetween('x/a', '8.8.8.8').toString()).toBe('UDP 53');
    expect(analysis.allowed('x/a', '8.8.4.4', 53, Protocol.UDP)).toBe(false);
  });

  test('both directions: an egress Accept at the source does not open a destination whose ingress is denied', () => {
    const egress = cnp('x-out', 'Admin', 10, fromX({ action: 'Accept', to: [ns('y')] }));
    const ingress = cnp('y-in', 'Admin', 20, { subject: ns('y'), ingress: [{ action: 'Deny', from: [ns('x')], protocols: [tcp(80)] }] });
    const analysis = analyze(e2eModel() + egress + ingress);
    expect(analysis.allowed('x/a', 'y/a', 80)).toBe(false);
    expect(analysis.allowed('x/a', 'y/a', 81)).toBe(true);
    expect(analysis.connectionsBetween('x/a', 'y/a').toString()).toBe('SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535');
  });

  test('an egress Deny at the source denies whatever the destination allows', () => {
    const analysis = analyze(e2eModel() + cnp('x-out', 'Admin', 10, fromX({ action: 'Deny', to: [pods('y', 'b')] })));
    expect(analysis.allowed('x/a', 'y/b', 80)).toBe(false);
    expect(analysis.allowed('x/a', 'y/a', 80)).toBe(true);
    expect(analysis.connections().some(c => c.src.type === 'workload' && c.src.namespace === 'x' && c.dst.type === 'workload' && c.dst.namespace === 'y' && c.dst.name === 'b')).toBe(false);
  });

  test('an Admin Accept reaches destinations an isolated source\'s NetworkPolicies do not list (connection list included)', () => {
    const isolate = netpol('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const analysis = analyze(e2eModel() + isolate + cnp('x-to-z', 'Admin', 10, fromX({ action: 'Accept', to: [pods('z', 'c')], protocols: [tcp(80)] })));
    const lines = analysis.connections().filter(c => c.src.type === 'workload' && c.src.namespace === 'x' && c.src.name === 'a').map(c => `${c.dst.type === 'workload' ? `${c.dst.namespace}/${c.dst.name}` : 'external'} ${c.conns}`);
    expect(lines).toEqual(['z/c TCP 80']);
  });

  test('subject by pods: only the selected pods, and never host-network pods', () => {
    const cluster = e2eModel() + pod('x', 'agent', { pod: 'a' }, [], ['hostNetwork: true']);
    const policy = cnp('deny-to-xa', 'Admin', 10, { subject: pods('x', 'a'), ingress: [{ action: 'Deny', from: [ns('y')] }] });
    const analysis = analyze(cluster + policy);
    expect(analysis.allowed('y/a', 'x/a', 80)).toBe(false);
    expect(analysis.allowed('y/a', 'x/b', 80)).toBe(true);
    expect(analysis.allowed('y/a', 'x/agent', 80)).toBe(true);
  });

  test('ingress rules have no networks peer: traffic from outside the cluster is left to the next tiers', () => {
    const analysis = analyze(e2eModel() + cnp('deny-all-pods', 'Admin', 10, atX({ action: 'Deny', from: [{ namespaces: {} }] })));
    expect(analysis.allowed('1.2.3.4', 'x/a', 80)).toBe(true);
    expect(analysis.allowed('y/a', 'x/a', 80)).toBe(false);
  });
});

describe('explain with cluster policies', () => {
  test('names the Admin rule that passed and the NetworkPolicy that decided', () => {
    const analysis = analyze(e2eModel() + cnp('pass-monitoring', 'Admin', 10, atX({ name: 'pass-y', action: 'Pass', from: [ns('y')] })) + X_INGRESS_ONLY_Y_B_81);
    const explanation = analysis.explain('y/a', 'x/a', 81);
    expect(explanation.allowed).toBe(false);
    expect(explanation.ingress.decidedBy).toBe(DecidingTier.NETWORK_POLICY);
    expect(explanation.ingress.adminRule).toEqual({
      kind: 'ClusterNetworkPolicy', apiVersion: 'policy.networking.k8s.io/v1alpha2', policy: 'pass-monitoring', tier: ClusterPolicyTier.ADMIN, priority: 10,
      direction: PolicyType.INGRESS, ruleIndex: 0, ruleName: 'pass-y', action: 'Pass', text: 'ClusterNetworkPolicy pass-monitoring ingress rule 0 "pass-y" (priority 10): Pass',
    });
    expect(explanation.text).toBe('y/a may not connect to x/a on TCP 81: ClusterNetworkPolicy pass-monitoring ingress rule 0 "pass-y" (priority 10): Pass matches y/a TCP 81 and passes it on; ingress of x/a is isolated by allow-y-b-81; no ingress rule allows y/a TCP 81');
  });

  test('names the Admin rule that decided, before any NetworkPolicy', () => {
    const analysis = analyze(e2eModel() + X_INGRESS_ONLY_Y_B_81 + cnp('accept-z', 'Admin', 7, atX({ action: 'Accept', from: [ns('z')] })));
    const explanation = analysis.explain('z/a', 'x/b', 80);
    expect(explanation.allowed).toBe(true);
    expect(explanation.ingress.decidedBy).toBe(DecidingTier.ADMIN);
    expect(explanation.ingress.reason).toBe('ingress of x/b is allowed by the Admin tier, before any NetworkPolicy: ClusterNetworkPolicy accept-z ingress rule 0 (priority 7): Accept matches z/a TCP 80');
    expect(explanation.egress.decidedBy).toBe(DecidingTier.DEFAULT);
  });

  test('names the Baseline rule that decided where no NetworkPolicy isolates the pod', () => {
    const analysis = analyze(e2eModel() + cnp('guardrail', 'Baseline', 100, { subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] }] }));
    const explanation = analysis.explain('y/a', '1.1.1.1', 443);
    expect(explanation.allowed).toBe(false);
    expect(explanation.egress.decidedBy).toBe(DecidingTier.BASELINE);
    expect(explanation.egress.baselineRule?.text).toBe('ClusterNetworkPolicy guardrail egress rule 0 (priority 100): Deny');
    expect(explanation.text).toBe('y/a may not connect to 1.1.1.1 on TCP 443: egress of y/a is not isolated: no NetworkPolicy selects it for Egress, so the Baseline tier decides: ClusterNetworkPolicy guardrail egress rule 0 (priority 100): Deny matches 1.1.1.1 TCP 443 and denies it');
  });

  test('says when the Admin tier applies to the pod but no rule matches', () => {
    const analysis = analyze(e2eModel() + cnp('deny-y', 'Admin', 10, atX({ action: 'Deny', from: [ns('y')] })));
    const explanation = analysis.explain('z/a', 'x/a', 80);
    expect(explanation.allowed).toBe(true);
    expect(explanation.ingress.adminRule).toBeUndefined();
    expect(explanation.ingress.reason).toBe('no Admin tier rule matches z/a TCP 80; ingress of x/a is not isolated: no NetworkPolicy selects it for Ingress');
  });
});
