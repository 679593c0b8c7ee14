import * as fc from 'fast-check';
import { ClusterPolicyAction, ClusterPolicyKind, ClusterPolicyTier } from '../../lib/model/cluster-policy';
import { ClusterModel, PolicyModel, PolicyType, Protocol, SelectorModel } from '../../lib/model/types';
import { lint, RULES } from '../../lib/rules';
import { collapseAlikeNamespaces } from '../../lib/rules/alike-namespaces';
import { lintCluster } from '../../lib/rules/lint';
import { clusterArb } from '../support/arbitraries';

/** The cluster with `count` copies of namespace `of` (its Namespace, policies and workloads), named copy-0, copy-1, ... */
function withCopies(cluster: ClusterModel, of: string, count: number): ClusterModel {
  const names = Array.from({ length: count }, (_, i) => `copy-${i}`);
  return {
    namespaces: [...cluster.namespaces, ...names.flatMap(name => cluster.namespaces.filter(n => n.name === of).map(n => ({ ...n, name })))],
    workloads: [...cluster.workloads, ...names.flatMap(name => cluster.workloads.filter(w => w.namespaceName === of).map(w => ({ ...w, namespaceName: name })))],
    policies: [...cluster.policies, ...names.flatMap(name => cluster.policies.filter(p => (p.namespaceName ?? 'default') === of).map(p => ({ ...p, namespaceName: name })))],
  };
}

/** The policies of an isolated namespace with DNS and one allowed connection, as IsolatedNamespace writes them. */
function isolated(namespace: string, options: { dns?: boolean } = {}): PolicyModel[] {
  const policies: PolicyModel[] = [
    { name: 'default-deny-all', namespaceName: namespace, podSelector: {}, policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS] },
    {
      name: 'api-allow-from-frontend', namespaceName: namespace, podSelector: { matchLabels: { app: 'api' } }, policyTypes: [PolicyType.INGRESS],
      ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }],
    },
    {
      name: 'frontend-allow-to-api', namespaceName: namespace, podSelector: { matchLabels: { app: 'frontend' } }, policyTypes: [PolicyType.EGRESS],
      egress: [{ peers: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }],
    },
  ];
  if (options.dns !== false) {
    policies.push({
      name: 'allow-dns', namespaceName: namespace, podSelector: {}, policyTypes: [PolicyType.EGRESS],
      egress: [{
        peers: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
        ports: [{ protocol: Protocol.UDP, port: 53 }, { protocol: Protocol.TCP, port: 53 }],
      }],
    });
  }
  return policies;
}

function platform(names: string[], changed?: (name: string) => PolicyModel[]): ClusterModel {
  return {
    namespaces: names.map(name => ({ name, labels: { tier: 'app' } })),
    workloads: [],
    policies: names.flatMap(name => changed?.(name) ?? isolated(name)),
  };
}

const NAMES = Array.from({ length: 50 }, (_, i) => `team-${i}`);

/**
 * The namespaces `collapseAlikeNamespaces` keeps, found the plain way: one key per namespace from everything it holds
 * (labels and annotations, policies, workloads, each without the namespace and source), the first two of each key
 * kept, and every namespace selectors or rules name. Undefined when all are kept.
 */
function keptByOneKey(cluster: ClusterModel): string[] | undefined {
  const strings = (value: unknown): string[] => (typeof value === 'string' ? [value]
    : Array.isArray(value) ? value.flatMap(strings)
      : value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]) : []);
  const labelStrings = (s: SelectorModel | undefined): string[] => (s ? [...Object.entries(s.matchLabels ?? {}).flat(), ...(s.matchExpressions ?? []).flatMap(e => [e.key, ...(e.values ?? [])])] : []);
  const selectors = cluster.policies.flatMap(p => [p.podSelector, ...[...(p.ingress ?? []), ...(p.egress ?? [])].flatMap(r => (r.peers ?? []).flatMap(x => [x.podSelector, x.namespaceSelector]))]);
  const mentioned = new Set([...selectors.flatMap(labelStrings), ...strings((cluster.clusterPolicies ?? []).map(c => [c.subject, c.ingress, c.egress])), 'kube-system', 'kube-public', 'kube-node-lease', 'default']);
  const without = ({ namespaceName: _n, source: _s, ...rest }: { namespaceName?: string; source?: unknown }) => rest;
  const keys = new Map<string, string[]>();
  const key = (name: string) => keys.get(name) ?? keys.set(name, ['', '', '']).get(name)!;
  for (const n of cluster.namespaces) {
    const { 'kubernetes.io/metadata.name': own, ...labels } = n.labels ?? {};
    key(n.name)[0] = JSON.stringify([labels, n.annotations ?? {}, own === undefined || own === n.name ? '' : own]);
  }
  for (const p of cluster.policies) key(p.namespaceName ?? 'default')[1] += `${JSON.stringify(without(p))}\n`;
  for (const w of cluster.workloads) key(w.namespaceName)[2] += `${JSON.stringify(without(w))}\n`;
  const seen = new Map<string, number>();
  const kept = [...keys].filter(([name, parts]) => {
    if (mentioned.has(name)) return true;
    const k = parts.join('\u0000');
    seen.set(k, (seen.get(k) ?? 0) + 1);
    return seen.get(k)! <= 2;
  }).map(([name]) => name);
  return kept.length === keys.size ? undefined : kept;
}

describe('alike namespaces are linted as two', () => {
  test('identical namespaces are cut down to the first two; namespaces that differ in labels, policies or workloads stay', () => {
    const cluster = platform(NAMES);
    const collapsed = collapseAlikeNamespaces(cluster)!;
    expect(collapsed.cluster.namespaces.map(n => n.name)).toEqual(['team-0', 'team-1']);
    expect(collapsed.cluster.policies).toEqual(cluster.policies.filter(p => p.namespaceName === 'team-0' || p.namespaceName === 'team-1'));
    expect(collapsed.namespaceCount).toBe(50);

    const differing: ClusterModel = {
      namespaces: cluster.namespaces.map(n => (n.name === 'team-7' ? { ...n, labels: { tier: 'data' } } : n)),
      workloads: [{ kind: 'Deployment', name: 'api', namespaceName: 'team-9', podLabels: { app: 'api' } }],
      policies: cluster.policies.filter(p => !(p.namespaceName === 'team-8' && p.name === 'allow-dns')),
    };
    expect(collapseAlikeNamespaces(differing)!.cluster.namespaces.map(n => n.name)).toEqual(['team-0', 'team-1', 'team-7', 'team-8', 'team-9']);
  });

  test('namespaces with as many workloads as others but different ones stay', () => {
    // GIVEN five namespaces alike but for their one workload, which is different in team-3
    const names = NAMES.slice(0, 5);
    const cluster: ClusterModel = {
      ...platform(names),
      workloads: names.map(name => ({ kind: 'Deployment', name: 'api', namespaceName: name, podLabels: { app: name === 'team-3' ? 'web' : 'api' } })),
    };
    // THEN team-2 and team-4 go, and team-3 stays on its own
    expect(collapseAlikeNamespaces(cluster)!.cluster.namespaces.map(n => n.name)).toEqual(['team-0', 'team-1', 'team-3']);
  });

  test('on random clusters with copies of a namespace, some changed, it keeps the namespaces a single key per namespace keeps', () => {
    fc.assert(fc.property(clusterArb, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 2 }),
      (cluster, pick, count, changed, change) => {
        const used = [...new Set([...cluster.namespaces.map(n => n.name), ...cluster.workloads.map(w => w.namespaceName), ...cluster.policies.map(p => p.namespaceName ?? 'default')])];
        const whole = withCopies(cluster, used[pick % used.length], count);
        // One copy changed in its labels, a workload or a policy (or none, when `changed` names no copy).
        const target = `copy-${changed}`;
        const edited: ClusterModel = {
          namespaces: whole.namespaces.map(n => (n.name === target && change === 0 ? { ...n, labels: { ...n.labels, extra: 'x' } } : n)),
          workloads: whole.workloads.map(w => (w.namespaceName === target && change === 1 ? { ...w, podLabels: { ...w.podLabels, extra: 'x' } } : w)),
          policies: whole.policies.map(p => (p.namespaceName === target && change === 2 ? { ...p, podSelector: { matchLabels: { extra: 'x' } } } : p)),
        };
        expect(collapseAlikeNamespaces(edited)?.cluster.namespaces.map(n => n.name)).toEqual(
          keptByOneKey(edited)?.filter(name => edited.namespaces.some(n => n.name === name)));
      }), { numRuns: 300 });
  });

  test('nothing is cut when no three namespaces are alike', () => {
    expect(collapseAlikeNamespaces(platform(['one', 'two']))).toBeUndefined();
  });

  test('a namespace a selector names (as a key or a value anywhere) and the namespaces rules know by name stay on their own', () => {
    const cluster = platform([...NAMES.slice(0, 5), 'kube-public', 'default']);
    const peerOf = (name: string): PolicyModel => ({
      name: 'to-team-2', namespaceName: 'team-0', podSelector: {}, policyTypes: [PolicyType.EGRESS],
      egress: [{ peers: [{ namespaceSelector: { matchExpressions: [{ key: 'name', op: 'In' as never, values: [name] }] } }] }],
    });
    const named = { ...cluster, policies: [...cluster.policies, peerOf('team-2')] };
    // team-0 now differs (one more policy); team-2 is named; team-1, team-3 and team-4 are alike, and team-4 goes.
    expect(collapseAlikeNamespaces(named)!.cluster.namespaces.map(n => n.name)).toEqual(['team-0', 'team-1', 'team-2', 'team-3', 'kube-public', 'default']);
  });

  test('cluster-wide policies are kept, and a namespace they name stays on its own', () => {
    const names = NAMES.slice(0, 5);
    const clusterPolicies = [{
      kind: ClusterPolicyKind.CLUSTER_NETWORK_POLICY, apiVersion: 'policy.networking.k8s.io/v1alpha2', name: 'no-team-3', tier: ClusterPolicyTier.ADMIN, priority: 1,
      subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'team-3' } } },
      egress: [{ action: ClusterPolicyAction.DENY, peers: [{ namespaces: {} }] }],
    }];
    const collapsed = collapseAlikeNamespaces({ ...platform(names), clusterPolicies })!;
    expect(collapsed.cluster.namespaces.map(n => n.name)).toEqual(['team-0', 'team-1', 'team-3']);
    expect(collapsed.cluster.clusterPolicies).toEqual(clusterPolicies);
  });

  test('a finding in the last of many alike namespaces is reported there', () => {
    const last = NAMES[NAMES.length - 1];
    const cluster = platform(NAMES, name => (name === last ? isolated(name, { dns: false }) : isolated(name)));
    const found = lint(cluster).findings.filter(f => f.ruleId === 'NP004');
    expect(found.map(f => f.object.namespace)).toEqual([last]);
  });

  test('a clean platform of alike namespaces lints clean, with the counts of the whole cluster', () => {
    const result = lint(platform(NAMES));
    expect(result.findings.filter(f => f.severity !== 'info')).toEqual([]);
    expect(result.summary).toMatchObject({ policies: 200, namespaces: 50, workloads: 0 });
  });

  test('kube-public alike a team namespace: the team namespace is still told it has no default deny', () => {
    const cluster: ClusterModel = { namespaces: [{ name: 'kube-public' }, { name: 'team-a' }], workloads: [], policies: [] };
    const flagged = lint(cluster).findings.filter(f => f.ruleId === 'NP002').map(f => f.object.name);
    expect(flagged).toEqual(['team-a']);
  });

  test('NP012 still names a namespace the selector names by the wrong label, though the namespace is alike others', () => {
    const cluster = platform(NAMES.slice(0, 6));
    const wrong: PolicyModel = {
      name: 'to-team-2', namespaceName: 'team-0', podSelector: {}, policyTypes: [PolicyType.EGRESS],
      egress: [{ peers: [{ namespaceSelector: { matchLabels: { team: 'team-2' } } }] }],
    };
    const whole = { ...cluster, policies: [...cluster.policies, wrong] };
    expect(collapseAlikeNamespaces(whole)!.cluster.namespaces.map(n => n.name)).toEqual(['team-0', 'team-1', 'team-2', 'team-3']);
    const found = lint(whole).findings.filter(f => f.ruleId === 'NP012');
    expect(found.map(f => f.message).join('\n')).toContain('kubernetes.io/metadata.name=team-2');
  });

  test('on random clusters with copies of a namespace, every rule finds something in the cut-down cluster exactly when it does in the whole', () => {
    fc.assert(fc.property(clusterArb, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 2, max: 4 }), (cluster, pick, count) => {
      const used = [...new Set([...cluster.namespaces.map(n => n.name), ...cluster.workloads.map(w => w.namespaceName), ...cluster.policies.map(p => p.namespaceName ?? 'default')])];
      const whole = withCopies(cluster, used[pick % used.length], count);
      const collapsed = collapseAlikeNamespaces(whole);
      expect(collapsed).toBeDefined();
      for (const rule of RULES) {
        const inWhole = lintCluster(whole, { only: [rule.id] }).findings.some(f => f.ruleId === rule.id);
        const inMerged = lintCluster(collapsed!.cluster, { only: [rule.id] }).findings.some(f => f.ruleId === rule.id);
        expect([rule.id, inMerged]).toEqual([rule.id, inWhole]);
      }
      expect(lint(whole)).toEqual(lintCluster(whole));
    }), { numRuns: 150 });
  });
});
