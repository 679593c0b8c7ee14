import { HostNetworkMode } from '../../lib/analysis';
import { PolicyType, Protocol } from '../../lib/model/types';
import { analyze, namespace, pod } from '../support/clusters';

const CLUSTER = namespace('production')
  + pod('production', 'frontend', { app: 'frontend' })
  + pod('production', 'api', { app: 'api' }, ['http:8080/TCP'])
  + pod('production', 'agent', { app: 'agent' }, [], ['hostNetwork: true']);

const POLICIES = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: production}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-allow, namespace: production}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: http}]}]
`;

describe('explain', () => {
  test('names the isolating policy and the missing rule of a denial', () => {
    // GIVEN default-deny-all and an ingress allow on api, but no egress allow for frontend
    const analysis = analyze(CLUSTER + POLICIES);
    // WHEN explaining frontend -> api TCP 8080
    const explanation = analysis.explain('production/frontend', 'production/api', 8080);
    // THEN it is denied at the source's egress, which default-deny-all isolates, and ingress would allow it
    expect(explanation.allowed).toBe(false);
    expect(explanation.text).toBe('production/frontend may not connect to production/api on TCP 8080: '
      + 'egress of production/frontend is isolated by default-deny-all; no egress rule allows production/api TCP 8080');
    expect(explanation.egress).toMatchObject({ direction: PolicyType.EGRESS, isolated: true, isolatedBy: ['production/default-deny-all'], allowed: false, rules: [] });
    expect(explanation.ingress.allowed).toBe(true);
    expect(explanation.ingress.rules).toEqual([
      { policy: 'production/api-allow', policyName: 'api-allow', direction: PolicyType.INGRESS, ruleIndex: 0, peerMatches: true, portMatches: true, ports: 'TCP 8080' },
    ]);
  });

  test('says when a matching rule allows nothing because its named port does not resolve on the destination', () => {
    // GIVEN frontend, which declares no port named http, admitting api on the named port http
    const policy = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-allow, namespace: production}
spec:
  podSelector: {matchLabels: {app: frontend}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: http}]}]
`;
    // WHEN explaining api -> frontend TCP 8080
    const explanation = analyze(CLUSTER + policy).explain('production/api', 'production/frontend', 8080);
    // THEN the rule is named, and why it allows nothing there
    expect(explanation.allowed).toBe(false);
    expect(explanation.text).toContain('(frontend-allow ingress[0] matches production/api but allows none of its ports: the rule\'s named ports do not resolve on the destination)');
  });

  test('names the allowing rules of an allowed connection, with named ports resolved', () => {
    // GIVEN egress is opened for frontend as well
    const analysis = analyze(CLUSTER + POLICIES + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-egress, namespace: production}
spec:
  podSelector: {matchLabels: {app: frontend}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: http}]}]
`);
    // WHEN explaining frontend -> api TCP 8080
    const explanation = analysis.explain('production/frontend', 'production/api', 8080);
    // THEN both sides name their rule
    expect(explanation.allowed).toBe(true);
    expect(explanation.egress.reason).toBe('egress of production/frontend is isolated by default-deny-all, frontend-egress; frontend-egress egress[0] allows production/api TCP 8080');
    expect(explanation.ingress.reason).toBe('ingress of production/api is isolated by default-deny-all, api-allow; api-allow ingress[0] allows production/frontend TCP 8080');
  });

  test('points at the rule that matches the peer but not the port', () => {
    // GIVEN api admitting frontend on TCP 8080 only
    // WHEN explaining TCP 9090
    // THEN the near-miss rule and its ports are named
    const analysis = analyze(CLUSTER + POLICIES);
    const explanation = analysis.explain('production/frontend', 'production/api', 9090);
    expect(explanation.ingress.reason).toContain('(api-allow ingress[0] matches production/frontend but allows only TCP 8080)');
  });

  test('says a side is not isolated when no policy selects it', () => {
    // GIVEN no policies
    // WHEN explaining any connection
    // THEN each side says nothing selects it
    const analysis = analyze(CLUSTER);
    const explanation = analysis.explain('production/frontend', 'production/api', 53, Protocol.UDP);
    expect(explanation.allowed).toBe(true);
    expect(explanation.egress.reason).toBe('egress of production/frontend is not isolated: no NetworkPolicy selects it for Egress');
  });

  test('says no policy applies to an address outside the cluster', () => {
    // GIVEN an external source
    // WHEN explaining
    // THEN its egress side is not enforced and the denial is at api's ingress
    const analysis = analyze(CLUSTER + POLICIES);
    const explanation = analysis.explain('203.0.113.9', 'production/api', 8080);
    expect(explanation.egress).toMatchObject({ enforced: false, allowed: true });
    expect(explanation.ingress.allowed).toBe(false);
    expect(explanation.text).toContain('no ingress rule allows 203.0.113.9 TCP 8080');
  });

  test('rejects unknown and ambiguous references with the known names', () => {
    // GIVEN a cluster
    // WHEN asking about an unknown workload, a bad port or two addresses
    // THEN the errors say what is wrong
    const analysis = analyze(CLUSTER);
    expect(() => analysis.explain('production/nope', 'production/api', 80)).toThrow(/no workload "production\/nope".*production\/frontend/);
    expect(() => analysis.allowed('production/api', 'production/frontend', 70000)).toThrow(/port 70000 is not an integer from 1 to 65535/);
    expect(() => analysis.allowed('1.1.1.1', '2.2.2.2', 80)).toThrow(/two addresses outside the cluster/);
  });
});

describe('host-network pods', () => {
  test('are isolated like any pod by default, as the conformance reference does', () => {
    // GIVEN default-deny-all and a host-network agent
    const analysis = analyze(CLUSTER + POLICIES);
    // THEN the agent is isolated
    expect(analysis.allowed('production/agent', 'production/api', 8080)).toBe(false);
  });

  test('in NODE mode are never isolated and never matched by pod selectors', () => {
    // GIVEN the same cluster analysed with HostNetworkMode.NODE, and api allowing every pod of the namespace
    const analysis = analyze(CLUSTER + POLICIES + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-all-pods, namespace: production}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {}}]}]
`, { hostNetwork: HostNetworkMode.NODE });
    // THEN the agent may send anywhere its destination admits, and may receive anything
    expect(analysis.allowed('production/frontend', 'production/agent', 22)).toBe(false); // frontend's egress is still denied
    expect(analysis.allowed('8.8.8.8', 'production/agent', 22)).toBe(true);
    // AND api's "all pods" rule does not admit the agent, whose traffic carries the node's address
    expect(analysis.allowed('production/agent', 'production/api', 8080)).toBe(false);
    expect(analysis.explain('production/agent', 'production/api', 8080).egress.reason).toBe('production/agent uses the host network, which NetworkPolicies do not isolate');
  });
});

describe('explain wording', () => {
  test('uses the plural verb when several rules allow the connection', () => {
    // GIVEN two policies that both allow frontend into api on 8080
    const second = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-allow-again, namespace: production}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: 8080}]}]
`;
    // WHEN
    const explanation = analyze(CLUSTER + POLICIES + second).explain('production/frontend', 'production/api', 8080);
    // THEN
    expect(explanation.ingress.reason).toBe('ingress of production/api is isolated by default-deny-all, api-allow, api-allow-again; api-allow ingress[0] and api-allow-again ingress[0] allow production/frontend TCP 8080');
  });
});
