import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowFrom, DefaultDeny, IsolatedNamespace, Peer, PolicyType, Port, Selector } from '../../lib';
import { clusterOf, netpolMatchers, truthTable } from '../../lib/testing';

expect.extend(netpolMatchers);

/** production: frontend, api and a default deny; only frontend → api 8080 is allowed in (egress is not isolated). */
function app(): { chart: Chart; frontend: kplus.Deployment; api: kplus.Deployment } {
  const chart = new Chart(Testing.app(), 'prod', { namespace: 'production' });
  const frontend = new kplus.Deployment(chart, 'frontend', { metadata: { name: 'frontend' }, podMetadata: { labels: { app: 'frontend' } }, containers: [{ image: 'f' }] });
  const api = new kplus.Deployment(chart, 'api', { metadata: { name: 'api' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'a', portNumber: 8080 }] });
  new DefaultDeny(chart, 'deny', { policyTypes: [PolicyType.INGRESS] });
  new AllowFrom(chart, 'api-in', { pods: Selector.podsOf(api), peers: [Peer.workload(frontend)], ports: [Port.tcp(8080)] });
  return { chart, frontend, api };
}

describe('toAllowConnection / toDenyConnection', () => {
  test('pass on what the policies allow and deny', () => {
    const { chart } = app();
    expect(chart).toAllowConnection({ from: 'production/frontend', to: 'production/api', port: 8080 });
    expect(chart).toDenyConnection({ from: 'production/frontend', to: 'production/api', port: 9090 });
    expect(chart).toDenyConnection({ from: 'production/api', to: 'production/frontend', port: 80, protocol: 'TCP' });
  });

  test('take workload constructs as endpoints', () => {
    const { chart, frontend, api } = app();
    expect(chart).toAllowConnection({ from: frontend, to: api, port: 8080 });
  });

  test('fail with the explanation as the message', () => {
    const { chart } = app();
    let message = '';
    try {
      expect(chart).toAllowConnection({ from: 'production/api', to: 'production/frontend', port: 80 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('expected production/api → production/frontend on TCP 80 to be allowed:');
    expect(message).toContain('production/api may not connect to production/frontend on TCP 80: ingress of production/frontend is isolated by default-deny-ingress');
  });

  test('fail a deny expectation naming the rule that allowed it', () => {
    const { chart } = app();
    expect(() => expect(chart).toDenyConnection({ from: 'production/frontend', to: 'production/api', port: 8080 }))
      .toThrow(/expected production\/frontend → production\/api on TCP 8080 to be denied:\n.*api-allow-from-frontend/s);
  });
});

describe('clusterOf', () => {
  test('reads policies through toModel() and other objects through the loader, with construct paths', () => {
    const { chart } = app();
    new ApiObject(chart, 'cm', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    const { cluster, diagnostics } = clusterOf(chart);
    expect(cluster.policies.map(p => [p.name, p.source?.constructPath])).toEqual([
      ['default-deny-ingress', 'prod/deny'],
      ['api-allow-from-frontend', 'prod/api-in'],
    ]);
    expect(cluster.workloads.map(w => [w.kind, w.namespaceName, w.name, w.source?.constructPath])).toEqual([
      ['Deployment', 'production', 'frontend', 'prod/frontend/Resource'],
      ['Deployment', 'production', 'api', 'prod/api/Resource'],
    ]);
    expect(diagnostics.map(d => [d.code, d.file])).toContainEqual(['unknown-kind', 'prod/cm']);
  });
});

describe('truthTable', () => {
  test('renders a stable matrix of every workload', () => {
    const { chart } = app();
    expect(truthTable(chart)).toBe([
      'from \\ to           | production/api | production/frontend',
      '--------------------|----------------|--------------------',
      'production/api      | ·              | -',
      'production/frontend | TCP 8080       | ·',
      '',
    ].join('\n'));
  });
});

describe('clusterOf with an IsolatedNamespace', () => {
  test('reads the namespace from the construct, labels and suppressions included, and assumes nothing about it', () => {
    const chart = new Chart(Testing.app(), 'c');
    const ns = new IsolatedNamespace(chart, 'mon', { namespaceName: 'monitoring', labels: { purpose: 'monitoring' } });
    ns.suppress('NP007', 'scrapes targets outside the cluster');
    new kplus.Deployment(chart, 'prom', { metadata: { name: 'prometheus', namespace: 'monitoring' }, podMetadata: { labels: { app: 'prometheus' } }, containers: [{ image: 'p' }] });
    const { cluster, diagnostics } = clusterOf(chart);
    expect(cluster.namespaces).toEqual([{
      name: 'monitoring',
      labels: { purpose: 'monitoring' },
      annotations: { 'cdk8s-netpol.io/suppress': '[{"id":"NP007","reason":"scrapes targets outside the cluster"}]' },
      source: { constructPath: 'c/mon' },
    }]);
    expect(diagnostics.filter(d => d.code === 'undeclared-namespace')).toEqual([]);
  });
});
