/**
 * The examples prove the guide's intent: frontend → api 8080 and api → postgres 5432 allowed, frontend → postgres
 * denied, prometheus in monitoring → api 9090 allowed, other namespaces → api denied, DNS to kube-system allowed,
 * everything else denied. Verdicts come from the analysis engine reading the construct tree.
 */
import { App } from 'cdk8s';
import { buildApp } from '../../examples/main';
import { Analysis } from '../../lib/analysis';
import { Protocol } from '../../lib/model/types';
import { clusterOf, connectivitySummary, netpolMatchers, truthTable } from '../../lib/testing';

expect.extend(netpolMatchers);

let app: App;
let analysis: Analysis;

beforeAll(() => {
  app = buildApp();
  const { cluster } = clusterOf(app);
  // The cluster DNS lives outside the app: add it as the cluster provides it.
  const coredns = { kind: 'Deployment', name: 'coredns', namespaceName: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
  analysis = Analysis.of({ ...cluster, workloads: [...cluster.workloads, coredns] });
});

describe('the guide\'s intent, proven on the examples', () => {
  test.each([
    ['production/frontend', 'production/api', 8080, Protocol.TCP],
    ['production/api', 'production/postgres', 5432, Protocol.TCP],
    ['monitoring/prometheus', 'production/api', 9090, Protocol.TCP],
    ['production/frontend', 'kube-system/coredns', 53, Protocol.UDP],
    ['production/frontend', 'kube-system/coredns', 53, Protocol.TCP],
    ['production/api', 'kube-system/coredns', 53, Protocol.UDP],
    ['production/postgres', 'kube-system/coredns', 53, Protocol.TCP],
    ['production/api', '52.94.10.20', 443, Protocol.TCP],
  ])('%s → %s on %s %s is allowed', (from, to, port, protocol) => {
    expect(analysis.allowed(from, to, port as number, protocol as Protocol)).toBe(true);
  });

  test.each([
    ['production/frontend', 'production/postgres', 5432, Protocol.TCP],
    ['production/frontend', 'production/api', 9090, Protocol.TCP],
    ['production/api', 'production/frontend', 80, Protocol.TCP],
    ['production/postgres', 'production/api', 8080, Protocol.TCP],
    ['shop-web/storefront', 'production/api', 8080, Protocol.TCP],
    ['shop-web/checkout', 'production/api', 9090, Protocol.TCP],
    ['monitoring/prometheus', 'production/postgres', 5432, Protocol.TCP],
    ['production/api', '8.8.8.8', 443, Protocol.TCP],
    ['production/api', '52.94.10.20', 80, Protocol.TCP],
    ['production/frontend', '52.94.10.20', 443, Protocol.TCP],
    ['production/frontend', 'shop-web/storefront', 8080, Protocol.TCP],
    ['203.0.113.9', 'production/api', 8080, Protocol.TCP],
  ])('%s → %s on %s %s is denied', (from, to, port, protocol) => {
    expect(analysis.allowed(from, to, port as number, protocol as Protocol)).toBe(false);
  });

  test('within production, the only allowed workload connections are the guide\'s two', () => {
    const table = truthTable(analysis, { workloads: ['production/frontend', 'production/api', 'production/postgres'] });
    expect(table).toBe([
      'from \\ to           | production/frontend | production/api | production/postgres',
      '--------------------|---------------------|----------------|--------------------',
      'production/frontend | ·                   | TCP 8080       | -',
      'production/api      | -                   | ·              | TCP 5432',
      'production/postgres | -                   | -              | ·',
      '',
    ].join('\n'));
  });

  test('the jest matchers read the app directly', () => {
    expect(app).toAllowConnection({ from: 'production/frontend', to: 'production/api', port: 8080 });
    expect(app).toDenyConnection({ from: 'production/frontend', to: 'production/postgres', port: 5432 });
  });
});

describe('the summary printed after cdk8s synth', () => {
  test('lists the counts and every allowed connection between workloads', () => {
    const summary = connectivitySummary(app);
    expect(summary.split('\n')).toEqual([
      'cdk8s-netpol: 26 NetworkPolicies, 8 workloads in 5 namespaces',
      'allowed connections between workloads (6):',
      '  monitoring/prometheus[Deployment] => production/api[Deployment] : TCP 9090',
      '  production/api[Deployment] => production/postgres[Deployment] : TCP 5432',
      '  production/frontend[Deployment] => production/api[Deployment] : TCP 8080',
      '  shop-web/checkout[Deployment] => shop-data/orders-db[Deployment] : TCP 5432',
      '  shop-web/checkout[Deployment] => shop-data/redis[Deployment] : TCP 6379',
      '  shop-web/storefront[Deployment] => shop-web/checkout[Deployment] : TCP 8080',
      'workloads that may reach addresses outside the cluster: 2; reachable from outside: 0',
      '',
    ]);
  });
});
