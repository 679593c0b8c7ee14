import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowFrom, DefaultDeny, IsolatedNamespace, Peer, PolicyType, Port, Protocol, Selector } from '../../lib';
import { clusterOf, failingChecks, netpolMatchers, truthTable } from '../../lib/testing';

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
    expect(() => expect(chart).toDenyConnection({ from: 'production/frontend', to: 'production/api', port: 8080 })).toThrow(/expected production\/frontend → production\/api on TCP 8080 to be denied:\n.*api-allow-from-frontend/s);
  });
});

describe('would-be pods', () => {
  /**
   * The Kubernetes documentation's AND form ("behavior of to and from selectors"): one `from` item with both a
   * namespaceSelector and a podSelector admits only pods matching both; two items (OR) admit every pod of the
   * matching namespaces, or the matching pods of the policy's own namespace.
   */
  function scrape(or: boolean): Chart {
    const { chart, api } = app();
    const monitoring = Selector.labels({ purpose: 'monitoring' });
    const prometheus = Selector.labels({ app: 'prometheus' });
    new AllowFrom(chart, 'scrape', {
      pods: Selector.podsOf(api),
      peers: or ? [Peer.namespaces(monitoring), Peer.pods(prometheus)] : [Peer.podsInNamespaces(monitoring, prometheus)],
      ports: [Port.tcp(9090)],
    });
    return chart;
  }
  const prometheusInMonitoring = { namespace: 'monitoring', namespaceLabels: { purpose: 'monitoring' }, labels: { app: 'prometheus' } };
  const grafanaInMonitoring = { namespace: 'monitoring', namespaceLabels: { purpose: 'monitoring' }, labels: { app: 'grafana' } };
  const prometheusInProduction = { namespace: 'production', labels: { app: 'prometheus' } };

  test('prove the AND form without declaring the pods: only prometheus pods of monitoring namespaces get in', () => {
    const chart = scrape(false);
    expect(chart).toAllowConnection({ from: prometheusInMonitoring, to: 'production/api', port: 9090 });
    expect(chart).toDenyConnection({ from: grafanaInMonitoring, to: 'production/api', port: 9090 });
    expect(chart).toDenyConnection({ from: prometheusInProduction, to: 'production/api', port: 9090 });
    // a namespace without the label is not selected, whatever its name
    expect(chart).toDenyConnection({ from: { namespace: 'monitoring', labels: { app: 'prometheus' } }, to: 'production/api', port: 9090 });
  });

  test('catch the OR mistake: grafana in monitoring and prometheus in production get in too', () => {
    const chart = scrape(true);
    expect(chart).toAllowConnection({ from: grafanaInMonitoring, to: 'production/api', port: 9090 });
    expect(chart).toAllowConnection({ from: prometheusInProduction, to: 'production/api', port: 9090 });
    expect(() => expect(chart).toDenyConnection({ from: grafanaInMonitoring, to: 'production/api', port: 9090 })).toThrow(/expected a pod \{app=grafana\} in namespace monitoring \(monitoring\/would-be-1\) → production\/api on TCP 9090 to be denied:\n.*allows monitoring\/would-be-1/s);
  });

  test('can be the destination, and are isolated by the policies of their namespace', () => {
    const { chart } = app();
    expect(chart).toDenyConnection({ from: 'production/api', to: { namespace: 'production', labels: { app: 'worker' } }, port: 80 });
    expect(chart).toAllowConnection({ from: 'production/api', to: { namespace: 'batch', labels: { app: 'worker' } }, port: 80 });
  });

  test('resolve named ports against the ports they are given', () => {
    const { chart, api } = app();
    new AllowFrom(chart, 'metrics', { pods: Selector.labels({ app: 'exporter' }), peers: [Peer.workload(api)], ports: [Port.named('metrics')] });
    const exporter = { namespace: 'production', labels: { app: 'exporter' } };
    expect(chart).toDenyConnection({ from: api, to: exporter, port: 9100 });
    expect(chart).toAllowConnection({ from: api, to: { ...exporter, ports: [{ name: 'metrics', containerPort: 9100, protocol: Protocol.TCP }] }, port: 9100 });
  });

  test('keep the labels of a namespace the app declares, and reject different ones', () => {
    const chart = new Chart(Testing.app(), 'c');
    new ApiObject(chart, 'monitoring', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { purpose: 'monitoring' } } });
    new IsolatedNamespace(chart, 'production', { namespaceName: 'production' });
    new AllowFrom(chart, 'in', { namespaceName: 'production', pods: Selector.labels({ app: 'api' }), peers: [Peer.namespaces(Selector.labels({ purpose: 'monitoring' }))], ports: [Port.tcp(9090)] });
    expect(chart).toAllowConnection({ from: { namespace: 'monitoring', labels: { app: 'prometheus' } }, to: { namespace: 'production', labels: { app: 'api' } }, port: 9090 });
    expect(chart).toDenyConnection({ from: { namespace: 'logging', labels: { app: 'prometheus' } }, to: { namespace: 'production', labels: { app: 'api' } }, port: 9090 });
    expect(() => expect(chart).toDenyConnection({ from: { namespace: 'monitoring', namespaceLabels: { purpose: 'metrics' }, labels: {} }, to: { namespace: 'production', labels: { app: 'api' } }, port: 9090 })).toThrow('namespace "monitoring" is declared in the app with labels {purpose=monitoring}, which do not include {purpose=metrics}; label the namespace in the app, or leave namespaceLabels out');
  });

  test('reject an invalid namespace or label, naming it', () => {
    const { chart } = app();
    expect(() => expect(chart).toDenyConnection({ from: { namespace: 'Monitoring', labels: {} }, to: 'production/api', port: 1 })).toThrow(/would-be pod .*"Monitoring".*e\.g\. \{ namespace: "monitoring", labels: \{ app: "grafana" \} \}/);
    expect(() => expect(chart).toDenyConnection({ from: { namespace: 'monitoring', labels: { app: 'bad value' } }, to: 'production/api', port: 1 })).toThrow(/would-be pod .*: labels: .*"bad value"/);
  });
});

describe('toPassNetpolChecks', () => {
  function isolated(): { chart: Chart; api: kplus.Deployment } {
    const chart = new Chart(Testing.app(), 'prod', { namespace: 'production' });
    new IsolatedNamespace(chart, 'production', { namespaceName: 'production' });
    const api = new kplus.Deployment(chart, 'api', { metadata: { name: 'api' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'a', portNumber: 8080 }] });
    return { chart, api };
  }

  test('passes on a clean app, and fails on the OR mistake with rule, construct path and fix', () => {
    const { chart, api } = isolated();
    expect(chart).toPassNetpolChecks();
    new AllowFrom(chart, 'scrape', { pods: Selector.podsOf(api), peers: [Peer.namespaces(Selector.labels({ purpose: 'monitoring' })), Peer.pods(Selector.labels({ app: 'prometheus' }))], ports: [Port.tcp(9090)] });
    expect(() => expect(chart).toPassNetpolChecks()).toThrow(/expected no unsuppressed checker findings at or above warning, but there are 2:\n {2}error \[NP001\] production\/api-allow-from-monitoring-prometheus .*\n {4}at prod\/scrape\n {4}Fix: Put both selectors in one item/);
  });

  test('fails only at or above the chosen level', () => {
    const { chart, api } = isolated();
    new AllowFrom(chart, 'from-anywhere', { pods: Selector.podsOf(api), peers: [Peer.anyIpv4()], ports: [Port.HTTPS] });
    expect(chart).toPassNetpolChecks('error');
    expect(() => expect(chart).toPassNetpolChecks('warning')).toThrow(/warning \[NP007\]/);
    expect(failingChecks(chart, 'warning').map(f => f.ruleId)).toEqual(['NP007']);
  });

  test('does not count suppressed findings', () => {
    const { chart, api } = isolated();
    const open = new AllowFrom(chart, 'from-anywhere', { pods: Selector.podsOf(api), peers: [Peer.anyIpv4()], ports: [Port.HTTPS] });
    open.suppress('NP007', 'public API behind the cloud load balancer, reviewed by security');
    expect(chart).toPassNetpolChecks('info');
  });

  test('rejects an unknown level', () => {
    const { chart } = isolated();
    expect(() => failingChecks(chart, 'warnings' as any)).toThrow('failOn "warnings" is not one of error, warning, info');
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
