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
import { buildPlan, generateTypeScript, generateYaml } from '../../lib/flows/codegen';
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

/** Records as real Hubble records are shaped, with odd values in every field a policy could end up holding. */
const oddRecord = fc.record({
  namespace: fc.oneof(fc.constantFrom('shop', 'kube-system', 'Prod_NS', '', 'a'.repeat(64), undefined), fc.string({ maxLength: 70 }), fc.integer()),
  labelKey: fc.oneof(fc.constantFrom('app', 'app.kubernetes.io/name', 'k8s-app', 'bad key', 'a/b/c', '', 'pod-template-hash'), fc.string({ maxLength: 70 })),
  labelValue: fc.oneof(fc.constantFrom('api', 'kube-dns', 'bad value', 'x'.repeat(64), '-a', ''), fc.string({ maxLength: 70 })),
  oddLabel: fc.oneof(fc.constant(undefined), fc.constant(42), fc.constant(null), fc.string({ maxLength: 20 })),
  protocol: fc.constantFrom('TCP', 'UDP', 'SCTP', 'ICMPv4', 'tcp'),
  port: fc.oneof(fc.integer({ min: -1, max: 70000 }), fc.constantFrom(53, 8080, '443', 'http', undefined, null, 1.5)),
  sourcePort: fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(53, 443, 40112, undefined)),
  flags: fc.constantFrom(undefined, { SYN: true }, { SYN: true, ACK: true }, { ACK: true }, { ACK: true, FIN: true }, {}),
  isReply: fc.constantFrom(true, false, undefined, null, {}, { value: true }, 'yes'),
  reply: fc.constantFrom(true, false, undefined),
  verdict: fc.constantFrom('FORWARDED', 'AUDIT', 'DROPPED', 'ERROR', 1, 4, undefined),
  world: fc.boolean(),
  ip: fc.oneof(fc.constantFrom('203.0.113.7', '2001:db8::1', '203.0.113.300', 'example.com', ''), fc.string({ maxLength: 20 })),
  wrapped: fc.boolean(),
});

function oddLine(r: typeof oddRecord extends fc.Arbitrary<infer T> ? T : never): string {
  const labels: unknown[] = [`k8s:${r.labelKey}=${r.labelValue}`, 'k8s:io.kubernetes.pod.namespace=shop'];
  if (r.oddLabel !== undefined) labels.push(r.oddLabel);
  const pod = { namespace: r.namespace, labels, pod_name: 'api-5d4b8c7f9-m7wq2', workloads: [{ name: 'api', kind: 'Deployment' }] };
  const client = { namespace: 'shop', labels: ['k8s:app=web'], pod_name: 'web-7c9f8d6b5-x2k4j' };
  const flow = {
    verdict: r.verdict, Type: 'L3_L4', is_reply: r.isReply, reply: r.reply,
    IP: { source: r.world ? r.ip : '10.244.1.5', destination: '10.244.2.9' },
    l4: { [r.protocol]: { source_port: r.sourcePort, destination_port: r.port, flags: r.flags } },
    source: r.world ? { identity: 2, labels: ['reserved:world'] } : client, destination: pod,
  };
  return JSON.stringify(r.wrapped ? { flow, node_name: 'kind-worker', time: '2026-11-20T09:14:02Z' } : flow);
}

describe('from-flows on records with odd values', () => {
  test('never throws, and accounts for every record: kept, a reply, not L4, dropped, another verdict, invalid or of unknown direction', () => {
    fc.assert(fc.property(fc.array(oddRecord, { minLength: 1, maxLength: 12 }), records => {
      const parsed = parseHubbleFlows(records.map(oddLine).join('\n'));
      const plan = inferPlan(parsed.flows);
      expect(() => generateTypeScript(plan)).not.toThrow();
      expect(() => generateYaml(plan)).not.toThrow();
      const s = parsed.stats;
      const others = Object.values(s.otherVerdicts).reduce((a, b) => a + b, 0);
      expect(s.kept + s.replies + s.notL4 + s.dropped + others + s.invalid + s.undecided).toBe(s.records);
      expect(s.records + s.unreadable).toBe(records.length);
      // AND nothing kept names an invalid namespace or port
      for (const f of parsed.flows) expect(f.port >= 1 && f.port <= 65535 && (f.destination.namespace === undefined || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(f.destination.namespace))).toBe(true);
    }), { numRuns: 80 });
  });
});

