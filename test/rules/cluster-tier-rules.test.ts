/**
 * The tier-aware checks of issue 11 item 4: NP022 cluster-deny-shadows-allow, NP023 cluster-pass-widens-deny,
 * NP024 cluster-policy-blocks-dns, and NP002/NP003 with a Baseline-tier default deny. Each scenario is a small
 * cluster whose expected findings follow from the API's semantics (kubernetes-sigs/network-policy-api: the Admin
 * tier decides first, first match per port, Deny and Accept final, Pass skips the rest of the tier; NetworkPolicies
 * next for the pods they isolate; the Baseline tier only for pods no NetworkPolicy isolates in the direction); where
 * a finding claims something about traffic, the engine's answer is checked too.
 */
import { Testing } from 'cdk8s';
import {
  ClusterBaseline, ClusterDns, ClusterGuardrails, ClusterNetworkPolicy, ClusterPeer, ClusterPolicyAction, ClusterPolicyTier,
  ClusterSubject, Port, Selector,
} from '../../lib';
import { Analysis, ConnectionSet } from '../../lib/analysis';
import { clusterOf } from '../../lib/cluster-of';
import {
  ClusterPolicyModel, ClusterPolicyRuleModel, ClusterPolicySubjectModel, CLUSTER_POLICY_V1ALPHA1, CLUSTER_POLICY_V1ALPHA2,
} from '../../lib/model/cluster-policy';
import { ClusterModel, PolicyModel, PolicyType, Protocol, WorkloadModel } from '../../lib/model/types';
import { lint, LintOptions } from '../../lib/rules';

const ADMIN = ClusterPolicyTier.ADMIN;
const BASELINE = ClusterPolicyTier.BASELINE;
const ACCEPT = ClusterPolicyAction.ACCEPT;
const DENY = ClusterPolicyAction.DENY;
const PASS = ClusterPolicyAction.PASS;
const TCP = Protocol.TCP;
const UDP = Protocol.UDP;
const BY_NAME = 'kubernetes.io/metadata.name';
const EVERY_NAMESPACE = { namespaces: {} };

/** A v1alpha2 ClusterNetworkPolicy. */
function cnp(name: string, tier: ClusterPolicyTier, priority: number, rules: { ingress?: ClusterPolicyRuleModel[]; egress?: ClusterPolicyRuleModel[] },
  subject: ClusterPolicySubjectModel = EVERY_NAMESPACE): ClusterPolicyModel {
  return { kind: 'ClusterNetworkPolicy' as never, apiVersion: CLUSTER_POLICY_V1ALPHA2, name, tier, priority, subject, ...rules, source: { file: 'platform.yaml', documentIndex: 0 } };
}

/** Namespace `name`'s pods as a peer or subject. */
const ns = (name: string) => ({ matchLabels: { [BY_NAME]: name } });
const tcp = (port: number, endPort?: number) => ({ protocol: TCP, port, ...(endPort ? { endPort } : {}) });

function workload(namespaceName: string, name: string, podLabels: { [k: string]: string }, ports: WorkloadModel['ports'] = []): WorkloadModel {
  return { kind: 'Deployment', name, namespaceName, podLabels, ports };
}

/**
 * prod (team a) with api (8080, named port http) and db (5432), dev (team b) with web, and the cluster DNS in
 * kube-system.
 */
function cluster(policies: PolicyModel[], clusterPolicies: ClusterPolicyModel[], extra: Partial<ClusterModel> = {}): ClusterModel {
  return {
    namespaces: [{ name: 'prod', labels: { team: 'a' } }, { name: 'dev', labels: { team: 'b' } }, { name: 'kube-system' }],
    workloads: [
      workload('prod', 'api', { app: 'api' }, [{ name: 'http', containerPort: 8080, protocol: TCP }]),
      workload('prod', 'db', { app: 'db' }, [{ containerPort: 5432, protocol: TCP }]),
      workload('dev', 'web', { app: 'web' }),
      workload('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53, protocol: UDP }, { name: 'dns-tcp', containerPort: 53, protocol: TCP }]),
    ],
    policies,
    clusterPolicies,
    ...extra,
  };
}

/** A NetworkPolicy of prod. */
function np(name: string, spec: Omit<PolicyModel, 'name' | 'namespaceName'>, namespaceName = 'prod'): PolicyModel {
  return { name, namespaceName, ...spec };
}

/** Default deny of both directions and DNS, as IsolatedNamespace writes them. */
function isolated(namespaceName: string): PolicyModel[] {
  return [
    np('default-deny-all', { podSelector: {}, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS] }, namespaceName),
    np('allow-dns', { podSelector: {}, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ namespaceSelector: ns('kube-system') }], ports: [{ protocol: UDP, port: 53 }, tcp(53)] }] }, namespaceName),
  ];
}

function findings(model: ClusterModel, rule: string, options: LintOptions = {}) {
  return lint(model, { ...options, only: [rule] }).findings.filter(f => f.ruleId === rule);
}

function classOf(analysis: Analysis, namespace: string, name: string) {
  return analysis.engine.classes.find(c => c.workloads.some(w => w.namespaceName === namespace && w.name === name))!;
}

/** What the whole evaluation allows from one workload to another. */
function allowed(model: ClusterModel, from: string, to: string): ConnectionSet {
  const analysis = Analysis.of(model);
  const [a, b] = [from.split('/'), to.split('/')];
  return analysis.engine.classToClass(classOf(analysis, a[0], a[1]), classOf(analysis, b[0], b[1]));
}

describe('NP022 cluster-deny-shadows-allow', () => {
  const toDev = np('api-to-dev', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ namespaceSelector: ns('dev') }], ports: [tcp(8080)] }] });
  const denyDev = cnp('deny-dev', ADMIN, 10, { egress: [{ name: 'no-dev', action: DENY, peers: [{ namespaces: ns('dev') }] }] }, { namespaces: ns('prod') });

  test('an Admin Deny of all a rule allows: the rule is dead, and both rules are named', () => {
    const model = cluster([toDev], [denyDev]);
    const found = findings(model, 'NP022');
    expect(found).toHaveLength(1);
    expect(found[0].object).toEqual({ kind: 'NetworkPolicy', namespace: 'prod', name: 'api-to-dev' });
    expect(found[0].field).toBe('spec.egress[0]');
    expect(found[0].severity).toBe('warning');
    const expected = 'prod/api-to-dev egress[0] allows egress to namespaceSelector {kubernetes.io/metadata.name=dev} on TCP 8080, but the Admin tier '
      + 'decides before NetworkPolicies: ClusterNetworkPolicy deny-dev egress rule 0 "no-dev" (priority 10): Deny denies all of it (e.g. prod/api → dev/web on TCP 8080): the rule is dead';
    expect(found[0].message).toBe(expected);
    // The Admin tier decides first: the connection the rule allows does not exist.
    expect(allowed(model, 'prod/api', 'dev/web').isEmpty()).toBe(true);
  });

  test('a peer entry the Deny covers entirely is named as the dead part; the other entry still applies', () => {
    const rule = np('api-egress', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ podSelector: { matchLabels: { app: 'db' } } }, { namespaceSelector: ns('dev') }], ports: [tcp(5432)] }] });
    const found = findings(cluster([rule], [denyDev]), 'NP022');
    expect(found).toHaveLength(1);
    expect(found[0].field).toBe('spec.egress[0].to[1]');
    expect(found[0].message).toContain('denies all of its traffic to namespaceSelector {kubernetes.io/metadata.name=dev} (to[1]) (e.g. prod/api → dev/web on TCP 5432): that part of the rule is dead, the rest still applies');
  });

  test('a port entry the Deny covers for every peer is named as the dead part (ingress, named port resolved at the destination)', () => {
    const rule = np('api-ingress', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.INGRESS], ingress: [{ peers: [{ namespaceSelector: ns('dev') }], ports: [{ protocol: TCP, portName: 'http' }, tcp(9090)] }] });
    const deny = cnp('deny-9090', ADMIN, 10, { ingress: [{ action: DENY, peers: [{ namespaces: {} }], ports: [tcp(9090)] }] }, { namespaces: ns('prod') });
    const found = findings(cluster([rule], [deny]), 'NP022');
    expect(found).toHaveLength(1);
    expect(found[0].field).toBe('spec.ingress[0].ports[1]');
    expect(found[0].message).toContain('denies all of its traffic on TCP 9090 (ports[1]) (e.g. dev/web → prod/api on TCP 9090)');
    // The named port http resolves to TCP 8080 at prod/api, which the Deny does not name.
    expect(found[0].message).not.toContain(': the rule is dead');
  });

  test('no finding where the Deny is narrower than and disjoint from the allow, or covers only part of a wide entry', () => {
    const sshOnly = cnp('deny-ssh', ADMIN, 10, { egress: [{ action: DENY, peers: [{ namespaces: ns('dev') }], ports: [tcp(22)] }] }, { namespaces: ns('prod') });
    expect(findings(cluster([toDev], [sshOnly]), 'NP022')).toEqual([]);
    // namespaceSelector {} reaches dev and prod: the Deny of dev is a part of the entry, not all of it.
    const anywhere = np('api-anywhere', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ namespaceSelector: {} }], ports: [tcp(8080)] }] });
    expect(findings(cluster([anywhere], [denyDev]), 'NP022')).toEqual([]);
    // A rule without peers: every pod and address; the Deny names one namespace.
    const open = np('api-open', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.EGRESS], egress: [{ ports: [tcp(8080)] }] });
    expect(findings(cluster([open], [denyDev]), 'NP022')).toEqual([]);
    // The Deny's subject is another namespace.
    const elsewhere = cnp('deny-dev', ADMIN, 10, { egress: [{ action: DENY, peers: [{ namespaces: ns('dev') }] }] }, { namespaces: ns('dev') });
    expect(findings(cluster([toDev], [elsewhere]), 'NP022')).toEqual([]);
  });

  test('an Accept or a Pass evaluated before the Deny saves the rule; a Baseline Deny never shadows a NetworkPolicy', () => {
    const accept = cnp('accept-dev-8080', ADMIN, 5, { egress: [{ action: ACCEPT, peers: [{ namespaces: ns('dev') }], ports: [tcp(8080)] }] }, { namespaces: ns('prod') });
    expect(findings(cluster([toDev], [accept, denyDev]), 'NP022')).toEqual([]);
    const pass = cnp('pass-dev', ADMIN, 5, { egress: [{ action: PASS, peers: [{ namespaces: ns('dev') }] }] }, { namespaces: ns('prod') });
    expect(findings(cluster([toDev], [pass, denyDev]), 'NP022')).toEqual([]);
    expect(allowed(cluster([toDev], [pass, denyDev]), 'prod/api', 'dev/web').contains(TCP, 8080)).toBe(true);
    // The same Accept at a higher priority number comes after the Deny: the rule is dead again.
    const late = cnp('accept-dev-8080', ADMIN, 20, { egress: [{ action: ACCEPT, peers: [{ namespaces: ns('dev') }], ports: [tcp(8080)] }] }, { namespaces: ns('prod') });
    expect(findings(cluster([toDev], [late, denyDev]), 'NP022')).toHaveLength(1);
    const baseline = cnp('baseline', BASELINE, 10, { egress: [{ action: DENY, peers: [{ namespaces: ns('dev') }] }] }, { namespaces: ns('prod') });
    expect(findings(cluster([toDev], [baseline]), 'NP022')).toEqual([]);
  });

  test('addresses: an ipBlock the guardrails deny is dead; 0.0.0.0/0 beside the denied metadata address is not; ingress from addresses never is', () => {
    const chart = Testing.chart();
    new ClusterGuardrails(chart, 'guardrails');
    const guardrails = clusterOf(chart).cluster.clusterPolicies!;
    const metadata = np('api-metadata', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ ipBlock: { cidr: '169.254.169.254/32' } }] }] });
    const found = findings(cluster([metadata], guardrails), 'NP022');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('ClusterNetworkPolicy cluster-guardrails egress rule 0 "deny-addresses" (priority 10): Deny denies all of it (e.g. prod/api → 169.254.169.254/32 on all ports): the rule is dead');
    const internet = np('api-internet', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [tcp(443)] }] });
    expect(findings(cluster([internet], guardrails), 'NP022')).toEqual([]);
    const fromOffice = np('api-from-office', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.INGRESS], ingress: [{ peers: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }] });
    const denyAllIngress = cnp('deny-in', ADMIN, 10, { ingress: [{ action: DENY, peers: [{ namespaces: {} }] }] });
    expect(findings(cluster([fromOffice], [denyAllIngress]), 'NP022')).toEqual([]);
    // IPv6 destinations are not checked against the Admin tier: beside a dead entry, the rule is only partly dead.
    const dual = np('api-dual', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ namespaceSelector: ns('dev') }, { ipBlock: { cidr: '2001:db8::/32' } }], ports: [tcp(8080)] }] });
    const denyDev = cnp('deny-dev', ADMIN, 10, { egress: [{ action: DENY, peers: [{ namespaces: ns('dev') }] }] });
    expect(findings(cluster([dual], [denyDev]), 'NP022').map(f => f.field)).toEqual(['spec.egress[0].to[0]']);
  });

  test('policy-only input: the pods the selectors name are checked', () => {
    const model: ClusterModel = { namespaces: [], workloads: [], policies: [toDev], clusterPolicies: [cnp('deny-dev', ADMIN, 10, { egress: [{ action: DENY, peers: [{ namespaces: ns('dev') }] }] })] };
    const found = findings(model, 'NP022');
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('(e.g. prod/{app=api} → dev/{} on TCP 8080): the rule is dead')]);
  });
});

describe('NP023 cluster-pass-widens-deny', () => {
  const fromDev = np('api-from-dev', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.INGRESS], ingress: [{ peers: [{ namespaceSelector: ns('dev') }], ports: [tcp(8080)] }] });
  const passDev = cnp('pass-dev', ADMIN, 5, { ingress: [{ name: 'delegate-dev', action: PASS, peers: [{ namespaces: ns('dev') }] }] }, { namespaces: ns('prod') });
  const denyOthers = cnp('tenant-a', ADMIN, 20, { ingress: [{ name: 'deny-other-teams', action: DENY, peers: [{ namespaces: { matchExpressions: [{ key: 'team', op: 'NotIn' as never, values: ['a'] }] } }] }] }, { namespaces: { matchLabels: { team: 'a' } } });

  test('a Pass before a Deny, and a NetworkPolicy that allows the passed traffic: reported on the NetworkPolicy, naming both rules', () => {
    const model = cluster([fromDev], [passDev, denyOthers]);
    const found = findings(model, 'NP023');
    expect(found).toHaveLength(1);
    expect(found[0].object).toEqual({ kind: 'NetworkPolicy', namespace: 'prod', name: 'api-from-dev' });
    expect(found[0].field).toBe('spec.ingress[0].from');
    const expected = 'prod/api-from-dev ingress[0] allows dev/web → prod/api on TCP 8080, which the Admin tier would deny (ClusterNetworkPolicy tenant-a '
      + 'ingress rule 0 "deny-other-teams" (priority 20): Deny) but for ClusterNetworkPolicy pass-dev ingress rule 0 "delegate-dev" (priority 5): Pass, which passes '
      + 'it to NetworkPolicies first: the namespace widens what the Admin tier holds';
    expect(found[0].message).toBe(expected);
    // The engine agrees: allowed with the Pass, denied without it.
    expect(allowed(model, 'dev/web', 'prod/api').contains(TCP, 8080)).toBe(true);
    expect(allowed(cluster([fromDev], [denyOthers]), 'dev/web', 'prod/api').isEmpty()).toBe(true);
  });

  test('a Pass and a Deny in one policy (rule order decides) are reported too; ports the NetworkPolicy does not allow are not', () => {
    const both = cnp('tenant-a', ADMIN, 20, { ingress: [{ action: PASS, peers: [{ namespaces: ns('dev') }], ports: [tcp(8000, 8999)] }, denyOthers.ingress![0]] }, { namespaces: { matchLabels: { team: 'a' } } });
    const wide = np('api-from-dev', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.INGRESS], ingress: [{ peers: [{ namespaceSelector: ns('dev') }], ports: [tcp(8080), tcp(9090)] }] });
    const found = findings(cluster([wide], [both]), 'NP023');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('allows dev/web → prod/api on TCP 8080, which the Admin tier would deny (ClusterNetworkPolicy tenant-a ingress rule 1 "deny-other-teams" (priority 20): Deny) but for ClusterNetworkPolicy tenant-a ingress rule 0 (priority 20): Pass');
  });

  test('no finding where the Pass leads to nothing wider', () => {
    // No Deny after the Pass (the Deny decides first, or there is none).
    const denyFirst = cnp('tenant-a', ADMIN, 1, { ingress: denyOthers.ingress }, { namespaces: { matchLabels: { team: 'a' } } });
    expect(findings(cluster([fromDev], [passDev, denyFirst]), 'NP023')).toEqual([]);
    expect(findings(cluster([fromDev], [passDev]), 'NP023')).toEqual([]);
    // The later Deny does not cover the passed traffic (another port).
    const deny22 = cnp('deny-22', ADMIN, 20, { ingress: [{ action: DENY, peers: [{ namespaces: {} }], ports: [tcp(22)] }] }, { namespaces: ns('prod') });
    expect(findings(cluster([fromDev], [passDev, deny22]), 'NP023')).toEqual([]);
    // The NetworkPolicies do not allow the passed traffic.
    const ownOnly = np('api-from-prod', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.INGRESS], ingress: [{ peers: [{ podSelector: {} }] }] });
    expect(findings(cluster([ownOnly], [passDev, denyOthers]), 'NP023')).toEqual([]);
    expect(allowed(cluster([ownOnly], [passDev, denyOthers]), 'dev/web', 'prod/api').isEmpty()).toBe(true);
    // No NetworkPolicy isolates the pod: the Baseline tier decides, Pass or not.
    expect(findings(cluster([], [passDev, denyOthers]), 'NP023')).toEqual([]);
    // A Baseline Deny after the Pass is not held by it: NetworkPolicies override the Baseline tier anyway.
    const baseline = cnp('baseline', BASELINE, 10, { ingress: [{ action: DENY, peers: [{ namespaces: {} }] }] });
    expect(findings(cluster([fromDev], [passDev, baseline]), 'NP023')).toEqual([]);
  });

  test('egress to addresses: a Pass of a range before a Deny of every address, and an ipBlock inside it', () => {
    const pass = cnp('pass-corp', ADMIN, 5, { egress: [{ action: PASS, peers: [{ networks: ['10.0.0.0/8'] }] }] });
    const deny = cnp('deny-external', ADMIN, 10, { egress: [{ action: DENY, peers: [{ networks: ['0.0.0.0/0'] }] }] });
    const toCorp = np('api-to-corp', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [tcp(443)] }] });
    const found = findings(cluster([toCorp], [pass, deny]), 'NP023');
    expect(found.map(f => f.message)).toEqual(['prod/api-to-corp egress[0] allows prod/api → 10.1.0.0/16 on TCP 443, which the Admin tier would deny (ClusterNetworkPolicy deny-external egress rule 0 (priority 10): Deny) but for ClusterNetworkPolicy pass-corp egress rule 0 (priority 5): Pass, which passes it to NetworkPolicies first: the namespace widens what the Admin tier holds']);
    const toInternet = np('api-to-internet', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.EGRESS], egress: [{ peers: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [tcp(443)] }] });
    expect(findings(cluster([toInternet], [pass, deny]), 'NP023')).toEqual([]);
  });
});

describe('NP024 cluster-policy-blocks-dns', () => {
  const denyAll = cnp('deny-all', BASELINE, 100, { egress: [{ name: 'default-deny', action: DENY, peers: [{ namespaces: {} }, { networks: ['0.0.0.0/0'] }] }] }, { namespaces: ns('prod') });

  test('a Baseline default deny without a DNS Accept: reported on the Baseline rule for the pods no NetworkPolicy isolates; NP004 stays quiet', () => {
    const model = cluster([], [denyAll]);
    const found = findings(model, 'NP024');
    expect(found).toHaveLength(1);
    expect(found[0].object).toEqual({ kind: 'ClusterNetworkPolicy', name: 'deny-all' });
    expect(found[0].field).toBe('spec.egress[0]');
    expect(found[0].severity).toBe('error');
    const expected = 'ClusterNetworkPolicy deny-all egress rule 0 "default-deny" (priority 100): Deny denies DNS (UDP/TCP 53) to kube-system to prod/api, prod/db '
      + '(no NetworkPolicy isolates their egress, so the Baseline tier decides, and no Admin-tier rule accepts DNS first): these pods cannot resolve names';
    expect(found[0].message).toBe(expected);
    expect(allowed(model, 'prod/api', 'kube-system/coredns').isEmpty()).toBe(true);
    expect(findings(model, 'NP004')).toEqual([]);
  });

  test('saved by a DNS Accept before the Deny (ClusterBaseline), by an Admin Accept (ClusterGuardrails), or by NetworkPolicies isolating the pods', () => {
    const chart = Testing.chart();
    new ClusterBaseline(chart, 'baseline');
    expect(findings(cluster([], clusterOf(chart).cluster.clusterPolicies!), 'NP024')).toEqual([]);
    const guard = Testing.chart();
    new ClusterGuardrails(guard, 'guardrails');
    expect(findings(cluster([], [...clusterOf(guard).cluster.clusterPolicies!, denyAll]), 'NP024')).toEqual([]);
    // prod isolated with DNS: the Baseline tier does not decide for its pods, and NP004 has nothing either.
    expect(findings(cluster(isolated('prod'), [denyAll]), 'NP024')).toEqual([]);
    expect(findings(cluster(isolated('prod'), [denyAll]), 'NP004')).toEqual([]);
    // A node-local resolver accepted by address.
    const nodeLocal = cnp('node-local-dns', BASELINE, 10, { egress: [{ action: ACCEPT, peers: [{ networks: ['169.254.20.10/32'] }], ports: [{ protocol: UDP, port: 53 }, tcp(53)] }] });
    expect(findings(cluster([], [nodeLocal, denyAll]), 'NP024')).toEqual([]);
  });

  test('an Admin Pass does not save DNS for pods no NetworkPolicy isolates: the Baseline tier still decides', () => {
    const pass = cnp('pass-dns', ADMIN, 5, { egress: [{ action: PASS, peers: [{ namespaces: ns('kube-system') }] }] });
    expect(findings(cluster([], [pass, denyAll]), 'NP024')).toHaveLength(1);
  });

  test('an Admin-tier Deny of DNS for pods no NetworkPolicy isolates is reported on the Admin rule; NP004 reports the isolated pods', () => {
    const denyDns = cnp('no-dns', ADMIN, 10, { egress: [{ action: DENY, peers: [{ namespaces: ns('kube-system') }], ports: [{ protocol: UDP, port: 53 }, tcp(53)] }] });
    const found = findings(cluster(isolated('dev'), [denyDns]), 'NP024');
    const expected = 'ClusterNetworkPolicy no-dns egress rule 0 (priority 10): Deny denies DNS (UDP/TCP 53) to kube-system to prod/api, prod/db '
      + '(in the Admin tier, which decides before any NetworkPolicy; no NetworkPolicy isolates their egress): these pods cannot resolve names';
    expect(found.map(f => f.message)).toEqual([expected]);
    expect(findings(cluster(isolated('dev'), [denyDns]), 'NP004').map(f => f.object)).toEqual([{ kind: 'NetworkPolicy', namespace: 'dev', name: 'default-deny-all' }]);
  });

  test('policy-only input: pods a NetworkPolicy of their namespace selects are checked, pods imagined only as the peers of rules are not', () => {
    const apiIngress = np('api-ingress', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.INGRESS], ingress: [{ peers: [{ namespaceSelector: ns('dev'), podSelector: { matchLabels: { app: 'web' } } }] }] });
    const model: ClusterModel = { namespaces: [], workloads: [], policies: [apiIngress], clusterPolicies: [cnp('deny-all', BASELINE, 100, { egress: [{ action: DENY, peers: [{ namespaces: {} }] }] })] };
    const found = findings(model, 'NP024');
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('to kube-system to prod/{app=api} (no NetworkPolicy isolates their egress')]);
  });

  test('NP006 with DNS over UDP allowed only by an Admin Accept: no NetworkPolicy rule to report, and no crash', () => {
    // GIVEN prod isolated for egress with no DNS rule, and an Admin Accept of UDP 53 alone
    const denyEgress = np('deny-egress', { podSelector: {}, policyTypes: [PolicyType.EGRESS] });
    const udpOnly = cnp('dns-udp', ADMIN, 10, { egress: [{ action: ACCEPT, peers: [{ namespaces: ns('kube-system') }], ports: [{ protocol: UDP, port: 53 }] }] });
    const model = cluster([denyEgress], [udpOnly]);
    // THEN the engine allows UDP 53 but not TCP 53, and lint reports no NP006 finding (it used to fail)
    expect([allowed(model, 'prod/api', 'kube-system/coredns').contains(UDP, 53), allowed(model, 'prod/api', 'kube-system/coredns').contains(TCP, 53)]).toEqual([true, false]);
    expect(findings(model, 'NP006')).toEqual([]);
  });

  test('the configured DNS server counts, as for NP004', () => {
    const openshift = ClusterDns.OPENSHIFT._toServer();
    const withOpenshift = (policies: ClusterPolicyModel[]) => cluster([], policies, { namespaces: [{ name: 'prod' }, { name: 'openshift-dns' }] });
    const chart = Testing.chart();
    new ClusterBaseline(chart, 'baseline');
    // The default ClusterBaseline accepts kube-system's DNS: on OpenShift that is not the server.
    const found = findings(withOpenshift(clusterOf(chart).cluster.clusterPolicies!), 'NP024', { dns: openshift });
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('denies DNS (UDP/TCP 5353) to openshift-dns to prod/api, prod/db')]);
    const fixed = Testing.chart();
    new ClusterBaseline(fixed, 'baseline', { dns: ClusterDns.OPENSHIFT });
    expect(findings(withOpenshift(clusterOf(fixed).cluster.clusterPolicies!), 'NP024', { dns: openshift })).toEqual([]);
  });
});

describe('NP002/NP003 with a Baseline-tier default deny', () => {
  const bare: ClusterModel = cluster([], []);
  const flagged = (model: ClusterModel, rule: string) => findings(model, rule).map(f => f.object.name);

  test('without cluster policies, prod and dev are told they have no default deny', () => {
    expect(flagged(bare, 'NP002')).toEqual(['dev', 'prod']);
    expect(flagged(bare, 'NP003')).toEqual(['dev', 'prod']);
  });

  test('ClusterBaseline denies by default in both directions: no warning, except for the namespaces it exempts', () => {
    const chart = Testing.chart();
    new ClusterBaseline(chart, 'baseline', { exemptNamespaces: ['dev'] });
    const model = cluster([], clusterOf(chart).cluster.clusterPolicies!);
    expect(flagged(model, 'NP002')).toEqual(['dev']);
    expect(flagged(model, 'NP003')).toEqual(['dev']);
    // The engine agrees: prod's pods are denied what nothing accepts; dev's are open.
    expect(allowed(model, 'dev/web', 'prod/api').isEmpty()).toBe(true);
    expect(allowed(model, 'prod/api', 'dev/web').isEmpty()).toBe(true);
    expect(allowed(model, 'prod/api', 'kube-system/coredns').contains(UDP, 53)).toBe(true);
    expect(allowed(model, 'prod/db', 'dev/web').isEmpty()).toBe(true);
    expect(allowed(model, 'dev/web', 'kube-system/coredns').isAll()).toBe(true);
  });

  test('the v1alpha1 BaselineAdminNetworkPolicy written by ClusterBaseline counts the same', () => {
    const chart = Testing.chart();
    new ClusterBaseline(chart, 'baseline', { apiVersion: 'policy.networking.k8s.io/v1alpha1' as never });
    const policies = clusterOf(chart).cluster.clusterPolicies!;
    expect(policies.map(p => [p.kind, p.apiVersion])).toEqual([['BaselineAdminNetworkPolicy', CLUSTER_POLICY_V1ALPHA1]]);
    expect(flagged(cluster([], policies), 'NP002')).toEqual([]);
    expect(flagged(cluster([], policies), 'NP003')).toEqual([]);
  });

  test('a Baseline tier that does not deny by default in a direction: the warning stays, and says why', () => {
    const ingressOnly = cnp('baseline', BASELINE, 100, { ingress: [{ action: DENY, peers: [{ namespaces: {} }] }], egress: [{ action: DENY, peers: [{ namespaces: {} }] }] });
    const model = cluster([], [ingressOnly]);
    expect(flagged(model, 'NP002')).toEqual([]);
    // Egress to pods only: every address outside the cluster stays open.
    const egress = findings(model, 'NP003');
    expect(egress.map(f => f.object.name)).toEqual(['dev', 'prod']);
    expect(egress[0].message).toContain('the Baseline tier (ClusterNetworkPolicy baseline) applies to it but does not end its egress rules in a catch-all Deny');
    // A networks peer with 0.0.0.0/0 holds every address, pods included (as the API matches pod addresses too).
    const everyAddress = cnp('baseline', BASELINE, 100, { egress: [{ action: DENY, peers: [{ networks: ['0.0.0.0/0', '::/0'] }] }] });
    expect(flagged(cluster([], [everyAddress]), 'NP003')).toEqual([]);
  });

  test('no default deny: a subject that leaves pods out, a Deny on some ports, a catch-all Accept before the Deny, an Admin-tier Deny', () => {
    const deny = { action: DENY, peers: [{ namespaces: {} }] };
    const somePods = cnp('baseline', BASELINE, 100, { ingress: [deny] }, { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } } });
    expect(flagged(cluster([], [somePods]), 'NP002')).toEqual(['dev', 'prod']);
    const somePorts = cnp('baseline', BASELINE, 100, { ingress: [{ ...deny, ports: [tcp(1, 1024)] }] });
    expect(flagged(cluster([], [somePorts]), 'NP002')).toEqual(['dev', 'prod']);
    const acceptFirst = cnp('baseline', BASELINE, 100, { ingress: [{ action: ACCEPT, peers: [{ namespaces: {} }] }, deny] });
    expect(flagged(cluster([], [acceptFirst]), 'NP002')).toEqual(['dev', 'prod']);
    const admin = cnp('admin', ADMIN, 100, { ingress: [deny] });
    expect(flagged(cluster([], [admin]), 'NP002')).toEqual(['dev', 'prod']);
    // Narrower rules before the catch-all Deny are its exceptions, like a namespace's allow rules.
    const withException = cnp('baseline', BASELINE, 100, { ingress: [{ action: ACCEPT, peers: [{ namespaces: ns('dev') }], ports: [tcp(8080)] }, deny] }, { namespaces: ns('prod') });
    expect(flagged(cluster([], [withException]), 'NP002')).toEqual(['dev']);
  });
});

describe('constructs', () => {
  test('a ClusterNetworkPolicy construct with a Pass before a Deny is read and checked like the YAML', () => {
    const chart = Testing.chart();
    new ClusterNetworkPolicy(chart, 'tenant', {
      tier: ClusterPolicyTier.ADMIN,
      priority: 20,
      subject: ClusterSubject.namespaces(Selector.labels({ team: 'a' })),
      ingress: [
        { name: 'delegate-dev', action: PASS, peers: [ClusterPeer.namespaceNamed('dev')], ports: [Port.allTraffic()] },
        { name: 'deny-all', action: DENY, peers: [ClusterPeer.namespaces(Selector.all())], ports: [Port.allTraffic()] },
      ],
    });
    const fromDev = np('api-from-dev', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.INGRESS], ingress: [{ peers: [{ namespaceSelector: ns('dev') }], ports: [tcp(8080)] }] });
    const model = cluster([fromDev], clusterOf(chart).cluster.clusterPolicies!);
    expect(findings(model, 'NP023').map(f => f.object.name)).toEqual(['api-from-dev']);
    expect(findings(model, 'NP022')).toEqual([]);
  });
});
