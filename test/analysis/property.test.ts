import * as fc from 'fast-check';
import { Analysis, ConnectionSet, endpointName, parseAddress } from '../../lib/analysis';
import { checkPolicy } from '../../lib/model/validation';
import { ClusterModel, Protocol } from '../../lib/model/types';
import { clusterArb, SAMPLE_IPS, SAMPLE_PORTS } from '../support/arbitraries';
import { referenceAllowed } from '../support/reference';

const PROTOCOLS = [Protocol.TCP, Protocol.UDP, Protocol.SCTP];

function ipv4Number(ip: string): number {
  return Number(parseAddress(ip)!.address);
}

/** Every disagreement between the engine's connection list and the reference, as text (empty when they agree). */
function disagreements(cluster: ClusterModel): string[] {
  const connections = Analysis.of(cluster).connections();
  const byPair = new Map<string, ConnectionSet>();
  const external: { src: boolean; first: number; last: number; workload: string; conns: ConnectionSet }[] = [];
  for (const c of connections) {
    if (c.src.type === 'external' && c.dst.type === 'workload') {
      external.push({ src: true, first: ipv4Number(c.src.first), last: ipv4Number(c.src.last), workload: endpointName(c.dst), conns: c.conns });
    } else if (c.dst.type === 'external' && c.src.type === 'workload') {
      external.push({ src: false, first: ipv4Number(c.dst.first), last: ipv4Number(c.dst.last), workload: endpointName(c.src), conns: c.conns });
    } else {
      byPair.set(`${endpointName(c.src)} => ${endpointName(c.dst)}`, c.conns);
    }
  }
  const problems: string[] = [];
  const name = (w: { namespaceName: string; name: string; kind: string }) => `${w.namespaceName}/${w.name}[${w.kind}]`;
  for (const src of cluster.workloads) {
    for (const dst of cluster.workloads) {
      if (src === dst) continue;
      const key = `${name(src)} => ${name(dst)}`;
      const conns = byPair.get(key) ?? ConnectionSet.NONE;
      for (const protocol of PROTOCOLS) {
        for (const port of SAMPLE_PORTS) {
          const expected = referenceAllowed(cluster, { workload: src }, { workload: dst }, protocol, port);
          if (conns.contains(protocol, port) !== expected) problems.push(`${key} ${protocol} ${port}: engine ${!expected}, reference ${expected}`);
        }
      }
    }
    for (const ip of SAMPLE_IPS) {
      const n = ipv4Number(ip);
      for (const asSource of [true, false]) {
        const line = external.find(e => e.src === asSource && e.workload === name(src) && e.first <= n && n <= e.last);
        for (const protocol of PROTOCOLS) {
          for (const port of SAMPLE_PORTS) {
            const expected = asSource
              ? referenceAllowed(cluster, { ip }, { workload: src }, protocol, port)
              : referenceAllowed(cluster, { workload: src }, { ip }, protocol, port);
            const actual = line ? line.conns.contains(protocol, port) : false;
            if (actual !== expected) problems.push(`${asSource ? `${ip} => ${name(src)}` : `${name(src)} => ${ip}`} ${protocol} ${port}: engine ${actual}, reference ${expected}`);
          }
        }
      }
    }
  }
  return problems;
}

describe('the engine agrees with a naive reference evaluator', () => {
  test('the generated clusters hold only valid policies', () => {
    // GIVEN random clusters
    // WHEN every policy is validated
    // THEN none has a problem, so the comparison below is about semantics, not garbage input
    fc.assert(fc.property(clusterArb, cluster => cluster.policies.every(p => checkPolicy(p).length === 0)), { numRuns: 200 });
  });

  test('on sampled ports and addresses of 2,000 random small clusters', () => {
    // GIVEN random clusters of 2-3 namespaces, 2-5 workloads and 0-4 policies
    // WHEN the engine's connection list is compared with the reference on every workload pair, sampled protocol/port
    //      and sampled external address in both directions
    // THEN they never disagree
    fc.assert(fc.property(clusterArb, cluster => {
      const problems = disagreements(cluster);
      if (problems.length > 0) throw new Error(`${problems.length} disagreements, e.g.\n${problems.slice(0, 5).join('\n')}`);
    }), { numRuns: 2000 });
  });

  test('allowed() agrees with the connection list', () => {
    // GIVEN random clusters
    // WHEN allowed() is asked about every workload pair on sampled ports
    // THEN it answers what the reference answers
    fc.assert(fc.property(clusterArb, fc.constantFrom(...PROTOCOLS), fc.constantFrom(...SAMPLE_PORTS), (cluster, protocol, port) => {
      const analysis = Analysis.of(cluster);
      for (const src of cluster.workloads) {
        for (const dst of cluster.workloads) {
          const expected = referenceAllowed(cluster, { workload: src }, { workload: dst }, protocol, port);
          if (analysis.allowed(`${src.namespaceName}/${src.name}`, `${dst.namespaceName}/${dst.name}`, port, protocol) !== expected) return false;
          if (analysis.explain(`${src.namespaceName}/${src.name}`, `${dst.namespaceName}/${dst.name}`, port, protocol).allowed !== expected) return false;
        }
      }
      return true;
    }), { numRuns: 300 });
  });
});
