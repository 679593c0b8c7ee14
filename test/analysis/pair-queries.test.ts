/**
 * The pair queries (`explain`, `allowed`, `connectionsBetween`) of an analysis whose whole-cluster engine is not
 * built answer from an engine over the two endpoints' workloads alone. Their answers and errors must be those of the
 * whole-cluster engine; cluster-scoped policies are covered in cluster-policies-property.test.ts.
 */
import * as fc from 'fast-check';
import { Analysis, HostNetworkMode } from '../../lib/analysis';
import * as classes from '../../lib/analysis/classes';
import { ClusterModel, PolicyType, Protocol, WorkloadModel } from '../../lib/model/types';
import { clusterArb, SAMPLE_PORTS } from '../support/arbitraries';
import { answer, everyPair, pairQueryArb, wholeAnalysis, withNameClashAndHostNetwork } from '../support/pair-queries';

const hostNetworkArb = fc.constantFrom(HostNetworkMode.AS_POD, HostNetworkMode.NODE);

/** Random clusters, sometimes with an ambiguous name or a host-network workload, with a query and host-network mode. */
const caseArb = fc.tuple(clusterArb, fc.boolean(), fc.boolean(), hostNetworkArb)
  .map(([cluster, clash, hostNetwork, mode]) => ({ cluster: withNameClashAndHostNetwork(cluster, clash, hostNetwork), mode }))
  .chain(({ cluster, mode }) => fc.record({
    cluster: fc.constant(cluster),
    mode: fc.constant(mode),
    queries: fc.array(pairQueryArb(cluster), { minLength: 1, maxLength: 8 }),
    port: fc.constantFrom(...SAMPLE_PORTS),
    protocol: fc.constantFrom(Protocol.TCP, Protocol.UDP, Protocol.SCTP),
  }));

/** A cluster of `namespaces` namespaces with `perNamespace` workloads each, and a default deny per namespace. */
function largerCluster(namespaces: number, perNamespace: number): ClusterModel {
  const names = Array.from({ length: namespaces }, (_, i) => `ns${i}`);
  const workloads: WorkloadModel[] = names.flatMap(ns => Array.from({ length: perNamespace }, (_, i) => ({
    kind: 'Deployment', name: `w${i}`, namespaceName: ns, podLabels: { app: `w${i % 3}` },
  })));
  return {
    namespaces: names.map(name => ({ name, labels: { team: 'red' } })),
    workloads,
    policies: names.map(ns => ({
      name: 'allow-w0', namespaceName: ns, podSelector: { matchLabels: { app: 'w0' } }, policyTypes: [PolicyType.INGRESS],
      ingress: [{ peers: [{ namespaceSelector: { matchLabels: { team: 'red' } }, podSelector: { matchLabels: { app: 'w1' } } }], ports: [{ protocol: Protocol.TCP, port: 8080 }] }],
    })),
  };
}

/** The numbers of workloads grouped into classes while `run` runs. */
function classesBuilt(run: () => void): number[] {
  const spy = jest.spyOn(classes, 'buildClasses');
  try {
    run();
    return spy.mock.calls.map(([cluster]) => cluster.workloads.length).filter(n => n > 0);
  } finally {
    spy.mockRestore();
  }
}

describe('pair queries without the whole-cluster engine', () => {
  test('answer each query on a fresh analysis as the whole-cluster engine does, errors included (random clusters)', () => {
    fc.assert(fc.property(caseArb, ({ cluster, mode, queries, port, protocol }) => {
      const whole = wholeAnalysis(cluster, { hostNetwork: mode });
      for (const q of [...everyPair(cluster, port, protocol), ...queries]) {
        expect(answer(() => Analysis.of(cluster, { hostNetwork: mode }), q)).toEqual(answer(() => whole, q));
      }
    }), { numRuns: 300 });
  });

  test('answer a sequence of queries on one analysis as the whole-cluster engine does (random clusters)', () => {
    fc.assert(fc.property(caseArb, ({ cluster, mode, queries }) => {
      const one = Analysis.of(cluster, { hostNetwork: mode });
      const whole = wholeAnalysis(cluster, { hostNetwork: mode });
      for (const q of queries) expect(answer(() => one, q)).toEqual(answer(() => whole, q));
    }), { numRuns: 200 });
  });

  test('group only the workloads the two references name into classes', () => {
    // GIVEN
    const cluster = largerCluster(20, 10);
    // WHEN
    const built = classesBuilt(() => {
      expect(Analysis.of(cluster).explain('ns3/w1', 'ns7/w0', 8080).allowed).toBe(true);
      expect(Analysis.of(cluster).allowed('ns3/w2', 'ns7/w0', 8080)).toBe(false);
      expect(Analysis.of(cluster).connectionsBetween('ns3/w0', '10.0.0.1').toString()).toBe('All Connections');
    });
    // THEN
    expect(built).toEqual([2, 2, 1]);
  });

  test('build the whole-cluster engine once the queries have cost about as much, and use it from then on', () => {
    // GIVEN
    const cluster = largerCluster(20, 10);
    const analysis = Analysis.of(cluster);
    // WHEN
    const built = classesBuilt(() => {
      for (let i = 0; i < 40; i++) analysis.allowed(`ns${i % 20}/w1`, `ns${(i + 1) % 20}/w0`, 8080);
    });
    // THEN: a query costs the 20 namespaces, the 20 policies and its two namespaces' 20 workloads (60), the whole
    // engine the 20 namespaces, 20 policies and 200 workloads (240): four queries fit, the fifth builds it
    expect(built).toEqual([2, 2, 2, 2, 200]);
    expect(classesBuilt(() => analysis.explain('ns0/w1', 'ns1/w0', 8080))).toEqual([]);
  });

  test('use the whole-cluster engine once it is built', () => {
    // GIVEN
    const cluster = largerCluster(3, 4);
    const analysis = Analysis.of(cluster);
    const engine = analysis.engine;
    // WHEN
    const built = classesBuilt(() => analysis.explain('ns0/w1', 'ns1/w0', 8080));
    // THEN
    expect(built).toEqual([]);
    expect(analysis.engine).toBe(engine);
  });

  test('name the workloads of the namespace, as the whole-cluster engine lists them, for an unknown workload', () => {
    // GIVEN
    const cluster = largerCluster(2, 12);
    // THEN
    const message = 'no workload "ns1/w12" in the cluster; workloads in namespace "ns1": ns1/w0, ns1/w3, ns1/w6, ns1/w9, ns1/w1, ns1/w4, ns1/w7, ns1/w10, ns1/w2, ns1/w5';
    expect(() => Analysis.of(cluster).explain('ns0/w0', 'ns1/w12', 80)).toThrow(message);
    expect(() => wholeAnalysis(cluster).explain('ns0/w0', 'ns1/w12', 80)).toThrow(message);
    expect(() => Analysis.of(cluster).allowed('ns9/w0', 'ns1/w0', 80)).toThrow('no workload "ns9/w0" in the cluster; namespace "ns9" has no workloads');
  });
});
