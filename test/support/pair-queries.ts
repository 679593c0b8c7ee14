/**
 * Helpers for property tests of the pair queries (`explain`, `allowed`, `connectionsBetween`): an analysis answers
 * them from an engine over the two endpoints' workloads alone until its whole-cluster engine is built, and the
 * answers, errors included, must be those of the whole-cluster engine.
 */
import * as fc from 'fast-check';
import { Analysis, AnalysisOptions } from '../../lib/analysis';
import { ClusterModel, Protocol } from '../../lib/model/types';
import { SAMPLE_IPS, SAMPLE_PORTS } from './arbitraries';

/** One pair query: the references, a port and a protocol. */
export interface PairQuery {
  /** The source reference. */
  readonly from: string;
  /** The destination reference. */
  readonly to: string;
  /** The port. */
  readonly port: number;
  /** The protocol. */
  readonly protocol: Protocol;
}

/** What a pair query gave: the explanation, verdict and connections, or the message each threw. */
export interface PairAnswer {
  /** The explanation, or the error message. */
  readonly explain: unknown;
  /** Whether the connection is allowed, or the error message. */
  readonly allowed: unknown;
  /** The connections between the two, as text, or the error message. */
  readonly connectionsBetween: unknown;
}

function outcome(query: () => unknown): unknown {
  try {
    return query();
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** The three answers to one query, each from `analysisFor()` (one analysis for all three, or a fresh one each). */
export function answer(analysisFor: () => Analysis, q: PairQuery): PairAnswer {
  return {
    explain: outcome(() => analysisFor().explain(q.from, q.to, q.port, q.protocol)),
    allowed: outcome(() => analysisFor().allowed(q.from, q.to, q.port, q.protocol)),
    connectionsBetween: outcome(() => analysisFor().connectionsBetween(q.from, q.to).toString()),
  };
}

/** An analysis of the cluster with its whole-cluster engine built, so that every query is answered from it. */
export function wholeAnalysis(cluster: ClusterModel, options: AnalysisOptions = {}): Analysis {
  const analysis = Analysis.of(cluster, options);
  expect(analysis.engine.classes.reduce((n, c) => n + c.workloads.length, 0)).toBe(cluster.workloads.length);
  return analysis;
}

/**
 * References worth querying in a cluster: every workload with and without its kind, a wrong kind, an unknown name
 * in a known and in an unknown namespace, a malformed reference, IPv4 and IPv6 addresses.
 */
export function referencesOf(cluster: ClusterModel): string[] {
  const refs = new Set<string>();
  for (const w of cluster.workloads) {
    refs.add(`${w.namespaceName}/${w.name}`);
    refs.add(`${w.namespaceName}/${w.name}[${w.kind}]`);
    refs.add(`${w.namespaceName}/${w.name}[StatefulSet]`);
    refs.add(`${w.namespaceName}/missing`);
  }
  return [...refs, 'elsewhere/w0', 'not a reference', SAMPLE_IPS[4], SAMPLE_IPS[1], SAMPLE_IPS[12], '2001:db8::1'];
}

/**
 * Every query between two workloads of the cluster (each named with its kind), and between each workload and an
 * address both ways, on one port and protocol.
 */
export function everyPair(cluster: ClusterModel, port: number, protocol: Protocol): PairQuery[] {
  const refs = [...cluster.workloads.map(w => `${w.namespaceName}/${w.name}[${w.kind}]`)];
  const queries: PairQuery[] = [];
  for (const from of refs) for (const to of refs) queries.push({ from, to, port, protocol });
  for (const ref of refs) {
    for (const ip of [SAMPLE_IPS[4], SAMPLE_IPS[12]]) queries.push({ from: ref, to: ip, port, protocol }, { from: ip, to: ref, port, protocol });
  }
  return queries;
}

/** A random query over `referencesOf(cluster)`, mostly between workloads. */
export function pairQueryArb(cluster: ClusterModel): fc.Arbitrary<PairQuery> {
  const refs = referencesOf(cluster);
  const workloadRefs = cluster.workloads.map(w => `${w.namespaceName}/${w.name}[${w.kind}]`);
  const ref = workloadRefs.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...workloadRefs), weight: 3 }, { arbitrary: fc.constantFrom(...refs), weight: 1 }) : fc.constantFrom(...refs);
  return fc.record({
    from: ref,
    to: ref,
    port: fc.constantFrom(...SAMPLE_PORTS),
    protocol: fc.constantFrom(Protocol.TCP, Protocol.UDP, Protocol.SCTP),
  });
}

/**
 * The cluster, sometimes with a bare Pod named like its first workload (so that `namespace/name` is ambiguous and
 * `namespace/name[Kind]` is needed) and sometimes with a host-network workload.
 */
export function withNameClashAndHostNetwork(cluster: ClusterModel, clash: boolean, hostNetwork: boolean): ClusterModel {
  const workloads = cluster.workloads.map((w, i) => (hostNetwork && i === cluster.workloads.length - 1 ? { ...w, hostNetwork: true } : w));
  if (clash && workloads.length > 0) workloads.splice(1, 0, { ...workloads[0], kind: 'Pod', podLabels: { app: 'clash' }, ports: [] });
  return { ...cluster, workloads };
}
