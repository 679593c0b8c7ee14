/**
 * IWorkload: the workloads of every supported cdk8s-plus version are targets and peers as they are. The factories
 * below are typed `(chart: Chart) => IWorkload` with no cast, so `npm run typecheck` proves the types fit; the tests
 * prove what renders.
 */
import { Chart, Cron, Testing } from 'cdk8s';
import * as kplus28 from 'cdk8s-plus-28';
import * as kplus33 from 'cdk8s-plus-33';
import { AllowConnection, AllowFrom, IWorkload, Peer, Port, Selector } from '../lib';

function chartIn(namespace: string): Chart {
  return new Chart(Testing.app(), 'app', { namespace });
}

function policySpec(chart: Chart, name: string): any {
  const policy = Testing.synth(chart).find(o => o.kind === 'NetworkPolicy' && o.metadata.name === name);
  if (!policy) throw new Error(`no NetworkPolicy ${name}`);
  return policy.spec;
}

const pod = { podMetadata: { labels: { app: 'w' } }, containers: [{ image: 'w' }] };

const kinds28: Array<[string, (chart: Chart) => IWorkload]> = [
  ['Deployment', chart => new kplus28.Deployment(chart, 'w', pod)],
  ['StatefulSet', chart => new kplus28.StatefulSet(chart, 'w', { ...pod, service: new kplus28.Service(chart, 's', { ports: [{ port: 80 }] }) })],
  ['DaemonSet', chart => new kplus28.DaemonSet(chart, 'w', pod)],
  ['Job', chart => new kplus28.Job(chart, 'w', pod)],
  ['CronJob', chart => new kplus28.CronJob(chart, 'w', { ...pod, schedule: Cron.hourly() })],
  ['Pod', chart => new kplus28.Pod(chart, 'w', { metadata: { labels: { app: 'w' } }, containers: [{ image: 'w' }] })],
];

const kinds33: Array<[string, (chart: Chart) => IWorkload]> = [
  ['Deployment', chart => new kplus33.Deployment(chart, 'w', pod)],
  ['StatefulSet', chart => new kplus33.StatefulSet(chart, 'w', { ...pod, service: new kplus33.Service(chart, 's', { ports: [{ port: 80 }] }) })],
  ['DaemonSet', chart => new kplus33.DaemonSet(chart, 'w', pod)],
  ['Job', chart => new kplus33.Job(chart, 'w', pod)],
  ['CronJob', chart => new kplus33.CronJob(chart, 'w', { ...pod, schedule: Cron.hourly() })],
  ['Pod', chart => new kplus33.Pod(chart, 'w', { metadata: { labels: { app: 'w' } }, containers: [{ image: 'w' }] })],
];

describe.each([['cdk8s-plus-28', kinds28], ['cdk8s-plus-33', kinds33]])('%s workloads', (_version, kinds) => {
  test.each(kinds)('a %s is a target and a peer, selected by its own pod labels only', (_kind, make) => {
    // GIVEN
    const chart = chartIn('production');
    const workload = make(chart);

    // WHEN
    new AllowFrom(chart, 'in', { pods: Selector.podsOf(workload), peers: [Peer.workload(workload)], ports: [Port.tcp(80)] });

    // THEN the generated cdk8s.io/metadata.addr label is not part of the selectors
    const spec = policySpec(chart, 'w-allow-from-w');
    expect(spec.podSelector).toEqual({ matchLabels: { app: 'w' } });
    expect(spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { app: 'w' } } }]);
  });
});

describe('cdk8s-plus-33 workloads across namespaces', () => {
  test('AllowConnection takes them as source and destination, each half in its workload\'s namespace', () => {
    // GIVEN two namespaces declared by their charts
    const app = Testing.app();
    const web = new Chart(app, 'web', { namespace: 'web' });
    const data = new Chart(app, 'data', { namespace: 'data' });
    const checkout = new kplus33.Deployment(web, 'checkout', { podMetadata: { labels: { app: 'checkout' } }, containers: [{ image: 'c' }] });
    const db = new kplus33.StatefulSet(data, 'orders-db', {
      podMetadata: { labels: { app: 'orders-db' } }, containers: [{ image: 'postgres', portNumber: 5432 }],
      service: new kplus33.Service(data, 'orders-db-svc', { ports: [{ port: 5432 }] }),
    });

    // WHEN
    new AllowConnection(web, 'checkout-to-db', { source: Peer.workload(checkout), destination: Peer.workload(db), ports: [Port.POSTGRES] });

    // THEN egress on checkout in web, ingress on orders-db in data, each naming the other by namespace and labels
    const policies = Testing.synth(web).filter(o => o.kind === 'NetworkPolicy');
    const egress = policies.find(p => p.spec.egress);
    const ingress = policies.find(p => p.spec.ingress);
    expect(egress.metadata.namespace).toBe('web');
    expect(egress.spec.podSelector).toEqual({ matchLabels: { app: 'checkout' } });
    expect(egress.spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'orders-db' } } }]);
    expect(ingress.metadata.namespace).toBe('data');
    expect(ingress.spec.podSelector).toEqual({ matchLabels: { 'app': 'orders-db' } });
    expect(ingress.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } }, podSelector: { matchLabels: { app: 'checkout' } } }]);
  });

  test('a workload without pod labels of its own is refused at synth (labels may be added until then), naming it and the fix', () => {
    const chart = chartIn('production');
    const bare = new kplus33.Deployment(chart, 'bare', { containers: [{ image: 'b' }] });
    new AllowFrom(chart, 'in', { name: 'in', pods: Selector.podsOf(bare), peers: [Peer.anyone()], ports: [Port.tcp(80)] });
    expect(() => Testing.synth(chart)).toThrow(/Deployment "app\/bare" has no pod labels of its own .* podMetadata: \{ labels: \{ app: "bare" \} \}/);
  });
});
