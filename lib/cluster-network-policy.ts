import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Checker } from './checker';
import { ClusterPeer, ClusterSubject } from './cluster-peer';
import { ErrorCode, fail, NetpolError, requireArray, requireObject, requireValue } from './errors';
import {
  checkClusterPolicy, ClusterPolicyAction, ClusterPolicyKind, ClusterPolicyModel, ClusterPolicyPeerModel,
  ClusterPolicyPortModel, ClusterPolicyRuleModel, ClusterPolicySubjectModel, ClusterPolicyTier, clusterPolicyWarnings,
} from './model/cluster-policy';
import { renderSelector } from './model/render';
import { Protocol } from './model/types';
import { Problem } from './model/validation';
import { checkMetadata, notePatched, restorePrototypeInstanceof } from './network-policy';
import { Port, portsToModel } from './port';
import { dnsWord } from './selector';
import { addSuppression, SUPPRESS_ANNOTATION } from './suppress';

/** Set on every ClusterNetworkPolicy (and building block made of one). */
const CLUSTER_NETWORK_POLICY = Symbol.for('cdk8s-netpol.ClusterNetworkPolicy');

/**
 * The version of the cluster-wide policy API (kubernetes-sigs/network-policy-api) a `ClusterNetworkPolicy` is
 * written as. Use the version the cluster's CNI implements.
 */
export enum ClusterPolicyApi {
  /**
   * `policy.networking.k8s.io/v1alpha2` `ClusterNetworkPolicy`, with `spec.tier` Admin or Baseline, actions
   * Accept, Deny and Pass, and ports as `protocols` (`tcp.destinationPort.number`, `...range`,
   * `destinationNamedPort`).
   */
  V1ALPHA2 = 'policy.networking.k8s.io/v1alpha2',
  /**
   * `policy.networking.k8s.io/v1alpha1`: an `AdminNetworkPolicy` for the Admin tier, the cluster's one
   * `BaselineAdminNetworkPolicy` (named `default`, without priority, without Pass) for the Baseline tier; actions
   * Allow, Deny and Pass, and `ports` (`portNumber`, `portRange`, `namedPort`).
   */
  V1ALPHA1 = 'policy.networking.k8s.io/v1alpha1',
}

/** One ingress or egress rule of a `ClusterNetworkPolicy`: what to do with traffic from/to any of the peers, on any of the ports. */
export interface ClusterNetworkPolicyRule {
  /**
   * The rule's name (at most 100 characters), shown by implementations in logs and status.
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * What the rule does with the traffic it matches. `ClusterPolicyAction.ACCEPT` and `ClusterPolicyAction.ALLOW`
   * mean the same and render as the version's word (v1alpha2 Accept, v1alpha1 Allow).
   */
  readonly action: ClusterPolicyAction;
  /** The peers (`from` for ingress, `to` for egress), any of which matches (OR): 1 to 25 (v1alpha1: 100). */
  readonly peers: ClusterPeer[];
  /**
   * The ports, any of which matches. Say `[Port.allTraffic()]` for every port of every protocol; `Port.allTcp()`
   * renders as the range 1-65535 (the API has no "every port of a protocol"); a named port matches the
   * destination's container port of that name whatever its protocol (the API's experimental channel).
   */
  readonly ports: Port[];
}

/** Options every cluster-wide policy of this library takes. */
export interface ClusterPolicyOptions {
  /**
   * `metadata.name`: a DNS-1123 subdomain, unique among the cluster's policies of its kind.
   * @default - the construct id in DNS form (a v1alpha1 Baseline policy: `default`, the only name it may have)
   */
  readonly name?: string;
  /**
   * The API version to write: v1alpha2 `ClusterNetworkPolicy`, or v1alpha1 `AdminNetworkPolicy` /
   * `BaselineAdminNetworkPolicy` for clusters whose CNI implements that version.
   * @default ClusterPolicyApi.V1ALPHA2
   */
  readonly apiVersion?: ClusterPolicyApi;
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
}

/** Props of `ClusterNetworkPolicy`. */
export interface ClusterNetworkPolicyProps extends ClusterPolicyOptions {
  /** The tier: Admin (before NetworkPolicies, which cannot override it) or Baseline (only for pods no NetworkPolicy isolates). */
  readonly tier: ClusterPolicyTier;
  /**
   * 0 to 1000: within the tier, lower numbers are evaluated first. Give each policy its own priority: where two
   * policies of one priority match a connection, implementations may apply either. Not written for a v1alpha1
   * Baseline policy, which has none.
   */
  readonly priority: number;
  /** The pods the policy applies to. */
  readonly subject: ClusterSubject;
  /**
   * Ingress rules, in precedence order (the first that matches decides); more with `addIngressRule()`.
   * @default - none
   */
  readonly ingress?: ClusterNetworkPolicyRule[];
  /**
   * Egress rules, in precedence order (the first that matches decides); more with `addEgressRule()`.
   * @default - none
   */
  readonly egress?: ClusterNetworkPolicyRule[];
}

interface StoredRule {
  readonly name?: string;
  readonly action: ClusterPolicyAction;
  readonly peers: ClusterPeer[];
  readonly ports: Port[];
}

/**
 * A cluster-wide network policy of kubernetes-sigs/network-policy-api: rules the platform sets for every namespace,
 * with actions (Accept, Deny, Pass) evaluated in order, in the Admin tier (before NetworkPolicies, which cannot
 * override it) or the Baseline tier (for pods no NetworkPolicy isolates). Written as a v1alpha2
 * `ClusterNetworkPolicy`, or, with `apiVersion: ClusterPolicyApi.V1ALPHA1`, as an `AdminNetworkPolicy` or the
 * cluster's `BaselineAdminNetworkPolicy`.
 *
 * Everything the CRD's schema and CEL rules would reject throws a `NetpolError` at the line that wrote it. The
 * construct is the manifest object itself (an `ApiObject`, cluster-scoped: it carries no namespace); rules can be
 * added after construction. The analysis (`analyze()`, the matchers) reads it through `toModel()`.
 *
 * @example
 * new ClusterNetworkPolicy(chart, 'deny-metadata', {
 *   tier: ClusterPolicyTier.ADMIN,
 *   priority: 10,
 *   subject: ClusterSubject.namespaces(Selector.all()),
 *   egress: [{ action: ClusterPolicyAction.DENY, peers: [ClusterPeer.networks(['169.254.169.254/32'])], ports: [Port.allTraffic()] }],
 * });
 * @see https://network-policy-api.sigs.k8s.io/api-overview/
 */
export class ClusterNetworkPolicy extends ApiObject {
  /** Whether `x` is a ClusterNetworkPolicy of this library (any building block made of one). */
  public static isClusterNetworkPolicy(x: any): x is ClusterNetworkPolicy {
    return x !== null && typeof x === 'object' && CLUSTER_NETWORK_POLICY in x;
  }

  /** The tier. */
  public readonly tier: ClusterPolicyTier;
  /** The priority; undefined for a v1alpha1 Baseline policy, which has none. */
  public readonly priority?: number;
  /** The pods the policy applies to. */
  public readonly subject: ClusterSubject;
  /** The API version it is written as. */
  public readonly policyApi: ClusterPolicyApi;

  private readonly policyKind: ClusterPolicyKind;
  private readonly labels?: { [key: string]: string };
  private readonly annotations: { [key: string]: string };
  private readonly ingressRules: StoredRule[] = [];
  private readonly egressRules: StoredRule[] = [];

  constructor(scope: Construct, id: string, props: ClusterNetworkPolicyProps) {
    const api = `new ${new.target.name}(${JSON.stringify(id)})`;
    requireObject(api, 'the props', props, '{ tier: ClusterPolicyTier.ADMIN, priority: 10, subject: ClusterSubject.namespaces(Selector.all()), ... }');
    const policyApi = props.apiVersion ?? ClusterPolicyApi.V1ALPHA2;
    requireValue(api, 'apiVersion', policyApi, v => Object.values(ClusterPolicyApi).includes(v as ClusterPolicyApi), 'ClusterPolicyApi.V1ALPHA2 or ClusterPolicyApi.V1ALPHA1');
    requireValue(api, 'tier', props.tier, t => Object.values(ClusterPolicyTier).includes(t as ClusterPolicyTier), 'ClusterPolicyTier.ADMIN or ClusterPolicyTier.BASELINE');
    requireValue(api, 'subject', props.subject, s => s instanceof ClusterSubject, 'a ClusterSubject, e.g. ClusterSubject.namespaces(Selector.all())');
    const kind = kindOf(policyApi, props.tier);
    const baselineV1 = kind === ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY;
    if (baselineV1 && props.name !== undefined && props.name !== 'default') {
      fail(ErrorCode.INVALID_NAME, api, `name ${JSON.stringify(props.name)}: a v1alpha1 BaselineAdminNetworkPolicy must be named "default" (there is one per cluster). Leave name out, or write the Baseline tier as v1alpha2 (apiVersion: ClusterPolicyApi.V1ALPHA2), which takes any name.`);
    }
    const self: { policy?: ClusterNetworkPolicy } = {};
    super(scope, id, {
      apiVersion: policyApi,
      kind,
      metadata: { name: props.name ?? (baselineV1 ? 'default' : dnsWord(id)), labels: props.labels, annotations: props.annotations },
      // Checked as it renders, once per synth: rules may be added after construction.
      spec: Lazy.any({ produce: () => renderClusterPolicySpec(self.policy!.checkedModel()) }),
    });
    self.policy = this;
    Object.defineProperty(this, CLUSTER_NETWORK_POLICY, { value: true });
    // Cluster-scoped: cdk8s would give it the chart's namespace.
    if (this.metadata.namespace !== undefined) super.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    checkMetadata(api, props.labels, props.annotations);

    this.policyApi = policyApi;
    this.policyKind = kind;
    this.tier = props.tier;
    this.priority = baselineV1 ? undefined : props.priority;
    this.subject = props.subject;
    this.labels = props.labels;
    this.annotations = { ...props.annotations };

    const ingress = props.ingress === undefined ? [] : requireArray(api, 'ingress', props.ingress, isObject, '{ action: ClusterPolicyAction.DENY, peers: [...], ports: [...] }');
    const egress = props.egress === undefined ? [] : requireArray(api, 'egress', props.egress, isObject, '{ action: ClusterPolicyAction.DENY, peers: [...], ports: [...] }');
    ingress.forEach((rule, i) => this.ingressRules.push(storedRule(api, `ingress[${i}]`, rule)));
    egress.forEach((rule, i) => this.egressRules.push(storedRule(api, `egress[${i}]`, rule)));
    throwProblems(api, this.problemsNow());
    registerName(this, api);
    Checker._register(this);
  }

  /**
   * Appends an ingress rule (evaluated after the rules before it).
   * @param rule the action, the peers it applies to, and the ports
   */
  public addIngressRule(rule: ClusterNetworkPolicyRule): void {
    this.addRule('ingress', rule, `${this.constructor.name}(${JSON.stringify(this.node.id)}).addIngressRule()`);
  }

  /**
   * Appends an egress rule (evaluated after the rules before it).
   * @param rule the action, the peers it applies to, and the ports
   */
  public addEgressRule(rule: ClusterNetworkPolicyRule): void {
    this.addRule('egress', rule, `${this.constructor.name}(${JSON.stringify(this.node.id)}).addEgressRule()`);
  }

  /** The policy as plain data, as the analysis engine reads it (actions in the words of its API version). */
  public toModel(): ClusterPolicyModel {
    return this.buildModel();
  }

  /**
   * Applies RFC-6902 JSON patches to the synthesized manifest, as `ApiObject.addJsonPatch()` does. The analysis
   * then reads the patched manifest, not `toModel()`, and synthesis fails at this construct if the patched manifest
   * is one the API server would reject.
   * @param ops the JSON-Patch operations
   */
  public addJsonPatch(...ops: JsonPatch[]): void {
    super.addJsonPatch(...ops);
    notePatched(this, this.policyKind, () => {
      this.checkedModel();
      return super.toJson();
    });
  }

  /**
   * Accepts the findings of checker rule `ruleId` (see RULES.md) on this policy, for a reason of at least 10
   * characters. Written as the `cdk8s-netpol.io/suppress` annotation, so synth, the cdk8s.yaml plugin and the CLI
   * all honour it; the findings are still reported, as suppressed.
   * @example guardrail.suppress('NP023', 'the monitoring Pass is a reviewed carve-out')
   */
  public suppress(ruleId: string, reason: string): void {
    const api = `${this.constructor.name}(${JSON.stringify(this.node.id)}).suppress()`;
    this.annotations[SUPPRESS_ANNOTATION] = addSuppression(api, this, this.annotations[SUPPRESS_ANNOTATION], ruleId, reason);
    Checker._touch(this);
  }

  private addRule(direction: 'ingress' | 'egress', rule: ClusterNetworkPolicyRule, api: string): void {
    requireObject(api, 'the rule', rule, '{ action: ClusterPolicyAction.DENY, peers: [...], ports: [...] }');
    const rules = direction === 'ingress' ? this.ingressRules : this.egressRules;
    const stored = storedRule(api, `${direction}[${rules.length}]`, rule);
    rules.push(stored);
    const problems = this.problemsNow();
    if (problems.length > 0) {
      rules.pop();
      throwProblems(api, problems);
    }
    Checker._touch(this);
  }

  private buildModel(): ClusterPolicyModel {
    const v2 = this.policyKind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY;
    const toRule = (rule: StoredRule): ClusterPolicyRuleModel => {
      const ports = clusterPorts(rule.ports);
      return {
        ...(rule.name !== undefined ? { name: rule.name } : {}),
        action: versionAction(rule.action, v2),
        peers: rule.peers.map(p => p.toModel()),
        ...(ports ? { ports } : {}),
      };
    };
    return {
      kind: this.policyKind,
      apiVersion: this.policyApi,
      name: this.name,
      tier: this.tier,
      ...(this.priority !== undefined ? { priority: this.priority } : {}),
      subject: this.subject.toModel(),
      ...(this.ingressRules.length > 0 ? { ingress: this.ingressRules.map(toRule) } : {}),
      ...(this.egressRules.length > 0 ? { egress: this.egressRules.map(toRule) } : {}),
      ...(this.labels && Object.keys(this.labels).length > 0 ? { labels: { ...this.labels } } : {}),
      ...(Object.keys(this.annotations).length > 0 ? { annotations: { ...this.annotations } } : {}),
      source: { constructPath: this.node.path },
    };
  }

  /**
   * What the CRD would reject in the policy as it is now; nothing while a workload's pod labels, which selectors of
   * `Selector.podsOf()` read, are still missing (they are read again, and checked, at synth).
   */
  private problemsNow(): Problem[] {
    let model: ClusterPolicyModel;
    try {
      model = this.buildModel();
    } catch (e) {
      if (e instanceof NetpolError && e.code === ErrorCode.INVALID_WORKLOAD) return [];
      throw e;
    }
    return this.problems(model);
  }

  /** What the CRD would reject: its schema and CEL rules (the model's checks), and a named port beside an address peer. */
  private problems(model: ClusterPolicyModel): Problem[] {
    const namedPortBesideAddresses = clusterPolicyWarnings(model).filter(p => /(destinationNamedPort|namedPort)$/.test(p.field));
    return [...checkClusterPolicy(model), ...namedPortBesideAddresses];
  }

  /** The model, after the checks only the whole policy allows; throws what the API server would reject. */
  private checkedModel(): ClusterPolicyModel {
    const subject = `${this.policyKind} "${this.name}" (${this.node.path})`;
    const model = this.buildModel();
    if (!model.ingress && !model.egress) {
      fail(ErrorCode.INVALID_POLICY, subject, 'it has no rules, so it does nothing. Add an ingress or egress rule (addIngressRule(), addEgressRule()), or remove it.');
    }
    throwProblems(subject, this.problems(model));
    return model;
  }
}

restorePrototypeInstanceof(ClusterNetworkPolicy);

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(api: ClusterPolicyApi, tier: ClusterPolicyTier): ClusterPolicyKind {
  if (api === ClusterPolicyApi.V1ALPHA2) return ClusterPolicyKind.CLUSTER_NETWORK_POLICY;
  return tier === ClusterPolicyTier.ADMIN ? ClusterPolicyKind.ADMIN_NETWORK_POLICY : ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY;
}

/** Accept and Allow are one action; each version has its own word for it. */
function versionAction(action: ClusterPolicyAction, v2: boolean): ClusterPolicyAction {
  if (action === ClusterPolicyAction.ACCEPT || action === ClusterPolicyAction.ALLOW) return v2 ? ClusterPolicyAction.ACCEPT : ClusterPolicyAction.ALLOW;
  return action;
}

/** Checks a rule's value types for untyped callers, and its ports, and keeps a copy. */
function storedRule(api: string, field: string, rule: ClusterNetworkPolicyRule): StoredRule {
  requireArray(api, `${field}.peers`, rule.peers, p => p instanceof ClusterPeer, 'ClusterPeer.namespaces(Selector.labels({ purpose: "monitoring" }))');
  requireArray(api, `${field}.ports`, rule.ports, p => p instanceof Port, 'Port.tcp(8080)');
  clusterPorts(rule.ports, `${api}: ${field}.ports`);
  return { name: rule.name, action: rule.action, peers: [...rule.peers], ports: [...rule.ports] };
}

/**
 * A rule's ports as cluster-policy port entries: undefined for `Port.allTraffic()` (no ports field), every port of
 * a protocol as the range 1-65535, duplicates dropped, order kept.
 */
function clusterPorts(ports: Port[], api = 'toModel()'): ClusterPolicyPortModel[] | undefined {
  const models = portsToModel(api, ports);
  if (!models) return undefined;
  const out: ClusterPolicyPortModel[] = [];
  const seen = new Set<string>();
  for (const port of models) {
    let entry: ClusterPolicyPortModel;
    if (port.portName !== undefined) {
      if (port.protocol !== Protocol.TCP) {
        fail(ErrorCode.INVALID_PORT, api, `named port ${port.protocol} ${port.portName}: a cluster policy's named port has no protocol (it matches the container port of that name, whatever its protocol). Write Port.named(${JSON.stringify(port.portName)}).`);
      }
      entry = { portName: port.portName };
    } else if (port.port === undefined) {
      entry = { protocol: port.protocol, port: 1, endPort: 65535 };
    } else {
      entry = port.endPort !== undefined ? { protocol: port.protocol, port: port.port, endPort: port.endPort } : { protocol: port.protocol, port: port.port };
    }
    const key = JSON.stringify(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  return out;
}

/** The error code of a problem the CRD would report, by its field. */
function problemCode(problem: Problem): ErrorCode {
  const field = problem.field;
  if (field === 'spec.priority' || /\.action$/.test(field)) return ErrorCode.INVALID_VALUE;
  if (field === 'metadata.name') return ErrorCode.INVALID_NAME;
  if (/is not an? (ingress|egress) peer/.test(problem.message) || /\.(from|to)\[\d+\]$/.test(field)) return ErrorCode.INVALID_PEER;
  if (/\.(from|to)$/.test(field)) return ErrorCode.INVALID_PEERS;
  if (/\.networks(\[\d+\])?$/.test(field)) return ErrorCode.INVALID_CIDR;
  if (/(range|portRange)\.end$/.test(field)) return ErrorCode.INVALID_PORT_RANGE;
  if (/\.(protocols|ports)(\[\d+\]|$)/.test(field)) return ErrorCode.INVALID_PORTS;
  return ErrorCode.INVALID_POLICY;
}

function throwProblems(api: string, problems: Problem[]): void {
  if (problems.length === 0) return;
  fail(problemCode(problems[0]), api, `${problems.map(p => `${p.field}: ${p.message}`).join('; ')}.`);
}

/** Cluster policies by "kind/name", per construct tree, to reject a second policy with a taken name at once. */
const namesByRoot = new WeakMap<IConstruct, Map<string, string>>();

function registerName(policy: ClusterNetworkPolicy, api: string): void {
  const root = policy.node.root;
  let names = namesByRoot.get(root);
  if (!names) {
    names = new Map();
    namesByRoot.set(root, names);
  }
  const key = `${policy.kind}/${policy.name}`;
  const existing = names.get(key);
  if (existing !== undefined) {
    const singleton = policy.kind === ClusterPolicyKind.BASELINE_ADMIN_NETWORK_POLICY
      ? ' A cluster has one BaselineAdminNetworkPolicy: put all Baseline rules in it, or write the Baseline tier as v1alpha2 ClusterNetworkPolicies.'
      : ' Names are unique per kind in the cluster: pass a different `name`.';
    fail(ErrorCode.DUPLICATE_NAME, api, `a ${policy.kind} named "${policy.name}" already exists, defined at ${existing}; this one is at ${policy.node.path}.${singleton}`);
  }
  names.set(key, policy.node.path);
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering: model -> the spec of the kind's manifest.

/**
 * The `spec` of a cluster-wide policy manifest of the model's kind: v1alpha2 `tier`, `priority`, `subject`,
 * `ingress[].from`, `egress[].to`, `protocols`; v1alpha1 the same without `tier` (and without `priority` for a
 * BaselineAdminNetworkPolicy), with `ports`. cdk8s sorts the keys; list order is the model's.
 * @internal
 */
export function renderClusterPolicySpec(model: ClusterPolicyModel): any {
  const v2 = model.kind === ClusterPolicyKind.CLUSTER_NETWORK_POLICY;
  const spec: any = {};
  if (v2) spec.tier = model.tier;
  if (model.priority !== undefined) spec.priority = model.priority;
  spec.subject = renderSubject(model.subject);
  if (model.ingress) spec.ingress = model.ingress.map(rule => renderRule(rule, 'from', v2));
  if (model.egress) spec.egress = model.egress.map(rule => renderRule(rule, 'to', v2));
  return spec;
}

function renderSubject(subject: ClusterPolicySubjectModel): any {
  if (subject.namespaces) return { namespaces: renderSelector(subject.namespaces) };
  return { pods: { namespaceSelector: renderSelector(subject.pods!.namespaceSelector), podSelector: renderSelector(subject.pods!.podSelector) } };
}

function renderRule(rule: ClusterPolicyRuleModel, peersField: 'from' | 'to', v2: boolean): any {
  const out: any = {};
  if (rule.name !== undefined) out.name = rule.name;
  out.action = rule.action;
  out[peersField] = rule.peers.map(renderPeer);
  if (rule.ports) out[v2 ? 'protocols' : 'ports'] = rule.ports.map(p => (v2 ? renderProtocol(p) : renderV1alpha1Port(p)));
  return out;
}

function renderPeer(peer: ClusterPolicyPeerModel): any {
  if (peer.namespaces) return { namespaces: renderSelector(peer.namespaces) };
  if (peer.pods) return { pods: { namespaceSelector: renderSelector(peer.pods.namespaceSelector), podSelector: renderSelector(peer.pods.podSelector) } };
  if (peer.networks) return { networks: [...peer.networks] };
  if (peer.nodes) return { nodes: renderSelector(peer.nodes) };
  return { domainNames: [...(peer.domainNames ?? [])] };
}

/** A v1alpha2 `protocols` entry: `{tcp: {destinationPort: {number | range}}}` or `{destinationNamedPort}`. */
function renderProtocol(port: ClusterPolicyPortModel): any {
  if (port.portName !== undefined) return { destinationNamedPort: port.portName };
  const destinationPort = port.endPort !== undefined ? { range: { start: port.port, end: port.endPort } } : { number: port.port };
  return { [String(port.protocol ?? Protocol.TCP).toLowerCase()]: { destinationPort } };
}

/** A v1alpha1 `ports` entry: `{portNumber: {protocol, port}}`, `{portRange: {protocol, start, end}}` or `{namedPort}`. */
function renderV1alpha1Port(port: ClusterPolicyPortModel): any {
  if (port.portName !== undefined) return { namedPort: port.portName };
  const protocol = port.protocol ?? Protocol.TCP;
  return port.endPort !== undefined
    ? { portRange: { protocol, start: port.port, end: port.endPort } }
    : { portNumber: { protocol, port: port.port } };
}
