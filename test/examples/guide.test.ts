/**
 * The field guide's manifests, transcribed from the guide as YAML, compared field by field with what the examples
 * synthesize. The guide is the acceptance test: if a building block drifts from it, this fails.
 */
import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { buildApp } from '../../examples/main';
import { guideFile, OR } from '../fixtures/guide';
import { Checker, CheckLevel } from '../../lib';

const GUIDE = ['default-deny-all.yaml', 'allow-dns.yaml', 'app-policies.yaml']
  .flatMap(file => YAML.parseAllDocuments(guideFile(file)).map(doc => doc.toJS()));

/** The guide's CIDR snippet (an egress rule of the API). */
const GUIDE_CIDR_EGRESS = YAML.parse(`
egress:
  - to:
      - ipBlock:
          cidr: 52.94.0.0/16  # specific AWS service range
    ports:
      - protocol: TCP
        port: 443
`).egress;

const GUIDE_OR_FROM = YAML.parse(OR).ingress[0].from;

let app: App;
let manifests: any[];

beforeAll(() => {
  app = buildApp();
  // The examples must pass the checker even at warning level (reasoned suppressions only).
  Checker.configure(app, { failOn: CheckLevel.WARNING });
  manifests = app.node.children.filter((c): c is Chart => c instanceof Chart).flatMap(chart => chart.toJson());
});

function synthesized(namespace: string, name: string): any {
  const found = manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata.namespace === namespace && m.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('the field guide, reproduced by examples/guide.ts', () => {
  test.each(GUIDE.map(m => [m.metadata.name, m]))('%s matches the guide field by field', (_name, expected) => {
    const actual = synthesized(expected.metadata.namespace, expected.metadata.name);
    expect(actual.apiVersion).toBe(expected.apiVersion);
    expect(actual.kind).toBe(expected.kind);
    expect(actual.metadata).toEqual(expected.metadata);
    expect(actual.spec.podSelector).toEqual(expected.spec.podSelector);
    expect(actual.spec.policyTypes).toEqual(expected.spec.policyTypes);
    expect(actual.spec.ingress).toEqual(expected.spec.ingress);
    expect(actual.spec.egress).toEqual(expected.spec.egress);
    expect(Object.keys(actual.spec).sort()).toEqual(Object.keys(expected.spec).sort());
  });

  test('the API egress to 52.94.0.0/16 on 443 is the guide\'s CIDR rule', () => {
    const actual = synthesized('production', 'api-egress-aws');
    expect(actual.spec.podSelector).toEqual({ matchLabels: { app: 'api' } });
    expect(actual.spec.policyTypes).toEqual(['Egress']);
    expect(actual.spec.egress).toEqual(GUIDE_CIDR_EGRESS);
  });

  test('the OR form, written deliberately, renders as the guide\'s two separate from entries', () => {
    const actual = synthesized('or-form-demo', 'allow-monitoring-or-prometheus');
    expect(actual.spec.ingress[0].from).toEqual(GUIDE_OR_FROM);
    expect(actual.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9090 }]);
  });

  test('the frontend gets the egress rule the guide forgets', () => {
    const actual = synthesized('production', 'frontend-allow-to-api');
    expect(actual.spec).toEqual({
      podSelector: { matchLabels: { app: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  test('the monitoring namespace carries the label the scrape policy selects', () => {
    const ns = manifests.find(m => m.kind === 'Namespace' && m.metadata.name === 'monitoring');
    expect(ns.metadata.labels).toEqual({ purpose: 'monitoring' });
  });
});

describe('the multi-namespace shop example', () => {
  test('synthesizes namespaces, default denies, DNS and both halves of every connection', () => {
    const shop = manifests.filter(m => ['shop-web', 'shop-data'].includes(m.metadata.namespace ?? m.metadata.name));
    const names = shop.filter(m => m.kind === 'NetworkPolicy').map(m => `${m.metadata.namespace}/${m.metadata.name}`).sort();
    expect(names).toEqual([
      'shop-data/allow-dns',
      'shop-data/default-deny-all',
      'shop-data/orders-db-allow-from-checkout',
      'shop-data/redis-allow-from-checkout',
      'shop-web/allow-dns',
      'shop-web/checkout-allow-egress-203-0-113-0-24',
      'shop-web/checkout-allow-from-storefront',
      'shop-web/checkout-allow-to-orders-db',
      'shop-web/checkout-allow-to-redis',
      'shop-web/default-deny-all',
      'shop-web/storefront-allow-from-ingress-nginx',
      'shop-web/storefront-allow-to-checkout',
    ]);
    expect(shop.filter(m => m.kind === 'Namespace').map(m => m.metadata.name).sort()).toEqual(['shop-data', 'shop-web']);
  });

  test('the cross-namespace halves name the other end by namespace AND pods', () => {
    const egress = synthesized('shop-web', 'checkout-allow-to-orders-db');
    expect(egress.spec.egress[0].to).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop-data' } },
      podSelector: { matchLabels: { app: 'orders-db' } },
    }]);
    const ingress = synthesized('shop-data', 'orders-db-allow-from-checkout');
    expect(ingress.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop-web' } },
      podSelector: { matchLabels: { app: 'checkout' } },
    }]);
  });

  test('synthesis is deterministic: a second build gives the same manifests', () => {
    const again = buildApp().node.children.filter((c): c is Chart => c instanceof Chart).flatMap(chart => chart.toJson());
    expect(again).toEqual(manifests);
  });

  test('the whole example output matches the reviewed snapshot', () => {
    expect(manifests.filter(m => m.kind === 'NetworkPolicy' || m.kind === 'Namespace')).toMatchSnapshot();
  });
});
