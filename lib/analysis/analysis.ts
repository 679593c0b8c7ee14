/**
 * The public entry point of the analysis engine: who may connect to whom in a cluster model, under exact
 * networking.k8s.io/v1 NetworkPolicy semantics.
 *
 * @example
 * const analysis = Analysis.of(cluster);
 * analysis.allowed('shop/frontend', 'shop/api', 8080);           // true or false
 * analysis.explain('shop/frontend', 'shop/api', 8080).text;      // which policy allowed or isolated it
 * analysis.connections();                                        // every allowed connection, sorted
 */
import { formatAddress } from '../model/cidr';
import { ClusterModel, PolicyType, Protocol, WorkloadModel } from '../model/types';
import { WorkloadClass } from './classes';
import { ConnectionSet } from './connection-set';
import { Endpoint, endpointName, ExternalEndpoint, WorkloadEndpoint } from './endpoints';
import { Address, AnalysisOptions, checkProtocolPort, Engine } from './engine';
import { Explanation, explainConnection } from './explain';
import { exposureOf, WorkloadExposure } from './exposure';
import { formatIpv4Range, Ipv4Range, parseAddress } from './external';

/** One allowed connection between two endpoints. */
export interface Connection {
  /** The source. */
  readonly src: Endpoint;
  /** The destination. */
  readonly dst: Endpoint;
  /** The allowed protocols and ports; never empty. */
  readonly conns: ConnectionSet;
}

/** An endpoint given to `allowed`/`explain`, resolved. */
export type ResolvedEndpoint =
  | { readonly type: 'workload'; readonly endpoint: WorkloadEndpoint; readonly cls: WorkloadClass }
  | { readonly type: 'address'; readonly endpoint: ExternalEndpoint; readonly address: Address };

function workloadEndpoint(w: WorkloadModel): WorkloadEndpoint {
  return { type: 'workload', namespace: w.namespaceName, name: w.name, kind: w.kind };
}

function rangeEndpoint(range: Ipv4Range): ExternalEndpoint {
  const [first, last] = formatIpv4Range(range).split('-');
  return { type: 'external', first, last };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The analysis of one cluster model. Immutable; results are computed on demand and cached. */
export class Analysis {
  /** Analyses a cluster model (from `loadPaths`, `loadObjects` or constructs). */
  public static of(cluster: ClusterModel, options: AnalysisOptions = {}): Analysis {
    return new Analysis(new Engine(cluster, options));
  }

  /**
   * `Analysis.of(cluster)` (default options) for a cluster whose policies are those `base` was built from (the same
   * objects, in the same order): the compiled policies and address partitions of `base` are reused.
   * @internal
   */
  public static _ofSamePolicies(base: Analysis, cluster: ClusterModel): Analysis {
    return new Analysis(new Engine(cluster, {}, base.engine));
  }

  private cachedConnections?: Connection[];
  private cachedExposure?: WorkloadExposure[];
  private cachedWorkloadIndex?: Map<string, { workload: WorkloadModel; cls: WorkloadClass }[]>;

  private constructor(
    /** The evaluation core (exposed for rules and tests that need classes or compiled policies). */
    public readonly engine: Engine,
  ) {}

  /** The workloads by `ns/name` (built on first use). */
  private get workloadIndex(): Map<string, { workload: WorkloadModel; cls: WorkloadClass }[]> {
    if (!this.cachedWorkloadIndex) {
      const index = new Map<string, { workload: WorkloadModel; cls: WorkloadClass }[]>();
      for (const cls of this.engine.classes) {
        for (const workload of cls.workloads) {
          const key = `${workload.namespaceName}/${workload.name}`;
          const list = index.get(key) ?? [];
          list.push({ workload, cls });
          index.set(key, list);
        }
      }
      this.cachedWorkloadIndex = index;
    }
    return this.cachedWorkloadIndex;
  }

  /** Every workload of the cluster as an endpoint, sorted by name. */
  public workloads(): WorkloadEndpoint[] {
    return this.engine.classes
      .flatMap(c => c.workloads.map(workloadEndpoint))
      .sort((a, b) => compareStrings(endpointName(a), endpointName(b)));
  }

  /**
   * The IPv4 ranges outside the cluster, as the connection list splits them: sources for Ingress, destinations for
   * Egress.
   */
  public externalRanges(direction: PolicyType): ExternalEndpoint[] {
    return (direction === PolicyType.INGRESS ? this.engine.ingressRanges : this.engine.egressRanges).map(rangeEndpoint);
  }

  /**
   * Every allowed connection, sorted by source then destination name. Workload pairs are listed once per pair of
   * distinct workloads (never a workload to itself); external ranges as the conformance README describes (IPv4 only).
   */
  public connections(): Connection[] {
    if (this.cachedConnections) return this.cachedConnections;
    const engine = this.engine;
    const out: { src: Endpoint; dst: Endpoint; conns: ConnectionSet; srcName: string; dstName: string }[] = [];
    const names = new Map<WorkloadModel, { endpoint: WorkloadEndpoint; text: string }>();
    const named = (w: WorkloadModel) => {
      let e = names.get(w);
      if (!e) {
        const endpoint = workloadEndpoint(w);
        e = { endpoint, text: endpointName(endpoint) };
        names.set(w, e);
      }
      return e;
    };
    const ranges = (direction: PolicyType) => (direction === PolicyType.INGRESS ? engine.ingressRanges : engine.egressRanges)
      .map(range => { const endpoint = rangeEndpoint(range); return { endpoint, text: endpointName(endpoint) }; });
    const ingressRanges = ranges(PolicyType.INGRESS);
    const egressRanges = ranges(PolicyType.EGRESS);
    for (const src of engine.classes) {
      for (const dst of engine.candidateDestinations(src)) {
        const conns = engine.classToClass(src, dst);
        if (conns.isEmpty()) continue;
        for (const ws of src.workloads) {
          const s = named(ws);
          for (const wd of dst.workloads) {
            const d = named(wd);
            if (s.text !== d.text) out.push({ src: s.endpoint, dst: d.endpoint, conns, srcName: s.text, dstName: d.text });
          }
        }
      }
      egressRanges.forEach((range, i) => {
        const conns = engine.classAndRange(PolicyType.EGRESS, src, i);
        if (conns.isEmpty()) return;
        for (const ws of src.workloads) out.push({ src: named(ws).endpoint, dst: range.endpoint, conns, srcName: named(ws).text, dstName: range.text });
      });
      ingressRanges.forEach((range, i) => {
        const conns = engine.classAndRange(PolicyType.INGRESS, src, i);
        if (conns.isEmpty()) return;
        for (const wd of src.workloads) out.push({ src: range.endpoint, dst: named(wd).endpoint, conns, srcName: range.text, dstName: named(wd).text });
      });
    }
    out.sort((a, b) => compareStrings(a.srcName, b.srcName) || compareStrings(a.dstName, b.dstName));
    // Several workloads with one name (e.g. a Pod listed twice) would print duplicate lines; keep the first.
    const unique = out.filter((c, i) => i === 0 || c.srcName !== out[i - 1].srcName || c.dstName !== out[i - 1].dstName);
    this.cachedConnections = unique.map(({ src, dst, conns }) => ({ src, dst, conns }));
    return this.cachedConnections;
  }

  /**
   * What every workload is open to beyond the workloads of the cluster model (the entire cluster, pods of namespaces
   * with given labels, addresses outside the cluster, ...), per direction, sorted by workload name: np-guard's
   * exposure analysis. See `lib/analysis/exposure.ts` for the rules.
   */
  public exposure(): WorkloadExposure[] {
    this.cachedExposure ??= exposureOf(this);
    return this.cachedExposure;
  }

  /**
   * Resolves an endpoint reference: `ns/name`, `ns/name[Kind]` (when several kinds share a name), or an IPv4/IPv6
   * address. Throws with the known workloads' names if nothing matches.
   */
  public resolve(ref: string): ResolvedEndpoint {
    const address = parseAddress(ref);
    if (address) {
      const text = formatAddress(address.address, address.family);
      return { type: 'address', endpoint: { type: 'external', first: text, last: text }, address };
    }
    const match = /^([^/\s]+)\/([^/[\s]+)(?:\[([^\]]+)\])?$/.exec(ref);
    if (!match) throw new Error(`endpoint "${ref}" is neither "namespace/name", "namespace/name[Kind]" nor an IP address`);
    const [, ns, name, kind] = match;
    const candidates = (this.workloadIndex.get(`${ns}/${name}`) ?? []).filter(c => !kind || c.workload.kind === kind);
    if (candidates.length === 0) {
      const known = [...this.workloadIndex.keys()].filter(k => k.startsWith(`${ns}/`)).slice(0, 10);
      throw new Error(`no workload "${ref}" in the cluster${known.length ? `; workloads in namespace "${ns}": ${known.join(', ')}` : `; namespace "${ns}" has no workloads`}`);
    }
    const kinds = [...new Set(candidates.map(c => c.workload.kind))];
    if (kinds.length > 1) throw new Error(`"${ref}" is ambiguous: it names a ${kinds.join(' and a ')}; write "${ns}/${name}[${kinds[0]}]"`);
    return { type: 'workload', endpoint: workloadEndpoint(candidates[0].workload), cls: candidates[0].cls };
  }

  /**
   * The connections allowed from one endpoint to another (`ns/name` or an IP address; at least one must be a
   * workload). Between two workloads this holds even for a workload and itself.
   */
  public connectionsBetween(from: string, to: string): ConnectionSet {
    const src = this.resolve(from);
    const dst = this.resolve(to);
    if (src.type === 'workload' && dst.type === 'workload') return this.engine.classToClass(src.cls, dst.cls);
    if (src.type === 'workload' && dst.type === 'address') return this.engine.classToAddress(src.cls, dst.address);
    if (src.type === 'address' && dst.type === 'workload') return this.engine.addressToClass(src.address, dst.cls);
    throw new Error(`connections between two addresses outside the cluster ("${from}", "${to}") are not governed by NetworkPolicies`);
  }

  /** Whether a connection on the port and protocol (default TCP) is allowed from one endpoint to the other. */
  public allowed(from: string, to: string, port: number, protocol: Protocol = Protocol.TCP): boolean {
    checkProtocolPort(protocol, port);
    return this.connectionsBetween(from, to).contains(protocol, port);
  }

  /**
   * Why a connection is allowed or denied: for each side (egress at the source, ingress at the destination) whether
   * it is isolated, by which policies, which rules allow the connection, and which rules came close.
   */
  public explain(from: string, to: string, port: number, protocol: Protocol = Protocol.TCP): Explanation {
    checkProtocolPort(protocol, port);
    const src = this.resolve(from);
    const dst = this.resolve(to);
    if (src.type === 'address' && dst.type === 'address') {
      throw new Error(`connections between two addresses outside the cluster ("${from}", "${to}") are not governed by NetworkPolicies`);
    }
    return explainConnection(this.engine, src, dst, protocol, port);
  }
}
