/**
 * The graph model: nodes (workloads by namespace, external ranges), solid edges for allowed connections with their
 * ports, dashed edges for connections one side declares and the other denies (NP009's pairs).
 */
import { Analysis } from '../../lib/analysis';
import { buildGraph, EdgeKind } from '../../lib/graph';
import { lint } from '../../lib/rules/lint';
import { edgeLines, examplesCluster, nodeNames, shopCluster } from './support';

describe('the graph of a small namespace', () => {
  test('has every workload, isolated ones included, and the allowed external range as nodes', () => {
    // GIVEN web, api, db and batch in shop, web allowed to 203.0.113.0/24
    // WHEN
    const graph = buildGraph(shopCluster());
    // THEN
    expect(nodeNames(graph)).toEqual(['203.0.113.0-203.0.113.255', 'shop/api', 'shop/batch', 'shop/db', 'shop/web']);
    expect(graph.nodes.map(n => n.id)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(graph.groups.map(g => [g.namespace, g.nodes.map(n => n.label)])).toEqual([
      ['shop', ['api[Deployment]', 'batch[Deployment]', 'db[Deployment]', 'web[Deployment]']],
    ]);
    expect(graph.external.map(n => n.label)).toEqual(['203.0.113.0-203.0.113.255']);
  });

  test('has a solid edge per allowed pair labelled with its ports, and the one-sided db ingress dashed', () => {
    // WHEN
    const graph = buildGraph(shopCluster());
    // THEN
    expect(edgeLines(graph)).toEqual([
      'shop/web -> 203.0.113.0-203.0.113.255 : TCP 443',
      'shop/web -> shop/api : TCP 8080',
      'shop/api -> shop/db : TCP 5432 (declared by shop/db-ingress) (dashed)',
    ]);
    const denied = graph.edges.find(e => e.kind === EdgeKind.DENIED)!;
    expect(denied).toMatchObject({ from: 'n1', to: 'n3', declaredBy: ['shop/db-ingress'], deniedBy: ['shop/default-deny-all'] });
  });

  test('NP009 reports the same rule and pair the dashed edge shows', () => {
    // GIVEN the shop fixture, linted
    const cluster = shopCluster();
    const findings = lint(cluster, { only: ['NP009'] }).findings.filter(f => f.ruleId === 'NP009');
    // THEN one finding, about the rule the dashed edge names
    expect(findings.map(f => `${f.object.namespace}/${f.object.name}`)).toEqual(['shop/db-ingress']);
    expect(findings[0].message).toContain('shop/api → shop/db on TCP 5432');
  });

  test('an egress rule the destination denies is dashed too, from the source that declares it', () => {
    // GIVEN web's egress names batch on 9000, but batch's ingress is isolated by default-deny-all
    const graph = buildGraph(shopCluster(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-to-batch, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { app: batch } } }]
      ports: [{ protocol: TCP, port: 9000 }]`));
    // THEN
    expect(edgeLines(graph).filter(l => l.endsWith('(dashed)'))).toEqual([
      'shop/api -> shop/db : TCP 5432 (declared by shop/db-ingress) (dashed)',
      'shop/web -> shop/batch : TCP 9000 (declared by shop/web-to-batch) (dashed)',
    ]);
  });

  test('merges the declared ports and policies of one workload pair into one dashed edge', () => {
    // GIVEN a second policy on db naming api, for the metrics port
    const graph = buildGraph(shopCluster(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-metrics, namespace: shop }
spec:
  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: api } } }]
      ports: [{ protocol: TCP, port: 9187 }]`));
    // THEN
    const denied = graph.edges.filter(e => e.kind === EdgeKind.DENIED);
    expect(denied.map(e => e.label)).toEqual(['TCP 5432,9187 (declared by shop/db-ingress, shop/db-metrics)']);
  });

  test('adding the missing half turns the dashed edge into a solid one', () => {
    // GIVEN api's egress to db on 5432
    const graph = buildGraph(shopCluster(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-egress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { app: db } } }]
      ports: [{ protocol: TCP, port: 5432 }]`));
    // THEN
    expect(edgeLines(graph)).toContain('shop/api -> shop/db : TCP 5432');
    expect(graph.edges.filter(e => e.kind === EdgeKind.DENIED)).toEqual([]);
  });

  test('leaves dashed edges out when asked', () => {
    // WHEN
    const graph = buildGraph(shopCluster(), { denied: false });
    // THEN
    expect(graph.edges.map(e => e.kind)).toEqual([EdgeKind.ALLOWED, EdgeKind.ALLOWED]);
    expect(graph.formatOptions.denied).toEqual([]);
  });

  test('is the same whatever the order of the input', () => {
    // GIVEN the same objects in reverse order
    const cluster = shopCluster();
    const reversed = { namespaces: [...cluster.namespaces].reverse(), workloads: [...cluster.workloads].reverse(), policies: [...cluster.policies].reverse() };
    // THEN
    const strip = (g: ReturnType<typeof buildGraph>) => ({ nodes: nodeNames(g), edges: edgeLines(g), ids: g.edges.map(e => `${e.from}>${e.to}`) });
    expect(strip(buildGraph(reversed))).toEqual(strip(buildGraph(cluster)));
  });

  test('reuses a given analysis', () => {
    // GIVEN
    const cluster = shopCluster();
    const analysis = Analysis.of(cluster);
    // WHEN
    const graph = buildGraph(cluster, { analysis });
    // THEN the allowed connections are the analysis' own list
    expect(graph.connections).toBe(analysis.connections());
  });

  test('a cluster without workloads or policies is an empty graph', () => {
    // WHEN
    const graph = buildGraph({ namespaces: [], workloads: [], policies: [] });
    // THEN
    expect({ nodes: graph.nodes, edges: graph.edges, groups: graph.groups }).toEqual({ nodes: [], edges: [], groups: [] });
  });
});

describe('the graph of the examples', () => {
  const cluster = examplesCluster();

  test('has the eight workloads by namespace and the two external ranges the app allows', () => {
    // WHEN
    const graph = buildGraph(cluster);
    // THEN
    expect(nodeNames(graph)).toEqual([
      '203.0.113.0-203.0.113.255',
      '52.94.0.0-52.94.255.255',
      'monitoring/prometheus',
      'production/api',
      'production/frontend',
      'production/postgres',
      'shop-data/orders-db',
      'shop-data/redis',
      'shop-web/checkout',
      'shop-web/storefront',
    ]);
    expect(graph.groups.map(g => g.namespace)).toEqual(['monitoring', 'production', 'shop-data', 'shop-web']);
  });

  test('has one solid edge per allowed pair with its ports, and nothing dashed', () => {
    // WHEN
    const graph = buildGraph(cluster);
    // THEN the OR-form's one-sided rule (NP009, suppressed) names only pods the app does not have, so it draws nothing;
    // the platform's Admin-tier guardrail lets prometheus scrape every workload on 9090, whatever the NetworkPolicies
    expect(edgeLines(graph)).toEqual([
      'monitoring/prometheus -> production/api : TCP 9090',
      'monitoring/prometheus -> production/frontend : TCP 9090',
      'monitoring/prometheus -> production/postgres : TCP 9090',
      'monitoring/prometheus -> shop-data/orders-db : TCP 9090',
      'monitoring/prometheus -> shop-data/redis : TCP 9090',
      'monitoring/prometheus -> shop-web/checkout : TCP 9090',
      'monitoring/prometheus -> shop-web/storefront : TCP 9090',
      'production/api -> 52.94.0.0-52.94.255.255 : TCP 443',
      'production/api -> production/postgres : TCP 5432',
      'production/frontend -> production/api : TCP 8080',
      'shop-web/checkout -> 203.0.113.0-203.0.113.255 : TCP 443',
      'shop-web/checkout -> shop-data/orders-db : TCP 5432',
      'shop-web/checkout -> shop-data/redis : TCP 6379',
      'shop-web/storefront -> shop-web/checkout : TCP 8080',
    ]);
  });

  test('without the frontend egress, the guide\'s frontend → api is drawn dashed, declared by api-ingress', () => {
    // GIVEN the examples as the guide wrote them: no egress rule on the frontend
    const guide = { ...cluster, policies: cluster.policies.filter(p => p.name !== 'frontend-allow-to-api') };
    expect(guide.policies.length).toBe(cluster.policies.length - 1);
    // WHEN
    const graph = buildGraph(guide);
    // THEN
    const lines = edgeLines(graph);
    expect(lines).not.toContain('production/frontend -> production/api : TCP 8080');
    expect(lines.filter(l => l.endsWith('(dashed)'))).toEqual([
      'production/frontend -> production/api : TCP 8080 (declared by production/api-ingress) (dashed)',
    ]);
    expect(graph.edges.find(e => e.kind === EdgeKind.DENIED)!.deniedBy).toEqual(['production/allow-dns', 'production/default-deny-all']);
  });
});
