/**
 * The key property on random captures: whatever traffic is observed (any workloads, ports, verdicts, replies, both
 * Hubble wrappings, a new pod-template-hash on every record), the generated policies allow every kept flow and no
 * other workload-to-workload connection, except the documented DNS widening; and no external address outside the
 * /24 of an observed one.
 */
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { Protocol } from '../../lib';
import { Analysis } from '../../lib/analysis';
import { buildPlan } from '../../lib/flows/codegen';
import { parseHubbleFlows } from '../../lib/flows/hubble';
import { inferPlan } from '../../lib/flows/infer';
import { clusterOf } from '../../lib/cluster-of';
import { observedWorkloadsChart } from './support';

interface Workload { readonly namespace: string; readonly name: string; readonly labels: string[] }

const WORKLOADS: Workload[] = [
  { namespace: 'a', name: 'web', labels: ['app=web', 'tier=front'] },
  { namespace: 'a', name: 'api', labels: ['app.kubernetes.io/name=api', 'app=api-legacy'] },
  { namespace: 'a', name: 'worker', labels: ['role=worker'] },
  { namespace: 'b', name: 'db', labels: ['app.kubernetes.io/name=postgres', 'app.kubernetes.io/component=primary'] },
  { namespace: 'b', name: 'db-replica', labels: ['app.kubernetes.io/name=postgres', 'app.kubernetes.io/component=replica'] },
  { namespace: 'kube-system', name: 'coredns', labels: ['k8s-app=kube-dns'] },
  { namespace: 'kube-system', name: 'metrics-server', labels: ['k8s-app=metrics-server'] },
];
const ADDRESSES = ['203.0.113.10', '203.0.113.20', '198.51.100.7', '192.0.2.1'];
const PORTS: [string, number][] = [['TCP', 80], ['TCP', 443], ['TCP', 8080], ['TCP', 53], ['UDP', 53], ['TCP', 5432], ['UDP', 123]];
const PROBE_PORTS: [string, number][] = [...PORTS, ['TCP', 22], ['UDP', 80]];

type End = { type: 'pod'; w: number } | { type: 'world'; ip: number };
const end: fc.Arbitrary<End> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: WORKLOADS.length - 1 }).map(w => ({ type: 'pod' as const, w })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: ADDRESSES.length - 1 }).map(ip => ({ type: 'world' as const, ip })) },
);
const record = fc.record({
  src: end, dst: end,
  port: fc.integer({ min: 0, max: PORTS.length - 1 }),
  verdict: fc.constantFrom('FORWARDED', 'FORWARDED', 'AUDIT', 'DROPPED'),
  reply: fc.boolean(), wrapped: fc.boolean(), hash: fc.integer({ min: 0x10000000, max: 0xffffffff }).map(n => n.toString(16)),
});

function endpoint(e: End, hash: string): object {
  if (e.type === 'world') return { identity: 2, labels: ['reserved:world'] };
  const w = WORKLOADS[e.w];
  return {
    namespace: w.namespace, pod_name: `${w.name}-${hash}-abcde`, workloads: [{ name: w.name, kind: 'Deployment' }],
    labels: [...w.labels, `pod-template-hash=${hash}`, `io.kubernetes.pod.namespace=${w.namespace}`].map(l => `k8s:${l}`),
  };
}
const ipOf = (e: End) => (e.type === 'world' ? ADDRESSES[e.ip] : `10.0.0.${e.w + 1}`);
const refOf = (e: End) => (e.type === 'world' ? ADDRESSES[e.ip] : `${WORKLOADS[e.w].namespace}/${WORKLOADS[e.w].name}`);

type Rec = typeof record extends fc.Arbitrary<infer T> ? T : never;

function line(r: Rec): string {
  const [proto, port] = PORTS[r.port];
  const flow = {
    verdict: r.verdict, Type: 'L3_L4', is_reply: r.reply, traffic_direction: 'EGRESS',
    IP: { source: ipOf(r.src), destination: ipOf(r.dst), ipVersion: 'IPv4' },
    l4: { [proto]: { source_port: 40000, destination_port: port } },
    source: endpoint(r.src, r.hash), destination: endpoint(r.dst, r.hash),
  };
  return JSON.stringify(r.wrapped ? { flow, node_name: 'n1' } : flow);
}

describe('from-flows on random captures', () => {
  test('allows every kept flow and nothing else between observed workloads', () => {
    fc.assert(fc.property(fc.array(record, { minLength: 1, maxLength: 25 }), records => {
      const parsed = parseHubbleFlows(records.map(line).join('\n'));
      const kept = records.filter(r => !r.reply && r.verdict !== 'DROPPED' && !(r.src.type === 'world' && r.dst.type === 'world'));
      expect(parsed.flows).toHaveLength(records.filter(r => !r.reply && r.verdict !== 'DROPPED').length);
      const plan = inferPlan(parsed.flows);
      const app = new App();
      buildPlan(app, plan);
      observedWorkloadsChart(app, parsed.flows, plan.namespaces.filter(n => n.isolated).map(n => n.name));
      const analysis = Analysis.of(clusterOf(app).cluster);

      const observed = new Set(kept.map(r => `${refOf(r.src)}|${refOf(r.dst)}|${PORTS[r.port].join('|')}`));
      const dnsNamespaces = new Set(kept.filter(r => r.src.type === 'pod' && r.dst.type === 'pod' && WORKLOADS[r.dst.w].name === 'coredns'
        && PORTS[r.port][1] === 53 && WORKLOADS[r.src.w].namespace !== 'kube-system').map(r => WORKLOADS[(r.src as { w: number }).w].namespace));
      const seen = [...new Set(kept.flatMap(r => [r.src, r.dst]).filter(e => e.type === 'pod').map(refOf))].sort();
      const ns = (ref: string) => ref.split('/')[0];
      const wrong: string[] = [];
      for (const src of seen) {
        for (const dst of seen) {
          if (ns(src) === 'kube-system' && ns(dst) === 'kube-system') continue;
          for (const [proto, port] of PROBE_PORTS) {
            const want = observed.has(`${src}|${dst}|${proto}|${port}`)
              || (dst === 'kube-system/coredns' && port === 53 && dnsNamespaces.has(ns(src)));
            if (analysis.allowed(src, dst, port, proto as Protocol) !== want) wrong.push(`${src} -> ${dst} ${proto} ${port}: expected ${want}`);
          }
        }
        // External addresses: observed ones are allowed; none outside the /24 of an observed one, nor 8.8.8.8.
        if (ns(src) === 'kube-system') continue;
        for (const ip of [...ADDRESSES, '8.8.8.8']) {
          for (const [proto, port] of PROBE_PORTS) {
            const near = (dir: 'out' | 'in') => [...observed].some(o => {
              const [s, d, p, n] = o.split('|');
              const [w, a] = dir === 'out' ? [s, d] : [d, s];
              return w === src && p === proto && Number(n) === port && a.split('.').slice(0, 3).join('.') === ip.split('.').slice(0, 3).join('.');
            });
            const out = analysis.allowed(src, ip, port, proto as Protocol);
            const into = analysis.allowed(ip, src, port, proto as Protocol);
            if (observed.has(`${src}|${ip}|${proto}|${port}`) && !out) wrong.push(`${src} -> ${ip} ${proto} ${port}: observed but denied`);
            if (observed.has(`${ip}|${src}|${proto}|${port}`) && !into) wrong.push(`${ip} -> ${src} ${proto} ${port}: observed but denied`);
            if (!near('out') && out) wrong.push(`${src} -> ${ip} ${proto} ${port}: never observed near it but allowed`);
            if (!near('in') && into) wrong.push(`${ip} -> ${src} ${proto} ${port}: never observed near it but allowed`);
          }
        }
      }
      expect(wrong).toEqual([]);
    }), { numRuns: 60 });
  });
});
