/**
 * The platform example (examples/platform.ts) as the cluster receives it: v1alpha2 ClusterNetworkPolicies of the
 * shape the API documents (kubernetes-sigs/network-policy-api, apis/v1alpha2/clusternetworkpolicy_types.go and the
 * CRD in config/crd), checked field by field, then the reviewed whole.
 */
import { Chart } from 'cdk8s';
import { buildApp } from '../../examples/main';
import { loadObjects } from '../../lib/model/load';

const SELECTOR_KEYS = ['matchLabels', 'matchExpressions'];

/** What the v1alpha2 CRD's schema says of a ClusterNetworkPolicy, as problems (empty: the documented shape). */
function shapeProblems(m: any): string[] {
  const problems: string[] = [];
  const at = (path: string, ok: boolean, what: string) => { if (!ok) problems.push(`${m.metadata?.name} ${path}: ${what}`); };
  const only = (path: string, value: any, keys: string[]) => at(path, typeof value === 'object' && value !== null && Object.keys(value).every(k => keys.includes(k)), `keys ${JSON.stringify(Object.keys(value ?? {}))} not within ${keys.join(', ')}`);
  const oneOf = (path: string, value: any, keys: string[]) => {
    only(path, value, keys);
    at(path, Object.keys(value ?? {}).length === 1, 'must set exactly one field');
  };
  const selector = (path: string, value: any) => only(path, value, SELECTOR_KEYS);
  const pods = (path: string, value: any) => {
    only(path, value, ['namespaceSelector', 'podSelector']);
    at(`${path}.podSelector`, value?.podSelector !== undefined, 'is required');
    selector(`${path}.namespaceSelector`, value?.namespaceSelector ?? {});
    selector(`${path}.podSelector`, value?.podSelector);
  };
  at('apiVersion', m.apiVersion === 'policy.networking.k8s.io/v1alpha2', 'must be policy.networking.k8s.io/v1alpha2');
  at('kind', m.kind === 'ClusterNetworkPolicy', 'must be ClusterNetworkPolicy');
  at('metadata.namespace', m.metadata?.namespace === undefined, 'a cluster-scoped object has no namespace');
  const spec = m.spec ?? {};
  only('spec', spec, ['tier', 'priority', 'subject', 'ingress', 'egress']);
  at('spec.tier', ['Admin', 'Baseline'].includes(spec.tier), 'must be Admin or Baseline');
  at('spec.priority', Number.isInteger(spec.priority) && spec.priority >= 0 && spec.priority <= 1000, 'must be an integer from 0 to 1000');
  oneOf('spec.subject', spec.subject, ['namespaces', 'pods']);
  if (spec.subject?.namespaces) selector('spec.subject.namespaces', spec.subject.namespaces);
  if (spec.subject?.pods) pods('spec.subject.pods', spec.subject.pods);
  for (const direction of ['ingress', 'egress']) {
    const peersField = direction === 'ingress' ? 'from' : 'to';
    const rules = spec[direction] ?? [];
    at(`spec.${direction}`, rules.length <= 25, 'at most 25 rules');
    rules.forEach((rule: any, i: number) => {
      const r = `spec.${direction}[${i}]`;
      only(r, rule, ['name', 'action', peersField, 'protocols']);
      at(`${r}.name`, rule.name === undefined || (typeof rule.name === 'string' && rule.name.length <= 100), 'at most 100 characters');
      at(`${r}.action`, ['Accept', 'Deny', 'Pass'].includes(rule.action), 'must be Accept, Deny or Pass');
      const peers = rule[peersField] ?? [];
      at(`${r}.${peersField}`, peers.length >= 1 && peers.length <= 25, '1 to 25 peers');
      peers.forEach((peer: any, j: number) => {
        const p = `${r}.${peersField}[${j}]`;
        oneOf(p, peer, direction === 'ingress' ? ['namespaces', 'pods'] : ['namespaces', 'pods', 'networks', 'nodes', 'domainNames']);
        if (peer.namespaces) selector(`${p}.namespaces`, peer.namespaces);
        if (peer.pods) pods(`${p}.pods`, peer.pods);
        if (peer.networks) at(`${p}.networks`, peer.networks.length >= 1 && peer.networks.length <= 25 && peer.networks.every((c: string) => /^[0-9a-f.:]+\/\d+$/.test(c) && c.length <= 43), '1 to 25 CIDRs');
      });
      (rule.protocols ?? []).forEach((protocol: any, j: number) => {
        const p = `${r}.protocols[${j}]`;
        oneOf(p, protocol, ['tcp', 'udp', 'sctp', 'destinationNamedPort']);
        for (const key of ['tcp', 'udp', 'sctp']) {
          if (!protocol[key]) continue;
          only(`${p}.${key}`, protocol[key], ['destinationPort']);
          const port = protocol[key].destinationPort;
          oneOf(`${p}.${key}.destinationPort`, port, ['number', 'range']);
          if (port?.number !== undefined) at(`${p}.${key}.destinationPort.number`, Number.isInteger(port.number) && port.number >= 1 && port.number <= 65535, '1 to 65535');
          if (port?.range !== undefined) at(`${p}.${key}.destinationPort.range`, port.range.start >= 1 && port.range.start < port.range.end && port.range.end <= 65535, 'start < end, within 1-65535');
        }
      });
    });
  }
  return problems;
}

let manifests: any[];

beforeAll(() => {
  const app = buildApp();
  const chart = app.node.findChild('platform') as Chart;
  manifests = chart.toJson();
});

describe('the platform example', () => {
  test('synthesizes five v1alpha2 ClusterNetworkPolicies, in construct order', () => {
    expect(manifests.map(m => `${m.kind} ${m.metadata.name}`)).toEqual([
      'ClusterNetworkPolicy cluster-guardrails',
      'ClusterNetworkPolicy cluster-guardrails-monitoring',
      'ClusterNetworkPolicy tenant-isolation-storefront',
      'ClusterNetworkPolicy tenant-isolation-research',
      'ClusterNetworkPolicy cluster-baseline',
    ]);
  });

  test('every manifest has the shape the v1alpha2 API documents', () => {
    expect(manifests.flatMap(shapeProblems)).toEqual([]);
  });

  test('the shape check fails on what the API rejects', () => {
    const bad = { ...manifests[0], metadata: { name: 'bad', namespace: 'x' }, spec: { ...manifests[0].spec, priority: 1001, subject: { namespaces: {}, pods: {} }, ingress: [{ action: 'Allow', from: [] }] } };
    expect(shapeProblems(bad)).toEqual([
      'bad metadata.namespace: a cluster-scoped object has no namespace',
      'bad spec.priority: must be an integer from 0 to 1000',
      'bad spec.subject: must set exactly one field',
      'bad spec.subject.pods.podSelector: is required',
      'bad spec.subject.pods.podSelector: keys [] not within matchLabels, matchExpressions',
      'bad spec.ingress[0].action: must be Accept, Deny or Pass',
      'bad spec.ingress[0].from: 1 to 25 peers',
    ]);
  });

  test('the manifest loader reads them without a problem, as the analysis and the CLI will', () => {
    const loaded = loadObjects(manifests);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.cluster.clusterPolicies).toHaveLength(5);
  });

  test('the guardrails deny the metadata address before they accept DNS, and scrapes are accepted both ways', () => {
    const [guardrails, monitoring] = manifests;
    expect(guardrails.spec.tier).toBe('Admin');
    expect(guardrails.spec.egress.map((r: any) => `${r.action} ${r.name}`)).toEqual(['Deny deny-addresses', 'Accept allow-dns']);
    expect(guardrails.spec.egress[0].to).toEqual([{ networks: ['169.254.169.254/32'] }]);
    expect(guardrails.spec.ingress[0].from).toEqual([{ pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } } }]);
    expect(monitoring.spec.subject).toEqual(guardrails.spec.ingress[0].from[0]);
    expect(monitoring.spec.egress[0].to).toEqual([{ namespaces: guardrails.spec.subject.namespaces }]);
  });

  test('the baseline leaves the system namespaces and the ingress controller\'s out', () => {
    const baseline = manifests[4];
    expect(baseline.spec.tier).toBe('Baseline');
    expect(baseline.spec.subject.namespaces.matchExpressions).toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['ingress-nginx', 'kube-node-lease', 'kube-public', 'kube-system'] }]);
  });

  test('the whole platform output matches the reviewed snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });
});
