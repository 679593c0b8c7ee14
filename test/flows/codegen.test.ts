import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { buildPlan, chartClassName, generateTypeScript, generateYaml } from '../../lib/flows/codegen';
import { parseHubbleFlows } from '../../lib/flows/hubble';
import { inferPlan } from '../../lib/flows/infer';
import { COREDNS, flow, pod, world } from './flows';
import { fixtureText, typeCheckGenerated } from './support';

/** The documents of a YAML stream. */
function manifests(yaml: string): any[] {
  return parseAllDocuments(yaml).map(d => d.toJS()).filter(d => d);
}

const shopFlows = parseHubbleFlows(fixtureText('shop.jsonl'), 'shop.jsonl').flows;
const shop = generateTypeScript(inferPlan(shopFlows), { sourceFile: 'shop.jsonl' });

describe('generateTypeScript', () => {
  test('is a cdk8s Chart class on the building blocks, imported from cdk8s-netpol', () => {
    expect(shop).toContain("import { Chart, ChartProps } from 'cdk8s';");
    expect(shop).toContain("import { AllowConnection, DnsAccess, IsolatedNamespace, Peer, Port, Selector } from 'cdk8s-netpol';");
    expect(shop).toContain('export class ObservedTrafficChart extends Chart {');
  });

  test('declares one IsolatedNamespace per namespace, with DNS as observed', () => {
    expect(shop.match(/new IsolatedNamespace\(/g)).toHaveLength(4);
    expect(shop).toContain("const shopWeb = new IsolatedNamespace(this, 'shop-web', { namespaceName: 'shop-web', dns: { dnsPods: DnsAccess.KUBE_DNS_PODS } });");
    expect(shop).toContain("const shopData = new IsolatedNamespace(this, 'shop-data', { namespaceName: 'shop-data', allowDns: false });");
    expect(shop).toContain('// TCP 53 was not observed but is allowed too: answers larger than a datagram are retried over TCP.');
    expect(shop).not.toContain("'kube-system', {");
  });

  test('writes one AllowConnection per workload pair with the observed ports and flow counts', () => {
    expect(shop.match(/new AllowConnection\(/g)).toHaveLength(7);
    expect(shop).toContain([
      '    // shop-web/storefront -> shop-web/checkout: TCP 8080 (8 flows), TCP 9090 (1 flow); 9 flows in all.',
      "    new AllowConnection(this, 'shop-web-storefront-to-checkout', {",
      "      source: shopWeb.pods(Selector.labels({ app: 'storefront' })),",
      "      destination: shopWeb.pods(Selector.labels({ app: 'checkout' })),",
      '      ports: [Port.tcp(8080), Port.tcp(9090)],',
      '    });',
    ].join('\n'));
    expect(shop).toContain("destination: shopData.pods(Selector.labels({ 'app.kubernetes.io/name': 'postgres' })),");
  });

  test('groups external destinations and sources into CIDRs, naming the observed addresses and DNS names', () => {
    expect(shop).toContain('    // shop-web/checkout -> 203.0.113.10, 203.0.113.20 (api.payments.example): TCP 443, 3 flows.\n'
      + "    shopWeb.allowEgressCidr(Selector.labels({ app: 'checkout' }), ['203.0.113.0/27'], [Port.tcp(443)]);");
    expect(shop).toContain("ingressNginx.allowFrom(Selector.labels({ 'app.kubernetes.io/name': 'ingress-nginx' }), [Peer.ipv4('192.0.2.44/32'), Peer.ipv4('198.51.100.0/28')], [Port.tcp(443)]);");
    expect(shop).not.toMatch(/0\.0\.0\.0\/0|anyIpv4|anyone/);
  });

  test('never selects by an unstable label', () => {
    expect(shop).not.toMatch(/pod-template-hash|controller-revision-hash|statefulset\.kubernetes\.io|pod-index|io\.kubernetes|io\.cilium/);
  });

  test('lists the notes for the reviewer in the header', () => {
    expect(shop).toContain(' * NetworkPolicies from observed traffic: 51 forwarded or audited flows read from shop.jsonl.');
    expect(shop).toContain(' * - skipped 1 flow involving reserved:host, which no NetworkPolicy peer can name');
  });

  test('is deterministic: the order of the flows does not matter', () => {
    const reversed = generateTypeScript(inferPlan([...shopFlows].reverse()), { sourceFile: 'shop.jsonl' });
    expect(reversed).toEqual(shop);
  });

  test('writes only the half on our side when the other end is in kube-system', () => {
    const web = pod('shop', 'web', { app: 'web' });
    const metrics = pod('kube-system', 'metrics-server', { 'k8s-app': 'metrics-server' });
    const source = generateTypeScript(inferPlan([flow(metrics, web, 'TCP', 10250), flow(web, metrics, 'TCP', 443), flow(web, COREDNS, 'UDP', 53)]));
    expect(source).toContain("shop.allowFrom(Selector.labels({ app: 'web' }), [Peer.podsInNamespace('kube-system', Selector.labels({ 'k8s-app': 'metrics-server' }))], [Port.tcp(10250)]);");
    expect(source).toContain("shop.allowTo(Selector.labels({ app: 'web' }), [Peer.podsInNamespace('kube-system', Selector.labels({ 'k8s-app': 'metrics-server' }))], [Port.tcp(443)]);");
    expect(source).toContain('// Only the ingress half: no policy is written in kube-system.');
    expect(typeCheckGenerated(source)).toEqual([]);
  });

  test('makes names explicit, with a numeric suffix, only where two allows would derive the same policy name', () => {
    // GIVEN two postgres workloads told apart by component; both derive "postgres-allow-from-shop-api"
    const api = pod('shop', 'api', { app: 'api' });
    const primary = pod('data', 'pg-primary', { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/component': 'primary' });
    const replica = pod('data', 'pg-replica', { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/component': 'replica' });
    const plan = inferPlan([flow(api, primary, 'TCP', 5432), flow(api, replica, 'TCP', 5432)]);
    // WHEN generated and built
    const source = generateTypeScript(plan);
    const names = manifests(generateYaml(plan)).filter(m => m.kind === 'NetworkPolicy').map(m => `${m.metadata.namespace}/${m.metadata.name}`);
    // THEN the second allow names its policies explicitly, and every policy name is unique
    expect(source).toContain("egressPolicyName: 'api-allow-to-data-postgres-2',");
    expect(source).toContain("ingressPolicyName: 'postgres-allow-from-shop-api-2',");
    expect(source.match(/PolicyName:/g)).toHaveLength(2);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('data/postgres-allow-from-shop-api-2');
  });

  test('names an allow of many CIDRs <pods>-allow-egress-external instead of listing them in the name', () => {
    // GIVEN api reaching twelve addresses in twelve /24s on 443, and six more on 80
    const api = pod('shop', 'api', { app: 'api' });
    const flows = [...Array(12).keys()].map(i => flow(api, world(`198.51.${i}.7`), 'TCP', 443))
      .concat([...Array(6).keys()].map(i => flow(api, world(`203.0.${i}.9`), 'TCP', 80)));
    // WHEN generated
    const plan = inferPlan(flows);
    const source = generateTypeScript(plan);
    // THEN the names are short and unique, and the chart synthesizes
    expect(source).toMatch(/shop\.allowEgressCidr\(Selector\.labels\(\{ app: 'api' \}\), \['198\.51\.0\.7\/32', .*\], \[Port\.tcp\(443\)\], 'api-allow-egress-external'\);/);
    expect(source).toContain("[Port.tcp(80)], 'api-allow-egress-external-2');");
    expect(manifests(generateYaml(plan)).filter(m => m.kind === 'NetworkPolicy').map(m => m.metadata.name).sort()).toEqual(['api-allow-egress-external', 'api-allow-egress-external-2', 'default-deny-all']);
  });

  test('gives reserved-word and numeric namespace names safe variables', () => {
    const a = pod('default', 'a', { app: 'a' });
    const b = pod('2024-batch', 'b', { app: 'b' });
    const source = generateTypeScript(inferPlan([flow(a, b, 'TCP', 80), flow(a, world('192.0.2.1'), 'TCP', 443)]));
    expect(source).toContain("const defaultNamespace = new IsolatedNamespace(this, 'default',");
    expect(source).toContain("const ns2024Batch = new IsolatedNamespace(this, '2024-batch',");
    expect(typeCheckGenerated(source)).toEqual([]);
  });

  test('chartClassName', () => {
    expect(chartClassName('observed-traffic')).toBe('ObservedTrafficChart');
    expect(chartClassName('shop-chart')).toBe('ShopChart');
    expect(chartClassName('2024')).toBe('Flows2024Chart');
  });
});

describe('generateYaml', () => {
  test('is the synthesized manifests of the same constructs', () => {
    // GIVEN the shop plan
    const plan = inferPlan(shopFlows);
    const docs = manifests(generateYaml(plan));
    // THEN namespaces, default denies, DNS only where observed, and both halves of every connection
    expect(docs.filter(d => d.kind === 'Namespace').map(d => d.metadata.name)).toEqual(['ingress-nginx', 'monitoring', 'shop-data', 'shop-web']);
    const policies = docs.filter(d => d.kind === 'NetworkPolicy').map(d => `${d.metadata.namespace}/${d.metadata.name}`);
    expect(policies.filter(p => p.endsWith('/default-deny-all'))).toHaveLength(4);
    expect(policies.filter(p => p.endsWith('/allow-dns')).sort()).toEqual(['monitoring/allow-dns', 'shop-web/allow-dns']);
    expect(policies).toEqual(expect.arrayContaining(['shop-web/storefront-allow-to-shop-web-checkout', 'shop-web/checkout-allow-from-shop-web-storefront']));
    expect(policies.every(p => !p.startsWith('kube-system/'))).toBe(true);
    // AND the same text as building the plan in an app by hand
    const app = new App();
    buildPlan(app, plan);
    expect(app.synthYaml()).toEqual(generateYaml(plan));
  });
});
