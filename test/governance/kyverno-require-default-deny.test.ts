import * as jmespath from 'jmespath';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { AllowFrom, DefaultDeny, DnsAccess, IsolatedNamespace, NetworkPolicy, Peer, PolicyType, Port, Selector } from '../../lib';
import { KyvernoFailureAction, KyvernoRequireDefaultDeny } from '../../lib/governance/kyverno';
import { chartIn, manifest } from '../util';

const SYSTEM = ['kube-system', 'kube-public', 'kube-node-lease'];

/** The JMESPath documented in the construct's doc comment and in docs/governance.md, on one line. */
const COUNTS_JMESPATH = '{ingress: length(items[?!(spec.podSelector.matchLabels) && !(spec.podSelector.matchExpressions) && contains(spec.policyTypes || `[]`, \'Ingress\') && !(spec.ingress)]), '
  + 'egress: length(items[?!(spec.podSelector.matchLabels) && !(spec.podSelector.matchExpressions) && contains(spec.policyTypes || `[]`, \'Egress\') && !(spec.egress)])}';

function clusterPolicy(chart: ReturnType<typeof chartIn>, name = 'netpol-require-default-deny'): any {
  return manifest(chart, 'ClusterPolicy', name);
}

function theRule(chart: ReturnType<typeof chartIn>): any {
  const rules = clusterPolicy(chart).spec.rules;
  expect(rules).toHaveLength(1);
  return rules[0];
}

describe('KyvernoRequireDefaultDeny', () => {
  test('writes a cluster-scoped kyverno.io/v1 ClusterPolicy that enforces, at admission only, without autogen rules', () => {
    // GIVEN
    const chart = chartIn('production');

    // WHEN
    const policy = new KyvernoRequireDefaultDeny(chart, 'require');

    // THEN
    const written = clusterPolicy(chart);
    expect(written.apiVersion).toBe('kyverno.io/v1');
    expect(written.kind).toBe('ClusterPolicy');
    expect(written.metadata.name).toBe('netpol-require-default-deny');
    expect(written.metadata.namespace).toBeUndefined();
    expect(written.metadata.annotations['pod-policies.kyverno.io/autogen-controllers']).toBe('none');
    expect(written.spec.background).toBe(false);
    expect(written.spec.validationFailureAction).toBe('Enforce');
    expect(theRule(chart).validate.failureAction).toBe('Enforce');
    expect(policy.failureAction).toBe(KyvernoFailureAction.ENFORCE);
  });

  test('throws when a second ClusterPolicy of the app takes the same name, in any chart, naming both paths', () => {
    const chart = chartIn('production');
    new KyvernoRequireDefaultDeny(chart, 'first');
    const other = new Chart(chart.node.root, 'platform');
    expect(() => new KyvernoRequireDefaultDeny(other, 'second')).toThrow(`new KyvernoRequireDefaultDeny("second"): a ClusterPolicy named "netpol-require-default-deny" already exists in this app, defined at ${chart.node.path}/first; this one is at platform/second. ClusterPolicy names are cluster-wide: pass a different \`name\`.`);
    expect(() => new KyvernoRequireDefaultDeny(other, 'third', { name: 'require-default-deny-audit' })).not.toThrow();
  });

  test('matches Pods and the workload controllers, in every namespace but the system ones', () => {
    const chart = chartIn();
    new KyvernoRequireDefaultDeny(chart, 'require');
    const rule = theRule(chart);
    expect(rule.name).toBe('require-default-deny');
    expect(rule.match).toEqual({ any: [{ resources: { kinds: ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] } }] });
    expect(rule.exclude).toEqual({ any: [{ resources: { namespaces: SYSTEM } }] });
  });

  test('exempts the given namespaces after the system ones, each once, in order', () => {
    const chart = chartIn();
    const policy = new KyvernoRequireDefaultDeny(chart, 'require', { excludedNamespaces: ['kyverno', 'kube-public', 'monitoring'] });
    expect(policy.excludedNamespaces).toEqual([...SYSTEM, 'kyverno', 'monitoring']);
    expect(theRule(chart).exclude.any[0].resources.namespaces).toEqual([...SYSTEM, 'kyverno', 'monitoring']);
  });

  test('lists the NetworkPolicies of the request namespace and counts its default denies per direction', () => {
    const chart = chartIn();
    new KyvernoRequireDefaultDeny(chart, 'require');
    expect(theRule(chart).context).toEqual([{
      name: 'defaultDenies',
      apiCall: {
        urlPath: '/apis/networking.k8s.io/v1/namespaces/{{request.namespace}}/networkpolicies',
        jmesPath: COUNTS_JMESPATH,
      },
    }]);
  });

  test('checks CREATE requests only, and denies when either count is zero', () => {
    const chart = chartIn();
    new KyvernoRequireDefaultDeny(chart, 'require');
    const rule = theRule(chart);
    expect(rule.preconditions).toEqual({ all: [{ key: "{{ request.operation || 'BACKGROUND' }}", operator: 'Equals', value: 'CREATE' }] });
    expect(rule.validate.deny).toEqual({
      conditions: {
        any: [
          { key: '{{ defaultDenies.ingress }}', operator: 'Equals', value: 0 },
          { key: '{{ defaultDenies.egress }}', operator: 'Equals', value: 0 },
        ],
      },
    });
    expect(rule.validate.message).toBe('Namespace {{request.namespace}} has no default deny NetworkPolicy for Ingress and Egress (podSelector: {}, policyTypes listing the direction, no rules for it). Create one before workloads, e.g. with cdk8s-netpol\'s DefaultDeny or IsolatedNamespace.');
  });

  test('only reports violations in Audit mode, in both the policy-level and the rule-level field', () => {
    const chart = chartIn();
    new KyvernoRequireDefaultDeny(chart, 'require', { failureAction: KyvernoFailureAction.AUDIT });
    expect(clusterPolicy(chart).spec.validationFailureAction).toBe('Audit');
    expect(theRule(chart).validate.failureAction).toBe('Audit');
    expect(clusterPolicy(chart).metadata.annotations['policies.kyverno.io/description']).toMatch(/^Reports workloads created in a namespace without a default deny/);
  });

  test('requires only the directions asked for', () => {
    const chart = chartIn();
    new KyvernoRequireDefaultDeny(chart, 'require', { requiredPolicyTypes: [PolicyType.INGRESS], name: 'require-ingress-deny' });
    const rule = clusterPolicy(chart, 'require-ingress-deny').spec.rules[0];
    expect(rule.context[0].apiCall.jmesPath).toBe('{ingress: length(items[?!(spec.podSelector.matchLabels) && !(spec.podSelector.matchExpressions) && contains(spec.policyTypes || `[]`, \'Ingress\') && !(spec.ingress)])}');
    expect(rule.validate.deny.conditions.any).toEqual([{ key: '{{ defaultDenies.ingress }}', operator: 'Equals', value: 0 }]);
  });

  test('writes the directions in Ingress, Egress order whatever the order given', () => {
    const a = chartIn();
    const b = chartIn();
    new KyvernoRequireDefaultDeny(a, 'require', { requiredPolicyTypes: [PolicyType.EGRESS, PolicyType.INGRESS] });
    new KyvernoRequireDefaultDeny(b, 'require');
    expect(Testing.synth(a)).toEqual(Testing.synth(b));
  });

  test('synthesizes the same manifest every time', () => {
    const synth = () => {
      const chart = chartIn('production');
      new KyvernoRequireDefaultDeny(chart, 'require', { excludedNamespaces: ['b', 'a'] });
      return JSON.stringify(Testing.synth(chart));
    };
    expect(synth()).toEqual(synth());
  });

  test('the JMESPath is the one documented in docs/governance.md', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'governance.md'), 'utf-8');
    expect(doc).toContain(COUNTS_JMESPATH);
  });

  describe('errors', () => {
    test('throws if an excluded namespace is not a namespace name', () => {
      expect(() => new KyvernoRequireDefaultDeny(chartIn(), 'require', { excludedNamespaces: ['Monitoring'] })).toThrow('new KyvernoRequireDefaultDeny("require"): excludedNamespaces[0]: namespace name "Monitoring" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "monitoring"). List namespaces by their exact names (Kyverno wildcards are not accepted here).');
    });

    test('throws if requiredPolicyTypes is empty or repeats a direction', () => {
      expect(() => new KyvernoRequireDefaultDeny(chartIn(), 'require', { requiredPolicyTypes: [] })).toThrow('new KyvernoRequireDefaultDeny("require"): requiredPolicyTypes [] must list Ingress, Egress or both, once each; leave it out to require both.');
      expect(() => new KyvernoRequireDefaultDeny(chartIn(), 'require', { requiredPolicyTypes: [PolicyType.EGRESS, PolicyType.EGRESS] })).toThrow('new KyvernoRequireDefaultDeny("require"): requiredPolicyTypes ["Egress","Egress"] must list Ingress, Egress or both, once each; leave it out to require both.');
    });

    test('throws if failureAction is not Enforce or Audit (e.g. from an untyped caller)', () => {
      expect(() => new KyvernoRequireDefaultDeny(chartIn(), 'require', { failureAction: 'enforce' as any })).toThrow('new KyvernoRequireDefaultDeny("require"): failureAction "enforce" is not one of Enforce, Audit. Use KyvernoFailureAction.ENFORCE or KyvernoFailureAction.AUDIT.');
    });

    test('throws if the policy name is not a valid object name', () => {
      expect(() => new KyvernoRequireDefaultDeny(chartIn(), 'require', { name: '-require' })).toThrow('new KyvernoRequireDefaultDeny("require"): name "-require" is not a DNS-1123 subdomain: use lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (e.g. "require"). Pass a valid `name`.');
    });
  });
});

/**
 * The JMESPath run on NetworkPolicyLists, with the reference JavaScript JMESPath implementation (npm `jmespath`,
 * whose compliance suite Kyverno's Go implementation also passes).
 */
function counts(jmesPath: string, items: any[]): any {
  return jmespath.search({ kind: 'NetworkPolicyList', items }, jmesPath);
}

/** The NetworkPolicies `build` synthesizes into namespace `shop`, as the API server would list them. */
function listed(build: (chart: ReturnType<typeof chartIn>) => void): any[] {
  const chart = chartIn('shop');
  build(chart);
  return Testing.synth(chart).filter((m: any) => m.kind === 'NetworkPolicy');
}

describe('KyvernoRequireDefaultDeny JMESPath on NetworkPolicyLists', () => {
  const jmesPath = (() => {
    const chart = chartIn();
    new KyvernoRequireDefaultDeny(chart, 'require');
    return theRule(chart).context[0].apiCall.jmesPath;
  })();
  const web = Selector.labels({ app: 'web' });

  test('admits in a namespace made with IsolatedNamespace', () => {
    const items = listed(chart => {
      const ns = new IsolatedNamespace(chart, 'shop', { namespaceName: 'shop' });
      ns.allowFrom(web, [Peer.namespaceNamed('ingress-nginx')], [Port.tcp(8080)]);
    });
    expect(counts(jmesPath, items)).toEqual({ ingress: 1, egress: 1 });
  });

  test('admits with a default deny split into an ingress and an egress policy', () => {
    const items = listed(chart => {
      new DefaultDeny(chart, 'in', { policyTypes: [PolicyType.INGRESS] });
      new DefaultDeny(chart, 'out', { policyTypes: [PolicyType.EGRESS] });
    });
    expect(counts(jmesPath, items)).toEqual({ ingress: 1, egress: 1 });
  });

  test('denies in a namespace with no NetworkPolicy at all', () => {
    expect(counts(jmesPath, [])).toEqual({ ingress: 0, egress: 0 });
  });

  test('denies with a default deny of ingress only (egress is still open)', () => {
    const items = listed(chart => new DefaultDeny(chart, 'in', { policyTypes: [PolicyType.INGRESS] }));
    expect(counts(jmesPath, items)).toEqual({ ingress: 1, egress: 0 });
  });

  test('does not count DNS or allow policies as a default deny', () => {
    const items = listed(chart => {
      new DnsAccess(chart, 'dns');
      new AllowFrom(chart, 'allow', { pods: Selector.all(), peers: [Peer.anyone()], ports: [Port.tcp(80)] });
    });
    expect(counts(jmesPath, items)).toEqual({ ingress: 0, egress: 0 });
  });

  test('does not count a "deny" that selects only some pods', () => {
    const items = listed(chart => new NetworkPolicy(chart, 'web-deny', { pods: web, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS] }));
    expect(counts(jmesPath, items)).toEqual({ ingress: 0, egress: 0 });
  });

  test('does not count a policy with an allow-everything rule (`ingress: [{}]`), but counts empty selectors and rule lists', () => {
    const allowAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] } };
    const emptyForms = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: { matchLabels: {}, matchExpressions: [] }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] } };
    expect(counts(jmesPath, [allowAll])).toEqual({ ingress: 0, egress: 0 });
    expect(counts(jmesPath, [emptyForms])).toEqual({ ingress: 1, egress: 1 });
  });

  test('needs the parentheses: without them `!spec.ingress` reads as `(!spec).ingress` and never matches', () => {
    const items = listed(chart => new DefaultDeny(chart, 'deny'));
    expect(counts('length(items[?!spec.ingress])', items)).toBe(0);
    expect(counts('length(items[?!(spec.ingress)])', items)).toBe(1);
  });
});
