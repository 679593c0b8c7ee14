/**
 * Replaying observed traffic against NetworkPolicies: for every connection start of a Hubble capture, would the given
 * policies allow it, and which policy decides? The rollout question ("what would enforcing these policies break?")
 * and the debugging question ("which policy dropped this?") answered from the same flows `from-flows` reads.
 *
 * Decisions:
 * - Only connection starts count; the reader (`parseHubbleFlows`, with `keepDropped`) decides which records are
 *   replies. FORWARDED and AUDIT starts are traffic that went through ("passed"); DROPPED starts are traffic the
 *   cluster dropped, split by `drop_reason_desc` into policy drops (POLICY_DENIED, POLICY_DENY, or no reason
 *   recorded) and drops for another reason (not a policy decision, so never called a disagreement).
 * - Flows are grouped before anything is analysed: by what was observed, source, destination, protocol and port.
 *   Each group is explained once, so the cost is linear in the flows plus one explanation per group.
 * - A pod end is matched to a workload of the manifests by namespace and labels: a workload whose pod template's
 *   labels (at least one) are all on the pod. Among several, the one Hubble names (`workloads[0]`) wins, then the
 *   one with the most labels. The pod is evaluated with its recorded labels, minus Cilium's and Kubernetes'
 *   bookkeeping (`io.cilium.*`, `io.kubernetes.*`) and the labels that change with every rollout (`pod-template-hash`,
 *   ...; see `UNSTABLE_LABEL_KEYS`), and with the matched workload's container ports (for named ports). A pod that
 *   matches no workload is a would-be pod: its recorded labels in its namespace, no container ports.
 * - A namespace the manifests do not declare gets the labels Cilium recorded for it
 *   (`io.cilium.k8s.namespace.labels.*`); a declared namespace keeps its declared labels.
 * - An end outside the cluster (`reserved:world`) or with another reserved identity is an address: it is evaluated
 *   by its IP against ipBlocks. Addresses that every ipBlock of the policies treats alike (one range of the
 *   analysis's IPv4 partition; each IPv6 address on its own) share a group. Except `reserved:host` as the source:
 *   Kubernetes lets a pod's own node reach it whatever the policies (kubelet probes), so such connections are
 *   allowed.
 * - A connection between two ends outside the cluster is not governed by NetworkPolicies: allowed.
 * - An end that cannot be evaluated (a pod whose labels an export field mask removed and whose workload the manifests
 *   do not name, an address-less reserved identity) makes its group "not evaluated", with the reason.
 */
import { Analysis, DecidingTier, Explanation, ResolvedEndpoint, SideVerdict, WorkloadClass, explainConnection } from '../analysis';
import { ClusterModel, NamespaceModel, PolicyType, Protocol, WorkloadModel } from '../model/types';
import { checkLabelKey, checkLabelValue } from '../model/validation';
import { FlowDiagnostic, FlowEndpoint, FlowProtocol, FlowStats, ObservedFlow, parseHubbleFlows } from './hubble';
import { kubernetesLabels, stableLabels } from './workloads';

/** What the capture shows of a group: traffic that went through, or traffic the cluster dropped. */
export type ReplayObserved =
  /** FORWARDED or AUDIT: the traffic went through. */
  | 'passed'
  /** DROPPED by a policy (POLICY_DENIED, POLICY_DENY) or for a reason Hubble did not record. */
  | 'dropped'
  /** DROPPED for a recorded reason that is not a policy decision (an unroutable address, a missing backend, ...). */
  | 'dropped-other';

/** What the given policies say about a group, against what was observed. */
export type ReplayOutcome =
  /** Passed in the capture, and the policies deny it: enforcing them would break it. */
  | 'would-deny'
  /** Passed, and the policies allow it. */
  | 'allowed'
  /** Dropped by a policy, and the policies deny it: the deciding policy is named. */
  | 'drop-explained'
  /** Dropped by a policy, but the policies allow it: the cluster disagrees with the manifests. */
  | 'drop-disagrees'
  /** Dropped for a reason that is not a policy decision; the policies' verdict is given for information. */
  | 'drop-other'
  /** An end could not be evaluated (see the group's explanation). */
  | 'not-evaluated';

/** Every outcome, in the order reports list them. */
export const REPLAY_OUTCOMES: readonly ReplayOutcome[] = ['would-deny', 'drop-disagrees', 'drop-explained', 'drop-other', 'not-evaluated', 'allowed'];

/** One end of a group of connections, as matched to the manifests. */
export interface ReplayEndpoint {
  /**
   * `workload`: a pod matched to a workload of the manifests; `pod`: a pod the manifests do not have (a would-be pod
   * with its recorded labels); `address`: outside the cluster or a reserved identity, by IP; `node`: the pod's own node
   * (`reserved:host` as the source); `unknown`: an end that cannot be evaluated.
   */
  readonly kind: 'workload' | 'pod' | 'address' | 'node' | 'unknown';
  /** How the report and the explanation name it: `ns/name`, `ns/{app=x}`, an address, `reserved:host`. */
  readonly name: string;
  /** The pod's namespace (pods only). */
  readonly namespace?: string;
  /** The labels it was evaluated with (pods only; bookkeeping and rollout labels left out). */
  readonly labels?: { [key: string]: string };
  /** The matched workload of the manifests, `Kind ns/name` (kind `workload` only). */
  readonly workload?: string;
  /** Labels the pods carry that the matched workload's pod template does not (kind `workload` only). */
  readonly extraLabels?: { [key: string]: string };
  /** The observed addresses, sorted, at most `MAX_LISTED_ADDRESSES` (addresses only). */
  readonly addresses?: string[];
  /** How many distinct addresses were observed (addresses only). */
  readonly addressCount?: number;
  /** Cilium's reserved identities seen for it (`reserved:world`, ...), sorted (addresses and the node only). */
  readonly identities?: string[];
}

/** Connections with the same observation, ends, protocol and port, and what the policies say about them. */
export interface ReplayGroup {
  /** What the policies say against what was observed. */
  readonly outcome: ReplayOutcome;
  /** What was observed. */
  readonly observed: ReplayObserved;
  /** Who opened the connections. */
  readonly source: ReplayEndpoint;
  /** Who they were opened to. */
  readonly destination: ReplayEndpoint;
  /** The protocol. */
  readonly protocol: FlowProtocol;
  /** The destination port. */
  readonly port: number;
  /** The number of connection-start records (flows). */
  readonly flows: number;
  /** The flows by Hubble verdict (`FORWARDED`, `AUDIT`, `DROPPED`). */
  readonly verdicts: { [verdict: string]: number };
  /** The dropped flows by Cilium's drop reason (`not recorded` when none was), for dropped groups. */
  readonly dropReasons?: { [reason: string]: number };
  /** The line of the first flow in the input. */
  readonly firstLine: number;
  /** The line of the last flow in the input. */
  readonly lastLine: number;
  /** Whether the policies allow the connection; absent when it could not be evaluated. */
  readonly allowed?: boolean;
  /**
   * What decides: for a denial, the policies isolating each side that denies (`ns/name`); for an allow, the rules
   * that allow it on the isolated sides (`ns/name ingress[0]`); empty when no policy isolates either side.
   */
  readonly decidedBy: string[];
  /** The explanation, worded as `explain` words it (or why the group could not be evaluated). */
  readonly explanation: string;
}

/** Groups and flows of one outcome. */
export interface ReplayCount {
  /** Groups. */
  readonly groups: number;
  /** Flows in them. */
  readonly flows: number;
}

/** What `replayObservedFlows` returns. */
export interface ReplayResult {
  /** The connection starts replayed. */
  readonly flows: number;
  /** The groups, by outcome (`REPLAY_OUTCOMES` order), then source, destination, protocol and port. */
  readonly groups: ReplayGroup[];
  /** Groups and flows per outcome. */
  readonly counts: { readonly [outcome in ReplayOutcome]: ReplayCount };
  /** What the reader should know about the matching (would-be pods, labels that differ, ...), sorted. */
  readonly notes: string[];
}

/** What `replayHubbleFlows` returns: the replay, and what the reader said about the input. */
export interface ReplayHubbleResult extends ReplayResult {
  /** The reader's diagnostics: skipped records with their lines, then summaries. */
  readonly diagnostics: FlowDiagnostic[];
  /** The reader's counts. */
  readonly stats: FlowStats;
}

/** The most addresses a `ReplayEndpoint` lists. */
export const MAX_LISTED_ADDRESSES = 10;

/** The drop reasons that are policy decisions. */
const POLICY_DROP_REASONS = new Set(['POLICY_DENIED', 'POLICY_DENY']);
const NOT_RECORDED = 'not recorded';
const BOOKKEEPING_PREFIXES = ['io.kubernetes.', 'io.cilium.'];
const NAMESPACE_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';

type Labels = { [key: string]: string };

/** An end as the flows show it, before the analysis. */
interface Identity {
  readonly key: string;
  readonly kind: 'pod' | 'named' | 'address' | 'node' | 'unknown';
  readonly namespace?: string;
  /** All recorded Kubernetes labels except bookkeeping (pods). */
  readonly allLabels?: Labels;
  /** The labels it is evaluated with (pods). */
  readonly labels?: Labels;
  readonly workloadName?: string;
  readonly workloadKind?: string;
  readonly ip?: string;
  readonly reserved?: string;
  readonly namespaceLabels?: Labels;
  /** How to name it when it cannot be evaluated. */
  readonly display?: string;
}

/** A group as flows are added to it. */
interface Tally {
  readonly observed: ReplayObserved;
  readonly source: string;
  readonly destination: string;
  readonly protocol: FlowProtocol;
  readonly port: number;
  flows: number;
  readonly verdicts: { [verdict: string]: number };
  readonly dropReasons: { [reason: string]: number };
  firstLine: number;
  lastLine: number;
  readonly addresses: { source: Set<string>; destination: Set<string> };
  readonly identities: { source: Set<string>; destination: Set<string> };
}

/** An end resolved against the analysis. */
interface Resolved {
  readonly endpoint: ReplayEndpoint;
  readonly resolved?: ResolvedEndpoint;
}

/**
 * Reads Hubble flow records (`hubble observe -o json`, as `from-flows` reads them) and replays every connection start
 * against the cluster: see `replayObservedFlows`.
 * @param file the file's name, for the diagnostics
 * @example replayHubbleFlows(loadPaths(['dist/']).cluster, fs.readFileSync('flows.jsonl', 'utf8'), 'flows.jsonl').counts['would-deny']
 */
export function replayHubbleFlows(cluster: ClusterModel, text: string, file = '<input>'): ReplayHubbleResult {
  const parsed = parseHubbleFlows(text, file, { keepDropped: true });
  return { ...replayObservedFlows(cluster, parsed.flows), diagnostics: parsed.diagnostics, stats: parsed.stats };
}

/**
 * Replays observed connection starts (FORWARDED, AUDIT and DROPPED) against the cluster's policies: groups them, and
 * says for each group whether the policies allow it and which policy or rule decides (see the module comment).
 */
export function replayObservedFlows(cluster: ClusterModel, flows: readonly ObservedFlow[]): ReplayResult {
  // 1. Group, keeping addresses by IP (the partition that merges them needs the analysis).
  const identities = new Map<string, Identity>();
  const identify = (endpoint: FlowEndpoint, side: 'source' | 'destination') => {
    const identity = identityOf(endpoint, side);
    if (!identities.has(identity.key)) identities.set(identity.key, identity);
    return identity;
  };
  const tallies = new Map<string, Tally>();
  for (const flow of flows) {
    const source = identify(flow.source, 'source');
    const destination = identify(flow.destination, 'destination');
    const observed = observedOf(flow);
    const key = `${observed}\u0000${source.key}\u0000${destination.key}\u0000${flow.protocol}\u0000${flow.port}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = {
        observed, source: source.key, destination: destination.key, protocol: flow.protocol, port: flow.port, flows: 0, verdicts: {},
        dropReasons: {}, firstLine: flow.line, lastLine: flow.line, addresses: { source: new Set(), destination: new Set() },
        identities: { source: new Set(), destination: new Set() },
      };
      tallies.set(key, tally);
    }
    add(tally, flow, source, destination);
  }

  // 2. The cluster with the observed pods the manifests do not have, and its analysis.
  const notes = new Set<string>();
  const model = new ObservedCluster(cluster, notes);
  for (const identity of identities.values()) model.add(identity);
  const analysis = Analysis.of(model.cluster());
  const classOf = new Map<WorkloadModel, WorkloadClass>();
  for (const cls of analysis.engine.classes) for (const w of cls.workloads) classOf.set(w, cls);

  // 3. Merge addresses that the policies treat alike, then explain each group once.
  const merged = new Map<string, Tally>();
  for (const tally of tallies.values()) {
    const sourceKey = addressClassKey(analysis, identities.get(tally.source)!, 'source') ?? tally.source;
    const destinationKey = addressClassKey(analysis, identities.get(tally.destination)!, 'destination') ?? tally.destination;
    const key = `${tally.observed}\u0000${sourceKey}\u0000${destinationKey}\u0000${tally.protocol}\u0000${tally.port}`;
    const into = merged.get(key);
    if (into) mergeTally(into, tally);
    else merged.set(key, tally);
  }
  const groups: ReplayGroup[] = [];
  for (const tally of merged.values()) {
    const source = model.resolve(analysis, classOf, identities.get(tally.source)!, tally, 'source');
    const destination = model.resolve(analysis, classOf, identities.get(tally.destination)!, tally, 'destination');
    groups.push(judge(analysis, tally, source, destination));
  }

  groups.sort(compareGroups);
  const counts = {} as { [outcome in ReplayOutcome]: ReplayCount };
  for (const outcome of REPLAY_OUTCOMES) {
    const of = groups.filter(g => g.outcome === outcome);
    counts[outcome] = { groups: of.length, flows: of.reduce((n, g) => n + g.flows, 0) };
  }
  return { flows: flows.length, groups, counts, notes: [...notes].sort() };
}

function observedOf(flow: ObservedFlow): ReplayObserved {
  if (flow.verdict !== 'DROPPED') return 'passed';
  return flow.dropReason === undefined || POLICY_DROP_REASONS.has(flow.dropReason) ? 'dropped' : 'dropped-other';
}

function add(tally: Tally, flow: ObservedFlow, source: Identity, destination: Identity): void {
  tally.flows++;
  tally.verdicts[flow.verdict] = (tally.verdicts[flow.verdict] ?? 0) + 1;
  if (flow.verdict === 'DROPPED') {
    const reason = flow.dropReason ?? NOT_RECORDED;
    tally.dropReasons[reason] = (tally.dropReasons[reason] ?? 0) + 1;
  }
  tally.firstLine = Math.min(tally.firstLine, flow.line);
  tally.lastLine = Math.max(tally.lastLine, flow.line);
  if (source.kind === 'address' && source.ip) tally.addresses.source.add(source.ip);
  if (destination.kind === 'address' && destination.ip) tally.addresses.destination.add(destination.ip);
  if (source.reserved) tally.identities.source.add(source.reserved);
  if (destination.reserved) tally.identities.destination.add(destination.reserved);
}

function mergeTally(into: Tally, other: Tally): void {
  into.flows += other.flows;
  for (const [k, n] of Object.entries(other.verdicts)) into.verdicts[k] = (into.verdicts[k] ?? 0) + n;
  for (const [k, n] of Object.entries(other.dropReasons)) into.dropReasons[k] = (into.dropReasons[k] ?? 0) + n;
  into.firstLine = Math.min(into.firstLine, other.firstLine);
  into.lastLine = Math.max(into.lastLine, other.lastLine);
  for (const side of ['source', 'destination'] as const) {
    for (const a of other.addresses[side]) into.addresses[side].add(a);
    for (const i of other.identities[side]) into.identities[side].add(i);
  }
}

/** `k8s:` labels of an end as key → value: the namespace's (Cilium's `io.cilium.k8s.namespace.labels.*`) and the rest. */
function splitLabels(endpoint: FlowEndpoint): { all: Labels; namespace: Labels } {
  const all: Labels = {};
  const namespace: Labels = {};
  for (const { key, value } of kubernetesLabels(endpoint)) {
    if (key.startsWith(NAMESPACE_LABEL_PREFIX)) {
      const nsKey = key.slice(NAMESPACE_LABEL_PREFIX.length);
      if (!checkLabelKey(nsKey) && !checkLabelValue(value)) namespace[nsKey] = value;
    } else if (!BOOKKEEPING_PREFIXES.some(p => key.startsWith(p))) {
      all[key] = value;
    }
  }
  return { all, namespace };
}

function labelsText(labels: Labels): string {
  return `{${Object.keys(labels).sort().map(k => `${k}=${labels[k]}`).join(',')}}`;
}

/** Who an end of a flow is, as far as policies can tell. */
function identityOf(endpoint: FlowEndpoint, side: 'source' | 'destination'): Identity {
  const reserved = endpoint.labels.find(l => l.startsWith('reserved:'));
  if (endpoint.namespace) {
    const ns = endpoint.namespace;
    const workload = `${endpoint.workloadKind ?? ''}/${endpoint.workloadName ?? ''}`;
    if (endpoint.labelsMissing) {
      const name = endpoint.workloadName ?? endpoint.podName ?? '?';
      return {
        key: `named\u0001${ns}\u0001${endpoint.workloadKind ?? ''}\u0001${name}`, kind: 'named', namespace: ns,
        workloadName: endpoint.workloadName, workloadKind: endpoint.workloadKind, display: `${ns}/${name} (labels not recorded)`,
      };
    }
    const { all, namespace } = splitLabels(endpoint);
    const labels = stableLabels(endpoint);
    return {
      key: `pod\u0001${ns}\u0001${workload}\u0001${labelsText(labels)}`, kind: 'pod', namespace: ns, allLabels: all, labels,
      workloadName: endpoint.workloadName, workloadKind: endpoint.workloadKind, namespaceLabels: namespace,
    };
  }
  if (side === 'source' && reserved === 'reserved:host') return { key: 'node', kind: 'node', reserved };
  if (endpoint.ip) return { key: `ip\u0001${endpoint.ip}`, kind: 'address', ip: endpoint.ip, reserved };
  const what = reserved ?? (endpoint.labels.length ? endpoint.labels.join(',') : 'no labels');
  return { key: `unknown\u0001${what}`, kind: 'unknown', reserved, display: `${what} (no namespace, no address)` };
}

/** The key of the range of addresses the policies treat alike that an address end falls in; undefined for other ends. */
function addressClassKey(analysis: Analysis, identity: Identity, side: 'source' | 'destination'): string | undefined {
  if (identity.kind !== 'address' || !identity.ip) return undefined;
  const ranges = side === 'source' ? analysis.engine.ingressRanges : analysis.engine.egressRanges;
  if (identity.ip.includes(':')) return undefined;
  const parts = identity.ip.split('.').map(Number);
  const value = ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ranges[mid].first <= value) lo = mid;
    else hi = mid - 1;
  }
  return `range\u0001${side}\u0001${lo}`;
}

/** The cluster of the manifests plus what the flows show that the manifests do not have. */
class ObservedCluster {
  private readonly byNamespace = new Map<string, WorkloadModel[]>();
  private readonly declared: Map<string, NamespaceModel>;
  private readonly namespaces = new Map<string, NamespaceModel>();
  private readonly workloads: WorkloadModel[] = [];
  /** Per pod identity key: the matched workload, and the workload model it is evaluated as. */
  private readonly matched = new Map<string, { workload?: WorkloadModel; evaluated?: WorkloadModel; extra?: Labels }>();

  constructor(private readonly base: ClusterModel, private readonly notes: Set<string>) {
    for (const w of base.workloads) {
      const list = this.byNamespace.get(w.namespaceName) ?? [];
      list.push(w);
      this.byNamespace.set(w.namespaceName, list);
    }
    this.declared = new Map(base.namespaces.map(n => [n.name, n]));
  }

  /** Matches a pod end to a workload of the manifests, or adds it as a would-be pod. */
  public add(identity: Identity): void {
    if (identity.kind === 'named') {
      const workload = (this.byNamespace.get(identity.namespace!) ?? []).find(w => w.name === identity.workloadName && (!identity.workloadKind || w.kind === identity.workloadKind));
      this.matched.set(identity.key, { workload, evaluated: workload });
      if (!workload) {
        this.notes.add(`${identity.namespace}/${identity.workloadName ?? '?'}: the flows record no labels for its pods (an export field mask that leaves out source.labels / destination.labels?) and the manifests have no workload of that name, so its flows were not evaluated; include the labels in the export`);
      }
      return;
    }
    if (identity.kind !== 'pod') return;
    const ns = identity.namespace!;
    if (!this.declared.has(ns) && !this.namespaces.has(ns)) {
      this.namespaces.set(ns, { name: ns, labels: { ...identity.namespaceLabels } });
    }
    const all = identity.allLabels!;
    const labels = identity.labels!;
    const inNamespace = this.byNamespace.get(ns) ?? [];
    const sameName = (w: WorkloadModel) => w.name === identity.workloadName && (!identity.workloadKind || w.kind === identity.workloadKind);
    const candidates = inNamespace.filter(w => {
      const template = Object.entries(w.podLabels ?? {});
      return template.length > 0 && template.every(([k, v]) => all[k] === v);
    });
    let workload = candidates.find(sameName);
    if (!workload && candidates.length > 0) {
      const most = Math.max(...candidates.map(w => Object.keys(w.podLabels ?? {}).length));
      const best = candidates.filter(w => Object.keys(w.podLabels ?? {}).length === most).sort((a, b) => workloadRef(a).localeCompare(workloadRef(b)));
      workload = best[0];
      if (best.length > 1) {
        this.notes.add(`pods ${ns}/${labelsText(labels)} match ${best.map(workloadRef).join(' and ')} equally; evaluated as ${workloadRef(best[0])} (the policies see the same labels either way; only named ports can differ)`);
      }
    }
    if (!workload) {
      const named = inNamespace.find(sameName);
      if (named) {
        this.notes.add(`${workloadRef(named)}: the manifests give its pods the labels ${labelsText(named.podLabels ?? {})}, but the observed pods carry ${labelsText(labels)}; they were evaluated with the observed labels (are the manifests what is deployed?)`);
      }
      const evaluated: WorkloadModel = { kind: 'Pod', name: `observed-pod-${this.workloads.length + 1}`, namespaceName: ns, podLabels: { ...labels } };
      this.workloads.push(evaluated);
      this.matched.set(identity.key, { evaluated });
      return;
    }
    const template = workload.podLabels ?? {};
    const extra: Labels = {};
    for (const [k, v] of Object.entries(labels)) if (template[k] !== v) extra[k] = v;
    if (Object.keys(extra).length === 0) {
      this.matched.set(identity.key, { workload, evaluated: workload });
      return;
    }
    // The pods carry more labels than the template: evaluate them as they are, with the workload's ports.
    const evaluated: WorkloadModel = {
      kind: 'Pod', name: `observed-pod-${this.workloads.length + 1}`, namespaceName: ns, podLabels: { ...template, ...labels },
      ports: workload.ports, hostNetwork: workload.hostNetwork,
    };
    this.workloads.push(evaluated);
    this.matched.set(identity.key, { workload, evaluated, extra });
  }

  /** The cluster to analyse. */
  public cluster(): ClusterModel {
    for (const ns of this.namespaces.values()) {
      const labels = Object.keys(ns.labels ?? {}).filter(k => k !== 'kubernetes.io/metadata.name');
      if (labels.length > 0) this.notes.add(`namespace ${ns.name} is not declared in the manifests: it was given the labels Cilium recorded for it, ${labelsText(ns.labels ?? {})}`);
    }
    // Spread first: whatever else the model holds (its policies, and any policy kinds added later) stays as it is.
    return {
      ...this.base,
      namespaces: [...this.base.namespaces, ...this.namespaces.values()],
      workloads: [...this.base.workloads, ...this.workloads],
    };
  }

  /** An end of a group as the report names it, and as the analysis resolves it. */
  public resolve(analysis: Analysis, classOf: Map<WorkloadModel, WorkloadClass>, identity: Identity, tally: Tally, side: 'source' | 'destination'): Resolved {
    const identities = [...tally.identities[side]].sort();
    switch (identity.kind) {
      case 'node':
        return { endpoint: { kind: 'node', name: 'reserved:host', identities } };
      case 'unknown':
        return { endpoint: { kind: 'unknown', name: identity.display!, identities } };
      case 'address': {
        const all = [...tally.addresses[side]].sort(compareAddresses);
        const shown = all.slice(0, MAX_LISTED_ADDRESSES);
        const name = all.length === 1 ? all[0] : `${all.slice(0, 2).join(', ')}${all.length > 2 ? ` and ${all.length - 2} more` : ''}`;
        const resolved = analysis.resolve(all[0]);
        return { endpoint: { kind: 'address', name, addresses: shown, addressCount: all.length, identities }, resolved };
      }
      default: {
        const match = this.matched.get(identity.key)!;
        if (!match.evaluated) return { endpoint: { kind: 'unknown', name: identity.display!, namespace: identity.namespace } };
        const ns = identity.namespace!;
        const workload = match.workload;
        const shortName = workload ? workload.name : identity.workloadName ?? labelsText(identity.labels ?? {});
        const endpoint: ReplayEndpoint = workload
          ? {
            kind: 'workload', name: `${ns}/${shortName}`, namespace: ns, labels: { ...(match.evaluated.podLabels ?? {}) }, workload: workloadRef(workload),
            ...(match.extra ? { extraLabels: match.extra } : {}),
          }
          : { kind: 'pod', name: `${ns}/${shortName}`, namespace: ns, labels: { ...(identity.labels ?? {}) } };
        const cls = classOf.get(match.evaluated)!;
        return { endpoint, resolved: { type: 'workload', endpoint: { type: 'workload', namespace: ns, name: shortName, kind: workload?.kind ?? 'Pod' }, cls } };
      }
    }
  }
}

function workloadRef(w: WorkloadModel): string {
  return `${w.kind} ${w.namespaceName}/${w.name}`;
}

function compareAddresses(a: string, b: string): number {
  const key = (ip: string) => (ip.includes(':') ? `6${ip}` : `4${ip.split('.').map(p => p.padStart(3, '0')).join('.')}`);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** The group's verdict: the explanation of its connection, and the outcome against what was observed. */
function judge(analysis: Analysis, tally: Tally, source: Resolved, destination: Resolved): ReplayGroup {
  const base = {
    observed: tally.observed, source: source.endpoint, destination: destination.endpoint, protocol: tally.protocol, port: tally.port,
    flows: tally.flows, verdicts: { ...tally.verdicts }, ...(Object.keys(tally.dropReasons).length > 0 ? { dropReasons: { ...tally.dropReasons } } : {}),
    firstLine: tally.firstLine, lastLine: tally.lastLine,
  };
  const connection = `${source.endpoint.name} to ${destination.endpoint.name} on ${tally.protocol} ${tally.port}`;
  const verdict = (allowed: boolean, decidedBy: string[], explanation: string): ReplayGroup => ({
    ...base, outcome: outcomeOf(tally.observed, allowed), allowed, decidedBy, explanation,
  });
  for (const end of [source, destination]) {
    if (end.endpoint.kind === 'unknown') {
      return { ...base, outcome: 'not-evaluated', decidedBy: [], explanation: `not evaluated: ${end.endpoint.name} cannot be matched to anything a NetworkPolicy selects` };
    }
  }
  if (source.endpoint.kind === 'node' && destination.resolved?.type === 'workload') {
    return verdict(true, [], `${connection} is allowed whatever the policies: Kubernetes lets a pod's own node (reserved:host) reach it, for kubelet probes`);
  }
  if (!source.resolved || !destination.resolved || (source.resolved.type === 'address' && destination.resolved.type === 'address')) {
    return verdict(true, [], `${connection} is allowed: neither end is a pod of the cluster, so no NetworkPolicy applies`);
  }
  const explanation = explainConnection(analysis.engine, source.resolved, destination.resolved, tally.protocol as Protocol, tally.port);
  return verdict(explanation.allowed, decidedBy(explanation), explanation.text);
}

function outcomeOf(observed: ReplayObserved, allowed: boolean): ReplayOutcome {
  if (observed === 'passed') return allowed ? 'allowed' : 'would-deny';
  if (observed === 'dropped-other') return 'drop-other';
  return allowed ? 'drop-disagrees' : 'drop-explained';
}

/** The policies isolating the denying sides, or the rules allowing the connection on the isolated sides. */
function decidedBy(explanation: Explanation): string[] {
  const sides: SideVerdict[] = [explanation.egress, explanation.ingress];
  const word = (s: SideVerdict) => (s.direction === PolicyType.INGRESS ? 'ingress' : 'egress');
  // A cluster-wide policy's rule that decided a side is named as such (`AdminNetworkPolicy deny-metadata egress[0]`).
  const tierRule = (s: SideVerdict) => {
    const rule = s.decidedBy === DecidingTier.ADMIN ? s.adminRule : s.decidedBy === DecidingTier.BASELINE ? s.baselineRule : undefined;
    return rule ? [`${rule.kind} ${rule.policy} ${word(s)}[${rule.ruleIndex}]`] : undefined;
  };
  if (!explanation.allowed) return [...new Set(sides.filter(s => !s.allowed).flatMap(s => tierRule(s) ?? s.isolatedBy))];
  return sides.flatMap(s => tierRule(s) ?? (s.isolated ? s.rules.filter(r => r.peerMatches && r.portMatches).map(r => `${r.policy} ${word(s)}[${r.ruleIndex}]`) : []));
}

function compareGroups(a: ReplayGroup, b: ReplayGroup): number {
  const byOutcome = REPLAY_OUTCOMES.indexOf(a.outcome) - REPLAY_OUTCOMES.indexOf(b.outcome);
  if (byOutcome !== 0) return byOutcome;
  const text = (g: ReplayGroup) => [g.source.name, g.destination.name, g.protocol];
  const [as, bs] = [text(a), text(b)];
  for (let i = 0; i < as.length; i++) if (as[i] !== bs[i]) return as[i] < bs[i] ? -1 : 1;
  return a.port - b.port || a.observed.localeCompare(b.observed);
}

/** The output formats of a replay report. */
export const REPLAY_FORMATS = ['txt', 'md', 'json'] as const;

/** An output format of a replay report: plain text, Markdown (for a pull request comment), or JSON. */
export type ReplayFormat = typeof REPLAY_FORMATS[number];

/** The sections of a report, in order: the outcomes listed group by group (allowed groups are only counted). */
const SECTIONS: { outcome: ReplayOutcome; title: string }[] = [
  { outcome: 'would-deny', title: 'Would be denied: observed FORWARDED or AUDIT, denied by the policies (enforcing them would break these)' },
  { outcome: 'drop-disagrees', title: 'DROPPED, but the policies would allow it (the cluster disagrees with the manifests: are they what is deployed? does the CNI enforce other policies?)' },
  { outcome: 'drop-explained', title: 'DROPPED, and denied by the policies' },
  { outcome: 'drop-other', title: 'DROPPED for reasons other than a policy (the policies\' verdict for information)' },
  { outcome: 'not-evaluated', title: 'Not evaluated' },
];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The first line of every report: what was replayed and how many groups each outcome has. */
export function replaySummary(result: ReplayResult, source: string): string {
  const c = result.counts;
  const part = (outcome: ReplayOutcome, words: string) => `${c[outcome].groups} ${words} (${plural(c[outcome].flows, 'flow')})`;
  const parts = [part('would-deny', 'would be denied'), part('allowed', 'allowed')];
  if (c['drop-disagrees'].groups > 0) parts.push(part('drop-disagrees', 'DROPPED that the policies would allow'));
  if (c['drop-explained'].groups > 0) parts.push(part('drop-explained', 'DROPPED and denied by the policies'));
  if (c['drop-other'].groups > 0) parts.push(part('drop-other', 'DROPPED for other reasons'));
  if (c['not-evaluated'].groups > 0) parts.push(part('not-evaluated', 'not evaluated'));
  return `${source}: ${plural(result.flows, 'connection start')} in ${plural(result.groups.length, 'group')}: ${parts.join(', ')}`;
}

/** What the report adds after an end's name: whether the manifests have it, or the identities of addresses. */
function endpointQualifier(e: ReplayEndpoint): string {
  if (e.kind === 'pod') {
    const labels = labelsText(e.labels ?? {});
    return e.name === `${e.namespace}/${labels}` ? ' (not in the manifests)' : ` (not in the manifests; labels ${labels})`;
  }
  if (e.kind === 'address') {
    const identities = (e.identities ?? []).map(i => i.replace(/^reserved:/, ''));
    return identities.length ? ` (${identities.join(', ')})` : '';
  }
  return '';
}

function endpointText(e: ReplayEndpoint): string {
  return `${e.name}${endpointQualifier(e)}`;
}

function countsText(counts: { [key: string]: number }): string {
  return Object.keys(counts).sort().map(k => `${counts[k]} ${k}`).join(', ');
}

function flowsText(g: ReplayGroup): string {
  const what = g.dropReasons ? `DROPPED: ${countsText(g.dropReasons)}` : countsText(g.verdicts);
  return `${plural(g.flows, 'flow')} (${what})`;
}

function linesText(g: ReplayGroup): string {
  return g.firstLine === g.lastLine ? `line ${g.firstLine}` : `first line ${g.firstLine}, last line ${g.lastLine}`;
}

function decisionText(g: ReplayGroup): string {
  if (g.allowed === undefined) return 'not evaluated';
  if (!g.allowed) return g.decidedBy.length > 0 ? `denied by ${g.decidedBy.join(', ')}` : 'denied';
  return g.decidedBy.length > 0 ? `allowed by ${g.decidedBy.join(', ')}` : 'allowed: no policy isolates it';
}

/**
 * Formats a replay: `txt` (the summary line, then the groups that are not simply allowed, each with its
 * explanation), `md` (the same for a pull request comment) or `json` (every group, allowed ones included).
 * @param source what was replayed, for the summary line (the flow file's name)
 * @param stats the reader's counts, included in the JSON
 */
export function formatReplay(result: ReplayResult, format: ReplayFormat, source: string, stats?: FlowStats): string {
  if (format === 'json') {
    return `${JSON.stringify({ source, summary: replaySummary(result, source), flows: result.flows, counts: result.counts, groups: result.groups, notes: result.notes, ...(stats ? { stats } : {}) }, null, 2)}\n`;
  }
  if (format === 'md') return formatMarkdown(result, source);
  const out = [`${replaySummary(result, source)}\n`];
  for (const section of SECTIONS) {
    const groups = result.groups.filter(g => g.outcome === section.outcome);
    if (groups.length === 0) continue;
    out.push(`\n${section.title}:\n`);
    for (const g of groups) {
      out.push(`  ${endpointText(g.source)} -> ${endpointText(g.destination)} ${g.protocol} ${g.port}: ${flowsText(g)}, ${linesText(g)}; ${decisionText(g)}\n`);
      out.push(`    ${g.explanation}\n`);
    }
  }
  if (result.notes.length > 0) {
    out.push('\nNotes:\n');
    for (const note of result.notes) out.push(`  - ${note}\n`);
  }
  return out.join('');
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function formatMarkdown(result: ReplayResult, source: string): string {
  const denied = result.counts['would-deny'];
  const title = denied.groups === 0
    ? 'no observed connection would be denied'
    : `${plural(denied.groups, 'observed connection')} would be denied (${plural(denied.flows, 'flow')})`;
  const out = [`### cdk8s-netpol replay: ${title}\n\n${cell(replaySummary(result, source))}\n`];
  for (const section of SECTIONS) {
    const groups = result.groups.filter(g => g.outcome === section.outcome);
    if (groups.length === 0) continue;
    out.push(`\n#### ${section.title}\n\n| Source | Destination | Port | Flows | Lines | Decision |\n| --- | --- | --- | --- | --- | --- |\n`);
    for (const g of groups) {
      const lines = g.firstLine === g.lastLine ? `${g.firstLine}` : `${g.firstLine} to ${g.lastLine}`;
      const decision = g.allowed === undefined ? 'not evaluated' : `${g.allowed ? 'allowed' : 'denied'}${g.decidedBy.length ? ` by ${g.decidedBy.map(code).join(', ')}` : ''}`;
      const end = (e: ReplayEndpoint) => cell(`${code(e.name)}${endpointQualifier(e)}`);
      out.push(`| ${end(g.source)} | ${end(g.destination)} | ${g.protocol} ${g.port} | ${cell(flowsText(g))} | ${lines} | ${cell(decision)} |\n`);
    }
    out.push('\n<details><summary>Why</summary>\n\n');
    for (const g of groups) out.push(`- ${cell(g.explanation)}\n`);
    out.push('\n</details>\n');
  }
  if (result.notes.length > 0) {
    out.push('\n#### Notes\n\n');
    for (const note of result.notes) out.push(`- ${cell(note)}\n`);
  }
  return out.join('');
}
