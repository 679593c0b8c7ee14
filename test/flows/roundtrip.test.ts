/**
 * THE KEY PROPERTY of from-flows: generate, build, analyse, and the result allows every observed forwarded (or
 * audited) flow and nothing that was not observed, for every pair of observed workloads on every observed port and
 * a few unobserved ones. The only widenings allowed are the documented ones: DNS (UDP and TCP 53 to the cluster DNS
 * for every pod of a namespace that did look names up) and the addresses inside a merged CIDR.
 */
import { App, Chart } from 'cdk8s';
import { Protocol } from '../../lib';
import { Analysis } from '../../lib/analysis';
import { buildPlan, generateTypeScript, generateYaml } from '../../lib/flows/codegen';
import { ObservedFlow, parseHubbleFlows } from '../../lib/flows/hubble';
import { FlowPlan, inferPlan } from '../../lib/flows/infer';
import { clusterOf } from '../../lib/cluster-of';
import { endpointRef, evaluateGenerated, fixtureText, observedWorkloadsChart, typeCheckGenerated } from './support';

const flows = parseHubbleFlows(fixtureText('shop.jsonl'), 'shop.jsonl').flows;
const plan = inferPlan(flows);
const declared = plan.namespaces.filter(n => n.isolated).map(n => n.name);

/** The analysis of the generated chart (built by `build`) next to the observed workloads. */
function analyse(build: (app: App) => Chart): Analysis {
  const app = new App();
  build(app);
  observedWorkloadsChart(app, flows, declared);
  const { cluster } = clusterOf(app);
  return Analysis.of(cluster);
}

/** What was observed, by Hubble's own names: `src|dst|PROTO|port`, and external addresses. */
const observed = new Set<string>();
for (const f of flows) {
  const src = endpointRef(f.source) ?? f.source.ip!;
  const dst = endpointRef(f.destination) ?? f.destination.ip!;
  observed.add(`${src}|${dst}|${f.protocol}|${f.port}`);
}
const workloads = [...new Set(flows.flatMap(f => [endpointRef(f.source), endpointRef(f.destination)]).filter((r): r is string => !!r))].sort();
const portsObserved = [...new Set(flows.map(f => `${f.protocol}|${f.port}`))];
const portsUnobserved = ['TCP|22', 'TCP|8081', 'UDP|8080', 'TCP|9091', 'UDP|5432'];
const dnsNamespaces = new Set(flows.filter(isDnsFlow).map(f => f.source.namespace));
const namespaceOf = (ref: string) => ref.split('/')[0];

function isDnsFlow(f: ObservedFlow): boolean {
  return f.destination.namespace === 'kube-system' && f.destination.workloadName === 'coredns' && f.port === 53;
}

/** The expected verdict for a workload pair and port. */
function expected(src: string, dst: string, protocol: string, port: number): boolean {
  if (namespaceOf(src) === 'kube-system' && namespaceOf(dst) === 'kube-system') return true; // no policy written there
  if (observed.has(`${src}|${dst}|${protocol}|${port}`)) return true;
  return dst === 'kube-system/coredns' && port === 53 && (protocol === 'UDP' || protocol === 'TCP') && dnsNamespaces.has(namespaceOf(src));
}

function checkEveryPair(analysis: Analysis): string[] {
  const wrong: string[] = [];
  for (const src of workloads) {
    for (const dst of workloads) {
      for (const key of [...portsObserved, ...portsUnobserved]) {
        const [protocol, portText] = key.split('|');
        const port = Number(portText);
        const want = expected(src, dst, protocol, port);
        const got = analysis.allowed(src, dst, port, protocol as Protocol);
        if (got !== want) wrong.push(`${src} -> ${dst} ${protocol} ${port}: expected ${want ? 'allowed' : 'denied'}, got ${got ? 'allowed' : 'denied'}`);
      }
    }
  }
  return wrong;
}

describe('generated policies allow exactly the observed traffic', () => {
  test('the fixture has the shape the property needs', () => {
    // GIVEN the shop capture; THEN it spans several namespaces, AUDIT flows, DNS and external addresses
    expect(workloads.length).toBeGreaterThanOrEqual(7);
    expect(flows.some(f => f.verdict === 'AUDIT')).toBe(true);
    expect(dnsNamespaces.size).toBeGreaterThanOrEqual(2);
    expect(flows.some(f => f.destination.labels.includes('reserved:world'))).toBe(true);
    expect(flows.some(f => f.source.labels.includes('reserved:world'))).toBe(true);
  });

  test('building the plan in-process allows every observed flow and nothing else, for every workload pair and port', () => {
    // WHEN the plan is built with the constructs and analysed
    const analysis = analyse(app => buildPlan(app, plan));
    // THEN every pair × port matches the observation
    expect(checkEveryPair(analysis)).toEqual([]);
  });

  test('the generated TypeScript, transpiled and run against the library, allows every observed flow and nothing else', () => {
    // GIVEN the generated source, evaluated with cdk8s-netpol resolved to this repository
    const source = generateTypeScript(plan, { chartName: 'shop-observed' });
    const { ShopObservedChart } = evaluateGenerated(source);
    // WHEN its chart is analysed
    const analysis = analyse(app => new ShopObservedChart(app, 'shop-observed'));
    // THEN the same exact verdicts hold
    expect(checkEveryPair(analysis)).toEqual([]);
  });

  test('the generated TypeScript synthesizes to exactly the YAML written next to it', () => {
    // GIVEN the generated class run in an app of its own
    const { ShopObservedChart } = evaluateGenerated(generateTypeScript(plan, { chartName: 'shop-observed' }));
    const app = new App();
    new ShopObservedChart(app, 'shop-observed');
    // THEN its manifests are the generated YAML
    expect(app.synthYaml()).toEqual(generateYaml(plan, { chartName: 'shop-observed' }));
  });

  test('the generated TypeScript type-checks against the library', () => {
    // WHEN the generated module is compiled with cdk8s-netpol mapped to lib/index.ts
    const errors = typeCheckGenerated(generateTypeScript(plan));
    // THEN there is no error
    expect(errors).toEqual([]);
  });

  test('the check is sharp: a plan missing one allow, or with one port too many, fails it', () => {
    // GIVEN a plan without its first connection, and one with an extra port on it
    const missing: FlowPlan = { ...plan, connections: plan.connections.slice(1) };
    const [first, ...rest] = plan.connections;
    const extra: FlowPlan = { ...plan, connections: [{ ...first, ports: [...first.ports, { protocol: 'TCP', port: 8081, flows: 0 }] }, ...rest] };
    // THEN both are caught, naming the pair and port
    expect(checkEveryPair(analyse(app => buildPlan(app, missing)))).toContain(
      `${first.source.namespaceName}/${first.source.name} -> ${first.destination.namespaceName}/${first.destination.name} TCP ${first.ports[0].port}: expected allowed, got denied`);
    expect(checkEveryPair(analyse(app => buildPlan(app, extra)))).toContain(
      `${first.source.namespaceName}/${first.source.name} -> ${first.destination.namespaceName}/${first.destination.name} TCP 8081: expected denied, got allowed`);
  });

  test('the type check is sharp: a wrong call in the generated code is reported', () => {
    const broken = generateTypeScript(plan).replace('Port.tcp(8080)', 'Port.tcp(\'8080\')');
    expect(typeCheckGenerated(broken).join('\n')).toMatch(/not assignable to parameter of type 'number'/);
  });

  test('external destinations: observed addresses are allowed, the merged /27 admits its neighbours, nothing wider', () => {
    const analysis = analyse(app => buildPlan(app, plan));
    // THEN the observed payment-provider and CDN addresses on 443
    expect(analysis.allowed('shop-web/checkout', '203.0.113.10', 443)).toBe(true);
    expect(analysis.allowed('shop-web/checkout', '203.0.113.20', 443)).toBe(true);
    expect(analysis.allowed('shop-web/storefront', '151.101.1.69', 443)).toBe(true);
    // AND the documented widening: 203.0.113.10 and .20 became 203.0.113.0/27
    expect(analysis.allowed('shop-web/checkout', '203.0.113.31', 443)).toBe(true);
    // AND nothing outside it, on another port, or from another workload
    expect(analysis.allowed('shop-web/checkout', '203.0.113.32', 443)).toBe(false);
    expect(analysis.allowed('shop-web/checkout', '203.0.113.10', 80)).toBe(false);
    expect(analysis.allowed('shop-web/checkout', '151.101.1.69', 443)).toBe(false);
    expect(analysis.allowed('shop-web/storefront', '203.0.113.10', 443)).toBe(false);
    expect(analysis.allowed('shop-web/checkout', '8.8.8.8', 443)).toBe(false);
    expect(analysis.allowed('shop-data/orders-db', '203.0.113.10', 443)).toBe(false);
  });

  test('external sources: observed clients reach the ingress controller on 443 only', () => {
    const analysis = analyse(app => buildPlan(app, plan));
    expect(analysis.allowed('198.51.100.7', 'ingress-nginx/ingress-nginx-controller', 443)).toBe(true);
    expect(analysis.allowed('192.0.2.44', 'ingress-nginx/ingress-nginx-controller', 443)).toBe(true);
    expect(analysis.allowed('198.51.100.9', 'ingress-nginx/ingress-nginx-controller', 80)).toBe(false);
    expect(analysis.allowed('192.0.2.45', 'ingress-nginx/ingress-nginx-controller', 443)).toBe(false);
    expect(analysis.allowed('198.51.100.16', 'ingress-nginx/ingress-nginx-controller', 443)).toBe(false);
    expect(analysis.allowed('198.51.100.7', 'shop-web/storefront', 8080)).toBe(false);
  });

  test('a DROPPED flow stays denied', () => {
    // GIVEN the capture recorded storefront -> orders-db 5432 as DROPPED
    const analysis = analyse(app => buildPlan(app, plan));
    // THEN the generated policies do not allow it
    expect(analysis.allowed('shop-web/storefront', 'shop-data/orders-db', 5432)).toBe(false);
    expect(analysis.allowed('shop-web/checkout', 'shop-data/orders-db', 5432)).toBe(true);
  });
});

describe('the property on a second capture (older Hubble, bare records)', () => {
  test('allows the observed flows and nothing else', () => {
    // GIVEN the legacy capture
    const legacy = parseHubbleFlows(fixtureText('legacy-unwrapped.jsonl')).flows;
    const legacyPlan: FlowPlan = inferPlan(legacy);
    const app = new App();
    buildPlan(app, legacyPlan);
    observedWorkloadsChart(app, legacy, legacyPlan.namespaces.filter(n => n.isolated).map(n => n.name));
    const analysis = Analysis.of(clusterOf(app).cluster);
    // THEN
    expect(analysis.allowed('shop-web/storefront', 'shop-web/checkout', 8080)).toBe(true);
    expect(analysis.allowed('shop-web/checkout', 'shop-web/storefront', 8080)).toBe(false);
    expect(analysis.allowed('shop-web/storefront', 'kube-system/coredns', 53, Protocol.UDP)).toBe(true);
    expect(analysis.allowed('shop-web/storefront', 'kube-system/coredns', 53, Protocol.TCP)).toBe(true);
    expect(analysis.allowed('shop-web/checkout', 'kube-system/coredns', 53, Protocol.UDP)).toBe(true);
    expect(analysis.allowed('shop-web/storefront', 'shop-web/checkout', 8443)).toBe(false);
  });
});
