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
 *   Each end is identified once per distinct end, and each group is judged allowed or not (the first rule that allows
 *   it is enough). What decides and the explanation are worded when a report reads them: most groups of a capture are
 *   allowed connections that the text and Markdown reports only count. A wording is worked out once per (source
 *   workload class or address range, destination class or range, protocol, port), between classes once per what the
 *   policies see of the two (see `Verdicts`). So the cost is linear in the flows plus one judgement per group. Memory:
 *   the groups (per-group counts, lines and distinct addresses), never the flows.
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
import {
  _checkMaxLength, _connectionAllowed, _cutNote, _NOTE_ROOM, Analysis, collectText, CompiledPolicy, DecidingTier, endpointShortName, Explanation, explainConnection, ResolvedEndpoint, SideVerdict, WorkloadClass, Write,
  PR_COMMENT_MAX_LENGTH,
} from '../analysis';
import { sortedKeys, sortKeys } from '../analysis/selectors';
import { ClusterModel, NamespaceModel, PolicyType, Protocol, WorkloadModel } from '../model/types';
import { checkLabelKey, checkLabelValue } from '../model/validation';
import { FlowDiagnostic, FlowEndpoint, FlowProtocol, FlowStats, ObservedFlow, parseHubbleFlows } from './hubble';
import { isBookkeepingLabelKey, isStableLabelKey, kubernetesLabel } from './workloads';

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
   * that allow it on the isolated sides (`ns/name ingress[0]`); empty when no policy isolates either side. Worked
   * out when read, as a new array each time.
   */
  readonly decidedBy: string[];
  /** The explanation, worded as `explain` words it (or why the group could not be evaluated). Worked out when read. */
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
  /**
   * The groups, by outcome (`REPLAY_OUTCOMES` order), then source, destination, protocol and port. They word their
   * `decidedBy` and `explanation` from the replay's analysis of the observed workloads, which they hold.
   */
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
const NAMESPACE_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';

type Labels = { [key: string]: string };

/** An end as the flows show it, before the analysis. */
interface Identity {
  readonly key: string;
  readonly kind: 'pod' | 'named' | 'address' | 'node' | 'unknown';
  readonly namespace?: string;
  /** The labels it is evaluated with (pods). */
  readonly labels?: Labels;
  readonly workloadName?: string;
  readonly workloadKind?: string;
  readonly ip?: string;
  readonly reserved?: string;
  /** The end as read (pods): its namespace's labels are only read from it for a namespace the manifests lack. */
  readonly endpoint?: FlowEndpoint;
  /** How to name it when it cannot be evaluated. */
  readonly display?: string;
}

/** A group as flows are added to it. */
interface Tally {
  readonly observed: ReplayObserved;
  /** The source: the canonical identity of its key (see `Ends`). */
  readonly source: Identity;
  /** The destination: the canonical identity of its key. */
  readonly destination: Identity;
  readonly protocol: FlowProtocol;
  readonly port: number;
  flows: number;
  readonly verdicts: { [verdict: string]: number };
  /** The dropped flows by reason (made on the first drop: most groups have none). */
  dropReasons?: { [reason: string]: number };
  firstLine: number;
  lastLine: number;
  /** The distinct addresses of the address ends (made on first use: most groups have none). */
  addresses?: BySide;
  /** The distinct reserved identities of the ends (made on first use). */
  identities?: BySide;
}

/** A set of strings per end of a group, each made on first use. */
type BySide = { source?: Set<string>; destination?: Set<string> };

const NO_STRINGS: ReadonlySet<string> = new Set();

/**
 * The ends of the flows, identified once per distinct end object (the reader shares one object between the flows with
 * the same end). Ends with the same key are one end to the analysis: the first identity seen for a key is the
 * canonical one, which groups and the model use; a flow's own identity still gives its reserved identity (an address
 * can be recorded as `reserved:world` in one flow and `reserved:world-ipv4` in another).
 */
class Ends {
  private readonly byKey = new Map<string, IdentifiedEnd>();
  /** The number of the next canonical identity. */
  private next = 0;
  // A pod is the same end either way; only an end without a namespace can be told apart by its side (the node).
  private readonly known = new Map<FlowEndpoint, IdentifiedEnd>();
  private readonly knownSources = new Map<FlowEndpoint, IdentifiedEnd>();

  /**
   * @param model matches each canonical identity as it is first seen (with the pod's labels, which are then dropped:
   * only the match is kept)
   */
  constructor(private readonly model: ObservedCluster) {}

  /** The end's own identity and the canonical identity of its key. */
  public identify(endpoint: FlowEndpoint, side: 'source' | 'destination'): IdentifiedEnd {
    const cache = side === 'source' && !endpoint.namespace ? this.knownSources : this.known;
    let identified = cache.get(endpoint);
    if (!identified) {
      const { identity: own, allLabels } = identityOf(endpoint, side);
      const known = this.byKey.get(own.key);
      if (known) {
        identified = { own, canonical: known.canonical, id: known.id };
      } else {
        identified = { own, canonical: own, id: this.next++ };
        this.byKey.set(own.key, identified);
        this.model.add(own, allLabels);
      }
      cache.set(endpoint, identified);
    }
    return identified;
  }
}

/** An end of a flow: its own identity, and the canonical one of its key with its number (see `Ends`). */
interface IdentifiedEnd {
  readonly own: Identity;
  readonly canonical: Identity;
  /** The canonical identity's number, in the order keys were first seen. */
  readonly id: number;
}

/** Adds a value to one side's set of a tally, making the sets on first use. */
function addTo(tally: Tally, what: 'addresses' | 'identities', side: 'source' | 'destination', value: string): void {
  ((tally[what] ??= {})[side] ??= new Set()).add(value);
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
  // 1. Group, keeping addresses by IP (the partition that merges them needs the analysis). Each distinct end object
  // is identified once (the reader shares one object between the flows with the same end), and each pod end is
  // matched to the manifests' workloads when its key is first seen.
  const notes = new Set<string>();
  const model = new ObservedCluster(cluster, notes);
  const ends = new Ends(model);
  // By the numbers of the source and destination (their canonical identities) and (observed, protocol, port)
  // (`tallyKey`), in one map (a map per end would cost more than the groups); `tallies` keeps the order groups first
  // appear in.
  const index = new Map<string, Tally>();
  const tallies: Tally[] = [];
  for (const flow of flows) {
    const source = ends.identify(flow.source, 'source');
    const destination = ends.identify(flow.destination, 'destination');
    const observed = observedOf(flow);
    const key = `${source.id} ${destination.id} ${tallyKey(observed, flow.protocol, flow.port)}`;
    let tally = index.get(key);
    if (!tally) {
      tally = {
        observed, source: source.canonical, destination: destination.canonical, protocol: flow.protocol, port: flow.port, flows: 0, verdicts: {},
        firstLine: flow.line, lastLine: flow.line,
      };
      index.set(key, tally);
      tallies.push(tally);
    }
    add(tally, flow, source.own, destination.own);
  }

  // 2. The cluster with the observed pods the manifests do not have, and its analysis.
  const analysis = Analysis.of(model.cluster());
  const classOf = new Map<WorkloadModel, WorkloadClass>();
  for (const cls of analysis.engine.classes) for (const w of cls.workloads) classOf.set(w, cls);

  // 3. Merge addresses that the policies treat alike, then judge each group (each verdict worked out once).
  // Only groups with an address end can merge (the others' keys are already distinct); the order of first appearance is kept.
  const merged: Tally[] = [];
  const byAddressClass = new Map<string, Tally>();
  for (const tally of tallies) {
    const sourceClass = addressClassKey(analysis, tally.source, 'source');
    const destinationClass = addressClassKey(analysis, tally.destination, 'destination');
    if (sourceClass === undefined && destinationClass === undefined) {
      merged.push(tally);
      continue;
    }
    const key = `${tally.observed}\u0000${sourceClass ?? tally.source.key}\u0000${destinationClass ?? tally.destination.key}\u0000${tally.protocol}\u0000${tally.port}`;
    const into = byAddressClass.get(key);
    if (into) {
      mergeTally(into, tally);
    } else {
      byAddressClass.set(key, tally);
      merged.push(tally);
    }
  }
  const verdicts = new Verdicts(analysis);
  const groups: ReplayGroup[] = [];
  for (const tally of merged) {
    const source = model.resolve(analysis, classOf, tally.source, tally, 'source');
    const destination = model.resolve(analysis, classOf, tally.destination, tally, 'destination');
    groups.push(judge(verdicts, tally, source, destination));
  }

  sortGroups(groups);
  const counts = {} as { [outcome in ReplayOutcome]: ReplayCount };
  for (const outcome of REPLAY_OUTCOMES) counts[outcome] = { groups: 0, flows: 0 };
  for (const g of groups) {
    const c = counts[g.outcome];
    counts[g.outcome] = { groups: c.groups + 1, flows: c.flows + g.flows };
  }
  return { flows: flows.length, groups, counts, notes: [...notes].sort() };
}

const OBSERVED_INDEX: { [observed in ReplayObserved]: number } = { 'passed': 0, 'dropped': 1, 'dropped-other': 2 };

/** (observed, protocol, port) as one number; as text for a protocol or port no reader gives (a caller's own flows). */
function tallyKey(observed: ReplayObserved, protocol: FlowProtocol, port: number): number | string {
  const p = protocol === 'TCP' ? 0 : protocol === 'UDP' ? 1 : protocol === 'SCTP' ? 2 : -1;
  if (p < 0 || !Number.isInteger(port) || port < 0 || port > 0xffff) return `${observed} ${protocol} ${port}`;
  return (OBSERVED_INDEX[observed] * 3 + p) * 0x10000 + port;
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
    tally.dropReasons ??= {};
    tally.dropReasons[reason] = (tally.dropReasons[reason] ?? 0) + 1;
  }
  tally.firstLine = Math.min(tally.firstLine, flow.line);
  tally.lastLine = Math.max(tally.lastLine, flow.line);
  if (source.kind === 'address' && source.ip) addTo(tally, 'addresses', 'source', source.ip);
  if (destination.kind === 'address' && destination.ip) addTo(tally, 'addresses', 'destination', destination.ip);
  if (source.reserved) addTo(tally, 'identities', 'source', source.reserved);
  if (destination.reserved) addTo(tally, 'identities', 'destination', destination.reserved);
}

function mergeTally(into: Tally, other: Tally): void {
  into.flows += other.flows;
  for (const [k, n] of Object.entries(other.verdicts)) into.verdicts[k] = (into.verdicts[k] ?? 0) + n;
  if (other.dropReasons) {
    into.dropReasons ??= {};
    for (const [k, n] of Object.entries(other.dropReasons)) into.dropReasons[k] = (into.dropReasons[k] ?? 0) + n;
  }
  into.firstLine = Math.min(into.firstLine, other.firstLine);
  into.lastLine = Math.max(into.lastLine, other.lastLine);
  for (const side of ['source', 'destination'] as const) {
    for (const a of other.addresses?.[side] ?? NO_STRINGS) addTo(into, 'addresses', side, a);
    for (const i of other.identities?.[side] ?? NO_STRINGS) addTo(into, 'identities', side, i);
  }
}

/**
 * `k8s:` labels of a pod end, in one pass over them: all but bookkeeping, and of those the stable ones as key →
 * value, sorted by key (what `stableLabels` gives).
 */
function splitLabels(endpoint: FlowEndpoint): { all: Map<string, string>; stable: Labels } {
  const all = new Map<string, string>();
  const stable: Labels = {};
  for (const label of endpoint.labels) {
    const split = kubernetesLabel(label);
    if (!split || isBookkeepingLabelKey(split.key)) continue;
    all.set(split.key, split.value);
    if (isStableLabelKey(split.key)) stable[split.key] = split.value;
  }
  return { all, stable: sortKeys(stable) };
}

/** The labels of an end's namespace that Cilium recorded (`io.cilium.k8s.namespace.labels.*`), the valid ones. */
function namespaceLabels(endpoint: FlowEndpoint): Labels {
  const namespace: Labels = {};
  for (const label of endpoint.labels) {
    const split = kubernetesLabel(label);
    if (!split || !split.key.startsWith(NAMESPACE_LABEL_PREFIX)) continue;
    const key = split.key.slice(NAMESPACE_LABEL_PREFIX.length);
    if (validNamespaceLabel(key, split.value)) namespace[key] = split.value;
  }
  return namespace;
}


/** Namespace labels already checked (every pod of a namespace carries the same), by `key=value`. */
const checkedNamespaceLabels = new Map<string, boolean>();

/** Whether a namespace label Cilium recorded is one Kubernetes accepts (checked once per label, up to a bound). */
function validNamespaceLabel(key: string, value: string): boolean {
  const label = `${key}=${value}`;
  let valid = checkedNamespaceLabels.get(label);
  if (valid === undefined) {
    valid = !checkLabelKey(key) && !checkLabelValue(value);
    if (checkedNamespaceLabels.size >= 100_000) checkedNamespaceLabels.clear();
    checkedNamespaceLabels.set(label, valid);
  }
  return valid;
}

function labelsText(labels: Labels): string {
  const keys = sortedKeys(labels);
  let text = '{';
  for (let i = 0; i < keys.length; i++) text += `${i === 0 ? '' : ','}${keys[i]}=${labels[keys[i]]}`;
  return `${text}}`;
}

/**
 * Who an end of a flow is, as far as policies can tell; for a pod with labels, also all its recorded Kubernetes labels
 * except bookkeeping, to match workloads' pod templates against (a map: one look-up per template label, in pod label
 * sets that each have their own shape).
 */
function identityOf(endpoint: FlowEndpoint, side: 'source' | 'destination'): { identity: Identity; allLabels?: ReadonlyMap<string, string> } {
  if (endpoint.namespace) {
    const ns = endpoint.namespace;
    const workload = `${endpoint.workloadKind ?? ''}/${endpoint.workloadName ?? ''}`;
    if (endpoint.labelsMissing) {
      const name = endpoint.workloadName ?? endpoint.podName ?? '?';
      return { identity: {
        key: `named\u0001${ns}\u0001${endpoint.workloadKind ?? ''}\u0001${name}`, kind: 'named', namespace: ns,
        workloadName: endpoint.workloadName, workloadKind: endpoint.workloadKind, display: `${ns}/${name} (labels not recorded)`,
      } };
    }
    const { all, stable: labels } = splitLabels(endpoint);
    const identity: Identity = {
      key: `pod\u0001${ns}\u0001${workload}\u0001${labelsText(labels)}`, kind: 'pod', namespace: ns, labels,
      workloadName: endpoint.workloadName, workloadKind: endpoint.workloadKind, endpoint,
    };
    return { identity, allLabels: all };
  }
  // Only an end outside the namespaces has a reserved identity that matters.
  const reserved = endpoint.labels.find(l => l.startsWith('reserved:'));
  if (side === 'source' && reserved === 'reserved:host') return { identity: { key: 'node', kind: 'node', reserved } };
  if (endpoint.ip) return { identity: { key: `ip\u0001${endpoint.ip}`, kind: 'address', ip: endpoint.ip, reserved } };
  const what = reserved ?? (endpoint.labels.length ? endpoint.labels.join(',') : 'no labels');
  return { identity: { key: `unknown\u0001${what}`, kind: 'unknown', reserved, display: `${what} (no namespace, no address)` } };
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
  /** Per namespace, its workloads indexed by pod template labels (made when a pod of the namespace is first matched). */
  private readonly templateIndexes = new Map<string, PodTemplateIndex>();
  private readonly declared: Map<string, NamespaceModel>;
  private readonly namespaces = new Map<string, NamespaceModel>();
  private readonly workloads: WorkloadModel[] = [];
  /**
   * Per pod end (its canonical identity, see `Ends`): the matched workload, and the workload model it is evaluated as.
   * Keyed by the identity rather than its key: one identity per key, and no long key to hash at every look-up.
   */
  private readonly matched = new Map<Identity, { workload?: WorkloadModel; evaluated?: WorkloadModel; extra?: Labels }>();
  /** Per pod end (its canonical identity): the end as `resolve` gives it. */
  private readonly resolvedPods = new Map<Identity, Resolved>();

  constructor(private readonly base: ClusterModel, private readonly notes: Set<string>) {
    for (const w of base.workloads) {
      const list = this.byNamespace.get(w.namespaceName) ?? [];
      list.push(w);
      this.byNamespace.set(w.namespaceName, list);
    }
    this.declared = new Map(base.namespaces.map(n => [n.name, n]));
  }

  /**
   * Matches a pod end (a canonical identity, see `Ends`) to a workload of the manifests, or adds it as a would-be pod.
   * @param allLabels the pod's labels to match pod templates against (see `identityOf`)
   */
  public add(identity: Identity, allLabels: ReadonlyMap<string, string> | undefined): void {
    if (identity.kind === 'named') {
      const workload = (this.byNamespace.get(identity.namespace!) ?? []).find(w => w.name === identity.workloadName && (!identity.workloadKind || w.kind === identity.workloadKind));
      this.matched.set(identity, { workload, evaluated: workload });
      if (!workload) {
        this.notes.add(`${identity.namespace}/${identity.workloadName ?? '?'}: the flows record no labels for its pods (an export field mask that leaves out source.labels / destination.labels?) and the manifests have no workload of that name, so its flows were not evaluated; include the labels in the export`);
      }
      return;
    }
    if (identity.kind !== 'pod') return;
    const ns = identity.namespace!;
    const all = allLabels!;
    const labels = identity.labels!;
    const templates = this.templatesIn(ns, identity.endpoint!);
    // The workload the pod names, when its template matches: no other candidate is needed.
    let workload = templates.named(identity.workloadName, identity.workloadKind, all);
    const candidates = workload ? [] : templates.matching(all);
    if (!workload && candidates.length > 0) {
      const most = Math.max(...candidates.map(w => Object.keys(w.podLabels ?? {}).length));
      const best = candidates.filter(w => Object.keys(w.podLabels ?? {}).length === most).sort((a, b) => workloadRef(a).localeCompare(workloadRef(b)));
      workload = best[0];
      if (best.length > 1) {
        this.notes.add(`pods ${ns}/${labelsText(labels)} match ${best.map(workloadRef).join(' and ')} equally; evaluated as ${workloadRef(best[0])} (the policies see the same labels either way; only named ports can differ)`);
      }
    }
    if (!workload) {
      const named = (this.byNamespace.get(ns) ?? []).find(w => w.name === identity.workloadName && (!identity.workloadKind || w.kind === identity.workloadKind));
      if (named) {
        this.notes.add(`${workloadRef(named)}: the manifests give its pods the labels ${labelsText(named.podLabels ?? {})}, but the observed pods carry ${labelsText(labels)}; they were evaluated with the observed labels (are the manifests what is deployed?)`);
      }
      const evaluated: WorkloadModel = { kind: 'Pod', name: `observed-pod-${this.workloads.length + 1}`, namespaceName: ns, podLabels: { ...labels } };
      this.workloads.push(evaluated);
      this.matched.set(identity, { evaluated });
      return;
    }
    const template = workload.podLabels ?? {};
    // The labels the template does not give; most pods have none (no object is made for them).
    let extra: Labels | undefined;
    for (const k of Object.keys(labels)) if (template[k] !== labels[k]) (extra ??= {})[k] = labels[k];
    if (extra === undefined) {
      this.matched.set(identity, { workload, evaluated: workload });
      return;
    }
    // The pods carry more labels than the template: evaluate them as they are, with the workload's ports.
    const evaluated: WorkloadModel = {
      kind: 'Pod', name: `observed-pod-${this.workloads.length + 1}`, namespaceName: ns, podLabels: { ...template, ...labels },
      ports: workload.ports, hostNetwork: workload.hostNetwork,
    };
    this.workloads.push(evaluated);
    this.matched.set(identity, { workload, evaluated, extra });
  }

  /**
   * The namespace's workloads indexed by pod template labels, made when a pod of the namespace is first matched; a
   * namespace the manifests lack is then added with the labels Cilium recorded on that pod (`endpoint`).
   */
  private templatesIn(namespace: string, endpoint: FlowEndpoint): PodTemplateIndex {
    let index = this.templateIndexes.get(namespace);
    if (!index) {
      index = new PodTemplateIndex(this.byNamespace.get(namespace) ?? []);
      this.templateIndexes.set(namespace, index);
      if (!this.declared.has(namespace)) this.namespaces.set(namespace, { name: namespace, labels: namespaceLabels(endpoint) });
    }
    return index;
  }

  /**
   * The cluster to analyse: the manifests' namespaces and policies, the namespaces only the flows show, and only the
   * workloads the observed pods are evaluated as (manifests' workloads in their order, then would-be pods). A verdict
   * between two ends reads nothing of the other workloads (the library's pair queries rely on the same), so the
   * workloads no flow shows would only make the analysis group them into classes.
   */
  public cluster(): ClusterModel {
    for (const ns of this.namespaces.values()) {
      const labels = Object.keys(ns.labels ?? {}).filter(k => k !== 'kubernetes.io/metadata.name');
      if (labels.length > 0) this.notes.add(`namespace ${ns.name} is not declared in the manifests: it was given the labels Cilium recorded for it, ${labelsText(ns.labels ?? {})}`);
    }
    const evaluated = new Set<WorkloadModel>();
    for (const match of this.matched.values()) if (match.evaluated) evaluated.add(match.evaluated);
    // Spread first: whatever else the model holds (its policies, and any policy kinds added later) stays as it is.
    return {
      ...this.base,
      namespaces: [...this.base.namespaces, ...this.namespaces.values()],
      workloads: [...this.base.workloads.filter(w => evaluated.has(w)), ...this.workloads],
    };
  }

  /** An end of a group (a canonical identity) as the report names it, and as the analysis resolves it. */
  public resolve(analysis: Analysis, classOf: Map<WorkloadModel, WorkloadClass>, identity: Identity, tally: Tally, side: 'source' | 'destination'): Resolved {
    const identities = () => [...tally.identities?.[side] ?? NO_STRINGS].sort();
    switch (identity.kind) {
      case 'node':
        return { endpoint: { kind: 'node', name: 'reserved:host', identities: identities() } };
      case 'unknown':
        return { endpoint: { kind: 'unknown', name: identity.display!, identities: identities() } };
      case 'address': {
        const all = [...tally.addresses?.[side] ?? NO_STRINGS].sort(compareAddresses);
        const shown = all.slice(0, MAX_LISTED_ADDRESSES);
        const name = all.length === 1 ? all[0] : `${all.slice(0, 2).join(', ')}${all.length > 2 ? ` and ${all.length - 2} more` : ''}`;
        const resolved = analysis.resolve(all[0]);
        return { endpoint: { kind: 'address', name, addresses: shown, addressCount: all.length, identities: identities() }, resolved };
      }
      default: {
        // A pod end is the same in every group it is in: resolved once, shared by its groups.
        let resolved = this.resolvedPods.get(identity);
        if (!resolved) {
          resolved = this.resolvePod(classOf, identity);
          this.resolvedPods.set(identity, resolved);
        }
        return resolved;
      }
    }
  }

  /** A pod end (matched to a workload, a would-be pod, or one whose labels were not recorded) as the report names it. */
  private resolvePod(classOf: Map<WorkloadModel, WorkloadClass>, identity: Identity): Resolved {
    const match = this.matched.get(identity)!;
    if (!match.evaluated) return { endpoint: { kind: 'unknown', name: identity.display!, namespace: identity.namespace } };
    const ns = identity.namespace!;
    const workload = match.workload;
    const shortName = workload ? workload.name : identity.workloadName ?? labelsText(identity.labels ?? {});
    // Joined rather than concatenated: a flat string, which the sort of the groups compares several times.
    const name = [ns, shortName].join('/');
    // Literals rather than a spread of the optional member: this runs for every distinct pod of a capture.
    const endpoint: ReplayEndpoint = !workload
      ? { kind: 'pod', name, namespace: ns, labels: { ...(identity.labels ?? {}) } }
      : match.extra
        ? { kind: 'workload', name, namespace: ns, labels: { ...(match.evaluated.podLabels ?? {}) }, workload: workloadRef(workload), extraLabels: match.extra }
        : { kind: 'workload', name, namespace: ns, labels: { ...(match.evaluated.podLabels ?? {}) }, workload: workloadRef(workload) };
    const cls = classOf.get(match.evaluated)!;
    return { endpoint, resolved: { type: 'workload', endpoint: { type: 'workload', namespace: ns, name: shortName, kind: workload?.kind ?? 'Pod' }, cls } };
  }
}

/**
 * The workloads of one namespace, indexed to match pods against: each workload with pod template labels is listed
 * under one of them (its first), since a pod it matches carries that label. A pod is then checked only against the
 * workloads listed under its own labels, not against every workload of its namespace.
 */
class PodTemplateIndex {
  /** Label key → value → the workloads listed under that label. */
  private readonly index = new Map<string, Map<string, IndexedWorkload[]>>();
  /** The same workloads by name, in cluster order. */
  private readonly byName = new Map<string, IndexedWorkload[]>();

  /** @param workloads the namespace's workloads, in cluster order */
  constructor(workloads: readonly WorkloadModel[]) {
    workloads.forEach((workload, position) => {
      const labels = workload.podLabels ?? {};
      const keys = Object.keys(labels);
      // A template without labels matches no pod: a workload is matched by labels, at least one.
      if (keys.length === 0) return;
      let byValue = this.index.get(keys[0]);
      if (!byValue) {
        byValue = new Map();
        this.index.set(keys[0], byValue);
      }
      const listed = byValue.get(labels[keys[0]]);
      const indexed = { workload, position, keys, values: keys.map(k => labels[k]) };
      if (listed) listed.push(indexed);
      else byValue.set(labels[keys[0]], [indexed]);
      const named = this.byName.get(workload.name);
      if (named) named.push(indexed);
      else this.byName.set(workload.name, [indexed]);
    });
  }

  /**
   * The first workload in cluster order with the name (and the kind, if given) whose pod template's labels are all
   * among `labels`: the one of `matching(labels)` with that name, found without the others.
   */
  public named(name: string | undefined, kind: string | undefined, labels: ReadonlyMap<string, string>): WorkloadModel | undefined {
    if (name === undefined) return undefined;
    for (const w of this.byName.get(name) ?? []) if ((!kind || w.workload.kind === kind) && hasAll(labels, w.keys, w.values)) return w.workload;
    return undefined;
  }

  /** The workloads whose pod template's labels are all among `labels`, in cluster order. */
  public matching(labels: ReadonlyMap<string, string>): WorkloadModel[] {
    const found: IndexedWorkload[] = [];
    // By the index's keys (the first label key of each template: few), not by the pod's labels (many).
    for (const [key, byValue] of this.index) {
      const value = labels.get(key);
      const listed = value === undefined ? undefined : byValue.get(value);
      if (!listed) continue;
      for (const w of listed) if (hasAll(labels, w.keys, w.values)) found.push(w);
    }
    // Found list by list: back into cluster order.
    if (found.length > 1) found.sort((a, b) => a.position - b.position);
    return found.map(f => f.workload);
  }
}

/** A workload with its pod template's labels as keys and values, and its position among its namespace's workloads. */
interface IndexedWorkload {
  readonly workload: WorkloadModel;
  readonly position: number;
  readonly keys: string[];
  readonly values: string[];
}

/** Whether `labels` has every key with its value. */
function hasAll(labels: ReadonlyMap<string, string>, keys: readonly string[], values: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) if (labels.get(keys[i]) !== values[i]) return false;
  return true;
}

function workloadRef(w: WorkloadModel): string {
  return `${w.kind} ${w.namespaceName}/${w.name}`;
}

function compareAddresses(a: string, b: string): number {
  const key = (ip: string) => (ip.includes(':') ? `6${ip}` : `4${ip.split('.').map(p => p.padStart(3, '0')).join('.')}`);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/**
 * The group's verdict: whether the policies allow its connection, and the outcome against what was observed. What
 * decides and the explanation are worded when read (see `deferWording`): a report words only the groups it lists.
 */
function judge(verdicts: Verdicts, tally: Tally, source: Resolved, destination: Resolved): ReplayGroup {
  const connection = () => `${source.endpoint.name} to ${destination.endpoint.name} on ${tally.protocol} ${tally.port}`;
  const verdict = (allowed: boolean, explanation: string): ReplayGroup =>
    group(tally, source, destination, outcomeOf(tally.observed, allowed), allowed, { decidedBy: [], explanation });
  for (const end of [source, destination]) {
    if (end.endpoint.kind === 'unknown') {
      return group(tally, source, destination, 'not-evaluated', undefined, { decidedBy: [], explanation: `not evaluated: ${end.endpoint.name} cannot be matched to anything a NetworkPolicy selects` });
    }
  }
  if (source.endpoint.kind === 'node' && destination.resolved?.type === 'workload') {
    return verdict(true, `${connection()} is allowed whatever the policies: Kubernetes lets a pod's own node (reserved:host) reach it, for kubelet probes`);
  }
  if (!source.resolved || !destination.resolved || (source.resolved.type === 'address' && destination.resolved.type === 'address')) {
    return verdict(true, `${connection()} is allowed: neither end is a pod of the cluster, so no NetworkPolicy applies`);
  }
  const protocol = tally.protocol as Protocol;
  const allowed = verdicts.allowed(source.resolved, destination.resolved, protocol, tally.port);
  const g = group(tally, source, destination, outcomeOf(tally.observed, allowed), allowed);
  return deferWording(g, { verdicts, source: source.resolved, destination: destination.resolved, protocol });
}

/**
 * A group as the result holds it: its members in the order the JSON report lists them (`dropReasons` only for a group
 * with drops, `allowed` only for a group that was evaluated), `decidedBy` and `explanation` last (`wording`, or left
 * for `deferWording`).
 */
function group(tally: Tally, source: Resolved, destination: Resolved, outcome: ReplayOutcome, allowed: boolean | undefined,
  wording?: Pick<ReplayGroup, 'decidedBy' | 'explanation'>): ReplayGroup {
  const g: { -readonly [K in keyof ReplayGroup]: ReplayGroup[K] } = {
    observed: tally.observed, source: source.endpoint, destination: destination.endpoint, protocol: tally.protocol, port: tally.port,
    // The tally's counts are handed over, not copied: a tally is dropped once its group is made.
    flows: tally.flows, verdicts: tally.verdicts,
  } as ReplayGroup;
  if (tally.dropReasons) g.dropReasons = tally.dropReasons;
  g.firstLine = tally.firstLine;
  g.lastLine = tally.lastLine;
  g.outcome = outcome;
  if (allowed !== undefined) g.allowed = allowed;
  if (wording) {
    g.decidedBy = wording.decidedBy;
    g.explanation = wording.explanation;
  }
  return g;
}

/** What a group's deferred wording is worked out from. */
interface Wording {
  readonly verdicts: Verdicts;
  readonly source: ResolvedEndpoint;
  readonly destination: ResolvedEndpoint;
  readonly protocol: Protocol;
}

/** Where a group with deferred wording keeps its `Wording` (not enumerable: no report or comparison sees it). */
const WORDING = Symbol('wording');

type DeferredGroup = ReplayGroup & { readonly [WORDING]: Wording };

/** The deferred members, in the order of `group`'s (shared by every group: one shape for all). */
const DEFERRED_MEMBERS: PropertyDescriptorMap = {
  decidedBy: {
    enumerable: true, configurable: true,
    get(this: DeferredGroup): string[] {
      const w = this[WORDING];
      return [...w.verdicts.template(w.source, w.destination, w.protocol, this.port).decidedBy];
    },
  },
  explanation: {
    enumerable: true, configurable: true,
    get(this: DeferredGroup): string {
      const w = this[WORDING];
      return w.verdicts.text(w.source, w.destination, w.protocol, this.port);
    },
  },
};

/**
 * Gives the group `decidedBy` and `explanation` as members worked out each time they are read (a new array, the same
 * text), from the verdict its pair of ends shares. They enumerate, serialize and compare as plain members do. Most
 * groups of a capture are allowed connections that the text and Markdown reports only count, so their wording is
 * never made; the JSON report makes each as it writes it, and holds none.
 */
function deferWording(g: ReplayGroup, wording: Wording): ReplayGroup {
  Object.defineProperty(g, WORDING, { value: wording });
  return Object.defineProperties(g, DEFERRED_MEMBERS);
}

/** A resolved end with its name replaced by a placeholder (`side` tells the two apart), and the placeholder. */
function placeholder(end: ResolvedEndpoint, side: string): { end: ResolvedEndpoint; token: string } {
  // No name of a namespace, workload or address holds a NUL, so the placeholder appears nowhere else in a text.
  const workload = { type: 'workload', namespace: `\u0000${side}`, name: '\u0000', kind: 'Pod' } as const;
  const token = endpointShortName(workload);
  if (end.type === 'workload') return { end: { ...end, endpoint: workload }, token };
  return { end: { ...end, endpoint: { type: 'external', first: token, last: token } }, token };
}

/**
 * The verdict of each connection: whether it is allowed (`allowed`, judged for each group), and its wording
 * (`template`, `text`), worked out once per (source workload class or address, destination class or address,
 * protocol, port): `explainConnection` with placeholders for the two ends' names, then filled in per group with its
 * ends' names, which gives the same text as explaining the group itself (the names only enter the text).
 *
 * Between two workload classes, the verdict is also shared by every pair of classes with the same `signature`: what
 * `explainConnection` reads of the two classes. A capture names many classes (every distinct label set of every
 * namespace), but far fewer distinct signatures.
 */
class Verdicts {
  /** Between workload classes: by source class, then `classPairKey` of the rest. */
  private readonly byClasses = new Map<WorkloadClass, Map<number, VerdictTemplate>>();
  /** Otherwise: by `endKey` of both ends, protocol and port. */
  private readonly cache = new Map<string, VerdictTemplate>();
  /** Between workload classes, by `signature`. */
  private readonly bySignature = new Map<string, VerdictTemplate>();
  /** A number per policy, to name lists of policies in signatures. */
  private readonly policyNumbers = new Map<CompiledPolicy, number>();
  /** Per direction, per class index: `sideKey`, once worked out. */
  private readonly sideKeys: { [direction: string]: string[] } = { [PolicyType.EGRESS]: [], [PolicyType.INGRESS]: [] };

  constructor(private readonly analysis: Analysis) {}

  /** Whether the connection is allowed (`explainConnection`'s verdict, without its wording). */
  public allowed(source: ResolvedEndpoint, destination: ResolvedEndpoint, protocol: Protocol, port: number): boolean {
    return _connectionAllowed(this.analysis.engine, source, destination, protocol, port);
  }

  /** The connection's verdict with the ends' names left open, worked out once per pair of ends that read alike. */
  public template(source: ResolvedEndpoint, destination: ResolvedEndpoint, protocol: Protocol, port: number): VerdictTemplate {
    return source.type === 'workload' && destination.type === 'workload'
      ? this.betweenClasses(source, destination, protocol, port)
      : this.cached(`${endKey(source)}\u0000${endKey(destination)}\u0000${protocol}\u0000${port}`, () => this.explain(source, destination, protocol, port));
  }

  /** The explanation of the connection, as `explainConnection` words it. */
  public text(source: ResolvedEndpoint, destination: ResolvedEndpoint, protocol: Protocol, port: number): string {
    const text = this.template(source, destination, protocol, port).text;
    const names = [endpointShortName(source.endpoint), endpointShortName(destination.endpoint)];
    let filled = text.parts[0];
    for (let i = 0; i < text.slots.length; i++) filled += names[text.slots[i]] + text.parts[i + 1];
    return filled;
  }

  /** The verdict between two workload classes, from the first pair of classes with the same `signature`. */
  private betweenClasses(source: ResolvedWorkloadEnd, destination: ResolvedWorkloadEnd, protocol: Protocol, port: number): VerdictTemplate {
    const work = () => {
      const signature = this.signature(source.cls, destination.cls, protocol, port);
      if (signature === undefined) return this.explain(source, destination, protocol, port);
      let shared = this.bySignature.get(signature);
      if (!shared) {
        shared = this.explain(source, destination, protocol, port);
        this.bySignature.set(signature, shared);
      }
      return shared;
    };
    const key = classPairKey(destination.cls, protocol, port);
    if (key === undefined) return this.cached(`${endKey(source)}\u0000${endKey(destination)}\u0000${protocol}\u0000${port}`, work);
    let bySource = this.byClasses.get(source.cls);
    if (!bySource) {
      bySource = new Map();
      this.byClasses.set(source.cls, bySource);
    }
    let verdict = bySource.get(key);
    if (!verdict) {
      verdict = work();
      bySource.set(key, verdict);
    }
    return verdict;
  }

  /** The verdict cached under a text key, worked out by `work` the first time. */
  private cached(key: string, work: () => VerdictTemplate): VerdictTemplate {
    let verdict = this.cache.get(key);
    if (!verdict) {
      verdict = work();
      this.cache.set(key, verdict);
    }
    return verdict;
  }

  /** `explainConnection` of the connection, with placeholders for the ends' names. */
  private explain(source: ResolvedEndpoint, destination: ResolvedEndpoint, protocol: Protocol, port: number): VerdictTemplate {
    const s = placeholder(source, 'source');
    const d = placeholder(destination, 'destination');
    const explanation = explainConnection(this.analysis.engine, s.end, d.end, protocol, port);
    return { allowed: explanation.allowed, decidedBy: decidedBy(explanation), text: template(explanation.text, [s.token, d.token]) };
  }

  /**
   * Everything `explainConnection` reads of two workload classes (with the ends' names left open), or undefined when
   * that is the classes themselves (cluster-scoped policies' tiers match classes in their own ways): the policies that
   * select the source for egress and the destination for ingress, which of their rules' peers include the other end,
   * the destination's named ports (which the rules' named ports resolve against), the protocol and the port.
   */
  private signature(source: WorkloadClass, destination: WorkloadClass, protocol: Protocol, port: number): string | undefined {
    const engine = this.analysis.engine;
    if (engine.tiers) return undefined;
    let peers = '';
    for (const rule of engine.side(PolicyType.EGRESS, source).rules) peers += engine.ruleMatchesOneClass(rule, destination) ? '1' : '0';
    peers += '|';
    for (const rule of engine.side(PolicyType.INGRESS, destination).rules) peers += engine.ruleMatchesOneClass(rule, source) ? '1' : '0';
    return `${this.sideKey(PolicyType.EGRESS, source)}|${this.sideKey(PolicyType.INGRESS, destination)}|${peers}|${destination.portsKey}|${protocol}|${port}`;
  }

  /** What decides a class's side: whether policies can isolate it at all, and the policies that select it. */
  private sideKey(direction: PolicyType, cls: WorkloadClass): string {
    const keys = this.sideKeys[direction];
    let key = keys[cls.index];
    if (key === undefined) {
      const engine = this.analysis.engine;
      key = engine.isUnpolicied(cls) ? 'unpolicied' : engine.side(direction, cls).policies.map(p => this.policyNumber(p)).join(',');
      keys[cls.index] = key;
    }
    return key;
  }

  private policyNumber(policy: CompiledPolicy): number {
    let n = this.policyNumbers.get(policy);
    if (n === undefined) {
      n = this.policyNumbers.size;
      this.policyNumbers.set(policy, n);
    }
    return n;
  }
}

/** A verdict with the ends' names left open. */
interface VerdictTemplate {
  readonly allowed: boolean;
  readonly decidedBy: string[];
  readonly text: Template;
}

/** A text with placeholders: `parts[0]`, the name of end `slots[0]` (0 the source, 1 the destination), `parts[1]`, ... */
interface Template {
  readonly parts: string[];
  readonly slots: number[];
}

/** Cuts a text at every occurrence of the two placeholders. */
function template(text: string, tokens: readonly string[]): Template {
  const parts: string[] = [];
  const slots: number[] = [];
  let pos = 0;
  while (true) {
    const at = tokens.map(t => text.indexOf(t, pos));
    const slot: number = at[0] >= 0 && (at[1] < 0 || at[0] < at[1]) ? 0 : at[1] >= 0 ? 1 : -1;
    if (slot < 0) break;
    parts.push(text.slice(pos, at[slot]));
    slots.push(slot);
    pos = at[slot] + tokens[slot].length;
  }
  parts.push(text.slice(pos));
  return { parts, slots };
}

/** A resolved end that is a workload. */
type ResolvedWorkloadEnd = Extract<ResolvedEndpoint, { type: 'workload' }>;

/**
 * (destination class, protocol, port) as one number, like `tallyKey` (below 2^53 for any class count an array can
 * hold); undefined for a protocol or port no reader gives.
 */
function classPairKey(destination: WorkloadClass, protocol: Protocol, port: number): number | undefined {
  const p = protocol === Protocol.TCP ? 0 : protocol === Protocol.UDP ? 1 : protocol === Protocol.SCTP ? 2 : -1;
  if (p < 0 || !Number.isInteger(port) || port < 0 || port > 0xffff) return undefined;
  return (destination.index * 3 + p) * 0x10000 + port;
}

/** What the evaluation of a resolved end depends on: its workload class, or its address. */
function endKey(end: ResolvedEndpoint): string {
  return end.type === 'workload' ? `class ${end.cls.index}` : `address ${end.address.family} ${end.address.address}`;
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

/** Each outcome's position in `REPLAY_OUTCOMES`: the order of the groups. */
const OUTCOME_RANK: ReadonlyMap<ReplayOutcome, number> = new Map(REPLAY_OUTCOMES.map((o, i) => [o, i]));

/**
 * Sorts the groups by outcome (`REPLAY_OUTCOMES` order), then source name, destination name, protocol, port and
 * observed verdict. The names are compared once, in a sort of the distinct ends (an end object is shared by its
 * groups), and the groups then sort on the ends' positions: numbers, not strings, at each comparison.
 */
function sortGroups(groups: ReplayGroup[]): void {
  const position = new Map<ReplayEndpoint, number>();
  const ends: ReplayEndpoint[] = [];
  for (const g of groups) {
    for (const end of [g.source, g.destination]) {
      if (position.has(end)) continue;
      position.set(end, 0);
      ends.push(end);
    }
  }
  ends.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Ends with the same name (an address group's, say) share a position.
  ends.forEach((end, i) => position.set(end, i > 0 && ends[i - 1].name === end.name ? position.get(ends[i - 1])! : i));
  const keyed = groups.map(g => ({
    g, outcome: OUTCOME_RANK.get(g.outcome)!, source: position.get(g.source)!, destination: position.get(g.destination)!,
  }));
  keyed.sort((x, y) => x.outcome - y.outcome || x.source - y.source || x.destination - y.destination
    || (x.g.protocol === y.g.protocol ? 0 : x.g.protocol < y.g.protocol ? -1 : 1) || x.g.port - y.g.port || x.g.observed.localeCompare(y.g.observed));
  keyed.forEach((k, i) => { groups[i] = k.g; });
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

/** Options of the replay report. */
export interface ReplayFormatOptions {
  /**
   * For `md`: the most characters to write; groups past it are left out, and a closing note counts them by outcome.
   * `Infinity` writes every group.
   * @default PR_COMMENT_MAX_LENGTH
   */
  readonly maxLength?: number;
}

/**
 * Formats a replay: `txt` (the summary line, then the groups that are not simply allowed, each with its
 * explanation), `md` (the same for a pull request comment) or `json` (every group, allowed ones included).
 * @param source what was replayed, for the summary line (the flow file's name)
 * @param stats the reader's counts, included in the JSON
 * @param options `maxLength` of the md report (default: GitHub's 65,536-character comment limit)
 */
export function formatReplay(result: ReplayResult, format: ReplayFormat, source: string, stats?: FlowStats, options: ReplayFormatOptions = {}): string {
  return collectText(write => writeReplay(result, format, source, write, stats, options));
}

/**
 * Writes a replay as `formatReplay` renders it, group by group, so the report of a large capture is never held as one
 * string.
 * @param source what was replayed, for the summary line (the flow file's name)
 * @param write receives the text, piece by piece
 * @param stats the reader's counts, included in the JSON
 * @param options `maxLength` of the md report
 */
export function writeReplay(result: ReplayResult, format: ReplayFormat, source: string, write: Write, stats?: FlowStats, options: ReplayFormatOptions = {}): void {
  if (format === 'json') {
    writeJson(result, source, write, stats);
    return;
  }
  if (format === 'md') {
    writeMarkdown(result, source, write, options.maxLength);
    return;
  }
  write(`${replaySummary(result, source)}\n`);
  for (const section of SECTIONS) {
    const groups = result.groups.filter(g => g.outcome === section.outcome);
    if (groups.length === 0) continue;
    write(`\n${section.title}:\n`);
    for (const g of groups) {
      write(`  ${endpointText(g.source)} -> ${endpointText(g.destination)} ${g.protocol} ${g.port}: ${flowsText(g)}, ${linesText(g)}; ${decisionText(g)}\n`);
      write(`    ${g.explanation}\n`);
    }
  }
  if (result.notes.length > 0) {
    write('\nNotes:\n');
    for (const note of result.notes) write(`  - ${note}\n`);
  }
}

/** `JSON.stringify(value, null, 2)` for a value nested `depth` levels deep (its lines indented to match). */
function nestedJson(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * The JSON report, group by group: byte for byte `JSON.stringify({ source, summary, flows, counts, groups, notes,
 * stats }, null, 2)` (JSON strings hold no raw newline, so indenting the lines of each member is safe).
 */
function writeJson(result: ReplayResult, source: string, write: Write, stats?: FlowStats): void {
  const member = (key: string, value: unknown) => `  ${JSON.stringify(key)}: ${nestedJson(value, 1)}`;
  write(`{\n${[member('source', source), member('summary', replaySummary(result, source)), member('flows', result.flows), member('counts', result.counts)].join(',\n')},\n  "groups": [`);
  result.groups.forEach((g, i) => write(`${i === 0 ? '' : ','}\n    ${nestedJson(g, 2)}`));
  write(result.groups.length === 0 ? ']' : '\n  ]');
  write(`,\n${member('notes', result.notes)}${stats ? `,\n${member('stats', stats)}` : ''}\n}\n`);
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/**
 * The Markdown report: a title, the summary, then per outcome a table of its groups and their explanations, then the
 * notes; cut at a group to `maxLength` characters when longer (the closing note counts the groups left out).
 */
function writeMarkdown(result: ReplayResult, source: string, write: Write, maxLength = PR_COMMENT_MAX_LENGTH): void {
  _checkMaxLength(maxLength);
  const denied = result.counts['would-deny'];
  const title = denied.groups === 0
    ? 'no observed connection would be denied'
    : `${plural(denied.groups, 'observed connection')} would be denied (${plural(denied.flows, 'flow')})`;
  const header = `### cdk8s-netpol replay: ${title}\n\n${cell(replaySummary(result, source))}\n`;
  const end = (e: ReplayEndpoint) => cell(`${code(e.name)}${endpointQualifier(e)}`);
  const row = (g: ReplayGroup) => {
    const lines = g.firstLine === g.lastLine ? `${g.firstLine}` : `${g.firstLine} to ${g.lastLine}`;
    const decision = g.allowed === undefined ? 'not evaluated' : `${g.allowed ? 'allowed' : 'denied'}${g.decidedBy.length ? ` by ${g.decidedBy.map(code).join(', ')}` : ''}`;
    return `| ${end(g.source)} | ${end(g.destination)} | ${g.protocol} ${g.port} | ${cell(flowsText(g))} | ${lines} | ${cell(decision)} |\n`;
  };
  const why = (g: ReplayGroup) => `- ${cell(g.explanation)}\n`;
  const sections = SECTIONS.map(section => ({
    outcome: section.outcome,
    groups: result.groups.filter(g => g.outcome === section.outcome),
    head: `\n#### ${section.title}\n\n| Source | Destination | Port | Flows | Lines | Decision |\n| --- | --- | --- | --- | --- | --- |\n`,
  })).filter(s => s.groups.length > 0);
  const [openWhy, closeWhy] = ['\n<details><summary>Why</summary>\n\n', '\n</details>\n'];
  const notes = result.notes.length === 0 ? '' : `\n#### Notes\n\n${result.notes.map(note => `- ${cell(note)}\n`).join('')}`;
  // Groups are rendered twice when there is a limit: once to learn whether everything fits, then to write.
  let whole = header.length + notes.length;
  for (const s of sections) {
    whole += s.head.length + openWhy.length + closeWhy.length;
    if (Number.isFinite(maxLength)) for (let i = 0; i < s.groups.length && whole <= maxLength; i++) whole += row(s.groups[i]).length + why(s.groups[i]).length;
  }
  const budget = whole <= maxLength ? Infinity : maxLength - _NOTE_ROOM;
  let length = header.length;
  write(header);
  const left: string[] = [];
  for (const s of sections) {
    // As many of the section's groups as fit, each with its row and its explanation; none once one section is cut.
    let shown = 0;
    let size = s.head.length + openWhy.length + closeWhy.length;
    if (left.length === 0) {
      while (shown < s.groups.length) {
        const more = row(s.groups[shown]).length + why(s.groups[shown]).length;
        if (length + size + more > budget) break;
        size += more;
        shown++;
      }
    }
    if (shown > 0) {
      const groups = s.groups.slice(0, shown);
      write(s.head);
      for (const g of groups) write(row(g));
      write(openWhy);
      for (const g of groups) write(why(g));
      write(closeWhy);
      length += size;
    }
    if (shown < s.groups.length) left.push(`${(s.groups.length - shown).toLocaleString('en-US')} ${s.outcome}`);
  }
  const notesFit = length + notes.length <= budget;
  if (notesFit) write(notes);
  const hint = 'For every group, run the same `cdk8s-netpol replay` with `--output txt` or `--output json`.';
  if (left.length > 0) write(_cutNote(maxLength, left, 'groups', `${notesFit ? '' : 'Nor are the notes. '}${hint}`));
  else if (!notesFit) write(_cutNote(maxLength, [`${result.notes.length}`], 'notes', hint));
}
