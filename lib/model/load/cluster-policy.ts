/**
 * Cluster-scoped policy manifests -> ClusterPolicyModel: v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy,
 * v1alpha2 ClusterNetworkPolicy. What the CRD's schema rejects in the structure (a value of the wrong type, a
 * missing required field, a field the schema does not know, which `kubectl apply`'s strict validation refuses, a
 * port entry with two forms) is collected as problems with manifest field paths; value rules (ranges, counts,
 * actions, exactly one peer form) are left to checkClusterPolicy.
 */
import {
  CLUSTER_POLICY_V1ALPHA1, CLUSTER_POLICY_V1ALPHA2, ClusterPolicyAction, ClusterPolicyKind, ClusterPolicyModel,
  ClusterPolicyPeerModel, ClusterPolicyPodsModel, ClusterPolicyPortModel, ClusterPolicyRuleModel, ClusterPolicySubjectModel,
  ClusterPolicyTier,
} from '../cluster-policy';
import { Protocol, SelectorModel, SourceModel } from '../types';
import { Problem } from '../validation';
import { isObject, Json } from './kinds';
import { readLabels } from './objects';
import { parseSelector } from './policy';

/** The kind a cluster-scoped policy object is read as, or undefined when its kind and apiVersion are not modelled. */
export function clusterPolicyKindOf(kind: string, apiVersion: unknown): ClusterPolicyKind | undefined {
  if (apiVersion === CLUSTER_POLICY_V1ALPHA1 && (kind === ClusterPolicyKind.ADMIN_NETWORK_POLICY || kind === ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY)) {
    return kind as ClusterPolicyKind;
  }
  if (apiVersion === CLUSTER_POLICY_V1ALPHA2 && kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY) return ClusterPolicyKind.CLUSTER_NETWORK_POLICY;
  return undefined;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Reports every key of `value` not in `known`, as kubectl's strict field validation does; `hints` explain likely mix-ups. */
function unknownFields(value: Json, known: readonly string[], field: string, problems: Problem[], hints: { [key: string]: string } = {}): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    problems.push({ field: field ? `${field}.${key}` : key, message: `unknown field "${key}"${hints[key] ? `: ${hints[key]}` : ''}; kubectl apply's strict validation rejects it (known fields: ${known.join(', ')})` });
  }
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function selector(value: unknown, field: string, problems: Problem[]): SelectorModel {
  if (isObject(value)) unknownFields(value, ['matchLabels', 'matchExpressions'], field, problems);
  return parseSelector(value, field, problems);
}

/** What a parse found: problems the API server rejects, and warnings about what is read with an assumption. */
export interface ParseFindings {
  /** What the CRD rejects: the policy is left out. */
  readonly problems: Problem[];
  /** What is read with an assumption: the policy is analysed. */
  readonly warnings: Problem[];
}

function pods(value: unknown, field: string, kind: ClusterPolicyKind, found: ParseFindings): ClusterPolicyPodsModel {
  const problems = found.problems;
  if (!isObject(value)) {
    problems.push({ field, message: `pods must be a map with namespaceSelector and podSelector, got ${show(value)}` });
    return { namespaceSelector: {}, podSelector: {} };
  }
  unknownFields(value, ['namespaceSelector', 'podSelector'], field, problems);
  // The CRD requires both selectors in v1alpha1 and podSelector in v1alpha2 (which reads a missing namespaceSelector
  // as {}). Go clients always send both (the fields are not pointers), so manifests written for them, such as the
  // API's own conformance inputs, leave them out: read as {}, with a warning that kubectl apply would refuse it.
  const required = kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY ? ['podSelector'] : ['namespaceSelector', 'podSelector'];
  for (const key of required) {
    if (!present(value[key])) {
      found.warnings.push({ field: `${field}.${key}`, message: `${key} is missing: read as {} (every ${key === 'podSelector' ? 'pod' : 'namespace'}), as Go clients send it; the CRD requires it, so kubectl apply rejects this manifest. Write ${key}: {}` });
    }
  }
  return { namespaceSelector: selector(value.namespaceSelector, `${field}.namespaceSelector`, problems), podSelector: selector(value.podSelector, `${field}.podSelector`, problems) };
}

function subject(value: unknown, kind: ClusterPolicyKind, found: ParseFindings): ClusterPolicySubjectModel {
  const problems = found.problems;
  const field = 'spec.subject';
  if (!present(value)) {
    problems.push({ field, message: 'subject is required: namespaces: {...} or pods: {namespaceSelector, podSelector}' });
    return {};
  }
  if (!isObject(value)) {
    problems.push({ field, message: `subject must be a map with namespaces or pods, got ${show(value)}` });
    return {};
  }
  unknownFields(value, ['namespaces', 'pods'], field, problems, { namespaceSelector: 'write namespaces: {matchLabels: ...}', podSelector: 'write pods: {namespaceSelector: ..., podSelector: ...}' });
  const out: { namespaces?: SelectorModel; pods?: ClusterPolicyPodsModel } = {};
  if (present(value.namespaces)) out.namespaces = selector(value.namespaces, `${field}.namespaces`, problems);
  if (present(value.pods)) out.pods = pods(value.pods, `${field}.pods`, kind, found);
  return out;
}

function stringList(value: unknown, field: string, what: string, problems: Problem[]): string[] {
  if (!Array.isArray(value)) {
    problems.push({ field, message: `${what} must be a list of strings, got ${show(value)}` });
    return [];
  }
  value.forEach((v, i) => {
    if (typeof v !== 'string') problems.push({ field: `${field}[${i}]`, message: `${what} entries must be strings, got ${show(v)}; quote it in YAML` });
  });
  return value.filter((v): v is string => typeof v === 'string');
}

const PEER_HINTS = {
  namespaceSelector: 'a cluster policy peer is written namespaces: {matchLabels: ...} or pods: {namespaceSelector, podSelector}',
  podSelector: 'a cluster policy peer is written pods: {namespaceSelector: ..., podSelector: ...}',
  ipBlock: 'a cluster policy peer is written networks: [CIDR, ...]',
};

function peer(value: unknown, field: string, kind: ClusterPolicyKind, found: ParseFindings): ClusterPolicyPeerModel {
  const problems = found.problems;
  if (!isObject(value)) {
    problems.push({ field, message: `a peer must be a map with one of namespaces, pods, networks, nodes, got ${show(value)}` });
    return {};
  }
  unknownFields(value, ['namespaces', 'pods', 'networks', 'nodes', 'domainNames'], field, problems, PEER_HINTS);
  const out: { -readonly [K in keyof ClusterPolicyPeerModel]: ClusterPolicyPeerModel[K] } = {};
  if (present(value.namespaces)) out.namespaces = selector(value.namespaces, `${field}.namespaces`, problems);
  if (present(value.pods)) out.pods = pods(value.pods, `${field}.pods`, kind, found);
  if (present(value.nodes)) out.nodes = selector(value.nodes, `${field}.nodes`, problems);
  if (present(value.networks)) out.networks = stringList(value.networks, `${field}.networks`, 'networks', problems);
  if (present(value.domainNames)) out.domainNames = stringList(value.domainNames, `${field}.domainNames`, 'domainNames', problems);
  return out;
}

function integer(value: unknown, field: string, what: string, problems: Problem[]): number | undefined {
  if (!present(value)) {
    problems.push({ field, message: `${what} is required` });
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.push({ field, message: `${what} must be an integer, got ${show(value)}` });
    return undefined;
  }
  return value;
}

function protocolOf(value: unknown, field: string, problems: Problem[]): Protocol {
  if (!present(value)) return Protocol.TCP; // the CRD's default
  if (typeof value !== 'string') problems.push({ field, message: `protocol must be a string (TCP, UDP or SCTP), got ${show(value)}` });
  return value as Protocol;
}

/** A v1alpha1 `ports` entry: exactly one of portNumber, portRange, namedPort. */
function v1alpha1Port(value: unknown, field: string, problems: Problem[]): ClusterPolicyPortModel | undefined {
  if (!isObject(value)) {
    problems.push({ field, message: `a port entry must be a map with one of portNumber, portRange, namedPort, got ${show(value)}` });
    return undefined;
  }
  unknownFields(value, ['portNumber', 'portRange', 'namedPort'], field, problems, { port: 'write portNumber: {protocol, port}', protocol: 'write portNumber: {protocol, port}' });
  const forms = ['portNumber', 'portRange', 'namedPort'].filter(k => present(value[k]));
  if (forms.length !== 1) {
    problems.push({ field, message: `a port entry must set exactly one of portNumber, portRange, namedPort, got ${forms.length === 0 ? 'none' : forms.join(' and ')}` });
    return undefined;
  }
  if (forms[0] === 'namedPort') {
    if (typeof value.namedPort !== 'string') problems.push({ field: `${field}.namedPort`, message: `namedPort must be a string, got ${show(value.namedPort)}` });
    return { portName: String(value.namedPort) };
  }
  const body = value[forms[0]];
  const at = `${field}.${forms[0]}`;
  if (!isObject(body)) {
    problems.push({ field: at, message: `${forms[0]} must be a map, got ${show(body)}` });
    return undefined;
  }
  const protocol = protocolOf(body.protocol, `${at}.protocol`, problems);
  if (forms[0] === 'portNumber') {
    unknownFields(body, ['protocol', 'port'], at, problems);
    const port = integer(body.port, `${at}.port`, 'port', problems);
    return port === undefined ? undefined : { protocol, port };
  }
  unknownFields(body, ['protocol', 'start', 'end'], at, problems);
  const start = integer(body.start, `${at}.start`, 'start', problems);
  const end = integer(body.end, `${at}.end`, 'end', problems);
  return start === undefined || end === undefined ? undefined : { protocol, port: start, endPort: end };
}

const V1ALPHA2_PROTOCOLS: { [key: string]: Protocol } = { tcp: Protocol.TCP, udp: Protocol.UDP, sctp: Protocol.SCTP };

/** A v1alpha2 `protocols` entry: exactly one of tcp, udp, sctp (each with a destinationPort number or range) and destinationNamedPort. */
function v1alpha2Protocol(value: unknown, field: string, problems: Problem[]): ClusterPolicyPortModel | undefined {
  if (!isObject(value)) {
    problems.push({ field, message: `a protocols entry must be a map with one of tcp, udp, sctp, destinationNamedPort, got ${show(value)}` });
    return undefined;
  }
  unknownFields(value, ['tcp', 'udp', 'sctp', 'destinationNamedPort'], field, problems, { port: 'write tcp: {destinationPort: {number: PORT}}', protocol: 'write tcp:, udp: or sctp:' });
  const forms = ['tcp', 'udp', 'sctp', 'destinationNamedPort'].filter(k => present(value[k]));
  if (forms.length !== 1) {
    problems.push({ field, message: `a protocols entry must set exactly one of tcp, udp, sctp, destinationNamedPort, got ${forms.length === 0 ? 'none' : forms.join(' and ')}` });
    return undefined;
  }
  if (forms[0] === 'destinationNamedPort') {
    if (typeof value.destinationNamedPort !== 'string') problems.push({ field: `${field}.destinationNamedPort`, message: `destinationNamedPort must be a string, got ${show(value.destinationNamedPort)}` });
    return { portName: String(value.destinationNamedPort) };
  }
  const protocol = V1ALPHA2_PROTOCOLS[forms[0]];
  const at = `${field}.${forms[0]}`;
  const body = value[forms[0]];
  if (!isObject(body) || !present(body.destinationPort)) {
    problems.push({ field: at, message: `${forms[0]} needs destinationPort: {number: PORT} or {range: {start, end}} (the CRD rejects an empty ${forms[0]}; for every port write range: {start: 1, end: 65535})` });
    return undefined;
  }
  unknownFields(body, ['destinationPort'], at, problems);
  const dp = body.destinationPort;
  const dpAt = `${at}.destinationPort`;
  if (!isObject(dp)) {
    problems.push({ field: dpAt, message: `destinationPort must be a map with number or range, got ${show(dp)}` });
    return undefined;
  }
  unknownFields(dp, ['number', 'range'], dpAt, problems, { port: 'write number: PORT' });
  const dpForms = ['number', 'range'].filter(k => present(dp[k]));
  if (dpForms.length !== 1) {
    problems.push({ field: dpAt, message: `destinationPort must set exactly one of number and range, got ${dpForms.length === 0 ? 'none' : 'both'}` });
    return undefined;
  }
  if (dpForms[0] === 'number') {
    const port = integer(dp.number, `${dpAt}.number`, 'number', problems);
    return port === undefined ? undefined : { protocol, port };
  }
  const range = dp.range;
  if (!isObject(range)) {
    problems.push({ field: `${dpAt}.range`, message: `range must be a map with start and end, got ${show(range)}` });
    return undefined;
  }
  unknownFields(range, ['start', 'end'], `${dpAt}.range`, problems);
  const start = integer(range.start, `${dpAt}.range.start`, 'start', problems);
  const end = integer(range.end, `${dpAt}.range.end`, 'end', problems);
  return start === undefined || end === undefined ? undefined : { protocol, port: start, endPort: end };
}

function rules(value: unknown, direction: 'ingress' | 'egress', kind: ClusterPolicyKind, found: ParseFindings): ClusterPolicyRuleModel[] | undefined {
  const problems = found.problems;
  if (!present(value)) return undefined;
  const field = `spec.${direction}`;
  if (!Array.isArray(value)) {
    problems.push({ field, message: `${direction} must be a list of rules, got ${show(value)}` });
    return undefined;
  }
  const v2 = kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY;
  const peersField = direction === 'ingress' ? 'from' : 'to';
  const portsField = v2 ? 'protocols' : 'ports';
  const hints: { [key: string]: string } = v2
    ? { ports: 'v1alpha2 names this protocols: [{tcp: {destinationPort: {number: 80}}}, {destinationNamedPort: http}]' }
    : { protocols: 'v1alpha1 names this ports: [{portNumber: {protocol: TCP, port: 80}}, {namedPort: http}]' };
  const out: ClusterPolicyRuleModel[] = [];
  value.forEach((rule, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(rule)) {
      problems.push({ field: at, message: `a rule must be a map with name, action, ${peersField} and ${portsField}, got ${show(rule)}` });
      return;
    }
    unknownFields(rule, ['name', 'action', peersField, portsField], at, problems, { ...hints, [direction === 'ingress' ? 'to' : 'from']: `an ${direction} rule lists its peers under ${peersField}` });
    if (present(rule.name) && typeof rule.name !== 'string') problems.push({ field: `${at}.name`, message: `name must be a string, got ${show(rule.name)}` });
    if (!present(rule.action)) problems.push({ field: `${at}.action`, message: `action is required: ${v2 ? 'Accept' : 'Allow'}, Deny${kind === ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY ? '' : ' or Pass'}` });
    else if (typeof rule.action !== 'string') problems.push({ field: `${at}.action`, message: `action must be a string, got ${show(rule.action)}` });
    const peersValue = rule[peersField];
    let peers: ClusterPolicyPeerModel[] = [];
    if (!present(peersValue)) problems.push({ field: `${at}.${peersField}`, message: `${peersField} is required: at least one peer` });
    else if (!Array.isArray(peersValue)) problems.push({ field: `${at}.${peersField}`, message: `${peersField} must be a list of peers, got ${show(peersValue)}` });
    else peers = peersValue.map((p, j) => peer(p, `${at}.${peersField}[${j}]`, kind, found));
    let ports: ClusterPolicyPortModel[] | undefined;
    const portsValue = rule[portsField];
    if (present(portsValue)) {
      if (!Array.isArray(portsValue)) {
        problems.push({ field: `${at}.${portsField}`, message: `${portsField} must be a list, got ${show(portsValue)}` });
      } else {
        // An entry that does not read stays as {}, so that checks count and index the entries as written (its
        // problem is already reported at its field, which checkClusterPolicy's then repeats and the caller drops).
        ports = portsValue.map((p, j) => (v2 ? v1alpha2Protocol : v1alpha1Port)(p, `${at}.${portsField}[${j}]`, problems) ?? {});
      }
    }
    out.push({
      ...(typeof rule.name === 'string' ? { name: rule.name } : {}),
      action: rule.action as ClusterPolicyAction,
      peers,
      ...(ports ? { ports } : {}),
    });
  });
  return out;
}

/**
 * Reads a cluster-scoped policy manifest of the given kind; what its structure gets wrong is added to
 * `found.problems`, what is read with an assumption to `found.warnings`.
 */
export function parseClusterPolicy(object: Json, kind: ClusterPolicyKind, name: string, metadata: Json, source: SourceModel, found: ParseFindings): ClusterPolicyModel {
  const problems = found.problems;
  const spec = isObject(object.spec) ? object.spec : {};
  if (!isObject(object.spec)) problems.push({ field: 'spec', message: `${kind === ClusterPolicyKind.ADMIN_NETWORK_POLICY ? 'An' : 'A'} ${kind} needs a spec map, got ${show(object.spec)}` });
  const v2 = kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY;
  const known = v2 ? ['tier', 'priority', 'subject', 'ingress', 'egress']
    : kind === ClusterPolicyKind.ADMIN_NETWORK_POLICY ? ['priority', 'subject', 'ingress', 'egress'] : ['subject', 'ingress', 'egress'];
  unknownFields(spec, known, 'spec', problems, {
    tier: 'only a v1alpha2 ClusterNetworkPolicy has a tier',
    priority: 'a BaselineAdminNetworkPolicy has no priority (there is only one)',
  });
  let tier: ClusterPolicyTier;
  if (v2) {
    if (!present(spec.tier)) problems.push({ field: 'spec.tier', message: 'tier is required: Admin or Baseline' });
    tier = spec.tier as ClusterPolicyTier;
  } else {
    tier = kind === ClusterPolicyKind.ADMIN_NETWORK_POLICY ? ClusterPolicyTier.ADMIN : ClusterPolicyTier.BASELINE;
  }
  let priority: number | undefined;
  if (kind !== ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY) priority = integer(spec.priority, 'spec.priority', 'priority (0 to 1000, lower first)', problems);
  const labels = isObject(metadata.labels) ? readLabels(metadata.labels, 'metadata.labels', problems) : undefined;
  const annotations = isObject(metadata.annotations) ? metadata.annotations as { [key: string]: string } : undefined;
  const ingress = rules(spec.ingress, 'ingress', kind, found);
  const egress = rules(spec.egress, 'egress', kind, found);
  return {
    kind,
    apiVersion: v2 ? CLUSTER_POLICY_V1ALPHA2 : CLUSTER_POLICY_V1ALPHA1,
    name,
    tier,
    ...(priority !== undefined ? { priority } : {}),
    subject: subject(spec.subject, kind, found),
    ...(ingress ? { ingress } : {}),
    ...(egress ? { egress } : {}),
    ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
    source,
  };
}
