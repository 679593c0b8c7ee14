import { LabelOperator, PolicyModel, PolicyType, Protocol } from '../../lib';
import { renderNamespace, renderPolicy, renderPolicySpec, renderSelector } from '../../lib/model/render';

describe('renderSelector()', () => {
  test('renders the empty selector as {}', () => {
    // THEN
    expect(renderSelector({})).toEqual({});
    expect(renderSelector({ matchLabels: {}, matchExpressions: [] })).toEqual({});
  });

  test('renders matchLabels and matchExpressions with the Kubernetes field "operator"', () => {
    // WHEN
    const out = renderSelector({
      matchLabels: { app: 'api' },
      matchExpressions: [{ key: 'tier', op: LabelOperator.IN, values: ['web'] }, { key: 'canary', op: LabelOperator.DOES_NOT_EXIST }],
    });

    // THEN
    expect(out).toEqual({
      matchLabels: { app: 'api' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }, { key: 'canary', operator: 'DoesNotExist' }],
    });
    expect(out.matchExpressions[1]).not.toHaveProperty('values');
    expect(out.matchExpressions[0]).not.toHaveProperty('op');
  });

  test('copies, so the output does not alias the model', () => {
    // GIVEN
    const model = { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', op: LabelOperator.IN, values: ['web'] }] };

    // WHEN
    const out = renderSelector(model);
    out.matchLabels.app = 'x';
    out.matchExpressions[0].values.push('y');

    // THEN
    expect(model).toEqual({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', op: LabelOperator.IN, values: ['web'] }] });
  });
});

describe('renderPolicySpec()', () => {
  test('renders keys in the documented order: podSelector, policyTypes, ingress, egress', () => {
    // WHEN
    const spec = renderPolicySpec({
      name: 'x', podSelector: {}, egress: [], ingress: [], policyTypes: [PolicyType.INGRESS, PolicyType.EGRESS],
    });

    // THEN
    expect(Object.keys(spec)).toEqual(['podSelector', 'policyTypes', 'ingress', 'egress']);
    expect(spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] });
  });

  test('leaves out what the model leaves out', () => {
    // THEN
    expect(renderPolicySpec({ name: 'x', podSelector: { matchLabels: { app: 'api' } } })).toEqual({ podSelector: { matchLabels: { app: 'api' } } });
  });

  test('renders rules with from before ports, and to for egress', () => {
    // WHEN
    const spec = renderPolicySpec({
      name: 'x',
      podSelector: {},
      ingress: [{ ports: [{ protocol: Protocol.TCP, port: 80 }], peers: [{ podSelector: {} }] }],
      egress: [{ peers: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
    });

    // THEN
    expect(Object.keys(spec.ingress[0])).toEqual(['from', 'ports']);
    expect(spec.ingress[0]).toEqual({ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 80 }] });
    expect(spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] });
  });

  test('renders empty peers and ports as absent fields (everyone, every port)', () => {
    // THEN
    expect(renderPolicySpec({ name: 'x', podSelector: {}, ingress: [{ peers: [], ports: [] }] }).ingress).toEqual([{}]);
  });

  test('renders a peer with namespaceSelector before podSelector, and except for exceptCidrs', () => {
    // WHEN
    const spec = renderPolicySpec({
      name: 'x',
      podSelector: {},
      ingress: [{
        peers: [
          { podSelector: { matchLabels: { app: 'p' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
          { ipBlock: { cidr: '10.0.0.0/8', exceptCidrs: ['10.1.0.0/16'] } },
          { ipBlock: { cidr: '10.0.0.0/8', exceptCidrs: [] } },
        ],
      }],
    });

    // THEN
    expect(Object.keys(spec.ingress[0].from[0])).toEqual(['namespaceSelector', 'podSelector']);
    expect(spec.ingress[0].from[1]).toEqual({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } });
    expect(spec.ingress[0].from[1].ipBlock).not.toHaveProperty('exceptCidrs');
    expect(spec.ingress[0].from[2]).toEqual({ ipBlock: { cidr: '10.0.0.0/8' } });
  });

  test('renders ports: protocol only for every port, a name as the port, and endPort', () => {
    // WHEN
    const ports = renderPolicySpec({
      name: 'x',
      podSelector: {},
      ingress: [{
        ports: [
          { protocol: Protocol.UDP },
          { protocol: Protocol.TCP, portName: 'metrics' },
          { protocol: Protocol.SCTP, port: 8000, endPort: 8080 },
        ],
      }],
    }).ingress[0].ports;

    // THEN
    expect(ports).toEqual([
      { protocol: 'UDP' },
      { protocol: 'TCP', port: 'metrics' },
      { protocol: 'SCTP', port: 8000, endPort: 8080 },
    ]);
    expect(ports[0]).not.toHaveProperty('port');
  });
});

describe('renderPolicy()', () => {
  const policy: PolicyModel = {
    name: 'api-allow-from-frontend',
    namespaceName: 'shop',
    labels: { team: 'payments' },
    annotations: { owner: 'me' },
    podSelector: { matchLabels: { app: 'api' } },
    policyTypes: [PolicyType.INGRESS],
    ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }],
    source: { constructPath: 'test/policy' },
  };

  test('renders a whole NetworkPolicy', () => {
    // THEN
    expect(renderPolicy(policy)).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'api-allow-from-frontend', namespace: 'shop', labels: { team: 'payments' }, annotations: { owner: 'me' } },
      spec: {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      },
    });
  });

  test('leaves out the namespace and empty labels and annotations', () => {
    // THEN
    expect(renderPolicy({ name: 'deny-all', podSelector: {}, labels: {}, annotations: {} }).metadata).toEqual({ name: 'deny-all' });
  });

  test('does not render the source', () => {
    // THEN
    expect(JSON.stringify(renderPolicy(policy))).not.toContain('test/policy');
  });
});

describe('renderNamespace()', () => {
  test('renders a Namespace with its labels', () => {
    // THEN
    expect(renderNamespace({ name: 'shop', labels: { team: 'payments' } })).toEqual({
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'payments' } },
    });
    expect(renderNamespace({ name: 'shop', source: { file: 'x.yaml' } })).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  });
});
