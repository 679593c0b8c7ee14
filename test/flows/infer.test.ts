import { generateYaml } from '../../lib/flows/codegen';
import { FlowEndpoint, parseHubbleFlows } from '../../lib/flows/hubble';
import { inferPlan } from '../../lib/flows/infer';
import { fixtureText } from './support';
import { COREDNS, flow, pod, world } from './flows';

const web = pod('shop', 'web', { app: 'web' });
const api = pod('shop', 'api', { app: 'api' });
const db = pod('data', 'db', { 'app.kubernetes.io/name': 'postgres' });

describe('inferPlan', () => {
  test('one allow per observed workload pair, listing exactly the observed ports with their flow counts', () => {
    // GIVEN web -> api on two ports, twice on one, and api -> db
    const plan = inferPlan([flow(web, api, 'TCP', 8080), flow(web, api, 'TCP', 8080), flow(web, api, 'TCP', 9090), flow(api, db, 'TCP', 5432)]);
    // THEN two connections, sorted, with per-port counts
    expect(plan.connections.map(c => [`${c.source.namespaceName}/${c.source.name}`, `${c.destination.namespaceName}/${c.destination.name}`, c.ports])).toEqual([
      ['shop/api', 'data/db', [{ protocol: 'TCP', port: 5432, flows: 1 }]],
      ['shop/web', 'shop/api', [{ protocol: 'TCP', port: 8080, flows: 2 }, { protocol: 'TCP', port: 9090, flows: 1 }]],
    ]);
    expect(plan.namespaces.map(n => [n.name, n.isolated, n.workloads.map(w => w.name)])).toEqual([['data', true, ['db']], ['shop', true, ['api', 'web']]]);
    expect(plan.flowCount).toBe(4);
  });

  test('DNS: UDP and TCP 53 to kube-dns pods is DNS access of the source namespace, not a connection', () => {
    // GIVEN shop resolving names over UDP and TCP; data never resolving
    const plan = inferPlan([flow(web, COREDNS, 'UDP', 53), flow(api, COREDNS, 'UDP', 53), flow(api, COREDNS, 'TCP', 53), flow(api, db, 'TCP', 5432)]);
    // THEN
    expect(plan.connections).toHaveLength(1);
    const shop = plan.namespaces.find(n => n.name === 'shop')!;
    expect(shop.dns).toEqual({ udpFlows: 2, tcpFlows: 1, dnsPods: { 'k8s-app': 'kube-dns' } });
    expect(plan.namespaces.find(n => n.name === 'data')!.dns).toBeUndefined();
    expect(plan.namespaces.find(n => n.name === 'kube-system')).toMatchObject({ isolated: false, dns: undefined });
    expect(plan.notes).toEqual([]);
  });

  test('DNS: notes when TCP 53 was not observed (it is allowed anyway)', () => {
    const plan = inferPlan([flow(web, COREDNS, 'UDP', 53)]);
    expect(plan.namespaces.find(n => n.name === 'shop')!.dns).toEqual({ udpFlows: 1, tcpFlows: 0, dnsPods: { 'k8s-app': 'kube-dns' } });
    expect(plan.notes).toEqual(['shop: only UDP 53 was observed to the cluster DNS; TCP 53 is allowed as well, because answers larger than a datagram are retried over TCP']);
  });

  test('DNS: recognises CoreDNS by name or app label; port 53 elsewhere is an ordinary connection', () => {
    const coredns = pod('kube-system', 'coredns', { 'app.kubernetes.io/name': 'coredns' });
    const resolver = pod('infra', 'unbound', { app: 'unbound' });
    const plan = inferPlan([flow(web, coredns, 'UDP', 53), flow(web, resolver, 'UDP', 53)]);
    expect(plan.namespaces.find(n => n.name === 'shop')!.dns).toMatchObject({ udpFlows: 1, dnsPods: { 'app.kubernetes.io/name': 'coredns' } });
    expect(plan.connections.map(c => `${c.destination.namespaceName}/${c.destination.name}`)).toEqual(['infra/unbound']);
  });

  test('DNS: two DNS workloads observed means any pod of kube-system', () => {
    const nodeCache = pod('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns', tier: 'node' });
    const plan = inferPlan([flow(web, COREDNS, 'UDP', 53), flow(api, nodeCache, 'UDP', 53)]);
    expect(plan.namespaces.find(n => n.name === 'shop')!.dns).toEqual({ udpFlows: 2, tcpFlows: 0, dnsPods: undefined });
  });

  test('kube-system is never isolated; traffic within it is skipped and noted', () => {
    const metrics = pod('kube-system', 'metrics-server', { 'k8s-app': 'metrics-server' });
    const plan = inferPlan([flow(metrics, web, 'TCP', 10250), flow(metrics, COREDNS, 'UDP', 53), flow(COREDNS, world('1.1.1.1'), 'UDP', 53)]);
    expect(plan.connections.map(c => `${c.source.name}->${c.destination.name}`)).toEqual(['metrics-server->web']);
    expect(plan.cidrAllows).toEqual([]);
    expect(plan.notes).toEqual([
      'skipped 2 flows within excluded namespaces (kube-system), or between them and addresses outside the cluster, where no policy is written',
    ]);
  });

  test('external destinations: CIDRs per workload and port; ports with the same CIDRs share one allow', () => {
    // GIVEN api reaching two addresses of one /24 on 443 and 8443, and a third address on 443 only
    const plan = inferPlan([
      flow(api, world('203.0.113.10'), 'TCP', 443, { destinationNames: ['pay.example'] }),
      flow(api, world('203.0.113.20'), 'TCP', 443),
      flow(api, world('203.0.113.10'), 'TCP', 8443),
      flow(api, world('203.0.113.20'), 'TCP', 8443),
      flow(api, world('192.0.2.1'), 'UDP', 123),
    ]);
    // THEN
    expect(plan.cidrAllows.map(a => [a.direction, a.cidrs, a.ports.map(p => `${p.protocol} ${p.port}`), a.names])).toEqual([
      ['egress', ['192.0.2.1/32'], ['UDP 123'], []],
      ['egress', ['203.0.113.0/27'], ['TCP 443', 'TCP 8443'], ['pay.example']],
    ]);
  });

  test('external sources become an ingress allow on the destination workload', () => {
    const plan = inferPlan([flow(world('198.51.100.7'), web, 'TCP', 443), flow(world('198.51.100.9'), web, 'TCP', 443)]);
    expect(plan.cidrAllows).toMatchObject([{ direction: 'ingress', cidrs: ['198.51.100.0/28'], addresses: ['198.51.100.7', '198.51.100.9'] }]);
  });

  test('reserved identities other than world and the API server are skipped with a note', () => {
    const host = { labels: ['reserved:host'], ip: '172.18.0.3' };
    const apiserver = { labels: ['reserved:kube-apiserver'], ip: '172.18.0.2' };
    const plan = inferPlan([flow(host, web, 'TCP', 8080), flow(web, apiserver, 'TCP', 6443)]);
    expect(plan.cidrAllows).toMatchObject([{ direction: 'egress', cidrs: ['172.18.0.2/32'] }]);
    expect(plan.notes).toContain('skipped 1 flow involving reserved:host, which no NetworkPolicy peer can name');
    expect(plan.notes.some(n => n.includes('toEntities: kube-apiserver'))).toBe(true);
  });

  test('pods without stable labels are skipped with a note saying how to fix it', () => {
    const bare = { namespace: 'shop', labels: ['k8s:pod-template-hash=1', 'k8s:io.kubernetes.pod.namespace=shop'], podName: 'bare-1-x' };
    const plan = inferPlan([flow(bare, api, 'TCP', 8080)]);
    expect(plan.connections).toEqual([]);
    expect(plan.notes).toContain('pod shop/bare-1-x has no stable labels, so no selector can pick it; its flows were skipped. Label its workload (e.g. app=<name>) and observe again');
  });

  test('pods whose labels an export field mask removed: one note naming them and how to include the labels, not "label the workload"', () => {
    // GIVEN records of an exporter whose field mask left out source.labels and destination.labels
    const masked = (endpoint: FlowEndpoint): FlowEndpoint => ({ ...endpoint, labels: [], labelsMissing: true });
    const plan = inferPlan([flow(masked(web), masked(api), 'TCP', 8080), flow(masked(web), masked(db), 'TCP', 5432)]);
    // THEN nothing is allowed, and the note says the labels are missing from the export
    expect(plan.connections).toEqual([]);
    expect(plan.notes).toEqual([
      'skipped 2 flows involving pods whose labels are missing from the export, which no NetworkPolicy peer can name',
      'the labels of 3 pods are missing from the export (data/db-7c9f8d6b5-x2k4j, shop/api-7c9f8d6b5-x2k4j, shop/web-7c9f8d6b5-x2k4j): their records have no '
        + 'source.labels or destination.labels, which a field mask of the export removes, so no selector could be chosen and their flows were skipped. '
        + 'Include the labels and capture again: for the Hubble exporter, add source.labels and destination.labels to its field mask '
        + '(hubble-export-fieldmask; Helm: hubble.export.static.fieldMask); for hubble observe, add them to --experimental-field-mask '
        + '(--field-mask from Cilium 1.19) or leave the mask out',
    ]);
    expect(plan.notes.join('\n')).not.toContain('Label its workload');
  });

  test('from a Hubble export with the labels masked out (parsed), the note is the field-mask one', () => {
    const record = (source: object, destination: object) => JSON.stringify({ flow: { verdict: 'FORWARDED', is_reply: false, source, destination, l4: { TCP: { source_port: 40112, destination_port: 8080, flags: { SYN: true } } } } });
    const text = record({ namespace: 'shop', pod_name: 'web-1', identity: 31001 }, { namespace: 'shop', pod_name: 'api-1', identity: 31002 });
    const plan = inferPlan(parseHubbleFlows(text).flows);
    expect(plan.notes.some(n => n.startsWith('the labels of 2 pods are missing from the export (shop/api-1, shop/web-1)'))).toBe(true);
  });

  test('a flow with a value no policy can hold, given directly, is skipped with a note naming its line, and never reaches the constructs', () => {
    // GIVEN flows built by a caller (not parsed): an invalid namespace, label value and port next to a good one
    const bad = [
      flow(web, { ...api, namespace: 'Prod_NS' }, 'TCP', 8080, { line: 3 }),
      flow(web, pod('shop', 'odd', { app: 'bad value' }), 'TCP', 8080, { line: 4 }),
      flow(web, api, 'TCP', 0, { line: 5 }),
    ];
    const plan = inferPlan([flow(web, api, 'TCP', 9090), ...bad]);
    // THEN only the good one is planned, and each bad one is noted
    expect(plan.connections.map(c => c.ports.map(p => p.port))).toEqual([[9090]]);
    expect(plan.flowCount).toBe(1);
    expect(plan.notes).toContain('the flow of line 3 was skipped: destination namespace "Prod_NS": namespace name "Prod_NS" is not a DNS-1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit (e.g. "prod-ns")');
    expect(plan.notes).toContain('the flow of line 4 was skipped: destination labels[0] "k8s:app=bad value": label value "bad value" is not valid: use letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit (or the empty string)');
    expect(plan.notes).toContain('the flow of line 5 was skipped: port 0: port 0 is not an integer from 1 to 65535');
    expect(() => generateYaml(plan)).not.toThrow();
  });

  test('workloads with the same derived name but different labels get distinct names', () => {
    // GIVEN two pods without a recorded workload, both named api-<hash>-<suffix>
    const a = { ...pod('shop', 'api', { app: 'api', track: 'stable' }), workloadName: undefined };
    const b = { ...pod('shop', 'api', { app: 'api', track: 'canary' }), workloadName: undefined };
    const plan = inferPlan([flow(web, a, 'TCP', 80), flow(web, b, 'TCP', 80)]);
    expect(plan.namespaces[0].workloads.map(w => [w.name, w.selector])).toEqual([
      ['api', { app: 'api', track: 'canary' }],
      ['api-2', { app: 'api', track: 'stable' }],
      ['web', { app: 'web' }],
    ]);
  });

  test('pods of one workload whose labels changed during the capture are one workload, selected by the labels they share', () => {
    // GIVEN checkout rolled out from version v1 to v2 mid-capture
    const v1 = pod('shop', 'checkout', { app: 'checkout', version: 'v1' }, 'aaaaa');
    const v2 = pod('shop', 'checkout', { app: 'checkout', version: 'v2', canary: 'true' }, 'bbbbb');
    const plan = inferPlan([flow(web, v1, 'TCP', 8080), flow(web, v2, 'TCP', 8080)]);
    // THEN one workload, one allow, and a note naming the labels left out
    expect(plan.namespaces[0].workloads.map(w => [w.name, w.labels])).toEqual([['checkout', { app: 'checkout' }], ['web', { app: 'web' }]]);
    expect(plan.connections).toHaveLength(1);
    expect(plan.notes).toEqual(['labels that differ between pods of shop/checkout are not used to select it: canary, version']);
  });

  test('a workload whose pods share no label is skipped with a note', () => {
    const a = pod('shop', 'odd', { app: 'one' }, 'aaaaa');
    const b = pod('shop', 'odd', { app: 'two' }, 'bbbbb');
    const plan = inferPlan([flow(web, a, 'TCP', 80), flow(web, b, 'TCP', 80), flow(web, api, 'TCP', 80)]);
    expect(plan.connections.map(c => c.destination.name)).toEqual(['api']);
    expect(plan.notes).toContain('the pods of shop/odd share no stable label, so no selector can pick them; their flows were skipped. Give the workload a label of its own (e.g. app=odd)');
  });

  test('the shop fixture plan', () => {
    const plan = inferPlan(parseHubbleFlows(fixtureText('shop.jsonl')).flows);
    expect(plan.namespaces.map(n => `${n.name}${n.isolated ? '' : ' (excluded)'}${n.dns ? ' +dns' : ''}`)).toEqual(['ingress-nginx', 'kube-system (excluded)', 'monitoring +dns', 'shop-data', 'shop-web +dns']);
    expect(plan.connections).toHaveLength(7);
    expect(plan.cidrAllows.map(a => `${a.workload.name} ${a.direction} ${a.cidrs.join(',')}`)).toEqual([
      'ingress-nginx-controller ingress 192.0.2.44/32,198.51.100.0/28',
      'checkout egress 203.0.113.0/27',
      'storefront egress 151.101.1.69/32',
    ]);
  });
});
