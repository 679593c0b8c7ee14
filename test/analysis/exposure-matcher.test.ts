/**
 * `toBeExposedOnlyTo`, `exposuresBeyond` and `workloadExposure` (lib/testing): a workload of a cdk8s app must not be
 * open to more than the peers a test names, beyond the app's own workloads.
 */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowConnection, AllowFrom, IsolatedNamespace, Peer, Port, Selector } from '../../lib';
import { exposuresBeyond, netpolMatchers, workloadExposure } from '../../lib/testing';

expect.extend(netpolMatchers);

/**
 * The README's shop: a closed namespace (default deny, DNS to kube-system), frontend -> api on 8080, and a
 * Prometheus scrape of api on 9090, written as one AND peer or (the classic mistake) as two OR peers.
 */
function shop(or = false): { chart: Chart; api: kplus.Deployment } {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  new IsolatedNamespace(chart, 'ns', { namespaceName: 'shop' });
  const frontend = new kplus.Deployment(chart, 'frontend', { metadata: { name: 'frontend' }, podMetadata: { labels: { app: 'frontend' } }, containers: [{ image: 'f', portNumber: 8080 }] });
  const api = new kplus.Deployment(chart, 'api', { metadata: { name: 'api' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'a', portNumber: 8080 }] });
  new AllowConnection(chart, 'frontend-to-api', { source: Peer.workload(frontend), destination: Peer.workload(api), ports: [Port.tcp(8080)] });
  const monitoring = Selector.labels({ purpose: 'monitoring' });
  const prometheus = Selector.labels({ app: 'prometheus' });
  new AllowFrom(chart, 'scrape', {
    pods: Selector.podsOf(api),
    peers: or ? [Peer.namespaces(monitoring), Peer.pods(prometheus)] : [Peer.podsInNamespaces(monitoring, prometheus)],
    ports: [Port.tcp(9090)],
  });
  return { chart, api };
}

const SCRAPE = { namespaceLabels: { purpose: 'monitoring' }, labels: { app: 'prometheus' } };
const DNS = { namespace: 'kube-system' };

describe('toBeExposedOnlyTo', () => {
  test('passes when every exposure is covered: the scrape (AND) and DNS', () => {
    const { chart, api } = shop();
    expect(chart).toBeExposedOnlyTo('shop/api', [SCRAPE, DNS]);
    expect(chart).toBeExposedOnlyTo(api, [SCRAPE, DNS]);
    expect(chart).toBeExposedOnlyTo('shop/frontend', [DNS]);
  });

  test('fails on the OR mistake, naming every pod of monitoring namespaces and prometheus pods of shop', () => {
    // GIVEN the scrape written as two peers
    const { chart } = shop(true);
    // THEN the failure lists the two exposures no allowed peer covers
    const message = 'expected shop/api[Deployment] to be exposed beyond the app\'s workloads only to {"namespaceLabels":{"purpose":"monitoring"},"labels":{"app":"prometheus"}}, {"namespace":"kube-system"}, but it is also exposed to:\n'
      + '  shop/api[Deployment] \t<= \t[namespace with {purpose=monitoring}]/[all pods] : TCP 9090\n'
      + '  shop/api[Deployment] \t<= \tshop/[pod with {app=prometheus}] : TCP 9090\n';
    expect(() => expect(chart).toBeExposedOnlyTo('shop/api', [SCRAPE, DNS])).toThrow(message);
  });

  test('fails when an exposure is left out of the allowed peers, and passes with .not', () => {
    const { chart } = shop();
    expect(() => expect(chart).toBeExposedOnlyTo('shop/api', [SCRAPE])).toThrow(/also exposed to:\n {2}shop\/api\[Deployment\] \t=> \tkube-system\/\[all pods\] : TCP 53,UDP 53\n/);
    expect(chart).not.toBeExposedOnlyTo('shop/frontend', []);
  });

  test('checks one direction when asked', () => {
    const { chart } = shop();
    expect(chart).toBeExposedOnlyTo('shop/api', [SCRAPE], { direction: 'ingress' });
    expect(chart).toBeExposedOnlyTo('shop/api', [DNS], { direction: 'egress' });
    expect(chart).not.toBeExposedOnlyTo('shop/api', [DNS], { direction: 'ingress' });
  });

  test('an unprotected workload is open to the entire cluster and every address', () => {
    // GIVEN a chart without any policy
    const chart = new Chart(Testing.app(), 'open', { namespace: 'open' });
    new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, podMetadata: { labels: { app: 'web' } }, containers: [{ image: 'w' }] });
    // THEN nothing narrower covers it; the entire cluster and 0.0.0.0/0 do
    expect(chart).not.toBeExposedOnlyTo('open/web', ['entire-cluster']);
    expect(chart).not.toBeExposedOnlyTo('open/web', [{ cidr: '10.0.0.0/8' }, 'entire-cluster']);
    expect(chart).toBeExposedOnlyTo('open/web', ['entire-cluster', { cidr: '0.0.0.0/0' }]);
  });

  test('covers pods of a namespace the app declares with the labels, and pods of a namespace by name', () => {
    // GIVEN egress from api to every pod of namespace ops, which the app declares with team=ops
    const { chart, api } = shop();
    new IsolatedNamespace(chart, 'ops', { namespaceName: 'ops', labels: { team: 'ops' } });
    new AllowConnection(chart, 'api-to-ops', { source: Peer.workload(api), destination: Peer.podsInNamespace('ops', Selector.labels({ app: 'queue' })), ports: [Port.tcp(5672)] });
    // THEN the namespace's labels, its name, or its name and the pods' labels cover the exposure; other labels do not
    expect(chart).toBeExposedOnlyTo('shop/api', [{ namespaceLabels: { team: 'ops' } }, DNS], { direction: 'egress' });
    expect(chart).toBeExposedOnlyTo('shop/api', [{ namespace: 'ops', labels: { app: 'queue' } }, DNS], { direction: 'egress' });
    expect(chart).not.toBeExposedOnlyTo('shop/api', [{ namespace: 'ops', labels: { app: 'other' } }, DNS], { direction: 'egress' });
    expect(chart).not.toBeExposedOnlyTo('shop/api', [{ namespaceLabels: { team: 'dev' } }, DNS], { direction: 'egress' });
  });

  test('rejects malformed allowed peers and unknown workloads with a message', () => {
    const { chart } = shop();
    expect(() => expect(chart).toBeExposedOnlyTo('shop/api', [{ namespace: 'a', namespaceLabels: { b: 'c' } } as never])).toThrow(/give namespace or namespaceLabels, not both/);
    expect(() => expect(chart).toBeExposedOnlyTo('shop/api', [{ cidr: '10.0.0.1/8' }])).toThrow(/host bits|10\.0\.0\.0\/8/);
    expect(() => expect(chart).toBeExposedOnlyTo('shop/nope', [])).toThrow(/no workload "shop\/nope"/);
  });
});

describe('exposuresBeyond and workloadExposure', () => {
  test('exposuresBeyond lists what the allowed peers do not cover, for other test frameworks', () => {
    const { chart } = shop(true);
    const beyond = exposuresBeyond(chart, 'shop/api', [DNS]);
    expect(beyond.map(b => `${b.direction} ${b.exposure.peer.name} : ${b.exposure.conns}`)).toEqual([
      'ingress [namespace with {purpose=monitoring}]/[all pods] : TCP 9090',
      'ingress shop/[pod with {app=prometheus}] : TCP 9090',
    ]);
  });

  test('workloadExposure gives the plain data of one workload', () => {
    const { chart } = shop();
    const exposure = workloadExposure(chart, 'shop/frontend');
    expect(exposure.workload).toEqual({ type: 'workload', namespace: 'shop', name: 'frontend', kind: 'Deployment' });
    expect(exposure.ingress).toEqual({ protected: true, exposures: [] });
    expect(exposure.egress.exposures.map(e => `${e.peer.name} : ${e.conns}`)).toEqual(['kube-system/[all pods] : TCP 53,UDP 53']);
  });
});
