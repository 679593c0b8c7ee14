/**
 * The NetworkPolicy examples of the Kubernetes documentation, with the behaviour the documentation states.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { Protocol } from '../../lib/model/types';
import { analyze, namespace, pod } from '../support/clusters';

const CLUSTER = [
  namespace('default'),
  namespace('myproject', { project: 'myproject' }),
  namespace('elsewhere'),
  pod('default', 'db', { role: 'db' }),
  pod('default', 'frontend', { role: 'frontend' }),
  pod('default', 'other', { role: 'other' }),
  pod('myproject', 'client', { app: 'client' }),
  pod('elsewhere', 'frontend', { role: 'frontend' }),
].join('');

describe('the documentation example "test-network-policy"', () => {
  const POLICY = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
`;
  const analysis = analyze(CLUSTER + POLICY);

  test('allows TCP 6379 to role=db from role=frontend pods of the policy namespace', () => {
    // GIVEN the example policy
    // WHEN asking about default/frontend -> default/db
    // THEN only TCP 6379 is allowed
    expect(analysis.allowed('default/frontend', 'default/db', 6379)).toBe(true);
    expect(analysis.allowed('default/frontend', 'default/db', 6380)).toBe(false);
    expect(analysis.allowed('default/frontend', 'default/db', 6379, Protocol.UDP)).toBe(false);
  });

  test('allows any pod of a namespace labelled project=myproject', () => {
    // GIVEN the example policy
    // WHEN a pod of myproject connects
    // THEN TCP 6379 is allowed
    expect(analysis.allowed('myproject/client', 'default/db', 6379)).toBe(true);
  });

  test('does not allow role=frontend pods of another namespace (podSelector alone means the policy namespace)', () => {
    // GIVEN the example policy
    // WHEN role=frontend in another namespace connects
    // THEN it is denied
    expect(analysis.allowed('elsewhere/frontend', 'default/db', 6379)).toBe(false);
  });

  test('does not allow other pods of the policy namespace', () => {
    // GIVEN the example policy
    // WHEN role=other in default connects
    // THEN it is denied
    expect(analysis.allowed('default/other', 'default/db', 6379)).toBe(false);
  });

  test('allows 172.17.0.0-172.17.0.255 and 172.17.2.0-172.17.255.255 but not the except 172.17.1.0/24', () => {
    // GIVEN the example's ipBlock
    // WHEN addresses inside, in the except and outside connect
    // THEN only the first are allowed
    expect(analysis.allowed('172.17.0.5', 'default/db', 6379)).toBe(true);
    expect(analysis.allowed('172.17.2.1', 'default/db', 6379)).toBe(true);
    expect(analysis.allowed('172.17.255.255', 'default/db', 6379)).toBe(true);
    expect(analysis.allowed('172.17.1.5', 'default/db', 6379)).toBe(false);
    expect(analysis.allowed('172.18.0.1', 'default/db', 6379)).toBe(false);
  });

  test('allows egress from role=db to 10.0.0.0/24 on TCP 5978 only', () => {
    // GIVEN the example's egress rule
    // WHEN db connects out
    // THEN only 10.0.0.0/24 on TCP 5978 is allowed
    expect(analysis.allowed('default/db', '10.0.0.7', 5978)).toBe(true);
    expect(analysis.allowed('default/db', '10.0.0.7', 80)).toBe(false);
    expect(analysis.allowed('default/db', '10.0.1.1', 5978)).toBe(false);
  });

  test('isolates role=db for egress to pods too (an ipBlock never matches a pod)', () => {
    // GIVEN the example's egress rule (ipBlock only)
    // WHEN db connects to a pod
    // THEN it is denied
    expect(analysis.allowed('default/db', 'default/frontend', 5978)).toBe(false);
  });

  test('leaves pods the policy does not select unrestricted', () => {
    // GIVEN the example policy
    // WHEN unselected pods connect
    // THEN everything is allowed
    expect(analysis.allowed('default/other', 'default/frontend', 12345, Protocol.SCTP)).toBe(true);
    expect(analysis.allowed('8.8.8.8', 'default/frontend', 443)).toBe(true);
  });
});

describe('the documentation default policies', () => {
  const DENY_INGRESS = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
  namespace: default
spec:
  podSelector: {}
  policyTypes:
  - Ingress
`;
  const ALLOW_ALL_INGRESS = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all-ingress
  namespace: default
spec:
  podSelector: {}
  ingress:
  - {}
  policyTypes:
  - Ingress
`;
  const DENY_EGRESS = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-egress
  namespace: default
spec:
  podSelector: {}
  policyTypes:
  - Egress
`;
  const ALLOW_ALL_EGRESS = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all-egress
  namespace: default
spec:
  podSelector: {}
  egress:
  - {}
  policyTypes:
  - Egress
`;
  const DENY_ALL = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
  namespace: default
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
`;

  test('default-deny-ingress isolates every pod of the namespace for ingress but not egress', () => {
    // GIVEN default-deny-ingress in default
    const analysis = analyze(CLUSTER + DENY_INGRESS);
    // THEN nothing reaches default pods, from inside or outside the namespace or the cluster
    expect(analysis.allowed('default/frontend', 'default/db', 80)).toBe(false);
    expect(analysis.allowed('myproject/client', 'default/db', 80)).toBe(false);
    expect(analysis.allowed('1.2.3.4', 'default/db', 80)).toBe(false);
    // AND default pods still reach other namespaces and the outside
    expect(analysis.allowed('default/db', 'myproject/client', 80)).toBe(true);
    expect(analysis.allowed('default/db', '1.2.3.4', 443)).toBe(true);
  });

  test('allow-all-ingress wins over default-deny-ingress (policies are additive)', () => {
    // GIVEN default-deny-ingress and allow-all-ingress
    // WHEN anything connects in
    // THEN it is allowed
    const analysis = analyze(CLUSTER + DENY_INGRESS + ALLOW_ALL_INGRESS);
    expect(analysis.allowed('myproject/client', 'default/db', 80)).toBe(true);
    expect(analysis.allowed('1.2.3.4', 'default/db', 9, Protocol.SCTP)).toBe(true);
  });

  test('default-deny-egress isolates every pod of the namespace for egress, including DNS and the outside', () => {
    // GIVEN default-deny-egress
    // WHEN default pods connect out
    // THEN everything is denied
    const analysis = analyze(CLUSTER + DENY_EGRESS);
    expect(analysis.allowed('default/db', 'default/frontend', 80)).toBe(false);
    expect(analysis.allowed('default/db', 'myproject/client', 53, Protocol.UDP)).toBe(false);
    expect(analysis.allowed('default/db', '8.8.8.8', 53, Protocol.UDP)).toBe(false);
    // AND ingress into default is unaffected
    expect(analysis.allowed('myproject/client', 'default/db', 80)).toBe(true);
  });

  test('allow-all-egress wins over default-deny-egress', () => {
    // GIVEN default-deny-egress and allow-all-egress
    // WHEN default pods connect out
    // THEN everything is allowed
    const analysis = analyze(CLUSTER + DENY_EGRESS + ALLOW_ALL_EGRESS);
    expect(analysis.allowed('default/db', '8.8.8.8', 53, Protocol.UDP)).toBe(true);
    expect(analysis.allowed('default/db', 'myproject/client', 1)).toBe(true);
  });

  test('default-deny-all isolates both directions', () => {
    // GIVEN default-deny-all
    // WHEN connecting in, out, and between other namespaces
    // THEN only the last is allowed
    const analysis = analyze(CLUSTER + DENY_ALL);
    expect(analysis.allowed('default/db', 'default/frontend', 80)).toBe(false);
    expect(analysis.allowed('default/db', 'myproject/client', 80)).toBe(false);
    expect(analysis.allowed('myproject/client', 'default/db', 80)).toBe(false);
    expect(analysis.allowed('myproject/client', 'elsewhere/frontend', 80)).toBe(true);
  });
});

describe('the documentation endPort example "multi-port-egress"', () => {
  const POLICY = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: multi-port-egress
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
    - Egress
  egress:
    - to:
        - ipBlock:
            cidr: 10.0.0.0/24
      ports:
        - protocol: TCP
          port: 32000
          endPort: 32768
`;
  const analysis = analyze(CLUSTER + POLICY);

  test('allows TCP 32000 through 32768 inclusive to 10.0.0.0/24', () => {
    // GIVEN the endPort example
    // WHEN db connects to 10.0.0.1 in the range
    // THEN it is allowed
    expect(analysis.allowed('default/db', '10.0.0.1', 32000)).toBe(true);
    expect(analysis.allowed('default/db', '10.0.0.1', 32500)).toBe(true);
    expect(analysis.allowed('default/db', '10.0.0.1', 32768)).toBe(true);
  });

  test('denies the ports just outside the range and other protocols', () => {
    // GIVEN the endPort example
    // WHEN the ports next to the range or UDP are used
    // THEN they are denied
    expect(analysis.allowed('default/db', '10.0.0.1', 31999)).toBe(false);
    expect(analysis.allowed('default/db', '10.0.0.1', 32769)).toBe(false);
    expect(analysis.allowed('default/db', '10.0.0.1', 32000, Protocol.UDP)).toBe(false);
  });

  test('prints the range as one TCP interval', () => {
    // GIVEN the endPort example
    // WHEN the connections to 10.0.0.1 are printed
    // THEN they are one range
    expect(analysis.connectionsBetween('default/db', '10.0.0.1').toString()).toBe('TCP 32000-32768');
  });
});

describe('policyTypes defaulting', () => {
  test('a policy without policyTypes and with only egress rules isolates egress AND ingress', () => {
    // GIVEN a policy with egress rules and no policyTypes
    const analysis = analyze(CLUSTER + `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-only-rules, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  egress:
  - ports: [{port: 53, protocol: UDP}]
`);
    // THEN ingress to db is denied (Ingress is always implied) and egress is limited to UDP 53
    expect(analysis.allowed('default/frontend', 'default/db', 80)).toBe(false);
    expect(analysis.allowed('default/db', '8.8.8.8', 53, Protocol.UDP)).toBe(true);
    expect(analysis.allowed('default/db', '8.8.8.8', 443)).toBe(false);
  });

  test('a policy without policyTypes and with "egress: []" does not isolate egress', () => {
    // GIVEN a policy without policyTypes and with an empty egress list
    // WHEN db connects out and frontend in
    // THEN egress is open and ingress denied
    const analysis = analyze(CLUSTER + `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: empty-egress, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  egress: []
`);
    expect(analysis.allowed('default/db', '8.8.8.8', 443)).toBe(true);
    expect(analysis.allowed('default/frontend', 'default/db', 80)).toBe(false);
  });
});
