/**
 * Expectations of the upstream Kubernetes e2e network-policy tests (test/e2e/network/netpol/network_policy.go),
 * on the same model: namespaces x, y, z with pods a, b, c serving TCP/UDP/SCTP 80 and 81. Each test writes the
 * policy of the e2e case as our own YAML and states the expected verdicts explicitly.
 */
import { Analysis } from '../../lib/analysis';
import { Protocol } from '../../lib/model/types';
import { analyze, e2eModel } from '../support/clusters';

const PODS = ['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c'];

/** The pods that may reach `to` on the port, among all nine (a pod always counts as reaching itself in e2e tables). */
function reachers(analysis: Analysis, to: string, port: number, protocol: Protocol = Protocol.TCP): string[] {
  return PODS.filter(from => from !== to && analysis.allowed(from, to, port, protocol));
}

function policy(body: string): string {
  return `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n${body}\n`;
}

describe('upstream e2e NetworkPolicy expectations', () => {
  test("should support a 'default-deny-ingress' policy", () => {
    // GIVEN default-deny-ingress in x
    const analysis = analyze(e2eModel() + policy(`metadata: {name: deny-ingress, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress]}`));
    // WHEN every pod probes x/a and y/a on TCP 80
    // THEN nothing reaches x/a, everything reaches y/a
    expect(reachers(analysis, 'x/a', 80)).toEqual([]);
    expect(reachers(analysis, 'y/a', 80)).toEqual(PODS.filter(p => p !== 'y/a'));
  });

  test("should support a 'default-deny-all' policy", () => {
    // GIVEN default-deny-all in x
    const analysis = analyze(e2eModel() + policy(`metadata: {name: deny-all, namespace: x}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`));
    // WHEN probing in and out of x
    // THEN x pods neither receive nor send, other namespaces are unaffected
    expect(reachers(analysis, 'x/b', 80)).toEqual([]);
    expect(analysis.allowed('x/a', 'y/a', 80)).toBe(false);
    expect(analysis.allowed('y/a', 'z/b', 80)).toBe(true);
  });

  test('should enforce policy to allow traffic from pods within server namespace based on PodSelector', () => {
    // GIVEN a policy on x/a allowing ingress from pod=b (podSelector alone: same namespace only)
    const analysis = analyze(e2eModel() + policy(`metadata: {name: allow-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from: [{podSelector: {matchLabels: {pod: b}}}]`));
    // THEN only x/b reaches x/a
    expect(reachers(analysis, 'x/a', 80)).toEqual(['x/b']);
  });

  test('should enforce policy based on PodSelector and NamespaceSelector (AND: both in one peer)', () => {
    // GIVEN one peer with namespaceSelector ns=y AND podSelector pod=b
    const analysis = analyze(e2eModel() + policy(`metadata: {name: and-peer, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {ns: "y"}}
      podSelector: {matchLabels: {pod: b}}`));
    // THEN only y/b reaches x/a
    expect(reachers(analysis, 'x/a', 80)).toEqual(['y/b']);
  });

  test('should enforce policy based on PodSelector or NamespaceSelector (OR: two peers)', () => {
    // GIVEN two peers: namespaceSelector ns=y, and podSelector pod=b
    const analysis = analyze(e2eModel() + policy(`metadata: {name: or-peers, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {ns: "y"}}
    - podSelector: {matchLabels: {pod: b}}`));
    // THEN every pod of y, and x/b, reach x/a; z/b does not (podSelector alone is x only)
    expect(reachers(analysis, 'x/a', 80)).toEqual(['x/b', 'y/a', 'y/b', 'y/c']);
  });

  test('should enforce policy based on Multiple PodSelectors and NamespaceSelectors', () => {
    // GIVEN namespaceSelector ns NotIn [x] AND podSelector pod In [b, c]
    const analysis = analyze(e2eModel() + policy(`metadata: {name: multi, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - from:
    - namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [x]}]}
      podSelector: {matchExpressions: [{key: pod, operator: In, values: [b, c]}]}`));
    // THEN b and c of y and z reach x/a
    expect(reachers(analysis, 'x/a', 80)).toEqual(['y/b', 'y/c', 'z/b', 'z/c']);
  });

  test('should allow ingress access on one named port', () => {
    // GIVEN all pods of x allow ingress only on the named port serve-81-tcp
    const analysis = analyze(e2eModel() + policy(`metadata: {name: named-81, namespace: x}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: serve-81-tcp}]`));
    // THEN TCP 81 is allowed from everywhere, TCP 80 and UDP 81 are not
    expect(reachers(analysis, 'x/a', 81)).toEqual(PODS.filter(p => p !== 'x/a'));
    expect(reachers(analysis, 'x/a', 80)).toEqual([]);
    expect(reachers(analysis, 'x/a', 81, Protocol.UDP)).toEqual([]);
  });

  test('should allow egress access on one named port (resolved on the destination)', () => {
    // GIVEN x/a may send only to the named port serve-80-udp (plus nothing else)
    const analysis = analyze(e2eModel() + policy(`metadata: {name: egress-named, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: serve-80-udp, protocol: UDP}]`));
    // THEN UDP 80 reaches every pod, TCP 80 none; an external address has no container ports, so nothing
    expect(analysis.allowed('x/a', 'y/b', 80, Protocol.UDP)).toBe(true);
    expect(analysis.allowed('x/a', 'y/b', 80, Protocol.TCP)).toBe(false);
    expect(analysis.allowed('x/a', '8.8.8.8', 80, Protocol.UDP)).toBe(false);
  });

  test('should enforce except clause while egress access to server in CIDR block', () => {
    // GIVEN x/a may send to 10.0.0.0/24 except 10.0.0.5/32 (our analogue of the server's pod IP)
    const analysis = analyze(e2eModel() + policy(`metadata: {name: except, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.5/32]}}]`));
    // THEN the excepted address is denied and its neighbours are allowed
    expect(analysis.allowed('x/a', '10.0.0.5', 80)).toBe(false);
    expect(analysis.allowed('x/a', '10.0.0.4', 80)).toBe(true);
    expect(analysis.allowed('x/a', '10.0.0.6', 80)).toBe(true);
  });

  test('should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed', () => {
    // GIVEN one peer excepting 10.0.0.5/32 and another peer allowing exactly 10.0.0.5/32
    const analysis = analyze(e2eModel() + policy(`metadata: {name: overlap, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.5/32]}
    - ipBlock: {cidr: 10.0.0.5/32}`));
    // THEN the address is allowed (peers are ORed)
    expect(analysis.allowed('x/a', '10.0.0.5', 80)).toBe(true);
  });

  test('should enforce ingress policy allowing any port traffic to a server on a specific protocol', () => {
    // GIVEN ingress to x/a allowed for protocol TCP with no port
    const analysis = analyze(e2eModel() + policy(`metadata: {name: any-tcp, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{protocol: TCP}]`));
    // THEN every TCP port is allowed and UDP is not
    expect(analysis.allowed('y/b', 'x/a', 80)).toBe(true);
    expect(analysis.allowed('y/b', 'x/a', 81)).toBe(true);
    expect(analysis.allowed('y/b', 'x/a', 80, Protocol.UDP)).toBe(false);
    expect(analysis.connectionsBetween('y/b', 'x/a').toString()).toBe('TCP 1-65535');
  });

  test('should not allow access by TCP when a policy specifies only UDP', () => {
    // GIVEN ingress to x/a allowed on UDP 81 only
    const analysis = analyze(e2eModel() + policy(`metadata: {name: udp-only, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{protocol: UDP, port: 81}]`));
    // THEN TCP 81 is denied and UDP 81 allowed
    expect(analysis.allowed('x/b', 'x/a', 81, Protocol.TCP)).toBe(false);
    expect(analysis.allowed('x/b', 'x/a', 81, Protocol.UDP)).toBe(true);
  });

  test('should enforce policy based on Ports with SCTP', () => {
    // GIVEN ingress to x/a allowed on SCTP 80 only
    const analysis = analyze(e2eModel() + policy(`metadata: {name: sctp, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
  - ports: [{protocol: SCTP, port: 80}]`));
    // THEN SCTP 80 is allowed, TCP 80 and SCTP 81 are not
    expect(analysis.allowed('z/c', 'x/a', 80, Protocol.SCTP)).toBe(true);
    expect(analysis.allowed('z/c', 'x/a', 80, Protocol.TCP)).toBe(false);
    expect(analysis.allowed('z/c', 'x/a', 81, Protocol.SCTP)).toBe(false);
  });

  test('should enforce multiple, stacked policies with overlapping podSelectors', () => {
    // GIVEN one policy allowing TCP 80 and another allowing TCP 81 to the same pod
    const analysis = analyze(e2eModel() + policy(`metadata: {name: allow-80, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress: [{ports: [{port: 80}]}]`) + policy(`metadata: {name: allow-81, namespace: x}
spec:
  podSelector: {}
  ingress: [{ports: [{port: 81}]}]`));
    // THEN both ports are allowed to x/a (union), only 81 to x/b
    expect(analysis.connectionsBetween('y/a', 'x/a').toString()).toBe('TCP 80-81');
    expect(analysis.connectionsBetween('y/a', 'x/b').toString()).toBe('TCP 81');
  });

  test('should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector', () => {
    // GIVEN x/a may send only to pod=b in ns=y
    const analysis = analyze(e2eModel() + policy(`metadata: {name: egress-y-b, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector: {matchLabels: {ns: "y"}}
      podSelector: {matchLabels: {pod: b}}`));
    // THEN only y/b is reachable from x/a
    expect(PODS.filter(to => to !== 'x/a' && analysis.allowed('x/a', to, 80))).toEqual(['y/b']);
  });

  test('a connection needs egress at the source AND ingress at the destination', () => {
    // GIVEN x/a may send to y/b on TCP 80-81, but y/b accepts only TCP 81
    const analysis = analyze(e2eModel() + policy(`metadata: {name: egress, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  policyTypes: [Egress]
  egress: [{ports: [{port: 80, endPort: 81}]}]`) + policy(`metadata: {name: ingress, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: b}}
  ingress: [{ports: [{port: 81}]}]`));
    // THEN only the intersection, TCP 81, is allowed
    expect(analysis.connectionsBetween('x/a', 'y/b').toString()).toBe('TCP 81');
  });
});
