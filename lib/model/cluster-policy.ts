/**
 * The plain-data model of cluster-scoped network policies (kubernetes-sigs/network-policy-api): the v1alpha1
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy, and their successor, the v1alpha2 ClusterNetworkPolicy with
 * `tier: Admin | Baseline`. All three load into this one model; `kind` and `apiVersion` say which it was.
 *
 * Field names follow the APIs where they agree (`subject`, `namespaces`, `pods`, `networks`, `nodes`), and the
 * NetworkPolicy model where the APIs differ: `peers` for `from`/`to`, and `ports` for v1alpha1's `ports`
 * (`portNumber`, `portRange`, `namedPort`) and v1alpha2's `protocols` (`tcp`/`udp`/`sctp` with a `destinationPort`
 * `number` or `range`, and `destinationNamedPort`). Actions are kept as written: v1alpha1 says `Allow` where
 * v1alpha2 says `Accept`.
 *
 * Evaluation order (the API's tiers): Admin tier rules, by priority (lower number first), then rule order, first
 * match per connection and port; then NetworkPolicies; then, for pods no NetworkPolicy isolates in that direction,
 * Baseline tier rules in the same order; otherwise the connection is allowed.
 * @see https://network-policy-api.sigs.k8s.io/api-overview/
 */
import { parseCidr } from './cidr';
import { Protocol, SelectorModel, SourceModel } from './types';
import { checkObjectName, checkPortNumber, checkSelector, Problem } from './validation';

/** The API group of the cluster-scoped policy kinds. */
export const CLUSTER_POLICY_GROUP = 'policy.networking.k8s.io';

/** `apiVersion` of AdminNetworkPolicy and BaselineAdminNetworkPolicy. */
export const CLUSTER_POLICY_V1ALPHA1 = 'policy.networking.k8s.io/v1alpha1';

/** `apiVersion` of ClusterNetworkPolicy. */
export const CLUSTER_POLICY_V1ALPHA2 = 'policy.networking.k8s.io/v1alpha2';

/** The kinds of cluster-scoped policy the model holds. */
export enum ClusterPolicyKind {
  /** v1alpha1 AdminNetworkPolicy: the Admin tier, with a priority. */
  ADMIN_NETWORK_POLICY = 'AdminNetworkPolicy',
  /** v1alpha1 BaselineAdminNetworkPolicy: the Baseline tier, a singleton named `default`, without a priority. */
  BASELINE_ADMIN_NETWORK_POLICY = 'BaselineAdminNetworkPolicy',
  /** v1alpha2 ClusterNetworkPolicy: either tier (`spec.tier`), with a priority. */
  CLUSTER_NETWORK_POLICY = 'ClusterNetworkPolicy',
}

/** The tier a cluster-scoped policy sits in, relative to NetworkPolicies. */
export enum ClusterPolicyTier {
  /** Evaluated before any NetworkPolicy; NetworkPolicies cannot override it. */
  ADMIN = 'Admin',
  /** Evaluated only for pods that no NetworkPolicy isolates (in the direction concerned). */
  BASELINE = 'Baseline',
}

/** What a rule does with the connections it matches. */
export enum ClusterPolicyAction {
  /** v1alpha1's name: the connection is allowed, and no later rule, tier or NetworkPolicy is consulted. */
  ALLOW = 'Allow',
  /** v1alpha2's name for ALLOW; the engine treats both alike. */
  ACCEPT = 'Accept',
  /** The connection is denied, and no later rule, tier or NetworkPolicy is consulted. */
  DENY = 'Deny',
  /**
   * The remaining rules of this tier are skipped: after the Admin tier, NetworkPolicies decide (and the Baseline
   * tier, for pods they do not isolate); after the Baseline tier (v1alpha2 only), the connection is allowed.
   */
  PASS = 'Pass',
}

/** Pods in namespaces: both selectors must match (`pods` in a subject or peer). */
export interface ClusterPolicyPodsModel {
  /** The namespaces; an empty selector selects every namespace. */
  readonly namespaceSelector: SelectorModel;
  /** The pods in those namespaces; an empty selector selects every pod. */
  readonly podSelector: SelectorModel;
}

/**
 * The pods a policy applies to. Exactly one field is set. Pods with `hostNetwork: true` are never selected.
 */
export interface ClusterPolicySubjectModel {
  /**
   * Every pod of the namespaces this selector matches (`{}`: every namespace).
   * @default - not this form
   */
  readonly namespaces?: SelectorModel;
  /**
   * The pods that both selectors match.
   * @default - not this form
   */
  readonly pods?: ClusterPolicyPodsModel;
}

/**
 * One entry of a rule's `from` or `to` list. Exactly one field is set; the entries of a list are ORed.
 * `namespaces` and `pods` never match pods with `hostNetwork: true`.
 */
export interface ClusterPolicyPeerModel {
  /**
   * Every pod of the namespaces this selector matches.
   * @default - not this form
   */
  readonly namespaces?: SelectorModel;
  /**
   * The pods that both selectors match.
   * @default - not this form
   */
  readonly pods?: ClusterPolicyPodsModel;
  /**
   * Address ranges in CIDR notation (1 to 25), egress only. The analysis matches them against addresses outside the
   * cluster only: pod IPs are not modelled (on a cluster, `0.0.0.0/0` also matches pod-to-pod traffic).
   * @default - not this form
   */
  readonly networks?: string[];
  /**
   * Nodes by label, egress only (experimental channel). Node addresses are not modelled: the analysis matches
   * nothing with this peer, and the loader warns.
   * @default - not this form
   */
  readonly nodes?: SelectorModel;
  /**
   * Domain names, egress only (experimental channel). Name resolution is not modelled: the analysis matches nothing
   * with this peer, and the loader warns.
   * @default - not this form
   */
  readonly domainNames?: string[];
}

/**
 * One entry of a rule's ports: a port number, an inclusive range (`port` to `endPort`), or a named container port
 * of the destination. Exactly one of `port` and `portName` is set.
 */
export interface ClusterPolicyPortModel {
  /**
   * The protocol of `port`/`endPort`. Unused with `portName`, whose protocol is the container port's.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
  /**
   * A port number (1-65535), or the first port of a range (v1alpha1 `portRange.start`, v1alpha2 `range.start`).
   * @default - a named port
   */
  readonly port?: number;
  /**
   * The last port of an inclusive range that starts at `port`.
   * @default - a single port
   */
  readonly endPort?: number;
  /**
   * A named container port of the destination pod (v1alpha1 `namedPort`, v1alpha2 `destinationNamedPort`); it
   * matches that container port's number and protocol, and nothing towards addresses outside the cluster.
   * @default - a numbered port
   */
  readonly portName?: string;
}

/** One ingress or egress rule: an action for traffic from/to any of the peers, on any of the ports. */
export interface ClusterPolicyRuleModel {
  /**
   * The rule's name (at most 100 characters), for messages.
   * @default - unnamed
   */
  readonly name?: string;
  /** What the rule does with the traffic it matches. */
  readonly action: ClusterPolicyAction;
  /** The peers (`from` for ingress, `to` for egress): at least one. */
  readonly peers: ClusterPolicyPeerModel[];
  /**
   * The ports. Absent means every port of every protocol.
   * @default - every port
   */
  readonly ports?: ClusterPolicyPortModel[];
}

/**
 * A cluster-scoped network policy: a v1alpha1 AdminNetworkPolicy or BaselineAdminNetworkPolicy, or a v1alpha2
 * ClusterNetworkPolicy. Unlike a NetworkPolicy it isolates nothing by itself: its rules are read as written.
 */
export interface ClusterPolicyModel {
  /** The kind it was written as. */
  readonly kind: ClusterPolicyKind;
  /** The apiVersion it was written as (`CLUSTER_POLICY_V1ALPHA1` or `CLUSTER_POLICY_V1ALPHA2`). */
  readonly apiVersion: string;
  /** `metadata.name` (a BaselineAdminNetworkPolicy is always `default`). */
  readonly name: string;
  /** The tier: ADMIN for an AdminNetworkPolicy, BASELINE for a BaselineAdminNetworkPolicy, `spec.tier` otherwise. */
  readonly tier: ClusterPolicyTier;
  /**
   * `spec.priority`, 0 to 1000: lower numbers are evaluated first within the tier.
   * @default - none: only a BaselineAdminNetworkPolicy has no priority (it is evaluated after the others of its tier)
   */
  readonly priority?: number;
  /** The pods the policy applies to. */
  readonly subject: ClusterPolicySubjectModel;
  /**
   * The ingress rules, in precedence order. None: the policy does not affect ingress.
   * @default - none
   */
  readonly ingress?: ClusterPolicyRuleModel[];
  /**
   * The egress rules, in precedence order. None: the policy does not affect egress.
   * @default - none
   */
  readonly egress?: ClusterPolicyRuleModel[];
  /**
   * `metadata.labels`.
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * `metadata.annotations`.
   * @default - no annotations
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Where the policy was defined.
   * @default - unknown
   */
  readonly source?: SourceModel;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: what the CRDs' schemas and CEL rules reject, named by the field path of the kind's own manifest.

/** The largest number of ingress or egress rules a policy of the kind may hold (100 in v1alpha1, 25 in v1alpha2). */
export function maxClusterPolicyRules(kind: ClusterPolicyKind): number {
  return kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY ? 25 : 100;
}

/** The actions a rule of the kind may name: v1alpha1 Allow, v1alpha2 Accept; a BaselineAdminNetworkPolicy has no Pass. */
export function clusterPolicyActions(kind: ClusterPolicyKind): ClusterPolicyAction[] {
  switch (kind) {
    case ClusterPolicyKind.ADMIN_NETWORK_POLICY: return [ClusterPolicyAction.ALLOW, ClusterPolicyAction.DENY, ClusterPolicyAction.PASS];
    case ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY: return [ClusterPolicyAction.ALLOW, ClusterPolicyAction.DENY];
    default: return [ClusterPolicyAction.ACCEPT, ClusterPolicyAction.DENY, ClusterPolicyAction.PASS];
  }
}

/** The apiVersion a kind is modelled at. */
export function clusterPolicyApiVersion(kind: ClusterPolicyKind): string {
  return kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY ? CLUSTER_POLICY_V1ALPHA2 : CLUSTER_POLICY_V1ALPHA1;
}

/** The manifest field of a rule's ports list: `ports` in v1alpha1, `protocols` in v1alpha2. */
export function clusterPortsField(kind: ClusterPolicyKind): string {
  return kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY ? 'protocols' : 'ports';
}

/** The manifest field of one port entry's number, range ends or name, e.g. `protocols[0].tcp.destinationPort.number`. */
export function clusterPortField(kind: ClusterPolicyKind, port: ClusterPolicyPortModel, index: number, part: 'port' | 'endPort' | 'portName' | 'protocol'): string {
  const at = `${clusterPortsField(kind)}[${index}]`;
  const range = port.endPort !== undefined;
  if (kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY) {
    if (part === 'portName') return `${at}.destinationNamedPort`;
    const proto = String(port.protocol ?? Protocol.TCP).toLowerCase();
    if (part === 'protocol') return `${at}.${proto}`;
    return range ? `${at}.${proto}.destinationPort.range.${part === 'port' ? 'start' : 'end'}` : `${at}.${proto}.destinationPort.number`;
  }
  if (part === 'portName') return `${at}.namedPort`;
  const form = range ? 'portRange' : 'portNumber';
  if (part === 'protocol') return `${at}.${form}.protocol`;
  return range ? `${at}.portRange.${part === 'port' ? 'start' : 'end'}` : `${at}.portNumber.port`;
}

/** The kind with its article: `an AdminNetworkPolicy`, `a ClusterNetworkPolicy`. */
function aKind(kind: ClusterPolicyKind): string {
  return `${kind === ClusterPolicyKind.ADMIN_NETWORK_POLICY ? 'an' : 'a'} ${kind}`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The number of fields set in a subject or peer (exactly one is allowed). */
function fieldsSet(value: object): string[] {
  return Object.entries(value).filter(([, v]) => v !== undefined).map(([k]) => k);
}

const DOMAIN_NAME = /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;
const PROTOCOLS: readonly string[] = [Protocol.TCP, Protocol.UDP, Protocol.SCTP];

function checkPods(pods: ClusterPolicyPodsModel, field: string): Problem[] {
  return [...checkSelector(pods.namespaceSelector, `${field}.namespaceSelector`), ...checkSelector(pods.podSelector, `${field}.podSelector`)];
}

function checkSubject(subject: ClusterPolicySubjectModel): Problem[] {
  const set = fieldsSet(subject);
  if (set.length !== 1) {
    return [{ field: 'spec.subject', message: `the subject must set exactly one of namespaces and pods, got ${set.length === 0 ? 'neither' : set.join(' and ')}` }];
  }
  return subject.namespaces ? checkSelector(subject.namespaces, 'spec.subject.namespaces') : checkPods(subject.pods!, 'spec.subject.pods');
}

function checkSet(values: readonly string[], field: string, what: string, each: (value: string) => string | undefined): Problem[] {
  const problems: Problem[] = [];
  if (values.length < 1 || values.length > 25) problems.push({ field, message: `${what} must list 1 to 25 entries, got ${values.length}` });
  const seen = new Set<string>();
  values.forEach((value, i) => {
    const problem = each(value);
    if (problem) problems.push({ field: `${field}[${i}]`, message: problem });
    if (seen.has(value)) problems.push({ field: `${field}[${i}]`, message: `${JSON.stringify(value)} is listed twice; ${what} is a set` });
    seen.add(value);
  });
  return problems;
}

function checkNetwork(text: string): string | undefined {
  if (typeof text !== 'string') return `network ${JSON.stringify(text)} is not a string`;
  if (text.length > 43) return `network "${text}" is ${text.length} characters long; at most 43 are allowed`;
  const parsed = parseCidr(text);
  return typeof parsed === 'string' ? parsed : undefined;
}

function checkClusterPeer(kind: ClusterPolicyKind, peer: ClusterPolicyPeerModel, field: string, egress: boolean): Problem[] {
  const set = fieldsSet(peer);
  const allowed = egress
    ? ['namespaces', 'pods', 'networks', 'nodes', ...(kind === ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? [] : ['domainNames'])]
    : ['namespaces', 'pods'];
  if (set.length !== 1) {
    return [{ field, message: `a peer must set exactly one of ${allowed.join(', ')}, got ${set.length === 0 ? 'none' : set.join(' and ')}` }];
  }
  if (!allowed.includes(set[0])) {
    return [{ field: `${field}.${set[0]}`, message: `${set[0]} is not a${egress ? 'n egress' : 'n ingress'} peer of ${aKind(kind)}; use one of ${allowed.join(', ')}` }];
  }
  if (peer.namespaces) return checkSelector(peer.namespaces, `${field}.namespaces`);
  if (peer.pods) return checkPods(peer.pods, `${field}.pods`);
  if (peer.nodes) return checkSelector(peer.nodes, `${field}.nodes`);
  if (peer.networks) return checkSet(peer.networks, `${field}.networks`, 'networks', checkNetwork);
  return checkSet(peer.domainNames!, `${field}.domainNames`, 'domainNames',
    name => (typeof name === 'string' && DOMAIN_NAME.test(name) ? undefined : `domain name ${JSON.stringify(name)} is not a domain name such as "example.com" or "*.example.com"`));
}

function checkClusterPort(kind: ClusterPolicyKind, port: ClusterPolicyPortModel, at: string, index: number): Problem[] {
  const field = (part: 'port' | 'endPort' | 'portName' | 'protocol') => `${at}.${clusterPortField(kind, port, index, part)}`;
  if ((port.port === undefined) === (port.portName === undefined)) {
    return [{ field: `${at}.${clusterPortsField(kind)}[${index}]`, message: `a port entry must give exactly one of a port number (or range) and a named port, got ${port.port === undefined ? 'neither' : 'both'}` }];
  }
  if (port.portName !== undefined) {
    if (typeof port.portName !== 'string') return [{ field: field('portName'), message: `a named port must be a string, got ${JSON.stringify(port.portName)}` }];
    return [];
  }
  const problems: Problem[] = [];
  if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
    problems.push({ field: field('protocol'), message: `protocol ${JSON.stringify(port.protocol)} is not one of TCP, UDP, SCTP` });
  }
  const portProblem = checkPortNumber(port.port!);
  if (portProblem) problems.push({ field: field('port'), message: portProblem });
  if (port.endPort !== undefined) {
    const endProblem = checkPortNumber(port.endPort);
    if (endProblem) problems.push({ field: field('endPort'), message: endProblem });
    else if (!portProblem && kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY && port.endPort <= port.port!) {
      problems.push({ field: field('endPort'), message: `range end ${port.endPort} is not greater than start ${port.port}; the CRD requires start < end (for one port, write number: ${port.port})` });
    }
  }
  return problems;
}

function checkClusterRules(policy: ClusterPolicyModel, direction: 'ingress' | 'egress'): Problem[] {
  const kind = policy.kind;
  const rules = (direction === 'ingress' ? policy.ingress : policy.egress) ?? [];
  const problems: Problem[] = [];
  const max = maxClusterPolicyRules(kind);
  if (rules.length > max) problems.push({ field: `spec.${direction}`, message: `${capital(aKind(kind))} may hold at most ${max} ${direction} rules, got ${rules.length}` });
  const actions = clusterPolicyActions(kind);
  const peersField = direction === 'ingress' ? 'from' : 'to';
  const maxPeers = kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY ? 25 : 100;
  rules.forEach((rule, i) => {
    const at = `spec.${direction}[${i}]`;
    if (rule.name !== undefined && (typeof rule.name !== 'string' || rule.name.length > 100)) {
      problems.push({ field: `${at}.name`, message: `a rule name must be a string of at most 100 characters, got ${typeof rule.name === 'string' ? `${rule.name.length} characters` : JSON.stringify(rule.name)}` });
    }
    if (!actions.includes(rule.action)) {
      const hint = rule.action === ClusterPolicyAction.ACCEPT || rule.action === ClusterPolicyAction.ALLOW
        ? ` (${kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY ? 'v1alpha2 says Accept' : 'v1alpha1 says Allow'})`
        : rule.action === ClusterPolicyAction.PASS ? ' (a BaselineAdminNetworkPolicy cannot pass)' : '';
      problems.push({ field: `${at}.action`, message: `action ${JSON.stringify(rule.action)} is not one of ${actions.join(', ')}${hint}` });
    }
    const peers = rule.peers ?? [];
    if (peers.length < 1 || peers.length > maxPeers) problems.push({ field: `${at}.${peersField}`, message: `${peersField} must list 1 to ${maxPeers} peers, got ${peers.length}` });
    peers.forEach((peer, j) => problems.push(...checkClusterPeer(kind, peer, `${at}.${peersField}[${j}]`, direction === 'egress')));
    if (rule.ports !== undefined) {
      const maxPorts = kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY ? 25 : 100;
      if (rule.ports.length < 1 || rule.ports.length > maxPorts) {
        problems.push({ field: `${at}.${clusterPortsField(kind)}`, message: `${clusterPortsField(kind)} must list 1 to ${maxPorts} entries when present (leave it out for every port), got ${rule.ports.length}` });
      }
      rule.ports.forEach((port, j) => problems.push(...checkClusterPort(kind, port, at, j)));
    }
  });
  return problems;
}

/**
 * Every problem the API server (the CRD's schema and CEL rules) would report for the policy, with manifest field
 * paths of its kind (`spec.egress[0].protocols[1].tcp.destinationPort.range.end`). Label selectors are held to the
 * rules of Kubernetes label selectors: the CRD does not check them, but no implementation can evaluate a bad one.
 */
export function checkClusterPolicy(policy: ClusterPolicyModel): Problem[] {
  const problems: Problem[] = [];
  const kind = policy.kind;
  if (!Object.values(ClusterPolicyKind).includes(kind)) {
    return [{ field: 'kind', message: `kind ${JSON.stringify(kind)} is not one of ${Object.values(ClusterPolicyKind).join(', ')}` }];
  }
  if (policy.apiVersion !== clusterPolicyApiVersion(kind)) {
    problems.push({ field: 'apiVersion', message: `${capital(aKind(kind))} is modelled at apiVersion ${clusterPolicyApiVersion(kind)}, got ${JSON.stringify(policy.apiVersion)}` });
  }
  const nameProblem = checkObjectName(policy.name);
  if (nameProblem) problems.push({ field: 'metadata.name', message: nameProblem });
  if (kind === ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY && policy.name !== 'default') {
    problems.push({ field: 'metadata.name', message: `a BaselineAdminNetworkPolicy must be named "default" (there is one per cluster), got ${JSON.stringify(policy.name)}` });
  }
  const tiers: ClusterPolicyTier[] = kind === ClusterPolicyKind.ADMIN_NETWORK_POLICY ? [ClusterPolicyTier.ADMIN]
    : kind === ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? [ClusterPolicyTier.BASELINE] : [ClusterPolicyTier.ADMIN, ClusterPolicyTier.BASELINE];
  if (!tiers.includes(policy.tier)) {
    problems.push({ field: 'spec.tier', message: `tier ${JSON.stringify(policy.tier)} is not ${tiers.length > 1 ? `one of ${tiers.join(', ')}` : `the tier of ${aKind(kind)} (${tiers[0]})`}` });
  }
  if (kind === ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY) {
    if (policy.priority !== undefined) problems.push({ field: 'spec.priority', message: 'a BaselineAdminNetworkPolicy has no priority (there is only one)' });
  } else if (policy.priority === undefined) {
    problems.push({ field: 'spec.priority', message: `${capital(aKind(kind))} needs a priority from 0 to 1000 (lower numbers are evaluated first)` });
  } else if (typeof policy.priority !== 'number' || !Number.isInteger(policy.priority) || policy.priority < 0 || policy.priority > 1000) {
    problems.push({ field: 'spec.priority', message: `priority ${JSON.stringify(policy.priority)} is not an integer from 0 to 1000` });
  }
  problems.push(...checkSubject(policy.subject ?? {}));
  problems.push(...checkClusterRules(policy, 'ingress'));
  problems.push(...checkClusterRules(policy, 'egress'));
  return problems;
}

/**
 * What the analysis reads with an assumption worth telling (the policy is still analysed): peers it cannot match
 * (nodes, domain names), a named port next to an address peer (the experimental channel's CRD rejects that pair;
 * the name matches nothing on addresses), and a v1alpha1 port range that ends before it starts (matches no port).
 */
export function clusterPolicyWarnings(policy: ClusterPolicyModel): Problem[] {
  const problems: Problem[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const peersField = direction === 'ingress' ? 'from' : 'to';
    ((direction === 'ingress' ? policy.ingress : policy.egress) ?? []).forEach((rule, i) => {
      const at = `spec.${direction}[${i}]`;
      (rule.peers ?? []).forEach((peer, j) => {
        if (peer.nodes) problems.push({ field: `${at}.${peersField}[${j}].nodes`, message: 'node addresses are not modelled: the analysis matches no address with a nodes peer, so what this rule does to traffic to nodes is left out' });
        if (peer.domainNames) problems.push({ field: `${at}.${peersField}[${j}].domainNames`, message: 'name resolution is not modelled: the analysis matches no address with a domainNames peer, so what this rule does to those destinations is left out' });
      });
      const addressPeer = (rule.peers ?? []).some(p => p.networks || p.nodes || p.domainNames);
      (rule.ports ?? []).forEach((port, j) => {
        if (addressPeer && port.portName !== undefined) {
          problems.push({ field: `${at}.${clusterPortField(policy.kind, port, j, 'portName')}`, message: `named port "${port.portName}" in a rule with a networks, nodes or domainNames peer: those have no named ports, so it matches nothing there (the experimental channel's CRD rejects this pair)` });
        }
        if (policy.kind !== ClusterPolicyKind.CLUSTER_NETWORK_POLICY && port.port !== undefined && port.endPort !== undefined && port.endPort < port.port) {
          problems.push({ field: `${at}.${clusterPortField(policy.kind, port, j, 'endPort')}`, message: `port range ${port.port}-${port.endPort} ends before it starts: it matches no port` });
        }
      });
    });
  }
  return problems;
}
