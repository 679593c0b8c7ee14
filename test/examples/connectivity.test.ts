/**
 * The examples prove the guide's intent: frontend → api 8080 and api → postgres 5432 allowed, frontend → postgres
 * denied, prometheus in monitoring → api 9090 allowed, other namespaces → api denied, DNS to kube-system allowed,
 * everything else denied. The platform chart adds its cluster-wide guardrails on top: prometheus scrapes every
 * workload on 9090, nobody reaches the cloud metadata address, tenants (label team) stay apart, and namespaces
 * without NetworkPolicies start closed. Verdicts come from the analysis engine reading the construct tree.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildApp } from '../../examples/main';
import { Analysis } from '../../lib/analysis';
import { Protocol } from '../../lib/model/types';
import { clusterOf, connectivitySummary, netpolMatchers, truthTable } from '../../lib/testing';
import { cli } from '../cli/support';

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

describe('the platform\'s cluster-wide policies, proven on the same app', () => {
  // Pods the app does not declare: a namespace of another team that nobody gave NetworkPolicies, the default
  // namespace, and the ingress controller the shop expects.
  let platform: Analysis;
  let withoutPlatform: Analysis;

  beforeAll(() => {
    const { cluster } = clusterOf(app);
    const pod = (namespaceName: string, name: string, podLabels: { [key: string]: string }) => ({ kind: 'Pod', name, namespaceName, podLabels });
    const extra = {
      ...cluster,
      namespaces: [...cluster.namespaces, { name: 'research', labels: { team: 'research' } }],
      workloads: [
        ...cluster.workloads,
        pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }),
        pod('research', 'notebook', { app: 'notebook' }),
        pod('default', 'curl', { app: 'curl' }),
        pod('ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' }),
      ],
    };
    platform = Analysis.of(extra);
    withoutPlatform = Analysis.of({ ...extra, clusterPolicies: undefined });
  });

  test('the app holds the platform\'s five cluster-wide policies', () => {
    expect(clusterOf(app).cluster.clusterPolicies!.map(p => `${p.tier} ${p.priority} ${p.name}`)).toEqual([
      'Admin 10 cluster-guardrails', 'Admin 11 cluster-guardrails-monitoring', 'Admin 20 tenant-isolation-storefront',
      'Admin 21 tenant-isolation-research', 'Baseline 1000 cluster-baseline',
    ]);
  });

  test.each([
    ['monitoring/prometheus', 'shop-data/orders-db', 9090, Protocol.TCP, 'cluster-guardrails-monitoring egress rule 0 "allow-monitoring"'],
    ['monitoring/prometheus', 'research/notebook', 9090, Protocol.TCP, 'cluster-guardrails ingress rule 0 "allow-monitoring"'],
    ['research/notebook', 'kube-system/coredns', 53, Protocol.UDP, 'cluster-guardrails egress rule 1 "allow-dns"'],
    ['ingress-nginx/controller', 'shop-web/storefront', 8080, Protocol.TCP, 'storefront-allow-from-ingress-nginx'],
    ['shop-web/checkout', 'shop-data/orders-db', 5432, Protocol.TCP, 'orders-db-allow-from-checkout'],
  ])('%s → %s on %s %s is allowed (%s)', (from, to, port, protocol, decidedBy) => {
    expect(platform.allowed(from, to, port as number, protocol as Protocol)).toBe(true);
    expect(platform.explain(from, to, port as number, protocol as Protocol).text).toContain(decidedBy);
  });

  test.each([
    ['production/api', '169.254.169.254', 80, Protocol.TCP, 'cluster-guardrails egress rule 0 "deny-addresses"'],
    ['research/notebook', '169.254.169.254', 80, Protocol.TCP, 'cluster-guardrails egress rule 0 "deny-addresses"'],
    ['research/notebook', 'shop-web/storefront', 8080, Protocol.TCP, 'tenant-isolation-research egress rule 0 "deny-other-tenants"'],
    ['research/notebook', '8.8.8.8', 443, Protocol.TCP, 'cluster-baseline egress rule 1 "default-deny"'],
    ['default/curl', 'research/notebook', 8888, Protocol.TCP, 'cluster-baseline'],
    ['monitoring/prometheus', 'production/postgres', 5432, Protocol.TCP, 'default-deny-all'],
  ])('%s → %s on %s %s is denied (%s)', (from, to, port, protocol, decidedBy) => {
    expect(platform.allowed(from, to, port as number, protocol as Protocol)).toBe(false);
    expect(platform.explain(from, to, port as number, protocol as Protocol).text).toContain(decidedBy);
  });

  test('without the platform\'s policies the namespaces nobody isolated were open, and prometheus scraped the api only', () => {
    expect(withoutPlatform.allowed('default/curl', 'research/notebook', 8888)).toBe(true);
    expect(withoutPlatform.allowed('research/notebook', '169.254.169.254', 80)).toBe(true);
    expect(withoutPlatform.allowed('monitoring/prometheus', 'shop-data/orders-db', 9090)).toBe(false);
  });
});

describe('the summary printed after cdk8s synth', () => {
  test('lists the counts and every allowed connection between workloads', () => {
    const summary = connectivitySummary(app);
    expect(summary.split('\n')).toEqual([
      'cdk8s-netpol: 26 NetworkPolicies, 5 cluster-wide policies, 8 workloads in 5 namespaces',
      'allowed connections between workloads (12):',
      '  monitoring/prometheus[Deployment] => production/api[Deployment] : TCP 9090',
      '  monitoring/prometheus[Deployment] => production/frontend[Deployment] : TCP 9090',
      '  monitoring/prometheus[Deployment] => production/postgres[Deployment] : TCP 9090',
      '  monitoring/prometheus[Deployment] => shop-data/orders-db[Deployment] : TCP 9090',
      '  monitoring/prometheus[Deployment] => shop-data/redis[Deployment] : TCP 9090',
      '  monitoring/prometheus[Deployment] => shop-web/checkout[Deployment] : TCP 9090',
      '  monitoring/prometheus[Deployment] => shop-web/storefront[Deployment] : TCP 9090',
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

describe('the examples\' connectivity lock', () => {
  test('the app matches examples/netpol.lock, committed with it (update: connectivityLock(buildApp()))', () => {
    expect(buildApp()).toMatchConnectivityLock('examples/netpol.lock');
  });

  test('the CLI checks the same file against the synthesized manifests', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-lock-examples-'));
    buildApp(outdir).synth();
    const result = await cli('lock', '--check', '--file', 'examples/netpol.lock', outdir);
    expect(result.code).toBe(0);
  });
});
