/**
 * Which connections `cdk8s-netpol probe` tests on a live cluster, and what the app's own policies say about each:
 * chosen from the offline analysis of the manifests, so the probe checks the policies the app ships and nothing
 * else.
 *
 * Choices (each in the docs, docs/probe.md):
 * - Only TCP is probed, and only on ports the target declares as container ports: a denied connection proves
 *   enforcement only if something listens on the port (otherwise an unenforced cluster refuses it too). UDP has no
 *   handshake, so a "connected" UDP probe means nothing; UDP and SCTP ports are not probed.
 * - For each ordered pair of workloads, one allowed port (a declared port the policies allow) and one denied port (a
 *   declared port they deny), when the target has them.
 * - Pairs whose verdict a policy decides (the source is egress-isolated or the target ingress-isolated) come first,
 *   pairs with a denied port before pairs with only an allowed one; pairs no policy touches come last. At most
 *   `maxPairs` pairs are kept, then listed by source and target name.
 * - Sources must be long-running and reachable with `kubectl exec` (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 *   ReplicationController, bare Pod), not on the host network, and not in kube-system, kube-public or
 *   kube-node-lease (the cluster operators' pods, often without a shell). Targets must be long-running and not on
 *   the host network.
 */
import { Analysis, SideRules, WorkloadClass } from '../analysis';
import { Engine } from '../analysis/engine';
import { ClusterModel, PolicyType, Protocol, WorkloadModel } from '../model/types';

/** What the policies say about one connection. */
export enum ProbeVerdict {
  /** The policies allow the connection. */
  ALLOW = 'allow',
  /** The policies deny the connection. */
  DENY = 'deny',
}

/** A workload as the probe addresses it. */
export interface ProbeWorkload {
  /** The namespace. */
  readonly namespaceName: string;
  /** The workload's name. */
  readonly name: string;
  /** The workload's kind (`Deployment`, `Pod`, ...). */
  readonly kind: string;
  /** The pod labels (the pod template's), used to find a running pod's IP. */
  readonly podLabels: { [key: string]: string };
}

/** One connection to test. */
export interface ProbeCase {
  /** The workload the client runs in (`kubectl exec`). */
  readonly source: ProbeWorkload;
  /** The workload connected to (a running pod's IP). */
  readonly target: ProbeWorkload;
  /** The protocol; always TCP for now. */
  readonly protocol: Protocol;
  /** The port, one the target declares as a container port. */
  readonly port: number;
  /** What the policies say. */
  readonly expected: ProbeVerdict;
  /** Why, in a few words: which side decides and by which policies (`ingress at target: db-ingress`). */
  readonly reason: string;
}

/** Something the plan left out, and why. */
export interface ProbeSkip {
  /** What was left out: a workload (`ns/name`) or a pair (`ns/a -> ns/b`). */
  readonly subject: string;
  /** Why. */
  readonly reason: string;
}

/** The connections to test. */
export interface ProbePlan {
  /** The connections, pair by pair, sorted by source then target (`ns/name`); allowed port first. */
  readonly cases: ProbeCase[];
  /** Workloads and pairs left out, and why (pairs cut by `maxPairs` are counted in `pairsDropped` instead). */
  readonly skipped: ProbeSkip[];
  /** Pairs that had something to test. */
  readonly pairsCandidate: number;
  /** Candidate pairs left out by `maxPairs`. */
  readonly pairsDropped: number;
}

/** Options of `planProbe`. */
export interface ProbePlanOptions {
  /**
   * The most workload pairs to test (each gives up to two connections).
   * @default 20
   */
  readonly maxPairs?: number;
}

/** The default of `ProbePlanOptions.maxPairs`. */
export const DEFAULT_MAX_PAIRS = 20;

/** The namespaces whose workloads are never used as sources. */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** The `kubectl exec` resource type of each kind a source may have. */
const EXEC_TYPES: { [kind: string]: string } = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
  ReplicaSet: 'replicaset',
  ReplicationController: 'replicationcontroller',
  Pod: 'pod',
};

/** Kinds whose pods run to completion, so there may be no pod to exec into or connect to. */
const RUN_TO_COMPLETION = ['Job', 'CronJob'];

/** `kubectl exec` reference of a source workload: `deployment/api`, `pod/debug`. */
export function execRef(workload: ProbeWorkload): string {
  const type = EXEC_TYPES[workload.kind];
  if (!type) throw new Error(`a ${workload.kind} cannot be a probe source`);
  return `${type}/${workload.name}`;
}

/** `ns/name`. */
export function workloadRef(workload: ProbeWorkload): string {
  return `${workload.namespaceName}/${workload.name}`;
}

function probeWorkload(w: WorkloadModel): ProbeWorkload {
  return { namespaceName: w.namespaceName, name: w.name, kind: w.kind, podLabels: { ...(w.podLabels ?? {}) } };
}

function tcpPorts(w: WorkloadModel): number[] {
  const ports = (w.ports ?? []).filter(p => (p.protocol ?? Protocol.TCP) === Protocol.TCP).map(p => p.containerPort);
  return [...new Set(ports)].sort((a, b) => a - b);
}

interface Member {
  readonly workload: WorkloadModel;
  readonly cls: WorkloadClass;
}

interface Pair {
  readonly rank: number;
  readonly key: string;
  readonly cases: ProbeCase[];
}

/**
 * Chooses the connections to probe from the analysis of a cluster model (see the module comment for the rules), with
 * the verdict the policies give each.
 */
export function planProbe(cluster: ClusterModel, options: ProbePlanOptions = {}): ProbePlan {
  const maxPairs = options.maxPairs ?? DEFAULT_MAX_PAIRS;
  if (!Number.isInteger(maxPairs) || maxPairs < 1) throw new Error(`maxPairs ${maxPairs} must be a whole number of at least 1`);
  const engine = Analysis.of(cluster).engine;
  const skipped: ProbeSkip[] = [];
  const members: Member[] = engine.classes.flatMap(cls => cls.workloads.map(workload => ({ workload, cls })))
    .sort((a, b) => compare(ref(a.workload), ref(b.workload)) || compare(a.workload.kind, b.workload.kind));

  const sources: Member[] = [];
  const targets: Member[] = [];
  for (const m of members) {
    const w = m.workload;
    const subject = ref(w);
    if (w.hostNetwork) {
      skipped.push({ subject, reason: 'hostNetwork: true, so NetworkPolicies do not apply to its pods' });
      continue;
    }
    if (RUN_TO_COMPLETION.includes(w.kind)) {
      skipped.push({ subject, reason: `a ${w.kind}'s pods run to completion, so there may be no pod to exec into or connect to` });
      continue;
    }
    if (!EXEC_TYPES[w.kind]) {
      skipped.push({ subject, reason: `kubectl exec cannot address a ${w.kind}` });
      continue;
    }
    if (w.kind !== 'Pod' && Object.keys(w.podLabels ?? {}).length === 0) {
      skipped.push({ subject, reason: 'its pods have no labels, so their IPs cannot be looked up' });
      continue;
    }
    targets.push(m);
    if (SYSTEM_NAMESPACES.includes(w.namespaceName)) {
      skipped.push({ subject, reason: `not used as a source: ${w.namespaceName} belongs to the cluster operators (a target only)` });
    } else {
      sources.push(m);
    }
  }
  for (const m of targets) {
    if (tcpPorts(m.workload).length === 0) {
      skipped.push({ subject: ref(m.workload), reason: 'not used as a target: it declares no TCP container port, and a refused connection to a port nothing listens on proves nothing' });
    }
  }

  const pairs: Pair[] = [];
  for (const src of sources) {
    for (const dst of targets) {
      if (src.workload === dst.workload || ref(src.workload) === ref(dst.workload)) continue;
      const ports = tcpPorts(dst.workload);
      if (ports.length === 0) continue;
      const egress = engine.side(PolicyType.EGRESS, src.cls);
      const ingress = engine.side(PolicyType.INGRESS, dst.cls);
      const decided = egress.isolated || ingress.isolated;
      const conns = engine.classToClass(src.cls, dst.cls);
      const allowPort = ports.find(p => conns.contains(Protocol.TCP, p));
      const denyPort = ports.find(p => !conns.contains(Protocol.TCP, p));
      const cases: ProbeCase[] = [];
      const make = (port: number, expected: ProbeVerdict): ProbeCase => ({
        source: probeWorkload(src.workload),
        target: probeWorkload(dst.workload),
        protocol: Protocol.TCP,
        port,
        expected,
        reason: expected === ProbeVerdict.ALLOW
          ? allowReason(engine, src.cls, dst.cls, port)
          : denyReason(engine, src.cls, dst.cls, port),
      });
      if (allowPort !== undefined) cases.push(make(allowPort, ProbeVerdict.ALLOW));
      if (denyPort !== undefined) cases.push(make(denyPort, ProbeVerdict.DENY));
      const rank = !decided ? 2 : denyPort !== undefined ? 0 : 1;
      pairs.push({ rank, key: `${ref(src.workload)} -> ${ref(dst.workload)}`, cases });
    }
  }
  pairs.sort((a, b) => a.rank - b.rank || compare(a.key, b.key));
  const kept = pairs.slice(0, maxPairs);
  return {
    // Kept by priority, listed by name: the table reads source by source.
    cases: kept.sort((a, b) => compare(a.key, b.key)).flatMap(p => p.cases),
    skipped,
    pairsCandidate: pairs.length,
    pairsDropped: pairs.length - kept.length,
  };
}

/** `allowed by egress at source: api-egress; ingress at target: db-ingress` (the policies with an allowing rule). */
function allowReason(engine: Engine, src: WorkloadClass, dst: WorkloadClass, port: number): string {
  const allowing = (direction: PolicyType, peer: WorkloadClass) => {
    const side = engine.side(direction, direction === PolicyType.EGRESS ? src : dst);
    if (!side.isolated) return undefined;
    const names = side.rules
      .filter(rule => engine.ruleMatchesClass(rule, peer) && engine.rulePorts(rule, dst).contains(Protocol.TCP, port))
      .map(rule => rule.policy.model.name);
    return [...new Set(names)].join(', ');
  };
  const parts: string[] = [];
  const egress = allowing(PolicyType.EGRESS, dst);
  const ingress = allowing(PolicyType.INGRESS, src);
  if (egress !== undefined) parts.push(`egress at source: ${egress}`);
  if (ingress !== undefined) parts.push(`ingress at target: ${ingress}`);
  return parts.length > 0 ? `allowed by ${parts.join('; ')}` : 'no policy isolates either end';
}

/** `denied by ingress at target (default-deny-all, db-ingress)`: the side(s) that deny, with their policies. */
function denyReason(engine: Engine, src: WorkloadClass, dst: WorkloadClass, port: number): string {
  const names = (side: SideRules) => side.policies.map(p => p.model.name).join(', ');
  const parts: string[] = [];
  if (!engine.egressToClass(src, dst).contains(Protocol.TCP, port)) parts.push(`egress at source (${names(engine.side(PolicyType.EGRESS, src))})`);
  if (!engine.ingressFromClass(dst, src).contains(Protocol.TCP, port)) parts.push(`ingress at target (${names(engine.side(PolicyType.INGRESS, dst))})`);
  return `denied by ${parts.join(' and ')}`;
}

function ref(w: WorkloadModel): string {
  return `${w.namespaceName}/${w.name}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
